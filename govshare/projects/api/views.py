"""Project filing API: list (filters shared with the web list), file and edit, the live compliance checklist and
acceptance check, the workflow actions, documents; and the reviewer departments. Every action calls
projects.services, the same functions as the web pages."""

from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from govshare.core.api.viewsets import RestrictedModelViewSet, RestrictedQuerysetMixin
from govshare.users.choices import RoleChoices

from .. import services
from ..filtersets import ProjectFilterSet, ReviewerDepartmentFilterSet
from ..models import Project, ReviewerDepartment
from .serializers import (
    AcceptanceRequestSerializer,
    AcceptanceReviewSerializer,
    AttachmentsUploadSerializer,
    CheckItemSerializer,
    DecisionSerializer,
    OpinionSerializer,
    ProjectAttachmentSerializer,
    ProjectDetailSerializer,
    ProjectReviewSerializer,
    ProjectSerializer,
    ProjectWriteSerializer,
    ReviewerDepartmentSerializer,
)

__all__ = ["ProjectViewSet", "ReviewerDepartmentViewSet"]


class ProjectViewSet(
    RestrictedQuerysetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Project filing (项目备案). The construction unit sees its filings; the competent authority those of its
    jurisdiction; a reviewer department those sent to it.

    Workflow: create (department_admin, draft) → submit (a review round; compliance snapshot) → opinion (the
    development-reform and finance reviewers) → decide (the authority: approve only when compliant, refuse with
    reasons) → after a refusal: edit and submit again → request-acceptance → review-acceptance (accepted, or refused
    with what is missing)."""

    queryset = Project.objects.select_related("construction_unit", "created_by")
    filterset_class = ProjectFilterSet
    ordering_fields = ["created", "number", "name", "status", "submitted_at", "investment"]
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_serializer_class(self):
        if self.action in ("create", "update", "partial_update"):
            return ProjectWriteSerializer
        return ProjectSerializer if self.action == "list" else ProjectDetailSerializer

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.action == "list":
            return queryset
        return queryset.prefetch_related(
            "planned_resources", "systems", "attachments", "events__user", "events__department",
            "reviews__opinions__department", "reviews__opinions__given_by", "reviews__submitted_by",
            "reviews__decided_by",
        )

    def detail_response(self, project, status_code=status.HTTP_200_OK):
        project = self.get_queryset().get(pk=project.pk)
        return Response(ProjectDetailSerializer(project, context=self.get_serializer_context()).data, status_code)

    @staticmethod
    def _service_arguments(data):
        links = {name: data.pop(name) for name in ("planned_resources", "systems") if name in data}
        attachments = data.pop("attachments", [])
        return data, links, attachments

    @extend_schema(request=ProjectWriteSerializer, responses={201: ProjectDetailSerializer})
    def create(self, request, *args, **kwargs):
        """File a new project (draft)."""
        form = ProjectWriteSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        fields, links, attachments = self._service_arguments(dict(form.validated_data))
        project = services.create_project(user=request.user, fields=fields, attachments=attachments, **links)
        return self.detail_response(project, status.HTTP_201_CREATED)

    @extend_schema(request=ProjectWriteSerializer, responses=ProjectDetailSerializer)
    def update(self, request, *args, **kwargs):
        """Edit a draft or a refused filing (PATCH: only the fields given)."""
        project = self.get_object()
        form = ProjectWriteSerializer(data=request.data, partial=kwargs.get("partial", False))
        form.is_valid(raise_exception=True)
        fields, links, attachments = self._service_arguments(dict(form.validated_data))
        services.update_project(project, user=request.user, fields=fields, attachments=attachments, **links)
        return self.detail_response(project)

    def destroy(self, request, *args, **kwargs):
        """Delete a draft that was never submitted."""
        project = self.get_object()
        services.delete_project(project, user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(responses=CheckItemSerializer(many=True), filters=False)
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def compliance(self, request, pk=None):
        """The compliance checklist computed now (each item pass / fail / na with the reason)."""
        return Response(services.compliance_checklist(self.get_object()))

    @extend_schema(responses=CheckItemSerializer(many=True), filters=False)
    @action(detail=True, methods=["get"], url_path="acceptance-check", url_name="acceptance-check",
            filter_backends=[], pagination_class=None)
    def acceptance_check(self, request, pk=None):
        """The acceptance conditions checked now: systems registered, connected, resources mounted."""
        return Response(services.acceptance_check(self.get_object()))

    def workflow_action(self, request, service, arguments_serializer=None):
        project = self.get_object()
        arguments = {}
        if arguments_serializer is not None:
            form = arguments_serializer(data=request.data)
            form.is_valid(raise_exception=True)
            arguments = form.validated_data
        service(project, user=request.user, **arguments)
        return self.detail_response(project)

    @extend_schema(request=None, responses=ProjectDetailSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """Submit (draft or refused → submitted; a new review round with the compliance snapshot)."""
        return self.workflow_action(request, services.submit_project)

    @extend_schema(request=OpinionSerializer, responses=ProjectDetailSerializer)
    @action(detail=True, methods=["post"])
    def opinion(self, request, pk=None):
        """A reviewer department's opinion in the current round (agree / disagree with reasons)."""
        return self.workflow_action(request, services.give_opinion, OpinionSerializer)

    @extend_schema(request=DecisionSerializer, responses=ProjectDetailSerializer)
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        """The authority approves (only a compliant filing) or refuses (reasons required)."""
        return self.workflow_action(request, services.decide_project, DecisionSerializer)

    @extend_schema(request=AcceptanceRequestSerializer, responses=ProjectDetailSerializer)
    @action(detail=True, methods=["post"], url_path="request-acceptance", url_name="request-acceptance")
    def request_acceptance(self, request, pk=None):
        """The department asks for acceptance (approved or acceptance refused → acceptance requested)."""
        return self.workflow_action(request, services.request_acceptance, AcceptanceRequestSerializer)

    @extend_schema(request=AcceptanceReviewSerializer, responses=ProjectDetailSerializer)
    @action(detail=True, methods=["post"], url_path="review-acceptance", url_name="review-acceptance")
    def review_acceptance(self, request, pk=None):
        """The authority checks the conditions: accepted, or acceptance refused with what is missing."""
        return self.workflow_action(request, services.review_acceptance, AcceptanceReviewSerializer)

    @extend_schema(responses=ProjectReviewSerializer(many=True), filters=False)
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def reviews(self, request, pk=None):
        """Every review round, the latest first (the history kept across resubmissions)."""
        project = self.get_object()
        rounds = project.reviews.prefetch_related("opinions__department", "opinions__given_by")
        return Response(ProjectReviewSerializer(rounds, many=True, context=self.get_serializer_context()).data)

    @extend_schema(request=AttachmentsUploadSerializer, responses={201: ProjectAttachmentSerializer(many=True)})
    @action(detail=True, methods=["post"], url_path="attachments", url_name="attachments")
    def add_attachments(self, request, pk=None):
        """Upload documents (multipart `attachments`) while the filing can be edited."""
        project = self.get_object()
        form = AttachmentsUploadSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        added = services.add_attachments(project, user=request.user, files=form.validated_data["attachments"])
        data = ProjectAttachmentSerializer(added, many=True, context=self.get_serializer_context()).data
        return Response(data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY}, filters=False)
    @action(detail=True, methods=["get"], url_path=r"attachments/(?P<attachment_id>\d+)",
            url_name="attachment-download", filter_backends=[], pagination_class=None)
    def attachment_download(self, request, pk=None, attachment_id=None):
        """Download one document of a project the caller may see."""
        project = self.get_object()
        attachment = get_object_or_404(project.attachments.all(), pk=attachment_id)
        try:
            handle = attachment.file.open("rb")
        except FileNotFoundError as error:
            raise Http404(_("文件已不存在")) from error
        return FileResponse(handle, as_attachment=True, filename=attachment.name)

    def can_change(self, instance) -> bool:
        # Edits and deletion are the services' to check (status and role), with their own messages.
        return True


class ReviewerDepartmentViewSet(RestrictedModelViewSet):
    """The development-reform and finance departments of each jurisdiction (会审部门); platform admins keep them."""

    queryset = ReviewerDepartment.objects.select_related("department")
    serializer_class = ReviewerDepartmentSerializer
    filterset_class = ReviewerDepartmentFilterSet
    write_roles = (RoleChoices.PLATFORM_ADMIN,)

"""Objections API: list (filters shared with the web list), raise, detail with timeline, and the workflow actions.
Every action calls objections.services, the same functions as the web pages."""

from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from govshare.core.api.viewsets import RestrictedQuerysetMixin

from .. import services
from ..filtersets import ObjectionFilterSet
from ..models import Objection
from .serializers import (
    ObjectionAttachmentSerializer,
    ObjectionAttachmentsUploadSerializer,
    ObjectionCorrectSerializer,
    ObjectionCreateSerializer,
    ObjectionDetailSerializer,
    ObjectionRateSerializer,
    ObjectionRejectSerializer,
    ObjectionSerializer,
    ObjectionStartSerializer,
    ObjectionTransferSerializer,
)

__all__ = ["ObjectionViewSet"]


class ObjectionViewSet(
    RestrictedQuerysetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Objections (疑义纠错). The consumer department sees what it raised; the provider what concerns its resources
    (and what was transferred to it); the competent authority everything in its jurisdiction.

    Workflow: raise (data_consumer / department_admin) → start-verification → correct | reject (reasons required) |
    transfer (to another department, the deadline restarts) → rate (the consumer, 1–5) closes it."""

    queryset = Objection.objects.select_related(
        "resource", "field", "consumer", "provider", "handler", "raised_by", "answered_by"
    )
    filterset_class = ObjectionFilterSet
    ordering_fields = ["created", "deadline", "number", "status"]
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_serializer_class(self):
        return ObjectionSerializer if self.action == "list" else ObjectionDetailSerializer

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.action == "list":
            return queryset
        return queryset.prefetch_related(
            "attachments", "events__user", "events__department", "events__to_department"
        )

    def detail_response(self, objection, status_code=status.HTTP_200_OK):
        objection = self.get_queryset().get(pk=objection.pk)
        return Response(ObjectionDetailSerializer(objection, context=self.get_serializer_context()).data, status_code)

    @extend_schema(request=ObjectionCreateSerializer, responses={201: ObjectionDetailSerializer})
    def create(self, request, *args, **kwargs):
        """Raise an objection on a published resource of another department."""
        form = ObjectionCreateSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        objection = services.raise_objection(user=request.user, **form.validated_data)
        return self.detail_response(objection, status.HTTP_201_CREATED)

    def workflow_action(self, request, service, arguments_serializer):
        objection = self.get_object()
        form = arguments_serializer(data=request.data)
        form.is_valid(raise_exception=True)
        service(objection, user=request.user, **form.validated_data)
        return self.detail_response(objection)

    @extend_schema(request=ObjectionStartSerializer, responses=ObjectionDetailSerializer)
    @action(detail=True, methods=["post"], url_path="start-verification", url_name="start-verification")
    def start_verification(self, request, pk=None):
        """The handling department starts checking (submitted or transferred → verifying)."""
        return self.workflow_action(request, services.start_verification, ObjectionStartSerializer)

    @extend_schema(request=ObjectionCorrectSerializer, responses=ObjectionDetailSerializer)
    @action(detail=True, methods=["post"])
    def correct(self, request, pk=None):
        """The data was corrected (verifying → corrected); `correction_note` is required."""
        return self.workflow_action(request, services.correct, ObjectionCorrectSerializer)

    @extend_schema(request=ObjectionRejectSerializer, responses=ObjectionDetailSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        """The data stands (verifying → rejected); `reasons` are required."""
        return self.workflow_action(request, services.reject, ObjectionRejectSerializer)

    @extend_schema(request=ObjectionTransferSerializer, responses=ObjectionDetailSerializer)
    @action(detail=True, methods=["post"])
    def transfer(self, request, pk=None):
        """Pass to the department that holds the data, with the reason; its deadline starts now."""
        return self.workflow_action(request, services.transfer, ObjectionTransferSerializer)

    @extend_schema(request=ObjectionRateSerializer, responses=ObjectionDetailSerializer)
    @action(detail=True, methods=["post"])
    def rate(self, request, pk=None):
        """The consumer rates the answer 1–5 (corrected or rejected → closed)."""
        return self.workflow_action(request, services.rate, ObjectionRateSerializer)

    @extend_schema(
        request=ObjectionAttachmentsUploadSerializer, responses={201: ObjectionAttachmentSerializer(many=True)}
    )
    @action(detail=True, methods=["post"], url_path="attachments", url_name="attachments")
    def add_attachments(self, request, pk=None):
        """More evidence files from the consumer while the objection is open (multipart `attachments`)."""
        objection = self.get_object()
        form = ObjectionAttachmentsUploadSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        added = services.add_attachments(objection, user=request.user, files=form.validated_data["attachments"])
        data = ObjectionAttachmentSerializer(added, many=True, context=self.get_serializer_context()).data
        return Response(data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY}, filters=False)
    @action(
        detail=True, methods=["get"], url_path=r"attachments/(?P<attachment_id>\d+)",
        url_name="attachment-download", filter_backends=[], pagination_class=None,
    )
    def attachment_download(self, request, pk=None, attachment_id=None):
        """Download one evidence file of an objection the caller may see."""
        objection = self.get_object()
        attachment = get_object_or_404(objection.attachments.all(), pk=attachment_id)
        try:
            handle = attachment.file.open("rb")
        except FileNotFoundError as error:
            raise Http404(_("文件已不存在")) from error
        return FileResponse(handle, as_attachment=True, filename=attachment.name)

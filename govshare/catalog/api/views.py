"""Catalogue API: entries (browse, search with facets, create and edit with inline info items, the review
lifecycle, history), the review queue, the classification tree and update duties. Every action calls
catalog.services, the same functions as the web pages."""

from django.db.models import OuterRef, Subquery
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from govshare.core.api.pagination import StandardPagination
from govshare.core.api.viewsets import RestrictedModelViewSet, RestrictedQuerysetMixin, RestrictedReadOnlyModelViewSet

from .. import services
from ..choices import VersionStatusChoices
from ..filtersets import ClassificationFilterSet, ResourceFilterSet, ResourceVersionFilterSet, UpdateDutyFilterSet
from ..models import Classification, Resource, ResourceVersion, UpdateDuty
from .serializers import (
    ApproveSerializer,
    ClassificationSerializer,
    CompleteDutySerializer,
    ReasonSerializer,
    ResourceDetailSerializer,
    ResourceSerializer,
    ReviewQueueSerializer,
    SubmitSerializer,
    UpdateDutySerializer,
    VersionHistorySerializer,
    sees_pending_change,
)

__all__ = ["ClassificationViewSet", "ResourceViewSet", "ReviewQueueViewSet", "UpdateDutyViewSet"]

PENDING_STATUSES = [VersionStatusChoices.DRAFT, VersionStatusChoices.SUBMITTED, VersionStatusChoices.RETURNED]
TRUE_VALUES = {"1", "true", "yes", "on"}


class FacetedPagination(StandardPagination):
    """The standard page, plus `facets` when the view computed them (`?facets=1`)."""

    facets = None

    def get_paginated_response(self, data):
        response = super().get_paginated_response(data)
        if self.facets is not None:
            response.data["facets"] = self.facets
        return response

    def get_paginated_response_schema(self, schema):
        schema = super().get_paginated_response_schema(schema)
        facet = {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"value": {}, "label": {"type": "string"}, "count": {"type": "integer"}},
            },
        }
        schema["properties"]["facets"] = {
            "type": "object",
            "description": "?facets=1: counts by provider, classification, share_type, open_type, format_category, "
            "update_cycle over the filtered entries",
            "additionalProperties": facet,
        }
        return schema


@extend_schema_view(
    list=extend_schema(parameters=[
        OpenApiParameter("facets", OpenApiTypes.BOOL, description="加上分面统计（按提供方、分类、共享类型等计数）"),
    ]),
)
class ResourceViewSet(RestrictedModelViewSet):
    """Catalogue entries (资源目录). Published and withdrawn entries are visible to everyone logged in; drafts and
    changes in progress to their department and the reviewers of its jurisdiction. Entries are never deleted:
    a published entry is withdrawn (注销)."""

    queryset = Resource.objects.select_related("classification", "provider", "provider_office").annotate(
        pending_change_status=Subquery(
            ResourceVersion.objects.filter(resource=OuterRef("pk"), status__in=PENDING_STATUSES).values("status")[:1]
        )
    )
    filterset_class = ResourceFilterSet
    pagination_class = FacetedPagination
    ordering_fields = ["name", "code", "published_on", "last_updated", "created", "status"]
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def get_serializer_class(self):
        return ResourceSerializer if self.action == "list" else ResourceDetailSerializer

    def get_queryset(self):
        queryset = super().get_queryset()
        return queryset if self.action == "list" else queryset.prefetch_related("items")

    def detail_response(self, resource, status_code=status.HTTP_200_OK):
        resource = self.get_queryset().prefetch_related("items").get(pk=resource.pk)
        return Response(ResourceDetailSerializer(resource, context=self.get_serializer_context()).data, status_code)

    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        if request.query_params.get("facets", "").lower() in TRUE_VALUES:
            from ..search import facet_counts

            self.paginator.facets = {
                name: [{"value": value, "label": label, "count": count} for value, label, count in rows]
                for name, rows in facet_counts(queryset).items()
            }
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        arguments = serializer.service_arguments()
        arguments.pop("change_summary")
        arguments["fields"].setdefault("provider", request.user.department_id)
        resource = services.create_entry(user=request.user, **arguments)
        return self.detail_response(resource, status.HTTP_201_CREATED)

    def lifecycle_action(self, request, service, arguments_serializer=None):
        """Run a lifecycle service on the entry with the request's validated arguments; answer with the entry."""
        resource = self.get_object()
        arguments = {}
        if arguments_serializer is not None:
            form = arguments_serializer(data=request.data)
            form.is_valid(raise_exception=True)
            arguments = form.validated_data
        service(resource, user=request.user, **arguments)
        return self.detail_response(resource)

    def update(self, request, *args, **kwargs):
        resource = self.get_object()
        serializer = self.get_serializer(resource, data=request.data, partial=kwargs.get("partial", False))
        serializer.is_valid(raise_exception=True)
        arguments = serializer.service_arguments(current=services.entry_data(resource))
        services.update_entry(resource, user=request.user, **arguments)
        return self.detail_response(resource)

    @extend_schema(request=SubmitSerializer, responses=ResourceDetailSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """Send a draft, a returned entry or a pending change for review."""
        return self.lifecycle_action(request, services.submit_entry, SubmitSerializer)

    @extend_schema(request=ReasonSerializer, responses=ResourceDetailSerializer)
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_entry(self, request, pk=None):
        """Return the entry or change in review to its department, with the reason (reviewers)."""
        return self.lifecycle_action(request, services.return_entry, ReasonSerializer)

    @extend_schema(request=ApproveSerializer, responses=ResourceDetailSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        """Approve and publish (reviewers); a first approval assigns the resource code."""
        return self.lifecycle_action(request, services.approve_entry, ApproveSerializer)

    @extend_schema(request=ReasonSerializer, responses=ResourceDetailSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        """Withdraw (注销) a published entry, with the reason; its code is never given again."""
        return self.lifecycle_action(request, services.withdraw_entry, ReasonSerializer)

    @extend_schema(request=None, responses=ResourceDetailSerializer)
    @action(detail=True, methods=["post"], url_path="discard-change", url_name="discard-change")
    def discard_change(self, request, pk=None):
        """Drop the pending change of a published entry (not while it is in review)."""
        return self.lifecycle_action(request, services.discard_change)

    @extend_schema(responses=VersionHistorySerializer(many=True), filters=False)
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def versions(self, request, pk=None):
        """Every version, newest first, each with its diff from the version before it. A change in progress is
        listed only to those who may see it."""
        resource = self.get_object()
        versions = list(resource.versions.select_related("created_by", "reviewed_by").order_by("number"))
        if not sees_pending_change(request.user, resource):
            versions = [version for version in versions if version.status not in PENDING_STATUSES]
        diffs, previous = {}, None
        for version in versions:
            diffs[version.pk] = _jsonable_diff(services.diff_snapshots(previous, version.snapshot))
            previous = version.snapshot
        context = {**self.get_serializer_context(), "diffs": diffs}
        return Response(VersionHistorySerializer(list(reversed(versions)), many=True, context=context).data)


def _jsonable_diff(diff):
    """(before, after) pairs as {"before", "after"}: clearer to a client than a two-element list."""

    def pairs(changes):
        return {name: {"before": before, "after": after} for name, (before, after) in changes.items()}

    return {
        "fields": pairs(diff["fields"]),
        "items_added": diff["items_added"],
        "items_removed": diff["items_removed"],
        "items_changed": {name: pairs(changes) for name, changes in diff["items_changed"].items()},
    }


class ReviewQueueViewSet(RestrictedReadOnlyModelViewSet):
    """Entries and changes waiting for review, within the caller's jurisdiction (reviewers); oldest first."""

    queryset = ResourceVersion.objects.select_related("resource", "resource__provider", "created_by")
    serializer_class = ReviewQueueSerializer
    filterset_class = ResourceVersionFilterSet
    ordering_fields = ["submitted_at", "number"]
    ordering = ["submitted_at", "id"]

    def restrict(self, queryset, action):
        reviewable = Resource.objects.restrict(self.request.user, "review")
        return queryset.filter(status=VersionStatusChoices.SUBMITTED, resource__in=reviewable)


class ClassificationViewSet(RestrictedReadOnlyModelViewSet):
    """The classification tree 类/项/目/细目, in code order (parents before children)."""

    queryset = Classification.objects.all()
    serializer_class = ClassificationSerializer
    filterset_class = ClassificationFilterSet
    ordering_fields = ["full_code", "name"]


class UpdateDutyViewSet(
    RestrictedQuerysetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Catalogue update duties: after a change of law or duties the catalogue must be updated within the
    configured working days (15 by default). Recorded by department administrators."""

    queryset = UpdateDuty.objects.select_related("department", "recorded_by")
    serializer_class = UpdateDutySerializer
    filterset_class = UpdateDutyFilterSet
    ordering_fields = ["due_on", "occurred_on", "completed_on", "created"]

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        duty = services.record_update_duty(
            user=request.user, department=data["department"], kind=data["kind"], title=data["title"],
            occurred_on=data["occurred_on"], description=data.get("description", ""),
        )
        return Response(self.get_serializer(duty).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=CompleteDutySerializer, responses=UpdateDutySerializer)
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        """Mark the catalogue as updated for this change (today unless `completed_on` is given)."""
        duty = self.get_object()
        form = CompleteDutySerializer(data=request.data)
        form.is_valid(raise_exception=True)
        duty = services.complete_update_duty(duty, user=request.user, completed_on=form.validated_data["completed_on"])
        return Response(self.get_serializer(duty).data)


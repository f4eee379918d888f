"""Mounting API: files (list, upload, detail, download), scheduled pulls (CRUD, run), the provider's API (CRUD,
secret write-only) and timeliness. Every write calls mounting.services, the same functions as the pages."""

from django.core.exceptions import PermissionDenied
from django.http import FileResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from govshare.audit.services import append as audit_append
from govshare.catalog.models import Resource
from govshare.core.api.viewsets import RestrictedModelViewSet, RestrictedQuerysetMixin

from .. import services
from ..choices import TimelinessChoices
from ..filtersets import ApiEndpointFilterSet, DataFileFilterSet, PullSourceFilterSet
from ..models import ApiEndpoint, DataFile, PullSource
from .serializers import (
    ApiEndpointSerializer,
    DataFileSerializer,
    DataFileUploadSerializer,
    PullSourceSerializer,
    TimelinessSerializer,
)

__all__ = ["ApiEndpointViewSet", "DataFileViewSet", "PullSourceViewSet", "TimelinessViewSet"]


def _resource(user, resource_id):
    resource = get_object_or_404(Resource.objects.all(), pk=resource_id)
    services.require_mountable(resource, user)
    return resource


class DataFileViewSet(RestrictedQuerysetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                      mixins.CreateModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet):
    """Files mounted behind the user's department's resources (文件挂接). Upload with multipart/form-data."""

    queryset = DataFile.objects.select_related("uploaded_by")
    serializer_class = DataFileSerializer
    filterset_class = DataFileFilterSet
    parser_classes = [MultiPartParser, FormParser, JSONParser]
    ordering_fields = ["created", "name", "size"]

    def get_serializer_class(self):
        return DataFileUploadSerializer if self.action == "create" else DataFileSerializer

    @extend_schema(request=DataFileUploadSerializer, responses={201: DataFileSerializer})
    def create(self, request, *args, **kwargs):
        form = DataFileUploadSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        data_file = services.upload_file(
            _resource(request.user, data["resource"]), data["file"], user=request.user, name=data["name"],
            description=data["description"],
        )
        return Response(DataFileSerializer(data_file).data, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance):
        services.delete_file(instance, user=self.request.user)

    @extend_schema(responses={(200, "application/octet-stream"): bytes})
    @action(detail=True, methods=["get"])
    def download(self, request, pk=None):
        """The file's content (the provider's own copy; consumers download through the exchange API)."""
        data_file = self.get_object()
        # Every data access is logged, the provider's own included, before a byte leaves.
        audit_append(user=request.user, action="download", resource=data_file.resource, record_count=1,
                     purpose=services.PROVIDER_CHECK_PURPOSE, detail={"file": data_file.pk, "name": data_file.name,
                                                             "sha256": data_file.sha256, "via": "api"})
        return FileResponse(
            services.open_file(data_file), as_attachment=True, filename=data_file.name,
            content_type=data_file.content_type or "application/octet-stream",
        )


class ApiEndpointViewSet(RestrictedModelViewSet):
    """The provider's HTTP APIs (接口挂接). `auth_header_value` is write-only: leave it out to keep the current one,
    `clear_secret: true` removes it."""

    queryset = ApiEndpoint.objects.select_related("resource")
    serializer_class = ApiEndpointSerializer
    filterset_class = ApiEndpointFilterSet

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        resource = _resource(request.user, serializer.validated_data["resource"].pk)
        if ApiEndpoint.objects.filter(resource=resource).exists():
            from rest_framework.exceptions import ValidationError

            raise ValidationError({"resource": ["该资源已登记接口，请修改现有接口"]})
        endpoint = services.save_api_endpoint(resource, user=request.user, **serializer.service_arguments())
        return Response(self.get_serializer(endpoint).data, status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        endpoint = self.get_object()
        partial = kwargs.get("partial", False)
        serializer = self.get_serializer(endpoint, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        arguments = {
            "base_url": endpoint.base_url, "allowed_methods": endpoint.allowed_methods,
            "auth_header_name": endpoint.auth_header_name, "timeout_seconds": endpoint.timeout_seconds,
            "is_active": endpoint.is_active, "description": endpoint.description,
        }
        arguments.update(serializer.service_arguments())
        endpoint = services.save_api_endpoint(endpoint.resource, user=request.user, **arguments)
        return Response(self.get_serializer(endpoint).data)

    def perform_destroy(self, instance):
        services.delete_api_endpoint(instance, user=self.request.user)


class PullSourceViewSet(RestrictedModelViewSet):
    """Scheduled pulls from the provider's PostgreSQL database (定时抽取). `connection_url` is write-only."""

    queryset = PullSource.objects.select_related("resource")
    serializer_class = PullSourceSerializer
    filterset_class = PullSourceFilterSet

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        resource = _resource(request.user, serializer.validated_data["resource"].pk)
        if PullSource.objects.filter(resource=resource).exists():
            from rest_framework.exceptions import ValidationError

            raise ValidationError({"resource": ["该资源已设置定时抽取，请修改现有设置"]})
        source = services.save_pull_source(resource, user=request.user, **serializer.service_arguments())
        return Response(self.get_serializer(source).data, status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        source = self.get_object()
        serializer = self.get_serializer(source, data=request.data, partial=kwargs.get("partial", False))
        serializer.is_valid(raise_exception=True)
        source = services.save_pull_source(source.resource, user=request.user, **serializer.service_arguments(source))
        return Response(self.get_serializer(source).data)

    def perform_destroy(self, instance):
        services.delete_pull_source(instance, user=self.request.user)

    @extend_schema(request=None, responses=PullSourceSerializer)
    @action(detail=True, methods=["post"])
    def run(self, request, pk=None):
        """Run the pull now (synchronously) and answer with its outcome."""
        source = self.get_object()
        if not self.can_change(source):
            raise PermissionDenied("无权运行此定时抽取")
        services.run_pull(source, user=request.user)
        source.refresh_from_db()
        return Response(self.get_serializer(source).data)


class TimelinessViewSet(viewsets.GenericViewSet):
    """Published resources against their update cycle: a provider's own, or (authority officers, reviewers) the
    jurisdiction's. `?status=overdue` narrows to one status."""

    serializer_class = TimelinessSerializer
    pagination_class = None
    filter_backends = []

    @extend_schema(
        parameters=[OpenApiParameter("status", str, enum=TimelinessChoices.values, description="及时性状态")],
        responses=TimelinessSerializer(many=True),
    )
    def list(self, request):
        user = request.user
        queryset = services.mountable_resources(user) | services.authority_resources(user)
        rows = list(services.annotate_mounts(queryset.distinct()).order_by("provider__name", "name"))
        now = timezone.now()
        wanted = request.query_params.get("status")
        result = []
        for row in rows:
            row.timeliness = services.timeliness(row, now)
            if not wanted or row.timeliness.status == wanted:
                result.append(row)
        return Response(TimelinessSerializer(result, many=True).data)

"""Mounted tables API: the provider department reads its tables and loads (with live progress); its data
providers and department admins, and platform admins, upload a file to load (a background job)."""

from django.http import FileResponse, Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from govshare.catalog.models import Resource
from govshare.core.api.viewsets import RestrictedQuerysetMixin, RestrictedReadOnlyModelViewSet

from .. import services
from ..filtersets import DataTableFilterSet, TableLoadFilterSet
from ..models import DataTable, TableLoad
from .serializers import DataTableSerializer, LoadUploadSerializer, TableLoadSerializer

__all__ = ["DataTableViewSet", "TableLoadViewSet"]


class DataTableViewSet(RestrictedReadOnlyModelViewSet):
    """Mounted tables (库表) of the caller's department (all, for platform admins)."""

    queryset = DataTable.objects.select_related("resource", "key_item")
    serializer_class = DataTableSerializer
    filterset_class = DataTableFilterSet
    ordering_fields = ["last_loaded_at", "row_count", "created"]


class TableLoadViewSet(RestrictedQuerysetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                       mixins.CreateModelMixin, viewsets.GenericViewSet):
    """Loads (数据加载) of the department's tables, newest first. POST (multipart: resource, file, mode, key)
    queues a load and answers 202 with it; poll the load for status, phase and progress."""

    queryset = TableLoad.objects.select_related("data_table", "key_item", "user").order_by("-created", "-id")
    serializer_class = TableLoadSerializer
    filterset_class = TableLoadFilterSet
    ordering_fields = ["created", "finished_at", "number"]
    parser_classes = [MultiPartParser, FormParser]

    def get_serializer_class(self):
        return LoadUploadSerializer if self.action == "create" else TableLoadSerializer

    @extend_schema(request=LoadUploadSerializer, responses={202: TableLoadSerializer})
    def create(self, request, *args, **kwargs):
        form = LoadUploadSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        resource = data["resource"]
        if not Resource.objects.restrict(request.user, "view").filter(pk=resource.pk).exists():
            raise Http404
        if not services.can_mount(request.user, resource):
            raise PermissionDenied(_("只有资源提供部门的数据提供方、部门管理员或平台管理员可以挂接数据"))
        data_table = services.ensure_table(resource, user=request.user)
        path = services.save_upload(data["file"])
        try:
            load = services.start_load(data_table, path, mode=data["mode"], key_item=data["key"] or None,
                                       user=request.user, source_name=data["file"].name, remove_source=True)
        except Exception:
            services.remove_upload(path)
            raise
        load = self.get_queryset().get(pk=load.pk)
        return Response(TableLoadSerializer(load, context=self.get_serializer_context()).data,
                        status=status.HTTP_202_ACCEPTED)

    @extend_schema(responses={(200, "text/csv"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"], url_path="error-report", url_name="error-report")
    def error_report(self, request, pk=None):
        """The error report of a rejected load (CSV, UTF-8 with BOM: 行号,列,值,问题), for those who may load."""
        load = self.get_object()
        if not services.can_mount(request.user, load.data_table.resource):
            raise PermissionDenied(_("错误报告含有数据内容，只有可以挂接数据的用户可以下载"))
        if not load.error_report_path:
            raise Http404
        try:
            handle = open(load.error_report_path, "rb")  # noqa: SIM115 - FileResponse closes it
        except OSError as exc:
            raise Http404 from exc
        return FileResponse(handle, as_attachment=True, filename=f"load-{load.pk}-errors.csv",
                            content_type="text/csv; charset=utf-8")

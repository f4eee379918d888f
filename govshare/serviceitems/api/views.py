"""Service item API: items with their materials inline (create and edit through serviceitems.services, the same
functions as the web pages) and the per-department share of materials replaced by sharing."""

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from govshare.core.api.viewsets import RestrictedModelViewSet

from .. import services
from ..filtersets import ServiceItemFilterSet
from ..models import RequiredMaterial, ServiceItem
from .serializers import DepartmentShareSerializer, ServiceItemSerializer

__all__ = ["ServiceItemViewSet"]


class ServiceItemViewSet(RestrictedModelViewSet):
    """政务服务事项. Everyone logged in reads; department admins manage their department's items, platform
    admins every item. Filters: department_id, item_type, share_min / share_max (percent), q, …"""

    queryset = ServiceItem.objects.with_shares().select_related("department").prefetch_related(
        Prefetch("materials", queryset=RequiredMaterial.objects.select_related("replaced_by"))
    ).order_by("department__name", "base_code", "pk")
    serializer_class = ServiceItemSerializer
    filterset_class = ServiceItemFilterSet
    ordering_fields = ["name", "base_code", "share", "material_count", "created", "last_updated"]
    write_roles = services.MANAGER_ROLES

    def detail_response(self, item, status_code=status.HTTP_200_OK):
        item = self.get_queryset().get(pk=item.pk)
        return Response(self.get_serializer(item).data, status=status_code)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        arguments = serializer.service_arguments()
        arguments["fields"].setdefault("department", request.user.department_id)
        item = services.create_item(user=request.user, **arguments)
        return self.detail_response(item, status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        item = self.get_object()
        serializer = self.get_serializer(item, data=request.data, partial=kwargs.get("partial", False))
        serializer.is_valid(raise_exception=True)
        arguments = serializer.service_arguments(current=services.item_data(item))
        services.update_item(item, user=request.user, **arguments)
        return self.detail_response(item)

    def perform_destroy(self, instance):
        services.delete_item(instance, user=self.request.user)

    @extend_schema(responses=DepartmentShareSerializer(many=True))
    @action(detail=False, methods=["get"], pagination_class=None)
    def departments(self, request):
        """Per department of the (filtered) items: required materials, those sharing replaces, and the share;
        highest share first."""
        queryset = self.filter_queryset(self.get_queryset())
        rows = services.department_shares(queryset)
        data = [{"department_id": row.department_id, "name": row.name, "items": row.items,
                 "required": row.required, "replaced": row.replaced, "share": row.share} for row in rows]
        return Response(DepartmentShareSerializer(data, many=True).data)

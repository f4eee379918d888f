"""Inventory API: systems (list, filter, create, edit, delete) and their monthly usage, pushed by the systems
themselves. Every write calls inventory.services, the same functions as the web pages and the importers."""

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from govshare.core.api.viewsets import RestrictedModelViewSet

from .. import services
from ..choices import UsageSourceChoices
from ..filtersets import InformationSystemFilterSet
from ..models import InformationSystem
from .serializers import InformationSystemSerializer, SystemUsageSerializer, UsageInputSerializer

__all__ = ["InformationSystemViewSet"]


class InformationSystemViewSet(RestrictedModelViewSet):
    """Information systems (信息系统清单). A department sees its own systems, the competent authority those of its
    jurisdiction, platform and audit admins all. Usage: `POST …/systems/{id}/usage/` by a user of the owner
    department (e.g. the system's service account with a token) or a platform admin."""

    queryset = InformationSystem.objects.select_related(
        "owner", "owner_office__department", "integrated_into", "replaced_by"
    ).prefetch_related("source_resources")
    serializer_class = InformationSystemSerializer
    filterset_class = InformationSystemFilterSet
    ordering_fields = ["name", "number", "annual_om_cost", "last_updated", "created", "status"]

    def detail_response(self, system, status_code=status.HTTP_200_OK):
        system = self.get_queryset().get(pk=system.pk)
        return Response(self.get_serializer(system).data, status_code)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        fields, sources = serializer.service_arguments()
        system = services.create_system(user=request.user, source_resources=sources, **fields)
        return self.detail_response(system, status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        system = self.get_object()
        serializer = self.get_serializer(system, data=request.data, partial=kwargs.get("partial", False))
        serializer.is_valid(raise_exception=True)
        fields, sources = serializer.service_arguments()
        services.update_system(system, user=request.user, source_resources=sources, **fields)
        return self.detail_response(system)

    @extend_schema(methods=["GET"], responses=SystemUsageSerializer(many=True), request=None)
    @extend_schema(methods=["POST"], request=UsageInputSerializer, responses=SystemUsageSerializer)
    @action(detail=True, methods=["get", "post"])
    def usage(self, request, pk=None):
        """GET: the system's monthly usage, newest first. POST: record one month (replaces that month's figures)."""
        system = self.get_object()
        if request.method == "GET":
            usages = system.usage.order_by("-month")[:120]
            return Response(SystemUsageSerializer(usages, many=True).data)
        form = UsageInputSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        figures = dict(form.validated_data)
        month = figures.pop("month")
        existed = system.usage.filter(month=month).exists()
        usage = services.record_usage(system, user=request.user, month=month, source=UsageSourceChoices.API,
                                      **figures)
        return Response(SystemUsageSerializer(usage).data, status.HTTP_200_OK if existed else status.HTTP_201_CREATED)

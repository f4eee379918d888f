"""Organizations API: read by anyone logged in; written by platform and system administrators, and by a
department administrator for the own department and its offices (the rule is in the querysets)."""

from govshare.core.api.viewsets import RestrictedModelViewSet
from govshare.users.choices import RoleChoices

from ..filtersets import DepartmentFilterSet, JurisdictionFilterSet, OfficeFilterSet
from ..models import Department, Jurisdiction, Office
from .serializers import DepartmentSerializer, JurisdictionSerializer, OfficeSerializer

__all__ = ["DepartmentViewSet", "JurisdictionViewSet", "OfficeViewSet"]


class JurisdictionViewSet(RestrictedModelViewSet):
    """Levels of government, identified by their division codes."""

    queryset = Jurisdiction.objects.select_related("parent")
    serializer_class = JurisdictionSerializer
    filterset_class = JurisdictionFilterSet
    ordering_fields = ["division_code", "name", "level"]
    # Jurisdictions have no owner to restrict by: only these roles may write them.
    write_roles = RoleChoices.ORGANIZATION_ADMINS


class DepartmentViewSet(RestrictedModelViewSet):
    """Government departments with their unified social credit codes."""

    queryset = Department.objects.select_related("jurisdiction")
    serializer_class = DepartmentSerializer
    filterset_class = DepartmentFilterSet
    ordering_fields = ["name", "credit_code", "jurisdiction__division_code"]
    # A department administrator edits the own department but does not delete it.
    delete_roles = RoleChoices.ORGANIZATION_ADMINS


class OfficeViewSet(RestrictedModelViewSet):
    """Internal offices of departments."""

    queryset = Office.objects.select_related("department")
    serializer_class = OfficeSerializer
    filterset_class = OfficeFilterSet
    ordering_fields = ["name", "department__name"]

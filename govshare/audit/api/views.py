"""Audit log API: the audit admin reads; nobody edits or deletes entries through the platform."""

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission

from govshare.core.api.viewsets import RestrictedReadOnlyModelViewSet
from govshare.users.choices import RoleChoices

from ..filtersets import AuditEntryFilterSet
from ..models import AuditEntry
from .serializers import AuditEntrySerializer

__all__ = ["AuditEntryViewSet"]


class IsAuditReader(BasePermission):
    """Others get 403 rather than an empty list: the log's existence is not theirs to browse."""

    message = _("只有审计管理员和平台管理员可以查看审计日志")

    def has_permission(self, request, view):
        user = request.user
        return bool(
            user
            and user.is_authenticated
            and (user.is_superuser or user.has_role(RoleChoices.AUDIT_ADMIN, RoleChoices.PLATFORM_ADMIN))
        )


class AuditEntryViewSet(RestrictedReadOnlyModelViewSet):
    """Audit entries (审计日志), newest first."""

    queryset = AuditEntry.objects.all()
    serializer_class = AuditEntrySerializer
    filterset_class = AuditEntryFilterSet
    permission_classes = [IsAuditReader]

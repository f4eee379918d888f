"""Audit log API: the audit admin reads; nobody edits or deletes entries through the platform."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from govshare.core.api.exceptions import validation_error_response
from govshare.core.api.viewsets import RestrictedReadOnlyModelViewSet
from govshare.users.choices import RoleChoices

from .. import services
from ..filtersets import AuditEntryFilterSet
from ..forms import UsageFilterForm
from ..models import AuditEntry
from .serializers import AuditEntrySerializer

__all__ = ["AuditEntryViewSet", "AuditUsageView"]


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


class AuditUsageView(APIView):
    """Usage of a provider's data (数据使用情况): per resource, consumer department, system and action, the calls,
    records, main purposes and last time, busiest first. A provider sees its own resources; the competent authority
    and the audit and platform admins every provider's (`provider` narrows)."""

    permission_classes = [IsAuthenticated]
    max_rows = 1000

    @extend_schema(
        parameters=[
            OpenApiParameter("provider", int, description="提供部门 id（仅可查看全部部门者）"),
            OpenApiParameter("resource", int, description="资源 id"),
            OpenApiParameter("consumer", int, description="使用部门 id"),
            OpenApiParameter("date_from", str, description="起始日期 YYYY-MM-DD"),
            OpenApiParameter("date_to", str, description="截止日期 YYYY-MM-DD"),
        ],
        responses={200: None},
    )
    def get(self, request):
        user = request.user
        form = UsageFilterForm(request.query_params or None, sees_all=services.sees_all_usage(user))
        if request.query_params and not form.is_valid():
            return validation_error_response({name: list(errors) for name, errors in form.errors.items()})
        filters = form.cleaned_data if request.query_params else {}
        entries = services.usage_entries(
            user=user,
            provider=filters.get("provider"),
            resource=filters.get("resource"),
            consumer=filters.get("consumer"),
            date_from=filters.get("date_from"),
            date_to=filters.get("date_to"),
        )
        rows = services.usage_summary(entries, limit=self.max_rows)
        return Response(
            {
                "count": len(rows),
                "truncated": len(rows) >= self.max_rows,
                "results": [
                    {
                        "resource": row["resource_id"],
                        "resource_code": row["resource_code"],
                        "resource_name": row["resource_name"],
                        "consumer_department": row["department_id"],
                        "consumer_department_name": row["department_name"],
                        "system": row["system"],
                        "action": row["action"],
                        "calls": row["calls"],
                        "records": row["records"] or 0,
                        "purposes": row["purposes"],
                        "last_time": row["last_time"],
                    }
                    for row in rows
                ],
            }
        )

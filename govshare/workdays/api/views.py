"""Calendar API: the table (read by anyone logged in, written by platform administrators) and due dates."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from govshare.core.api.exceptions import validation_error_response

from .. import services
from ..filtersets import CalendarDayFilterSet, CalendarYearFilterSet
from ..models import CalendarDay, CalendarYear
from .serializers import (
    CalendarDaySerializer,
    CalendarImportResultSerializer,
    CalendarImportSerializer,
    CalendarYearSerializer,
    DueDateQuerySerializer,
    DueDateSerializer,
)

__all__ = ["CalendarDayViewSet", "CalendarYearViewSet", "DueDateView", "IsPlatformAdminOrReadOnly"]


class IsPlatformAdminOrReadOnly(permissions.IsAuthenticated):
    """Reading needs a login; changing the calendar moves every deadline, so only platform administrators may."""

    message = gettext_lazy("只有平台管理员可以修改工作日历")

    def has_permission(self, request, view):
        if not super().has_permission(request, view):
            return False
        if request.method in permissions.SAFE_METHODS:
            return True
        from govshare.users.choices import RoleChoices

        user = request.user
        return user.is_superuser or user.has_role(RoleChoices.PLATFORM_ADMIN)


class _RestrictedViewSet(viewsets.ModelViewSet):
    permission_classes = [IsPlatformAdminOrReadOnly]

    def get_queryset(self):
        action_name = "view" if self.request.method in permissions.SAFE_METHODS else "change"
        return self.queryset.all().restrict(self.request.user, action_name)


class CalendarDayViewSet(_RestrictedViewSet):
    """Holidays and make-up working days set by the table."""

    queryset = CalendarDay.objects.all()
    serializer_class = CalendarDaySerializer
    filterset_class = CalendarDayFilterSet
    ordering_fields = ["date", "last_updated"]

    @extend_schema(request=CalendarImportSerializer, responses=CalendarImportResultSerializer)
    @action(detail=False, methods=["post"], url_path="import", parser_classes=[MultiPartParser, FormParser],
            serializer_class=CalendarImportSerializer)
    def import_file(self, request):
        """Import a CSV/XLSX calendar file; all or nothing, errors by row and column."""
        form = CalendarImportSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        result = services.import_calendar(
            form.validated_data["file"], user=request.user,
            mark_years_loaded=form.validated_data["mark_years_loaded"], note=form.validated_data["note"],
        )
        if not result.ok:
            fields = {}
            for issue in result.errors:
                key = f"row {issue.row}.{issue.column}" if issue.row is not None else "file"
                fields.setdefault(key, []).append(issue.message)
            return validation_error_response(fields, _("文件有误，未导入任何数据"))
        return Response(CalendarImportResultSerializer(result).data, status=status.HTTP_200_OK)


class CalendarYearViewSet(_RestrictedViewSet):
    """Years whose holidays are all in the table."""

    queryset = CalendarYear.objects.all()
    serializer_class = CalendarYearSerializer
    filterset_class = CalendarYearFilterSet
    ordering_fields = ["year"]

    def perform_create(self, serializer):
        serializer.save(loaded_by=self.request.user)


class DueDateView(APIView):
    """GET ?start=YYYY-MM-DD&days=N: the date N working days after start, and whether it is only estimated."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(parameters=[DueDateQuerySerializer], responses=DueDateSerializer)
    def get(self, request):
        query = DueDateQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        start, days = query.validated_data["start"], query.validated_data["days"]
        due = services.add_working_days(start, days)
        return Response(DueDateSerializer({
            "start": start, "days": days, "due": due.date, "estimated": due.estimated,
            "uncovered_years": list(due.uncovered_years), "note": due.note,
        }).data)

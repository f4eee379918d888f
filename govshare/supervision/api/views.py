"""Supervision API: plans (with the task-table import), tasks (progress reports, status), reports, the bulletin.
Every action calls supervision.services, the same functions as the web pages."""

from django.core.exceptions import ValidationError
from django.db.models import Count
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from govshare.core.api.exceptions import error_body
from govshare.core.api.viewsets import RestrictedModelViewSet, RestrictedQuerysetMixin, RestrictedReadOnlyModelViewSet
from govshare.organizations.models import Department, Jurisdiction

from .. import bulletin as bulletins
from .. import services
from ..filtersets import ProgressReportFilterSet, WorkPlanFilterSet, WorkTaskFilterSet
from ..models import ProgressReport, WorkPlan, WorkTask
from .serializers import (
    BulletinSerializer,
    PlanImportSerializer,
    ProgressReportCreateSerializer,
    ProgressReportSerializer,
    TaskStatusSerializer,
    WorkPlanSerializer,
    WorkTaskSerializer,
)

__all__ = ["BulletinAPIView", "ProgressReportViewSet", "WorkPlanViewSet", "WorkTaskViewSet"]

PLAN_FIELDS = ("name", "issuing_body", "document_number", "year", "description")


class WorkPlanViewSet(RestrictedModelViewSet):
    """Work plans (工作计划). Everyone in the jurisdiction reads them; the competent authority's officers and
    platform admins create, change, import and delete them."""

    queryset = WorkPlan.objects.select_related("jurisdiction").annotate(task_count=Count("tasks")).order_by(
        "-year", "-created", "-id"
    )
    serializer_class = WorkPlanSerializer
    filterset_class = WorkPlanFilterSet
    ordering_fields = ["name", "year", "created"]
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        jurisdiction = None
        if data.get("jurisdiction_id"):
            jurisdiction = get_object_or_404(Jurisdiction, pk=data["jurisdiction_id"])
        plan = services.create_plan(user=request.user, jurisdiction=jurisdiction,
                                    **{key: data.get(key, "" if key != "year" else None) for key in PLAN_FIELDS})
        return Response(self.get_serializer(self.get_queryset().get(pk=plan.pk)).data, status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        plan = self.get_object()
        serializer = self.get_serializer(plan, data=request.data, partial=kwargs.get("partial", False))
        serializer.is_valid(raise_exception=True)
        services.update_plan(plan, user=request.user,
                             **{key: value for key, value in serializer.validated_data.items() if key in PLAN_FIELDS})
        return Response(self.get_serializer(self.get_queryset().get(pk=plan.pk)).data)

    @extend_schema(request={"multipart/form-data": PlanImportSerializer}, responses={201: WorkPlanSerializer})
    @action(detail=False, methods=["post"], url_path="import", parser_classes=[MultiPartParser, FormParser])
    def import_file(self, request):
        """Import a task table (.xlsx) as a new plan; a file with any row error is rejected whole (400 with every
        error by sheet, row and column); units matching no department are kept as text and listed as warnings."""
        from ..excel import import_plan

        form = PlanImportSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        upload = data.pop("file")
        result = import_plan(upload, user=request.user, filename=upload.name, **data)
        if not result.ok:
            fields = {}
            for error in result.errors:
                key = f"{error.sheet}!{error.row}.{error.column}" if error.row else "file"
                fields.setdefault(key, []).append(error.message)
            body = error_body("invalid", str(result.errors[0]), fields)
            body["error"]["rows"] = result.as_dict()["errors"]
            return Response(body, status=status.HTTP_400_BAD_REQUEST)
        plan = self.get_queryset().get(pk=result.plan_id)
        payload = {**self.get_serializer(plan).data, "warnings": result.as_dict()["warnings"]}
        return Response(payload, status=status.HTTP_201_CREATED)


class WorkTaskViewSet(RestrictedQuerysetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                      viewsets.GenericViewSet):
    """Supervised tasks (督查任务), filterable by plan, unit and state (已逾期 / 即将到期 on working days)."""

    queryset = WorkTask.objects.select_related("plan").prefetch_related("lead_units", "cooperating_units")
    serializer_class = WorkTaskSerializer
    filterset_class = WorkTaskFilterSet
    ordering_fields = ["sort_key", "due_on", "percent", "last_reported_at"]
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(request={"multipart/form-data": ProgressReportCreateSerializer,
                            "application/json": ProgressReportCreateSerializer},
                   responses={201: ProgressReportSerializer})
    @action(detail=True, methods=["post"])
    def report(self, request, pk=None):
        """A unit reports progress (its lead and cooperating units; supervisors for a unit)."""
        task = self.get_object()
        form = ProgressReportCreateSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        department = None
        if data.get("department"):
            department = Department.objects.filter(pk=data["department"]).first()
            if department is None:
                raise ValidationError({"department": ["部门不存在"]})
        files = request.FILES.getlist("attachments") if hasattr(request, "FILES") else []
        report = services.report_progress(task, user=request.user, text=data["text"], percent=data["percent"],
                                          files=files, department=department)
        return Response(ProgressReportSerializer(report, context=self.get_serializer_context()).data,
                        status=status.HTTP_201_CREATED)

    @extend_schema(request=TaskStatusSerializer, responses=WorkTaskSerializer)
    @action(detail=True, methods=["post"], url_path="status")
    def set_status(self, request, pk=None):
        """A supervisor confirms the task done or reopens it."""
        task = self.get_object()
        form = TaskStatusSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        task = services.set_task_status(task, user=request.user, status=form.validated_data["status"],
                                        on=form.validated_data["completed_on"])
        return Response(self.get_serializer(self.get_queryset().get(pk=task.pk)).data)


class ProgressReportViewSet(RestrictedReadOnlyModelViewSet):
    """Progress reports (进展报送), newest first; written through POST /tasks/{id}/report/."""

    queryset = ProgressReport.objects.select_related("department", "reported_by").prefetch_related("attachments")
    serializer_class = ProgressReportSerializer
    filterset_class = ProgressReportFilterSet
    ordering_fields = ["reported_at"]


class BulletinAPIView(APIView):
    """The weekly bulletin (周通报) of the plans the caller may read, as data."""

    @extend_schema(
        parameters=[OpenApiParameter("week", OpenApiTypes.STR, description="ISO 周次，如 2026-W41（默认本周）"),
                    OpenApiParameter("plan", OpenApiTypes.INT, description="只统计此工作计划")],
        responses=BulletinSerializer,
    )
    def get(self, request):
        from django.utils import timezone

        week = request.query_params.get("week") or bulletins.week_of(timezone.localdate())
        plan = request.query_params.get("plan", "")
        try:
            bulletin = bulletins.build_bulletin(week, user=request.user, plans=[int(plan)] if plan.isdigit() else None)
        except ValueError as exc:
            return Response(error_body("invalid", str(exc), {"week": [str(exc)]}), status=status.HTTP_400_BAD_REQUEST)
        data = {
            "week": bulletin.week, "start": bulletin.start, "end": bulletin.end, "as_of": bulletin.as_of,
            "title": bulletin.title, "counts": bulletin.counts,
            "overdue_by_unit": [
                {"unit": unit, "tasks": [{"id": line.task.pk, "number": line.task.number, "text": line.task.text,
                                          "due_on": line.task.due_on, "overdue_days": line.overdue_days}
                                         for line in lines]}
                for unit, lines in bulletin.overdue_by_unit
            ],
            "reports": [{"id": report.pk, "task": report.task_id, "department": report.department.name,
                         "percent": report.percent, "text": report.text, "reported_at": report.reported_at}
                        for report in bulletin.reports],
            "silent_units": bulletin.silent_units,
        }
        return Response(BulletinSerializer(data).data)

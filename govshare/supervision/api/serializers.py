"""API representations of the supervision ledger."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from govshare.core.api.serializers import BaseModelSerializer, ChoiceField
from govshare.organizations.api.serializers import BriefDepartmentSerializer, BriefJurisdictionSerializer
from govshare.users.api.serializers import BriefUserSerializer

from ..choices import TaskStateChoices, TaskStatusChoices
from ..models import ProgressAttachment, ProgressReport, WorkPlan, WorkTask

__all__ = [
    "BriefWorkPlanSerializer",
    "BulletinSerializer",
    "PlanImportSerializer",
    "ProgressReportCreateSerializer",
    "ProgressReportSerializer",
    "TaskStatusSerializer",
    "WorkPlanSerializer",
    "WorkTaskSerializer",
]


class BriefWorkPlanSerializer(BaseModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="supervision-api:workplan-detail")

    class Meta:
        model = WorkPlan
        fields = ["id", "url", "name", "year"]


class WorkPlanSerializer(BaseModelSerializer):
    """A work plan: name, issuing body, document number, year, jurisdiction (the supervisor's by default)."""

    url = serializers.HyperlinkedIdentityField(view_name="supervision-api:workplan-detail")
    jurisdiction = BriefJurisdictionSerializer(read_only=True)
    jurisdiction_id = serializers.IntegerField(write_only=True, required=False,
                                               help_text=_("所属区域编号；不填则为当前用户部门所在区域"))
    task_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = WorkPlan
        fields = ["id", "url", "name", "issuing_body", "document_number", "year", "jurisdiction", "jurisdiction_id",
                  "description", "source_file", "task_count", "created", "last_updated"]
        read_only_fields = ["source_file"]


class WorkTaskSerializer(BaseModelSerializer):
    """A task: units linked to departments, units kept as text, the deadline rule, the current due date and the
    state on working days (已逾期 / 即将到期 computed for today)."""

    url = serializers.HyperlinkedIdentityField(view_name="supervision-api:worktask-detail")
    plan = BriefWorkPlanSerializer(read_only=True)
    lead_units = BriefDepartmentSerializer(many=True, read_only=True)
    cooperating_units = BriefDepartmentSerializer(many=True, read_only=True)
    state = serializers.SerializerMethodField()

    class Meta:
        model = WorkTask
        fields = [
            "id", "url", "plan", "number", "section", "text", "lead_units", "unmatched_lead_units", "lead_units_text",
            "cooperating_units", "unmatched_cooperating_units", "cooperating_units_text", "deadline_text",
            "deadline_kind", "deadline_date", "deadline_month", "deadline_day", "due_on", "status", "state",
            "percent", "completed_on", "last_period_done_on", "last_reported_at", "created", "last_updated",
        ]
        read_only_fields = fields

    def get_state(self, task) -> dict:
        from ..services import Horizon, task_state

        horizon = self.context.get("horizon")
        if horizon is None:
            horizon = self.context["horizon"] = Horizon.at()
        value = task_state(task, horizon)
        return {"value": value, "label": str(TaskStateChoices.label(value))}


class ProgressAttachmentSerializer(BaseModelSerializer):
    class Meta:
        model = ProgressAttachment
        fields = ["id", "name", "size", "created"]


class ProgressReportSerializer(BaseModelSerializer):
    department = BriefDepartmentSerializer(read_only=True)
    reported_by = BriefUserSerializer(read_only=True)
    attachments = ProgressAttachmentSerializer(many=True, read_only=True)

    class Meta:
        model = ProgressReport
        fields = ["id", "task", "department", "text", "percent", "period_due_on", "reported_by", "reported_at",
                  "attachments"]
        read_only_fields = fields


class ProgressReportCreateSerializer(serializers.Serializer):
    """A progress report (multipart when it carries attachments)."""

    text = serializers.CharField(max_length=4000)
    percent = serializers.IntegerField(min_value=0, max_value=100)
    department = serializers.IntegerField(required=False, help_text=_("报送单位编号；不填则为当前用户所属部门"))
    attachments = serializers.ListField(child=serializers.FileField(), required=False, default=list)


class TaskStatusSerializer(serializers.Serializer):
    status = ChoiceField(choices=TaskStatusChoices.choices)
    completed_on = serializers.DateField(required=False, allow_null=True, default=None)


class PlanImportSerializer(serializers.Serializer):
    file = serializers.FileField(help_text=_("任务表 .xlsx"))
    name = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)
    issuing_body = serializers.CharField(required=False, allow_blank=True, default="", max_length=100)
    document_number = serializers.CharField(required=False, allow_blank=True, default="", max_length=100)
    year = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=2000, max_value=2100)
    strict_units = serializers.BooleanField(required=False, default=False)


class BulletinSerializer(serializers.Serializer):
    """The weekly bulletin as data (the documents are at /supervision/bulletin/download.pdf|docx)."""

    week = serializers.CharField()
    start = serializers.DateField()
    end = serializers.DateField()
    as_of = serializers.DateField()
    title = serializers.CharField()
    counts = serializers.DictField(child=serializers.IntegerField())
    overdue_by_unit = serializers.ListField(child=serializers.DictField())
    reports = serializers.ListField(child=serializers.DictField())
    silent_units = serializers.ListField(child=serializers.CharField())

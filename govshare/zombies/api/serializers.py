"""API representations of zombie cleanup. Serializers check types; the rules and permissions are checked by
zombies.services, the same functions as the web pages."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from govshare.core.api.serializers import BaseModelSerializer
from govshare.inventory.api.serializers import BriefInformationSystemSerializer
from govshare.organizations.api.serializers import BriefJurisdictionSerializer

from ..choices import CleanupActionChoices
from ..models import CleanupPlan, CleanupPlanEvent, DuplicateCandidate, ZombieFlag, ZombieRule
from ..services import RULE_FIELDS

__all__ = [
    "AcceptCandidateSerializer",
    "CancelPlanSerializer",
    "CleanupPlanSerializer",
    "DetectionResultSerializer",
    "DuplicateCandidateSerializer",
    "FinishPlanSerializer",
    "NoteSerializer",
    "PlanInputSerializer",
    "ProgressSerializer",
    "ReasonSerializer",
    "SystemNodeSerializer",
    "ZombieFlagSerializer",
    "ZombieRuleSerializer",
]


class ReasonSerializer(serializers.Serializer):
    """One reason of a flag: the rule broken, the figure found and the threshold, and the sentence shown."""

    rule = serializers.CharField()
    label = serializers.CharField()
    figure = serializers.FloatField()
    threshold = serializers.FloatField()
    text = serializers.CharField()
    since = serializers.CharField(required=False, help_text=_("最近使用或运维日期（时长类规则）"))
    month = serializers.CharField(required=False, help_text=_("所依据的月份（YYYY-MM）"))
    system_id = serializers.IntegerField(required=False, help_text=_("功能重复的另一个系统"))
    system_name = serializers.CharField(required=False)


class ZombieRuleSerializer(BaseModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="zombies-api:zombierule-detail")
    jurisdiction = BriefJurisdictionSerializer(read_only=True)
    jurisdiction_id = serializers.IntegerField(required=False, allow_null=True, write_only=True,
                                               help_text=_("行政区域；留空为全平台默认（仅新建时）"))

    class Meta:
        model = ZombieRule
        fields = ["id", "url", "jurisdiction", "jurisdiction_id", *RULE_FIELDS, "created", "last_updated"]
        read_only_fields = ["created", "last_updated"]
        validators = []


class ZombieFlagSerializer(BaseModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="zombies-api:zombieflag-detail")
    system = BriefInformationSystemSerializer(read_only=True)
    reasons = ReasonSerializer(many=True, read_only=True)
    decided_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = ZombieFlag
        fields = ["id", "url", "system", "status", "reasons", "opened_at", "refreshed_at", "decided_at",
                  "decided_by", "note", "resolved_at"]
        read_only_fields = fields


class DuplicateCandidateSerializer(BaseModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="zombies-api:duplicatecandidate-detail")
    system_a = BriefInformationSystemSerializer(read_only=True)
    system_b = BriefInformationSystemSerializer(read_only=True)
    function_a = serializers.CharField(source="system_a.function", read_only=True)
    function_b = serializers.CharField(source="system_b.function", read_only=True)
    same_department = serializers.BooleanField(read_only=True)
    score = serializers.FloatField(read_only=True)
    decided_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = DuplicateCandidate
        fields = ["id", "url", "system_a", "system_b", "function_a", "function_b", "score", "same_department",
                  "status", "proposed_at", "decided_at", "decided_by", "note", "plan"]
        read_only_fields = fields


class CleanupPlanEventSerializer(BaseModelSerializer):
    user = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = CleanupPlanEvent
        fields = ["step", "time", "user", "department", "text"]
        read_only_fields = fields


class CleanupPlanSerializer(BaseModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="zombies-api:cleanupplan-detail")
    system = BriefInformationSystemSerializer(read_only=True)
    target = BriefInformationSystemSerializer(read_only=True)
    overdue = serializers.SerializerMethodField()
    evidence_url = serializers.SerializerMethodField()
    events = CleanupPlanEventSerializer(many=True, read_only=True)

    class Meta:
        model = CleanupPlan
        fields = ["id", "url", "system", "action", "target", "deadline", "status", "overdue", "instructions",
                  "flag", "progress_note", "started_at", "evidence_text", "evidence_name", "evidence_size",
                  "evidence_url", "completed_at", "cancel_reason", "events", "created", "last_updated"]
        read_only_fields = fields

    def get_overdue(self, plan) -> bool:
        return plan.is_overdue()

    def get_evidence_url(self, plan) -> str | None:
        if not plan.evidence_file:
            return None
        from django.urls import reverse

        request = self.context.get("request")
        url = reverse("zombies:plan_evidence", args=[plan.pk])
        return request.build_absolute_uri(url) if request else url


class PlanInputSerializer(serializers.Serializer):
    """Set (system required) or change a plan."""

    system = serializers.IntegerField(required=False, help_text=_("信息系统编号（新建时必填）"))
    action = serializers.ChoiceField(choices=CleanupActionChoices.choices)
    target = serializers.IntegerField(required=False, allow_null=True, help_text=_("目标系统编号（整合、替代时必填）"))
    deadline = serializers.DateField()
    instructions = serializers.CharField(required=False, allow_blank=True, default="")


class NoteSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")


class AcceptCandidateSerializer(serializers.Serializer):
    keep = serializers.IntegerField(help_text=_("保留的系统编号（另一个整合至该系统）"))
    deadline = serializers.DateField()
    note = serializers.CharField(required=False, allow_blank=True, default="")


class ProgressSerializer(serializers.Serializer):
    text = serializers.CharField(required=False, allow_blank=True, default="")
    evidence_file = serializers.FileField(required=False, allow_null=True, default=None)


class FinishPlanSerializer(serializers.Serializer):
    evidence_text = serializers.CharField(required=False, allow_blank=True, default="")
    evidence_file = serializers.FileField(required=False, allow_null=True, default=None)


class CancelPlanSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class DetectionResultSerializer(serializers.Serializer):
    flagged = serializers.IntegerField()
    new = serializers.IntegerField()
    flags = ZombieFlagSerializer(many=True)


class SystemNodeSerializer(serializers.Serializer):
    """One system of a department's "one big system" tree, with those integrated into it (or replaced by it)."""

    system = BriefInformationSystemSerializer()
    status = serializers.CharField(source="system.status")
    connected_to_platform = serializers.BooleanField(source="system.connected_to_platform")
    relation = serializers.CharField(help_text=_("integrated / replaced：与上级节点的关系"))
    flag = serializers.SerializerMethodField()
    plan = serializers.SerializerMethodField()
    children = serializers.SerializerMethodField()

    def get_flag(self, node) -> dict | None:
        flag = node["flag"]
        return None if flag is None else {"id": flag.pk, "status": flag.status, "reasons": flag.reason_texts}

    def get_plan(self, node) -> dict | None:
        plan = node["plan"]
        return None if plan is None else {"id": plan.pk, "action": plan.action, "target": plan.target_id,
                                          "deadline": plan.deadline.isoformat(), "status": plan.status}

    def get_children(self, node) -> list:
        return SystemNodeSerializer(node["children"], many=True, context=self.context).data

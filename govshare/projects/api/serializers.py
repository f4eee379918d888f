"""API representations of project filing. Serializers check types and choices; the rules (who may act, required
reasons, compliance before approval, acceptance conditions) are checked by projects.services, as in the web UI."""

from rest_framework import serializers
from rest_framework.reverse import reverse

from govshare.catalog.api.serializers import BriefResourceSerializer
from govshare.catalog.models import Resource
from govshare.core.api.serializers import BaseModelSerializer, ChoiceField
from govshare.inventory.models import InformationSystem
from govshare.organizations.api.serializers import BriefDepartmentSerializer
from govshare.organizations.models import Department
from govshare.users.api.serializers import BriefUserSerializer

from ..choices import CheckResultChoices, FundingChannelChoices, OpinionChoices, ReviewDecisionChoices
from ..models import Project, ProjectAttachment, ProjectEvent, ProjectReview, ReviewerDepartment, ReviewOpinion

__all__ = [
    "AcceptanceRequestSerializer",
    "AcceptanceReviewSerializer",
    "AttachmentsUploadSerializer",
    "CheckItemSerializer",
    "DecisionSerializer",
    "OpinionSerializer",
    "ProjectAttachmentSerializer",
    "ProjectDetailSerializer",
    "ProjectEventSerializer",
    "ProjectReviewSerializer",
    "ProjectSerializer",
    "ProjectWriteSerializer",
    "ReviewOpinionSerializer",
    "ReviewerDepartmentSerializer",
]


class ProjectSystemSerializer(BaseModelSerializer):
    """A linked information system, as the checks see it."""

    class Meta:
        model = InformationSystem
        fields = ["id", "number", "name", "status", "connected_to_platform", "protection_level",
                  "protection_filing_number"]


class CheckItemSerializer(serializers.Serializer):
    """One item of the compliance checklist or the acceptance check."""

    key = serializers.CharField()
    label = serializers.CharField()
    mandatory = serializers.BooleanField()
    result = serializers.ChoiceField(choices=CheckResultChoices.choices)
    reason = serializers.CharField()
    details = serializers.ListField(child=serializers.JSONField())


class ReviewOpinionSerializer(BaseModelSerializer):
    department = BriefDepartmentSerializer(read_only=True)
    given_by = BriefUserSerializer(read_only=True)

    class Meta:
        model = ReviewOpinion
        fields = ["id", "kind", "department", "opinion", "text", "given_at", "given_by"]


class ProjectReviewSerializer(BaseModelSerializer):
    """One review round: the compliance snapshot at submission, the opinions, the decision."""

    submitted_by = BriefUserSerializer(read_only=True)
    decided_by = BriefUserSerializer(read_only=True)
    opinions = ReviewOpinionSerializer(many=True, read_only=True)
    compliance = CheckItemSerializer(many=True, read_only=True)

    class Meta:
        model = ProjectReview
        fields = ["id", "round", "submitted_at", "submitted_by", "compliant", "compliance", "opinions", "decision",
                  "decision_reason", "decided_at", "decided_by"]


class ProjectEventSerializer(BaseModelSerializer):
    user = BriefUserSerializer(read_only=True)
    department = BriefDepartmentSerializer(read_only=True)

    class Meta:
        model = ProjectEvent
        fields = ["id", "step", "round", "time", "user", "department", "text", "detail"]


class ProjectAttachmentSerializer(BaseModelSerializer):
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = ProjectAttachment
        fields = ["id", "name", "size", "created", "download_url"]

    def get_download_url(self, attachment) -> str:
        return reverse("projects-api:project-attachment-download", args=[attachment.project_id, attachment.pk],
                       request=self.context.get("request"))


class ProjectSerializer(BaseModelSerializer):
    """A filing as listed: `compliant` is the conclusion of the checklist stored at the last submission."""

    url = serializers.HyperlinkedIdentityField(view_name="projects-api:project-detail")
    construction_unit = BriefDepartmentSerializer(read_only=True)

    class Meta:
        model = Project
        fields = ["id", "url", "number", "name", "construction_unit", "construction_unit_detail", "funding_channel",
                  "investment", "annual_om_cost", "status", "round", "compliant", "submitted_at", "decided_at",
                  "accepted_at", "created", "last_updated"]


class ProjectDetailSerializer(ProjectSerializer):
    """A filing with its links, the review rounds (history), the timeline and the documents."""

    planned_resources = BriefResourceSerializer(many=True, read_only=True)
    systems = ProjectSystemSerializer(many=True, read_only=True)
    reviews = ProjectReviewSerializer(many=True, read_only=True)
    events = ProjectEventSerializer(many=True, read_only=True)
    attachments = ProjectAttachmentSerializer(many=True, read_only=True)
    created_by = BriefUserSerializer(read_only=True)

    class Meta(ProjectSerializer.Meta):
        fields = [*ProjectSerializer.Meta.fields, "function", "description", "plans_to_connect", "protection_level",
                  "protection_filing_number", "planned_resources", "systems", "acceptance_result", "created_by",
                  "reviews", "events", "attachments"]


class ProjectWriteSerializer(serializers.Serializer):
    """File or edit a project (JSON, or multipart with `attachments` files). On edit, omitted fields keep their
    values and omitted links stay as they are."""

    name = serializers.CharField(max_length=200)
    construction_unit = serializers.PrimaryKeyRelatedField(queryset=Department.objects.all())
    construction_unit_detail = serializers.CharField(max_length=200, required=False, allow_blank=True)
    funding_channel = ChoiceField(choices=FundingChannelChoices.choices)
    investment = serializers.DecimalField(max_digits=12, decimal_places=2, required=False)
    annual_om_cost = serializers.DecimalField(max_digits=12, decimal_places=2, required=False)
    function = serializers.CharField(max_length=4000)
    plans_to_connect = serializers.BooleanField(required=False)
    protection_level = serializers.IntegerField(required=False, allow_null=True)
    protection_filing_number = serializers.CharField(max_length=100, required=False, allow_blank=True)
    description = serializers.CharField(max_length=500, required=False, allow_blank=True)
    planned_resources = serializers.PrimaryKeyRelatedField(queryset=Resource.objects.all(), many=True,
                                                           required=False)
    systems = serializers.PrimaryKeyRelatedField(queryset=InformationSystem.objects.all(), many=True,
                                                 required=False)
    attachments = serializers.ListField(child=serializers.FileField(), required=False)


class OpinionSerializer(serializers.Serializer):
    """The reviewer department's opinion; `text` is required when disagreeing (the service says so)."""

    opinion = ChoiceField(choices=[c for c in OpinionChoices.choices if c[0] != OpinionChoices.PENDING])
    text = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")


class DecisionSerializer(serializers.Serializer):
    """The authority's decision; `reason` is required to refuse (and to approve against a disagreeing opinion)."""

    decision = ChoiceField(choices=[c for c in ReviewDecisionChoices.choices if c[0] != ReviewDecisionChoices.PENDING])
    reason = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")


class AcceptanceRequestSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class AcceptanceReviewSerializer(serializers.Serializer):
    comment = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class AttachmentsUploadSerializer(serializers.Serializer):
    attachments = serializers.ListField(child=serializers.FileField(), allow_empty=False)


class ReviewerDepartmentSerializer(BaseModelSerializer):
    """A reviewer department: written with the department's id, read with the department."""

    url = serializers.HyperlinkedIdentityField(view_name="projects-api:reviewerdepartment-detail")
    department_detail = BriefDepartmentSerializer(source="department", read_only=True)

    class Meta:
        model = ReviewerDepartment
        fields = ["id", "url", "kind", "department", "department_detail", "created"]

    def validate(self, attrs):
        from ..forms import ReviewerDepartmentForm

        instance = self.instance or ReviewerDepartment()
        data = {"kind": attrs.get("kind", instance.kind), "department": getattr(
            attrs.get("department"), "pk", instance.department_id)}
        form = ReviewerDepartmentForm(data, instance=self.instance)
        if not form.is_valid():
            raise serializers.ValidationError({
                ("non_field_errors" if key == "__all__" else key): [str(e) for e in errors]
                for key, errors in form.errors.items()
            })
        return attrs

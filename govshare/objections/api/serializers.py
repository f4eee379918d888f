"""API representations of objections. Serializers check types and choices; the workflow's rules (required reasons,
who may act, valid ID numbers, attachment size) are checked by objections.services, the same as in the web UI."""

from rest_framework import serializers
from rest_framework.reverse import reverse

from govshare.catalog.api.serializers import BriefResourceSerializer
from govshare.catalog.models import InfoItem, Resource
from govshare.core.api.serializers import BaseModelSerializer, ChoiceField
from govshare.organizations.api.serializers import BriefDepartmentSerializer
from govshare.organizations.models import Department
from govshare.users.api.serializers import BriefUserSerializer

from ..choices import ObjectionKindChoices
from ..models import Objection, ObjectionAttachment, ObjectionEvent

__all__ = [
    "ObjectionAttachmentSerializer",
    "ObjectionAttachmentsUploadSerializer",
    "ObjectionCorrectSerializer",
    "ObjectionCreateSerializer",
    "ObjectionDetailSerializer",
    "ObjectionEventSerializer",
    "ObjectionItemSerializer",
    "ObjectionRateSerializer",
    "ObjectionRejectSerializer",
    "ObjectionSerializer",
    "ObjectionStartSerializer",
    "ObjectionTransferSerializer",
]


class ObjectionItemSerializer(BaseModelSerializer):
    class Meta:
        model = InfoItem
        fields = ["id", "name", "code"]


class ObjectionEventSerializer(BaseModelSerializer):
    """One step of the timeline; a transfer names the department it went to."""

    user = BriefUserSerializer(read_only=True)
    department = BriefDepartmentSerializer(read_only=True)
    to_department = BriefDepartmentSerializer(read_only=True)

    class Meta:
        model = ObjectionEvent
        fields = ["id", "step", "time", "user", "department", "to_department", "text", "deadline"]


class ObjectionAttachmentSerializer(BaseModelSerializer):
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = ObjectionAttachment
        fields = ["id", "name", "size", "created", "download_url"]

    def get_download_url(self, attachment) -> str:
        return reverse(
            "objections-api:objection-attachment-download", args=[attachment.objection_id, attachment.pk],
            request=self.context.get("request"),
        )


class ObjectionSerializer(BaseModelSerializer):
    """An objection as listed: what, by whom, who must answer, by when (`deadline_estimated` when the year's
    holidays are not loaded: the deadline is then counted from weekends alone)."""

    url = serializers.HyperlinkedIdentityField(view_name="objections-api:objection-detail")
    resource = BriefResourceSerializer(read_only=True)
    field = ObjectionItemSerializer(read_only=True)
    consumer = BriefDepartmentSerializer(read_only=True)
    provider = BriefDepartmentSerializer(read_only=True)
    handler = BriefDepartmentSerializer(read_only=True)
    raised_by = BriefUserSerializer(read_only=True)
    deadline_note = serializers.CharField(read_only=True)
    is_overdue = serializers.SerializerMethodField()

    class Meta:
        model = Objection
        fields = [
            "id", "url", "number", "kind", "status", "resource", "record_key", "field", "consumer", "provider",
            "handler", "raised_by", "received_at", "deadline", "deadline_estimated", "deadline_note", "is_overdue",
            "answered_at", "rating", "business_continues", "created", "last_updated",
        ]

    def get_is_overdue(self, objection) -> bool:
        return objection.is_overdue()


class ObjectionDetailSerializer(ObjectionSerializer):
    """An objection with its answer, rating, timeline (the transfer chain included) and evidence."""

    answered_by = BriefUserSerializer(read_only=True)
    events = ObjectionEventSerializer(many=True, read_only=True)
    attachments = ObjectionAttachmentSerializer(many=True, read_only=True)

    class Meta(ObjectionSerializer.Meta):
        fields = [
            *ObjectionSerializer.Meta.fields, "description", "business_note", "response", "correction_note",
            "answered_by", "rating_comment", "rated_at", "overdue_at", "closed_at", "events", "attachments",
        ]


class ObjectionCreateSerializer(serializers.Serializer):
    """Raise an objection (JSON, or multipart with `attachments` files)."""

    resource = serializers.PrimaryKeyRelatedField(queryset=Resource.objects.all())
    kind = ChoiceField(choices=ObjectionKindChoices.choices)
    description = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")
    record_key = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    field = serializers.PrimaryKeyRelatedField(queryset=InfoItem.objects.all(), required=False, allow_null=True,
                                               default=None)
    business_continues = serializers.BooleanField(required=False, default=False)
    business_note = serializers.CharField(max_length=1000, required=False, allow_blank=True, default="")
    attachments = serializers.ListField(child=serializers.FileField(), required=False, default=list)


class ObjectionStartSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=1000, required=False, allow_blank=True, default="")


class ObjectionCorrectSerializer(serializers.Serializer):
    """What was corrected (required; the service says so when it is empty) and an optional reply."""

    correction_note = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")
    response = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")


class ObjectionRejectSerializer(serializers.Serializer):
    """Why the data stands (required; the service says so when it is empty)."""

    reasons = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")


class ObjectionTransferSerializer(serializers.Serializer):
    department = serializers.PrimaryKeyRelatedField(queryset=Department.objects.all())
    reason = serializers.CharField(max_length=1000, required=False, allow_blank=True, default="")


class ObjectionRateSerializer(serializers.Serializer):
    rating = serializers.IntegerField()
    comment = serializers.CharField(max_length=1000, required=False, allow_blank=True, default="")
    business_continues = serializers.BooleanField(required=False, allow_null=True, default=None)
    business_note = serializers.CharField(max_length=1000, required=False, allow_null=True, default=None)


class ObjectionAttachmentsUploadSerializer(serializers.Serializer):
    attachments = serializers.ListField(child=serializers.FileField(), allow_empty=False)

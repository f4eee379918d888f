"""API representations of sharing. Serializers check types; the sharing rules are checked by sharing.services."""

from rest_framework import serializers

from govshare.catalog.api.serializers import BriefResourceSerializer
from govshare.catalog.models import InfoItem, Resource
from govshare.core.api.serializers import BaseModelSerializer
from govshare.organizations.api.serializers import BriefDepartmentSerializer
from govshare.users.api.serializers import BriefUserSerializer

from ..models import ConsumerSystem, Grant, ShareRequest, ShareRequestAttachment, ShareRequestEvent

__all__ = [
    "BriefSystemSerializer",
    "ConsumerSystemCreateSerializer",
    "ConsumerSystemSecretSerializer",
    "ConsumerSystemSerializer",
    "GrantSerializer",
    "GrantUpdateSerializer",
    "ShareApproveSerializer",
    "ShareDecideSerializer",
    "ShareMessageSerializer",
    "ShareReasonSerializer",
    "ShareRequestCreateSerializer",
    "ShareRequestDetailSerializer",
    "ShareRequestSerializer",
    "SubscribeSerializer",
]


class SharedItemSerializer(BaseModelSerializer):
    class Meta:
        model = InfoItem
        fields = ["id", "name", "code", "is_sensitive", "share_type"]


class BriefSystemSerializer(BaseModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="sharing-api:consumersystem-detail")

    class Meta:
        model = ConsumerSystem
        fields = ["id", "url", "name", "app_key"]


class ConsumerSystemSerializer(BaseModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="sharing-api:consumersystem-detail")
    department = BriefDepartmentSerializer(read_only=True)

    class Meta:
        model = ConsumerSystem
        fields = ["id", "url", "department", "name", "description", "app_key", "is_active", "created", "last_updated"]
        read_only_fields = fields


class ConsumerSystemCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    description = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class ConsumerSystemSecretSerializer(ConsumerSystemSerializer):
    """The system with its secret: only in the answer to creating it or resetting the secret."""

    app_secret = serializers.SerializerMethodField()

    class Meta(ConsumerSystemSerializer.Meta):
        fields = [*ConsumerSystemSerializer.Meta.fields, "app_secret"]
        read_only_fields = fields

    def get_app_secret(self, obj) -> str:
        return self.context["secret"]


class GrantSerializer(BaseModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="sharing-api:grant-detail")
    resource = BriefResourceSerializer(read_only=True)
    consumer = BriefDepartmentSerializer(read_only=True)
    system = BriefSystemSerializer(read_only=True)
    items = SharedItemSerializer(many=True, read_only=True)
    clear_items = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    granted_by = BriefUserSerializer(read_only=True)
    revoked_by = BriefUserSerializer(read_only=True)
    active = serializers.SerializerMethodField()

    class Meta:
        model = Grant
        fields = [
            "id", "url", "resource", "consumer", "system", "basis", "items", "clear_items", "purpose", "valid_from",
            "valid_until", "rate_limit", "daily_quota", "granted_by", "revoked_at", "revoked_by", "revoke_reason",
            "active", "created",
        ]
        read_only_fields = fields

    def get_active(self, obj) -> bool:
        return obj.is_active()


class GrantUpdateSerializer(serializers.Serializer):
    valid_until = serializers.DateTimeField(required=False, allow_null=True)
    rate_limit = serializers.IntegerField(min_value=1, required=False)
    daily_quota = serializers.IntegerField(min_value=1, required=False)


class ShareRequestAttachmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = ShareRequestAttachment
        fields = ["id", "name", "size", "content_type", "created"]


class ShareRequestEventSerializer(BaseModelSerializer):
    actor = BriefUserSerializer(read_only=True)
    department = BriefDepartmentSerializer(read_only=True)

    class Meta:
        model = ShareRequestEvent
        fields = ["id", "action", "actor", "department", "body", "time"]


class ShareRequestSerializer(BaseModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="sharing-api:sharerequest-detail")
    resource = BriefResourceSerializer(read_only=True)
    provider = BriefDepartmentSerializer(source="resource.provider", read_only=True)
    consumer = BriefDepartmentSerializer(read_only=True)
    system = BriefSystemSerializer(read_only=True)
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = ShareRequest
        fields = [
            "id", "url", "kind", "status", "resource", "provider", "consumer", "system", "submitted_at", "due_on",
            "due_is_estimate", "overdue", "grant",
        ]
        read_only_fields = fields

    def get_overdue(self, obj) -> bool:
        return obj.is_overdue()


class ShareRequestDetailSerializer(ShareRequestSerializer):
    requested_by = BriefUserSerializer(read_only=True)
    answered_by = BriefUserSerializer(read_only=True)
    decided_by = BriefUserSerializer(read_only=True)
    items = SharedItemSerializer(many=True, read_only=True)
    attachments = ShareRequestAttachmentSerializer(many=True, read_only=True)
    events = ShareRequestEventSerializer(many=True, read_only=True)

    class Meta(ShareRequestSerializer.Meta):
        fields = [
            *ShareRequestSerializer.Meta.fields, "requested_by", "items", "purpose", "legal_basis", "use_scenario",
            "period_start", "period_end", "answer_days", "answered_by", "answered_at", "answer", "escalated_at",
            "escalation_reason", "decided_by", "decided_at", "decision", "attachments", "events",
        ]
        read_only_fields = fields


class ShareRequestCreateSerializer(serializers.Serializer):
    """A request for the caller's department (JSON, or multipart with `attachments` files)."""

    resource = serializers.PrimaryKeyRelatedField(queryset=Resource.objects.all())
    system = serializers.PrimaryKeyRelatedField(queryset=ConsumerSystem.objects.all(), required=False,
                                                allow_null=True)
    # Blank and empty values reach the service, which reports every rule at once in its own words.
    items = serializers.ListField(child=serializers.IntegerField())
    purpose = serializers.CharField(max_length=2000, allow_blank=True)
    legal_basis = serializers.CharField(max_length=2000, allow_blank=True)
    use_scenario = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    attachments = serializers.ListField(child=serializers.FileField(), required=False, default=list)


class GrantTermsSerializer(serializers.Serializer):
    clear_items = serializers.ListField(child=serializers.IntegerField(), required=False, default=list)
    valid_until = serializers.DateTimeField(required=False, allow_null=True, default=None)
    rate_limit = serializers.IntegerField(min_value=1, required=False, allow_null=True, default=None)
    daily_quota = serializers.IntegerField(min_value=1, required=False, allow_null=True, default=None)


class ShareApproveSerializer(GrantTermsSerializer):
    """Approve all requested items (omit `items`) or some of them (then `comment` says why not the rest)."""

    items = serializers.ListField(child=serializers.IntegerField(), required=False, allow_null=True, default=None)
    comment = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class ShareDecideSerializer(GrantTermsSerializer):
    """The competent authority's decision: `grant` true (with `items`, default the requested ones) or false."""

    grant = serializers.BooleanField()
    reason = serializers.CharField(max_length=2000, allow_blank=True)
    items = serializers.ListField(child=serializers.IntegerField(), required=False, allow_null=True, default=None)


# Blank text is let through: the service answers with the rule's own message ("拒绝共享必须说明理由").
class ShareReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000, allow_blank=True)


class ShareMessageSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=2000, allow_blank=True)


class SubscribeSerializer(serializers.Serializer):
    """Subscribe the caller's department to an unconditional resource (all its unconditional items by default)."""

    resource = serializers.PrimaryKeyRelatedField(queryset=Resource.objects.all())
    system = serializers.PrimaryKeyRelatedField(queryset=ConsumerSystem.objects.all(), required=False,
                                                allow_null=True)
    items = serializers.ListField(child=serializers.IntegerField(), required=False, allow_null=True, default=None)

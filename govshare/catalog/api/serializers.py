"""API representations of the catalogue. Serializers check types and choices; the catalogue's rules are checked by
catalog.services (through catalog.rules), whose errors keep their keys (`items.2.share_type`)."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.reverse import reverse

from govshare.core.api.serializers import BaseModelSerializer, ChoiceField, RelatedObjectField
from govshare.organizations.api.serializers import BriefDepartmentSerializer, BriefOfficeSerializer
from govshare.organizations.models import Department, Office
from govshare.users.api.serializers import BriefUserSerializer
from govshare.users.choices import RoleChoices

from .. import services
from ..choices import VersionStatusChoices
from ..models import Classification, InfoItem, Resource, ResourceVersion, UpdateDuty

__all__ = [
    "ApproveSerializer",
    "BriefClassificationSerializer",
    "BriefResourceSerializer",
    "ClassificationSerializer",
    "CompleteDutySerializer",
    "InfoItemSerializer",
    "ReasonSerializer",
    "ResourceDetailSerializer",
    "ResourceSerializer",
    "ResourceVersionSerializer",
    "ReviewQueueSerializer",
    "SubmitSerializer",
    "UpdateDutySerializer",
    "VersionHistorySerializer",
    "sees_pending_change",
]


def sees_pending_change(user, resource) -> bool:
    """A change in progress is internal: the provider department, its reviewers and platform admins see it."""
    if user is None or not user.is_authenticated:
        return False
    if user.is_superuser or user.has_role(RoleChoices.PLATFORM_ADMIN):
        return True
    if user.department_id and user.department_id == resource.provider_id:
        return True
    return Resource.objects.restrict(user, "review").filter(pk=resource.pk).exists()


# ---------------------------------------------------------------------------------------------------------------
# Classification

class BriefClassificationSerializer(BaseModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="catalog-api:classification-detail")

    class Meta:
        model = Classification
        fields = ["id", "url", "full_code", "name", "level"]


class ClassificationSerializer(BaseModelSerializer):
    """A node of the 类/项/目/细目 tree; list ordered by code, so parents come before their children."""

    url = serializers.HyperlinkedIdentityField(view_name="catalog-api:classification-detail")
    parent = serializers.PrimaryKeyRelatedField(read_only=True)
    level_label = serializers.SerializerMethodField()

    class Meta:
        model = Classification
        fields = ["id", "url", "parent", "level", "level_label", "segment", "full_code", "name"]

    def get_level_label(self, node) -> str:
        return str(Classification.LEVEL_LABELS.get(node.level, node.level))


# ---------------------------------------------------------------------------------------------------------------
# Entries and info items

class InfoItemSerializer(BaseModelSerializer):
    """An info item, written inline with its entry; the list order is the item order."""

    class Meta:
        model = InfoItem
        fields = [
            "id", "position", "name", "code", "data_type", "length", "description", "is_sensitive", "is_basic",
            "share_type", "share_condition", "open_type",
        ]
        read_only_fields = ["id", "position"]


class BriefResourceSerializer(BaseModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="catalog-api:resource-detail")

    class Meta:
        model = Resource
        fields = ["id", "url", "code", "name", "status"]


class ResourceSerializer(BaseModelSerializer):
    """An entry as listed: its published (or draft) metadata, without info items."""

    url = serializers.HyperlinkedIdentityField(view_name="catalog-api:resource-detail")
    classification = RelatedObjectField(
        BriefClassificationSerializer, queryset=Classification.objects.all(),
        help_text=_("资源分类编号（至少到“项”一级）"),
    )
    provider = RelatedObjectField(
        BriefDepartmentSerializer, queryset=Department.objects.all(), required=False,
        help_text=_("资源提供方部门编号；不填则为当前用户所属部门"),
    )
    provider_office = RelatedObjectField(
        BriefOfficeSerializer, queryset=Office.objects.all(), required=False, allow_null=True
    )
    related_codes = serializers.ListField(
        child=serializers.CharField(max_length=40), required=False, label=_("关联资源代码")
    )
    pending_change_status = ChoiceField(
        choices=VersionStatusChoices.choices, read_only=True, allow_null=True,
        help_text=_("已发布目录正在进行的变更的状态（无变更时为 null）"),
    )

    class Meta:
        model = Resource
        fields = [
            "id", "url", "code", "name", "classification", "provider", "provider_office", "source_system",
            "abstract", "format_category", "format_type", "share_type", "share_condition", "share_basis",
            "share_mode", "open_type", "open_condition", "update_cycle", "related_codes", "description",
            "status", "version", "published_on", "withdrawn_reason", "pending_change_status", "created",
            "last_updated",
        ]
        read_only_fields = ["status", "version", "published_on", "withdrawn_reason"]


class ResourceVersionSerializer(BaseModelSerializer):
    """One version of an entry: the complete snapshot (fields with ids, info items), who and when."""

    created_by = BriefUserSerializer(read_only=True)
    reviewed_by = BriefUserSerializer(read_only=True)
    snapshot = serializers.JSONField(read_only=True)

    class Meta:
        model = ResourceVersion
        fields = [
            "id", "number", "status", "change_summary", "snapshot", "created_by", "submitted_at", "reviewed_by",
            "reviewed_at", "review_comment", "created",
        ]


class VersionHistorySerializer(ResourceVersionSerializer):
    """A version with what changed from the version before it (services.diff_snapshots)."""

    diff = serializers.SerializerMethodField()

    class Meta(ResourceVersionSerializer.Meta):
        fields = [*ResourceVersionSerializer.Meta.fields, "diff"]

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_diff(self, version):
        return self.context["diffs"].get(version.pk)


class ResourceDetailSerializer(ResourceSerializer):
    """An entry with its info items, the change in progress (if the caller may see it) and its history link.

    Written with the info items inline: `items` replaces the whole list (items keep their id when the name
    stays). On a published entry, an update becomes a pending change; the entry stays as published until approved.
    """

    items = InfoItemSerializer(many=True, required=False)
    change_summary = serializers.CharField(
        write_only=True, required=False, allow_blank=True, max_length=500, help_text=_("变更说明（已发布目录的修改）")
    )
    pending_change = serializers.SerializerMethodField()
    versions_url = serializers.SerializerMethodField()

    class Meta(ResourceSerializer.Meta):
        fields = [*ResourceSerializer.Meta.fields, "items", "change_summary", "pending_change", "versions_url"]

    @extend_schema_field(ResourceVersionSerializer(allow_null=True))
    def get_pending_change(self, resource):
        request = self.context.get("request")
        if request is None or not sees_pending_change(request.user, resource):
            return None
        version = services.pending_version(resource)
        return ResourceVersionSerializer(version, context=self.context).data if version else None

    @extend_schema_field(OpenApiTypes.URI)
    def get_versions_url(self, resource):
        return reverse("catalog-api:resource-versions", args=[resource.pk], request=self.context.get("request"))

    def service_arguments(self, current=None):
        """`fields`, `items` and `change_summary` for services.create_entry / update_entry.

        `current` (services.entry_data: the pending change if any, else the entry) supplies what the request leaves
        out, so PATCH changes only what it names; PUT must carry the required fields and `items` replaces the list.
        """
        data = dict(self.validated_data)
        items = data.pop("items", None)
        change_summary = data.pop("change_summary", "")
        fields = dict(current["fields"]) if current else {}
        fields.update(data)
        if items is None:
            items = current["items"] if current else []
        return {"fields": fields, "items": [dict(item) for item in items], "change_summary": change_summary}


# ---------------------------------------------------------------------------------------------------------------
# Review

class SubmitSerializer(serializers.Serializer):
    change_summary = serializers.CharField(required=False, allow_blank=True, max_length=500, default="")


class ReasonSerializer(serializers.Serializer):
    """Returning or withdrawing an entry: the reason is required (the service says so when it is empty)."""

    reason = serializers.CharField(required=False, allow_blank=True, max_length=1000, default="")


class ApproveSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, max_length=1000, default="")


class ReviewQueueSerializer(BaseModelSerializer):
    """A version waiting for review: a new entry, or a change to a published one (`is_change`)."""

    resource = BriefResourceSerializer(read_only=True)
    provider = BriefDepartmentSerializer(source="resource.provider", read_only=True)
    is_change = serializers.SerializerMethodField()
    created_by = BriefUserSerializer(read_only=True)

    class Meta:
        model = ResourceVersion
        fields = ["id", "number", "status", "resource", "provider", "is_change", "change_summary", "created_by",
                  "submitted_at"]

    def get_is_change(self, version) -> bool:
        return version.resource.status == "published"


# ---------------------------------------------------------------------------------------------------------------
# Update duties

class UpdateDutySerializer(BaseModelSerializer):
    """A change of law or duties and the working-day deadline for updating the catalogue."""

    url = serializers.HyperlinkedIdentityField(view_name="catalog-api:updateduty-detail")
    department = RelatedObjectField(BriefDepartmentSerializer, queryset=Department.objects.all())
    recorded_by = BriefUserSerializer(read_only=True)
    is_overdue = serializers.SerializerMethodField()

    class Meta:
        model = UpdateDuty
        fields = [
            "id", "url", "department", "kind", "title", "occurred_on", "description", "due_on", "due_is_estimate",
            "completed_on", "is_overdue", "recorded_by", "created", "last_updated",
        ]
        read_only_fields = ["due_on", "due_is_estimate", "completed_on"]

    def get_is_overdue(self, duty) -> bool:
        return duty.is_overdue()


class CompleteDutySerializer(serializers.Serializer):
    completed_on = serializers.DateField(required=False, allow_null=True, default=None)

"""API representations of jurisdictions, departments and offices (full, and brief for nesting elsewhere)."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from govshare.core.api.permissions import has_any_role
from govshare.core.api.serializers import BaseModelSerializer, RelatedObjectField
from govshare.users.choices import RoleChoices

from ..models import Department, Jurisdiction, Office

__all__ = [
    "BriefDepartmentSerializer",
    "BriefJurisdictionSerializer",
    "BriefOfficeSerializer",
    "DepartmentSerializer",
    "JurisdictionSerializer",
    "OfficeSerializer",
]

# Who may move a department to another jurisdiction or make it the competent authority.
ORGANIZATION_ADMIN_ROLES = RoleChoices.ORGANIZATION_ADMINS


class BriefJurisdictionSerializer(BaseModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="organizations-api:jurisdiction-detail")

    class Meta:
        model = Jurisdiction
        fields = ["id", "url", "name", "division_code", "level"]


class BriefDepartmentSerializer(BaseModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="organizations-api:department-detail")

    class Meta:
        model = Department
        fields = ["id", "url", "name", "short_name", "credit_code"]


class BriefOfficeSerializer(BaseModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="organizations-api:office-detail")

    class Meta:
        model = Office
        fields = ["id", "url", "name"]


class JurisdictionSerializer(BaseModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="organizations-api:jurisdiction-detail")
    parent = RelatedObjectField(
        BriefJurisdictionSerializer, queryset=Jurisdiction.objects.all(), required=False, allow_null=True
    )

    class Meta:
        model = Jurisdiction
        fields = ["id", "url", "name", "level", "division_code", "parent", "description", "created", "last_updated"]

    def validate_parent(self, parent):
        if parent is not None and self.instance is not None and parent.pk in self.instance.descendant_ids():
            raise serializers.ValidationError(_("上级不能是自身或其下级"))
        return parent


class DepartmentSerializer(BaseModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="organizations-api:department-detail")
    jurisdiction = RelatedObjectField(BriefJurisdictionSerializer, queryset=Jurisdiction.objects.all())

    class Meta:
        model = Department
        fields = [
            "id", "url", "name", "short_name", "credit_code", "jurisdiction", "is_competent_authority",
            "contact_name", "contact_phone", "description", "created", "last_updated",
        ]

    def validate_credit_code(self, value):
        return value.strip().upper()

    def validate(self, attrs):
        # A department administrator edits the contact details of the own department, not its place or standing.
        request = self.context.get("request")
        if self.instance is not None and request and not has_any_role(request.user, ORGANIZATION_ADMIN_ROLES):
            errors = {}
            for name in ("jurisdiction", "is_competent_authority", "credit_code"):
                if name in attrs and attrs[name] != getattr(self.instance, name):
                    errors[name] = [_("只有平台管理员或系统管理员可以修改此项")]
            if errors:
                raise serializers.ValidationError(errors)
        return super().validate(attrs)


class OfficeSerializer(BaseModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="organizations-api:office-detail")
    department = RelatedObjectField(BriefDepartmentSerializer, queryset=Department.objects.all())

    class Meta:
        model = Office
        fields = ["id", "url", "department", "name", "description", "created", "last_updated"]

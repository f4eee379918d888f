"""API representations of service items. Serializers check types and choices; the rules (codes, unique names,
linking only to published and shared resources) are checked by serviceitems.services, whose errors keep their
keys (`materials.2.replaced_by`)."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from govshare.catalog.api.serializers import BriefResourceSerializer
from govshare.catalog.models import Resource
from govshare.core.api.serializers import BaseModelSerializer, RelatedObjectField
from govshare.organizations.api.serializers import BriefDepartmentSerializer
from govshare.organizations.models import Department

from ..models import RequiredMaterial, ServiceItem

__all__ = ["DepartmentShareSerializer", "RequiredMaterialSerializer", "ServiceItemSerializer"]


class RequiredMaterialSerializer(BaseModelSerializer):
    """A material, written inline with its item; the list order is the material order."""

    replaced_by = RelatedObjectField(
        BriefResourceSerializer, queryset=Resource.objects.all(), required=False, allow_null=True,
        help_text=_("替代该材料的资源目录编号（须已发布且不是不予共享）"),
    )
    replaceable_by_sharing = serializers.BooleanField(read_only=True, help_text=_("可由共享获取，申请人无需提交"))

    class Meta:
        model = RequiredMaterial
        fields = ["id", "position", "name", "source", "is_required", "copies", "notes", "replaced_by",
                  "replaceable_by_sharing"]
        read_only_fields = ["id", "position"]
        # Uniqueness of names within an item is a service rule (keyed by row), not a per-row validator.
        validators = []


class ServiceItemSerializer(BaseModelSerializer):
    """A service item with its materials and the share of required materials sharing replaces.

    `materials` replaces the whole list when given (a material keeps its id while its name stays); PATCH without
    it leaves the materials as they are. `share` is 0..1, null when the item has no required material.
    """

    url = serializers.HyperlinkedIdentityField(view_name="serviceitems-api:serviceitem-detail")
    department = RelatedObjectField(BriefDepartmentSerializer, queryset=Department.objects.all(), required=False,
                                    help_text=_("实施部门编号；不填则为当前用户所属部门"))
    materials = RequiredMaterialSerializer(many=True, required=False)
    material_count = serializers.IntegerField(read_only=True)
    required_count = serializers.IntegerField(read_only=True)
    replaced_required_count = serializers.IntegerField(read_only=True)
    share = serializers.FloatField(read_only=True, allow_null=True,
                                   help_text=_("必要材料替代率（0..1）；无必要材料时为 null"))

    class Meta:
        model = ServiceItem
        fields = [
            "id", "url", "name", "item_type", "legal_basis", "base_code", "implementation_code", "department",
            "description", "materials", "material_count", "required_count", "replaced_required_count", "share",
            "created", "last_updated",
        ]
        validators = []  # the unique constraints are service rules with Chinese messages

    def service_arguments(self, current=None):
        """`fields` and `materials` for services.create_item / update_item; `current` (services.item_data) fills
        in what a PATCH leaves out."""
        data = dict(self.validated_data)
        materials = data.pop("materials", None)
        fields = dict(current["fields"]) if current else {}
        fields.update(data)
        if materials is None:
            materials = current["materials"] if current else []
        return {"fields": fields, "materials": [dict(material) for material in materials]}


class DepartmentShareSerializer(serializers.Serializer):
    """One department's figures (services.department_shares)."""

    department_id = serializers.IntegerField()
    name = serializers.CharField()
    items = serializers.IntegerField()
    required = serializers.IntegerField(help_text=_("必要材料数"))
    replaced = serializers.IntegerField(help_text=_("可由共享获取的必要材料数"))
    share = serializers.FloatField(allow_null=True, help_text=_("replaced / required；无必要材料时为 null"))

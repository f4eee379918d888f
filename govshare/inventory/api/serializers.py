"""API representations of the inventory. Serializers check types and choices; the inventory's rules and
permissions are checked by inventory.services."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from govshare.catalog.models import Resource
from govshare.core.api.serializers import BaseModelSerializer, RelatedObjectField
from govshare.organizations.api.serializers import BriefDepartmentSerializer, BriefOfficeSerializer
from govshare.organizations.models import Department, Office

from .. import services
from ..models import InformationSystem, SystemUsage

__all__ = [
    "BriefInformationSystemSerializer", "InformationSystemSerializer", "SystemUsageSerializer", "UsageInputSerializer",
]


class BriefInformationSystemSerializer(BaseModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="inventory-api:informationsystem-detail")

    class Meta:
        model = InformationSystem
        fields = ["id", "url", "name", "number", "owner"]


class InformationSystemSerializer(BaseModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="inventory-api:informationsystem-detail")
    owner = RelatedObjectField(BriefDepartmentSerializer, queryset=Department.objects.all())
    owner_office = RelatedObjectField(
        BriefOfficeSerializer, queryset=Office.objects.all(), required=False, allow_null=True
    )
    integrated_into = RelatedObjectField(
        BriefInformationSystemSerializer, queryset=InformationSystem.objects.all(), required=False, allow_null=True
    )
    replaced_by = RelatedObjectField(
        BriefInformationSystemSerializer, queryset=InformationSystem.objects.all(), required=False, allow_null=True
    )
    source_resource_codes = serializers.ListField(
        child=serializers.CharField(max_length=60), required=False,
        help_text=_("来源目录资源代码"),
    )

    class Meta:
        model = InformationSystem
        fields = [
            "id", "url", *services.SYSTEM_FIELDS, "source_resource_codes", "created", "last_updated",
        ]
        read_only_fields = ["created", "last_updated"]
        # Uniqueness is the service's rule, with its own message.
        validators = []

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["source_resource_codes"] = sorted(r.code for r in instance.source_resources.all() if r.code)
        return data

    def validate_source_resource_codes(self, codes):
        codes = [code.strip() for code in codes if code.strip()]
        found = {resource.code: resource for resource in Resource.objects.filter(code__in=codes)}
        missing = [code for code in codes if code not in found]
        if missing:
            raise serializers.ValidationError(_("目录中没有这些资源代码：%(codes)s") % {"codes": "、".join(missing)})
        return list({found[code].pk: found[code] for code in codes}.values())

    def service_arguments(self):
        data = dict(self.validated_data)
        sources = data.pop("source_resource_codes", None)
        return data, sources


class SystemUsageSerializer(BaseModelSerializer):
    month = serializers.DateField(format="%Y-%m")

    class Meta:
        model = SystemUsage
        fields = ["id", "system", "month", *services.USAGE_FIELDS, "source", "recorded"]
        read_only_fields = fields


class UsageInputSerializer(serializers.Serializer):
    """One month's figures pushed by a system: month as YYYY-MM; figures left out keep their stored value."""

    month = serializers.CharField(help_text=_("月份，YYYY-MM"))
    monthly_active_users = serializers.IntegerField(min_value=0, required=False, allow_null=True)
    visits = serializers.IntegerField(min_value=0, required=False, allow_null=True)
    last_used_on = serializers.DateField(required=False, allow_null=True)
    last_maintained_on = serializers.DateField(required=False, allow_null=True)
    resource_utilisation = serializers.DecimalField(
        max_digits=5, decimal_places=2, min_value=0, max_value=100, required=False, allow_null=True
    )

    def validate_month(self, value):
        from django.core.exceptions import ValidationError

        try:
            return services.month_start(value)
        except ValidationError as error:
            raise serializers.ValidationError(error.message_dict["month"]) from None

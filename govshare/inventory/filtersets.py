"""Filters of the inventory, shared by the list page, the export and the API."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from govshare.organizations.models import Department

from .choices import DeploymentChoices, NetworkChoices, SystemStatusChoices
from .models import InformationSystem, SystemUsage

__all__ = ["InformationSystemFilterSet", "SystemUsageFilterSet"]

BOOLEAN_CHOICES = (("true", _("是")), ("false", _("否")))


class InformationSystemFilterSet(django_filters.FilterSet):
    """Systems by text (name, number, function, construction unit), department, status, network, deployment and
    whether they are connected to the sharing platform."""

    q = django_filters.CharFilter(method="search", label=_("搜索"))
    owner_id = django_filters.ModelMultipleChoiceFilter(
        field_name="owner", queryset=Department.objects.all(), label=_("所属部门")
    )
    status = django_filters.MultipleChoiceFilter(choices=SystemStatusChoices.choices, label=_("状态"))
    network = django_filters.MultipleChoiceFilter(choices=NetworkChoices.choices, label=_("部署网络"))
    deployment = django_filters.MultipleChoiceFilter(choices=DeploymentChoices.choices, label=_("部署方式"))
    connected_to_platform = django_filters.ChoiceFilter(
        choices=BOOLEAN_CHOICES, method="filter_connected", label=_("已接入共享平台"), empty_label=_("全部"),
    )
    protection_level = django_filters.NumberFilter(label=_("等保级别"))

    class Meta:
        model = InformationSystem
        fields = ["id", "q", "owner_id", "status", "network", "deployment", "connected_to_platform",
                  "protection_level"]

    def filter_connected(self, queryset, name, value):
        return queryset.filter(connected_to_platform=value == "true") if value else queryset

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(name__icontains=value) | Q(number__icontains=value) | Q(function__icontains=value)
            | Q(construction_unit__icontains=value)
        )


class SystemUsageFilterSet(django_filters.FilterSet):
    """Usage months of one system, or a period."""

    system_id = django_filters.NumberFilter(field_name="system_id", label=_("信息系统（编号）"))
    month = django_filters.DateFromToRangeFilter(label=_("月份"))

    class Meta:
        model = SystemUsage
        fields = ["system_id", "month"]

"""Filters of the mounting pages and API, declared once."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from govshare.catalog.choices import UpdateCycleChoices
from govshare.catalog.models import Resource
from govshare.organizations.models import Department

from .choices import MountKindChoices, PullModeChoices, PullStatusChoices, TimelinessChoices
from .models import ApiEndpoint, DataFile, PullSource

__all__ = ["ApiEndpointFilterSet", "DataFileFilterSet", "MountOverviewFilterSet", "PullSourceFilterSet"]


class MountOverviewFilterSet(django_filters.FilterSet):
    """The provider's resources by text, mount kind, update cycle and timeliness (`timeliness` is applied by the
    caller on the computed status: it depends on the current time, not only on stored columns)."""

    q = django_filters.CharFilter(method="search", label=_("搜索"))
    kind = django_filters.ChoiceFilter(
        choices=MountKindChoices.choices, method="filter_kind", label=_("挂接方式"), empty_label=_("全部方式")
    )
    update_cycle = django_filters.ChoiceFilter(
        choices=UpdateCycleChoices.choices, label=_("更新周期"), empty_label=_("全部周期")
    )
    timeliness = django_filters.ChoiceFilter(
        choices=TimelinessChoices.choices, method="keep", label=_("及时性"), empty_label=_("全部状态")
    )
    provider_id = django_filters.ModelChoiceFilter(
        field_name="provider", queryset=Department.objects.all(), label=_("提供部门"), empty_label=_("全部部门")
    )

    class Meta:
        model = Resource
        fields = ["q", "kind", "update_cycle", "timeliness", "provider_id"]

    def __init__(self, *args, show_provider=False, **kwargs):
        super().__init__(*args, **kwargs)
        if not show_provider:
            del self.filters["provider_id"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(code__icontains=value))

    def filter_kind(self, queryset, name, value):
        from .services import resources_with_kind

        return resources_with_kind(queryset, value)

    def keep(self, queryset, name, value):
        return queryset


class DataFileFilterSet(django_filters.FilterSet):
    resource_id = django_filters.NumberFilter(field_name="resource_id", label=_("资源（编号）"))
    sha256 = django_filters.CharFilter(lookup_expr="iexact", label=_("SHA-256"))
    name = django_filters.CharFilter(lookup_expr="icontains", label=_("文件名称"))

    class Meta:
        model = DataFile
        fields = ["resource_id", "sha256", "name"]


class PullSourceFilterSet(django_filters.FilterSet):
    resource_id = django_filters.NumberFilter(field_name="resource_id", label=_("资源（编号）"))
    mode = django_filters.ChoiceFilter(choices=PullModeChoices.choices, label=_("抽取方式"))
    last_status = django_filters.ChoiceFilter(choices=PullStatusChoices.choices, label=_("最近运行状态"))
    enabled = django_filters.BooleanFilter(label=_("启用"))

    class Meta:
        model = PullSource
        fields = ["resource_id", "mode", "last_status", "enabled"]


class ApiEndpointFilterSet(django_filters.FilterSet):
    resource_id = django_filters.NumberFilter(field_name="resource_id", label=_("资源（编号）"))
    is_active = django_filters.BooleanFilter(label=_("启用"))

    class Meta:
        model = ApiEndpoint
        fields = ["resource_id", "is_active"]

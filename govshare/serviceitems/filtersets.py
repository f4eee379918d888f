"""Filters of the service items, shared by the list page, the API and the Excel export."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from govshare.organizations.models import Department

from .choices import MaterialSourceChoices, ServiceItemTypeChoices
from .models import RequiredMaterial, ServiceItem

__all__ = ["ServiceItemFilterSet"]


class ServiceItemFilterSet(django_filters.FilterSet):
    """Items by text, department, type, share of replaced materials (percent range) and linked resource.

    The share filters need the `with_shares()` annotation on the queryset; items without required materials have
    no share and are left out as soon as a bound is given (`has_share=false` finds them).
    """

    id = django_filters.NumberFilter(label=_("编号"), widget=forms.HiddenInput)
    q = django_filters.CharFilter(method="search", label=_("搜索"))
    department_id = django_filters.ModelChoiceFilter(
        field_name="department", queryset=Department.objects.order_by("jurisdiction__division_code", "name"),
        label=_("实施部门"), empty_label=_("全部部门"),
    )
    item_type = django_filters.ChoiceFilter(
        choices=ServiceItemTypeChoices.choices, label=_("事项类型"), empty_label=_("全部类型")
    )
    share_min = django_filters.NumberFilter(
        method="filter_share_min", label=_("替代率不低于(%)"),
        widget=forms.NumberInput(attrs={"min": 0, "max": 100, "step": 1, "class": "input-narrow"}),
    )
    share_max = django_filters.NumberFilter(
        method="filter_share_max", label=_("替代率不高于(%)"),
        widget=forms.NumberInput(attrs={"min": 0, "max": 100, "step": 1, "class": "input-narrow"}),
    )
    has_share = django_filters.BooleanFilter(
        method="filter_has_share", label=_("有必要材料"), widget=forms.HiddenInput,
    )
    # Material filters are subqueries: a join would multiply the rows the share annotation counts.
    material_source = django_filters.MultipleChoiceFilter(
        method="filter_material_source", choices=MaterialSourceChoices.choices, label=_("材料来源"),
        widget=forms.MultipleHiddenInput,
    )
    resource_id = django_filters.NumberFilter(
        method="filter_resource", label=_("共享替代资源（编号）"), widget=forms.HiddenInput
    )
    base_code = django_filters.CharFilter(lookup_expr="istartswith", label=_("基本编码"), widget=forms.HiddenInput)

    class Meta:
        model = ServiceItem
        fields = ["id", "q", "department_id", "item_type", "share_min", "share_max", "has_share",
                  "material_source", "resource_id", "base_code"]

    def search(self, queryset, name, value):
        value = (value or "").strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(name__icontains=value) | Q(base_code__istartswith=value) | Q(implementation_code__istartswith=value)
            | Q(department__name__icontains=value)
        )

    def filter_share_min(self, queryset, name, value):
        return queryset if value is None else queryset.filter(share__gte=float(value) / 100 - 1e-9)

    def filter_share_max(self, queryset, name, value):
        return queryset if value is None else queryset.filter(share__lte=float(value) / 100 + 1e-9)

    def filter_material_source(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(pk__in=RequiredMaterial.objects.filter(source__in=value).values("service_item"))

    def filter_resource(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(pk__in=RequiredMaterial.objects.filter(replaced_by_id=value).values("service_item"))

    def filter_has_share(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(required_count__gt=0) if value else queryset.filter(required_count=0)

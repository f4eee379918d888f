"""Filters of the organization lists, shared by the pages and (later) the API: every foreign key by id."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .choices import JurisdictionLevelChoices
from .models import Department, Jurisdiction, Office

__all__ = ["DepartmentFilterSet", "JurisdictionFilterSet", "OfficeFilterSet"]

BOOLEAN_CHOICES = [("", _("全部")), ("true", _("是")), ("false", _("否"))]


class JurisdictionFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("搜索"))
    level = django_filters.ChoiceFilter(
        choices=JurisdictionLevelChoices.choices, label=_("层级"), empty_label=_("全部层级")
    )
    parent_id = django_filters.ModelChoiceFilter(
        field_name="parent", queryset=Jurisdiction.objects.all(), label=_("上级"), empty_label=_("全部")
    )

    class Meta:
        model = Jurisdiction
        fields = ["q", "level", "parent_id"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(division_code__startswith=value))


class DepartmentFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("搜索"))
    jurisdiction_id = django_filters.ModelChoiceFilter(
        field_name="jurisdiction", queryset=Jurisdiction.objects.all(), label=_("所属区域"),
        empty_label=_("全部区域"),
    )
    level = django_filters.ChoiceFilter(
        field_name="jurisdiction__level", choices=JurisdictionLevelChoices.choices, label=_("层级"),
        empty_label=_("全部层级"),
    )
    is_competent_authority = django_filters.BooleanFilter(
        label=_("共享主管部门"), widget=forms.Select(choices=BOOLEAN_CHOICES)
    )

    class Meta:
        model = Department
        fields = ["q", "jurisdiction_id", "level", "is_competent_authority"]

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(name__icontains=value) | Q(short_name__icontains=value) | Q(credit_code__icontains=value.upper())
        )


class OfficeFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains", label=_("搜索"))
    department_id = django_filters.ModelChoiceFilter(
        field_name="department", queryset=Department.objects.all(), label=_("所属部门"), empty_label=_("全部部门")
    )

    class Meta:
        model = Office
        fields = ["q", "department_id"]

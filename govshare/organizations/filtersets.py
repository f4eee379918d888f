"""Filters for jurisdictions, departments and offices, shared by the list pages and the API."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .choices import JurisdictionLevelChoices
from .models import Department, Jurisdiction, Office

__all__ = ["DepartmentFilterSet", "JurisdictionFilterSet", "OfficeFilterSet"]


class JurisdictionFilterSet(django_filters.FilterSet):
    """Jurisdictions by text (name or division code), level and parent."""

    q = django_filters.CharFilter(method="search", label=_("搜索"))
    level = django_filters.MultipleChoiceFilter(choices=JurisdictionLevelChoices.choices, label=_("层级"))
    parent_id = django_filters.ModelMultipleChoiceFilter(
        field_name="parent", queryset=Jurisdiction.objects.all(), label=_("上级（编号）")
    )

    class Meta:
        model = Jurisdiction
        fields = ["id", "q", "level", "parent_id", "division_code"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(division_code__startswith=value))


class DepartmentFilterSet(django_filters.FilterSet):
    """Departments by text (name, short name or credit code), jurisdiction and competent authority."""

    q = django_filters.CharFilter(method="search", label=_("搜索"))
    jurisdiction_id = django_filters.ModelMultipleChoiceFilter(
        field_name="jurisdiction", queryset=Jurisdiction.objects.all(), label=_("所属区域（编号）")
    )
    is_competent_authority = django_filters.BooleanFilter(label=_("共享主管部门"))

    class Meta:
        model = Department
        fields = ["id", "q", "jurisdiction_id", "is_competent_authority", "credit_code"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(name__icontains=value) | Q(short_name__icontains=value) | Q(credit_code__iexact=value)
        )


class OfficeFilterSet(django_filters.FilterSet):
    """Offices by text and department."""

    q = django_filters.CharFilter(method="search", label=_("搜索"))
    department_id = django_filters.ModelMultipleChoiceFilter(
        field_name="department", queryset=Department.objects.all(), label=_("所属部门（编号）")
    )

    class Meta:
        model = Office
        fields = ["id", "q", "department_id"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(department__name__icontains=value))

"""Filters of mounted tables and their loads, shared by the API and the mounting pages."""

import django_filters
from django.utils.translation import gettext_lazy as _

from .choices import LoadModeChoices, LoadStatusChoices
from .models import DataTable, TableLoad

__all__ = ["DataTableFilterSet", "TableLoadFilterSet"]


class DataTableFilterSet(django_filters.FilterSet):
    """Tables by resource and provider department (ids)."""

    resource = django_filters.NumberFilter(field_name="resource_id", label=_("资源（编号）"))
    provider = django_filters.NumberFilter(field_name="resource__provider_id", label=_("提供部门（编号）"))
    resource_code = django_filters.CharFilter(field_name="resource__code", label=_("资源代码"))

    class Meta:
        model = DataTable
        fields = ["resource", "provider", "resource_code"]


class TableLoadFilterSet(django_filters.FilterSet):
    """Loads by table, resource, status and mode."""

    data_table = django_filters.NumberFilter(field_name="data_table_id", label=_("库表（编号）"))
    resource = django_filters.NumberFilter(field_name="data_table__resource_id", label=_("资源（编号）"))
    status = django_filters.MultipleChoiceFilter(choices=LoadStatusChoices.choices, label=_("状态"))
    mode = django_filters.MultipleChoiceFilter(choices=LoadModeChoices.choices, label=_("加载方式"))

    class Meta:
        model = TableLoad
        fields = ["data_table", "resource", "status", "mode"]

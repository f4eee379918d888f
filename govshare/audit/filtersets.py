"""Filters of the audit log: by ids and ISO times for the API, by names and dates for the list page."""

import datetime as dt

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from govshare.organizations.models import Department

from .choices import AuditActionChoices, AuditResultChoices
from .models import AuditEntry

__all__ = ["AuditEntryFilterSet", "AuditEntryListFilterSet"]


class AuditEntryFilterSet(django_filters.FilterSet):
    """By user, department, resource (ids), action, result and time range (`time_after`, `time_before`)."""

    action = django_filters.MultipleChoiceFilter(choices=AuditActionChoices.choices)
    result = django_filters.MultipleChoiceFilter(choices=AuditResultChoices.choices)
    time = django_filters.IsoDateTimeFromToRangeFilter()
    user = django_filters.NumberFilter(field_name="user_id")
    department = django_filters.NumberFilter(field_name="department_id")
    resource = django_filters.NumberFilter(field_name="resource_id")
    username = django_filters.CharFilter()
    resource_code = django_filters.CharFilter()

    class Meta:
        model = AuditEntry
        fields = ["action", "result", "time", "user", "department", "resource", "username", "resource_code"]


def _day_start(day):
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


class AuditEntryListFilterSet(django_filters.FilterSet):
    """The list page's filters: free text (user, system, resource code, purpose), department, action, result,
    and a date range."""

    q = django_filters.CharFilter(method="search", label=_("搜索"))
    date_from = django_filters.DateFilter(
        method="filter_from", label=_("起始日期"), widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = django_filters.DateFilter(
        method="filter_to", label=_("截止日期"), widget=forms.DateInput(attrs={"type": "date"})
    )
    username = django_filters.CharFilter(lookup_expr="icontains", label=_("用户名"))
    department = django_filters.ModelChoiceFilter(
        queryset=Department.objects.order_by("name"), field_name="department", label=_("部门")
    )
    action = django_filters.ChoiceFilter(choices=AuditActionChoices.choices, label=_("操作"))
    resource_code = django_filters.CharFilter(lookup_expr="icontains", label=_("资源代码"))
    result = django_filters.ChoiceFilter(choices=AuditResultChoices.choices, label=_("结果"))

    class Meta:
        model = AuditEntry
        fields = ["q", "date_from", "date_to", "username", "department", "action", "resource_code", "result"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        condition = (
            Q(username__icontains=value)
            | Q(system__icontains=value)
            | Q(resource_code__icontains=value)
            | Q(purpose__icontains=value)
        )
        if value.isdigit():
            condition |= Q(seq=int(value))
        return queryset.filter(condition)

    def filter_from(self, queryset, name, value):
        return queryset.filter(time__gte=_day_start(value))

    def filter_to(self, queryset, name, value):
        return queryset.filter(time__lt=_day_start(value + dt.timedelta(days=1)))

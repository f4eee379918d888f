"""Filters of the audit log, shared by the API and (later) the list page and exports."""

import django_filters

from .choices import AuditActionChoices, AuditResultChoices
from .models import AuditEntry

__all__ = ["AuditEntryFilterSet"]


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

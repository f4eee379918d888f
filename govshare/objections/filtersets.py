"""Filters of objections, shared by the list pages and the API."""

import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from govshare.catalog.models import Resource
from govshare.organizations.models import Department

from .choices import ObjectionKindChoices, ObjectionStatusChoices
from .models import Objection

__all__ = ["ObjectionFilterSet"]


def _resources(request):
    """The resources the user's visible objections are about (the filter's options), or all for the API schema."""
    if request is None or not getattr(request, "user", None) or not request.user.is_authenticated:
        return Resource.objects.all()
    visible = Objection.objects.restrict(request.user, "view")
    return Resource.objects.filter(pk__in=visible.values("resource_id")).order_by("name")


class ObjectionFilterSet(django_filters.FilterSet):
    """Objections by text, status, kind, resource, departments, open or overdue, and deadline."""

    q = django_filters.CharFilter(method="search", label=_("搜索"))
    status = django_filters.ChoiceFilter(
        choices=ObjectionStatusChoices.choices, label=_("状态"), empty_label=_("全部状态")
    )
    kind = django_filters.ChoiceFilter(
        choices=ObjectionKindChoices.choices, label=_("疑义类型"), empty_label=_("全部类型")
    )
    resource_id = django_filters.ModelChoiceFilter(
        field_name="resource", queryset=_resources, label=_("资源"), empty_label=_("全部资源")
    )
    consumer_id = django_filters.ModelMultipleChoiceFilter(
        field_name="consumer", queryset=Department.objects.all(), label=_("提出部门（编号）")
    )
    provider_id = django_filters.ModelMultipleChoiceFilter(
        field_name="provider", queryset=Department.objects.all(), label=_("资源提供方（编号）")
    )
    handler_id = django_filters.ModelMultipleChoiceFilter(
        field_name="handler", queryset=Department.objects.all(), label=_("承办部门（编号）")
    )
    is_open = django_filters.BooleanFilter(method="filter_open", label=_("未办结"))
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("已逾期"))
    deadline = django_filters.DateFromToRangeFilter(label=_("答复期限"))

    class Meta:
        model = Objection
        fields = [
            "id", "q", "status", "kind", "resource_id", "consumer_id", "provider_id", "handler_id", "is_open",
            "overdue", "deadline",
        ]

    def search(self, queryset, name, value):
        value = (value or "").strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(number__icontains=value) | Q(description__icontains=value) | Q(record_key__iexact=value)
            | Q(resource__name__icontains=value)
        )

    def filter_open(self, queryset, name, value):
        if value is None:
            return queryset
        condition = Q(status__in=ObjectionStatusChoices.OPEN)
        return queryset.filter(condition) if value else queryset.exclude(condition)

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        overdue = Q(status__in=ObjectionStatusChoices.OPEN, deadline__lt=timezone.localdate())
        return queryset.filter(overdue) if value else queryset.exclude(overdue)

"""Filters of zombie cleanup, shared by the list pages and the API."""

import django_filters
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from govshare.organizations.models import Department

from .choices import (
    CandidateStatusChoices,
    CleanupActionChoices,
    FlagStatusChoices,
    PlanStatusChoices,
    ZombieReasonChoices,
)
from .models import CleanupPlan, DuplicateCandidate, ZombieFlag, ZombieRule

__all__ = ["CleanupPlanFilterSet", "DuplicateCandidateFilterSet", "ZombieFlagFilterSet", "ZombieRuleFilterSet"]

BOOLEAN_CHOICES = (("true", _("是")), ("false", _("否")))


def _system_search(prefix):
    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(**{f"{prefix}name__icontains": value}) | Q(**{f"{prefix}number__icontains": value})
            | Q(**{f"{prefix}owner__name__icontains": value})
        )

    return search


class ZombieFlagFilterSet(django_filters.FilterSet):
    """Flags by system or department text, status, rule broken, department and system."""

    q = django_filters.CharFilter(method="search", label=_("搜索"))
    status = django_filters.MultipleChoiceFilter(choices=FlagStatusChoices.choices, label=_("状态"))
    rule = django_filters.ChoiceFilter(
        choices=ZombieReasonChoices.choices, method="filter_rule", label=_("认定理由"), empty_label=_("全部理由")
    )
    owner_id = django_filters.ModelMultipleChoiceFilter(
        field_name="system__owner", queryset=Department.objects.all(), label=_("所属部门")
    )
    system_id = django_filters.NumberFilter(field_name="system_id", label=_("信息系统（编号）"))

    class Meta:
        model = ZombieFlag
        fields = ["q", "status", "rule", "owner_id", "system_id"]

    search = _system_search("system__")

    def filter_rule(self, queryset, name, value):
        return queryset.filter(reason_rules__contains=value) if value else queryset


class CleanupPlanFilterSet(django_filters.FilterSet):
    """Plans by system or department text, status, action, department, overdue and system."""

    q = django_filters.CharFilter(method="search", label=_("搜索"))
    status = django_filters.MultipleChoiceFilter(choices=PlanStatusChoices.choices, label=_("状态"))
    action = django_filters.ChoiceFilter(
        choices=CleanupActionChoices.choices, label=_("清理方式"), empty_label=_("全部方式")
    )
    owner_id = django_filters.ModelMultipleChoiceFilter(
        field_name="system__owner", queryset=Department.objects.all(), label=_("所属部门")
    )
    overdue = django_filters.ChoiceFilter(
        choices=BOOLEAN_CHOICES, method="filter_overdue", label=_("已逾期"), empty_label=_("全部")
    )
    system_id = django_filters.NumberFilter(field_name="system_id", label=_("信息系统（编号）"))
    target_id = django_filters.NumberFilter(field_name="target_id", label=_("目标系统（编号）"))

    class Meta:
        model = CleanupPlan
        fields = ["q", "status", "action", "owner_id", "overdue", "system_id", "target_id"]

    search = _system_search("system__")

    def filter_overdue(self, queryset, name, value):
        if not value:
            return queryset
        overdue = Q(status__in=PlanStatusChoices.ACTIVE, deadline__lt=timezone.localdate())
        return queryset.filter(overdue) if value == "true" else queryset.exclude(overdue)


class DuplicateCandidateFilterSet(django_filters.FilterSet):
    """Duplicate pairs by system text, status, within or across departments, and lowest score."""

    q = django_filters.CharFilter(method="search", label=_("搜索"))
    status = django_filters.MultipleChoiceFilter(choices=CandidateStatusChoices.choices, label=_("状态"))
    same_department = django_filters.ChoiceFilter(
        choices=BOOLEAN_CHOICES, method="filter_same_department", label=_("同一部门"), empty_label=_("全部")
    )
    min_score = django_filters.NumberFilter(field_name="score", lookup_expr="gte", label=_("相似度不低于"))
    system_id = django_filters.NumberFilter(method="filter_system", label=_("信息系统（编号）"))

    class Meta:
        model = DuplicateCandidate
        fields = ["q", "status", "same_department", "min_score", "system_id"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(system_a__name__icontains=value) | Q(system_b__name__icontains=value)
            | Q(system_a__owner__name__icontains=value) | Q(system_b__owner__name__icontains=value)
        )

    def filter_same_department(self, queryset, name, value):
        if not value:
            return queryset
        same = Q(system_a__owner_id=F("system_b__owner_id"))
        return queryset.filter(same) if value == "true" else queryset.exclude(same)

    def filter_system(self, queryset, name, value):
        return queryset.filter(Q(system_a_id=value) | Q(system_b_id=value)) if value else queryset


class ZombieRuleFilterSet(django_filters.FilterSet):
    jurisdiction_id = django_filters.NumberFilter(field_name="jurisdiction_id", label=_("行政区域（编号）"))

    class Meta:
        model = ZombieRule
        fields = ["jurisdiction_id"]

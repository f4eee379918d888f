"""Filters of the supervision ledger, shared by the task list page (HTMX) and the API."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from govshare.organizations.models import Department

from .choices import DeadlineKindChoices, TaskStateChoices
from .models import ProgressReport, WorkPlan, WorkTask
from .services import Horizon

__all__ = ["ProgressReportFilterSet", "WorkPlanFilterSet", "WorkTaskFilterSet"]


class WorkPlanFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("搜索"))
    year = django_filters.NumberFilter(label=_("年度"))

    class Meta:
        model = WorkPlan
        fields = ["id", "q", "year", "jurisdiction"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(name__icontains=value) | Q(document_number__icontains=value) | Q(issuing_body__icontains=value)
        )


class WorkTaskFilterSet(django_filters.FilterSet):
    """Tasks by plan, unit (lead or cooperating, or the unit's own role), state on working days, deadline kind."""

    q = django_filters.CharFilter(method="search", label=_("搜索"))
    plan_id = django_filters.ModelMultipleChoiceFilter(
        field_name="plan", queryset=WorkPlan.objects.all(), label=_("工作计划（编号）")
    )
    # field_name names the relation so the OpenAPI schema knows the type (an id); the method does the filtering.
    unit_id = django_filters.ModelChoiceFilter(
        field_name="lead_units", queryset=Department.objects.all(), method="filter_unit",
        label=_("牵头或协同单位（编号）"),
    )
    lead_unit_id = django_filters.ModelChoiceFilter(
        field_name="lead_units", queryset=Department.objects.all(), label=_("牵头单位（编号）")
    )
    state = django_filters.MultipleChoiceFilter(
        choices=TaskStateChoices.choices, method="filter_state", label=_("状态（含已逾期、即将到期）")
    )
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("已逾期"))
    deadline_kind = django_filters.MultipleChoiceFilter(choices=DeadlineKindChoices.choices, label=_("期限类型"))
    due_on = django_filters.DateFromToRangeFilter(label=_("当前到期日"))

    class Meta:
        model = WorkTask
        fields = ["id", "q", "plan_id", "unit_id", "lead_unit_id", "state", "overdue", "deadline_kind", "due_on"]

    def __init__(self, *args, horizon=None, **kwargs):
        super().__init__(*args, **kwargs)
        self._horizon = horizon

    @property
    def horizon(self):
        if self._horizon is None:
            self._horizon = Horizon.at()
        return self._horizon

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(text__icontains=value) | Q(number=value) | Q(lead_units_text__icontains=value)
            | Q(cooperating_units_text__icontains=value) | Q(section__icontains=value)
        )

    def filter_unit(self, queryset, name, value):
        if value is None:
            return queryset
        ids = WorkTask.objects.filter(Q(lead_units=value) | Q(cooperating_units=value)).values("pk")
        return queryset.filter(pk__in=ids)

    def filter_state(self, queryset, name, value):
        if not value:
            return queryset
        condition = Q()
        for state in value:
            condition |= self.horizon.state_q(state)
        return queryset.filter(condition)

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        overdue = self.horizon.overdue_q()
        return queryset.filter(overdue) if value else queryset.exclude(overdue)


class ProgressReportFilterSet(django_filters.FilterSet):
    task_id = django_filters.ModelMultipleChoiceFilter(field_name="task", queryset=WorkTask.objects.all(),
                                                       label=_("督查任务（编号）"))
    plan_id = django_filters.ModelMultipleChoiceFilter(field_name="task__plan", queryset=WorkPlan.objects.all(),
                                                       label=_("工作计划（编号）"))
    department_id = django_filters.ModelMultipleChoiceFilter(field_name="department",
                                                             queryset=Department.objects.all(),
                                                             label=_("报送单位（编号）"))
    reported_at = django_filters.DateFromToRangeFilter(field_name="reported_at__date", label=_("报送日期"))

    class Meta:
        model = ProgressReport
        fields = ["id", "task_id", "plan_id", "department_id", "reported_at"]

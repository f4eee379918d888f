"""Filters of project filing, shared by the list page and the API."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from govshare.organizations.models import Department

from .choices import FundingChannelChoices, ProjectStatusChoices, ReviewerKindChoices
from .models import Project, ReviewerDepartment

__all__ = ["ProjectFilterSet", "ReviewerDepartmentFilterSet"]

COMPLIANT_CHOICES = [("true", _("合规")), ("false", _("不合规"))]


class ProjectFilterSet(django_filters.FilterSet):
    """Projects by text, status, funding channel, construction unit, compliance at submission, and "waiting for me"."""

    q = django_filters.CharFilter(method="search", label=_("搜索"))
    status = django_filters.ChoiceFilter(
        choices=ProjectStatusChoices.choices, label=_("状态"), empty_label=_("全部状态")
    )
    funding_channel = django_filters.ChoiceFilter(
        choices=FundingChannelChoices.choices, label=_("经费渠道"), empty_label=_("全部渠道")
    )
    compliant = django_filters.ChoiceFilter(
        choices=COMPLIANT_CHOICES, method="filter_compliant", label=_("合规检查"), empty_label=_("全部")
    )
    todo = django_filters.BooleanFilter(method="filter_todo", label=_("待我办理"))
    construction_unit_id = django_filters.ModelMultipleChoiceFilter(
        field_name="construction_unit", queryset=Department.objects.all(), label=_("建设单位（编号）")
    )
    system_id = django_filters.NumberFilter(field_name="systems", label=_("应用系统（编号）"))
    resource_id = django_filters.NumberFilter(field_name="planned_resources", label=_("数据资源（编号）"))

    class Meta:
        model = Project
        fields = ["id", "q", "status", "funding_channel", "compliant", "todo", "construction_unit_id", "system_id",
                  "resource_id"]

    def search(self, queryset, name, value):
        value = (value or "").strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(number__icontains=value) | Q(name__icontains=value) | Q(construction_unit__name__icontains=value)
            | Q(construction_unit_detail__icontains=value)
        )

    def filter_compliant(self, queryset, name, value):
        if value not in ("true", "false"):
            return queryset
        return queryset.filter(compliant=value == "true")

    def filter_todo(self, queryset, name, value):
        user = getattr(self.request, "user", None)
        if not value or user is None or not user.is_authenticated:
            return queryset
        from .services import projects_waiting_for

        return queryset.filter(projects_waiting_for(user))


class ReviewerDepartmentFilterSet(django_filters.FilterSet):
    """Reviewer departments by kind and department."""

    kind = django_filters.ChoiceFilter(choices=ReviewerKindChoices.choices, label=_("类别"), empty_label=_("全部"))
    department_id = django_filters.ModelMultipleChoiceFilter(
        field_name="department", queryset=Department.objects.all(), label=_("部门（编号）")
    )

    class Meta:
        model = ReviewerDepartment
        fields = ["id", "kind", "department_id"]

"""Filters of the catalogue, shared by the list pages, the API and exports.

`q` is the full-text search (catalog.search): it is applied after every other filter, so it ranks exactly the
entries the other filters leave, and the result keeps the relevance order unless another ordering is asked for.
"""

import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from govshare.organizations.models import Department, Office

from .choices import (
    DutyChangeKindChoices,
    EntryStatusChoices,
    FormatCategoryChoices,
    OpenTypeChoices,
    ShareModeChoices,
    ShareTypeChoices,
    UpdateCycleChoices,
    VersionStatusChoices,
)
from .models import Classification, Resource, ResourceVersion, UpdateDuty

__all__ = ["ClassificationFilterSet", "ResourceFilterSet", "ResourceVersionFilterSet", "UpdateDutyFilterSet"]


class CodePrefixFilter(django_filters.BaseInFilter, django_filters.CharFilter):
    """Classification codes given as prefixes ("2" every topic entry, "201" 公共服务); comma-separated means any."""

    def filter(self, qs, value):
        prefixes = [prefix.strip() for prefix in value or () if prefix and prefix.strip()]
        if not prefixes:
            return qs
        condition = Q()
        for prefix in prefixes:
            condition |= Q(**{f"{self.field_name}__startswith": prefix})
        return qs.filter(condition)


class ResourceFilterSet(django_filters.FilterSet):
    """Catalogue entries by text, provider, classification, status and each attribute the facets count."""

    q = django_filters.CharFilter(method="search", label=_("搜索"))
    provider_id = django_filters.ModelMultipleChoiceFilter(
        field_name="provider", queryset=Department.objects.all(), label=_("资源提供方（编号）")
    )
    provider_office_id = django_filters.ModelMultipleChoiceFilter(
        field_name="provider_office", queryset=Office.objects.all(), label=_("内设机构（编号）")
    )
    classification_id = django_filters.ModelMultipleChoiceFilter(
        field_name="classification", queryset=Classification.objects.all(), label=_("资源分类（编号）")
    )
    classification = CodePrefixFilter(field_name="classification__full_code", label=_("资源分类代码（前缀）"))
    code = django_filters.CharFilter(field_name="code", lookup_expr="istartswith", label=_("资源代码"))
    status = django_filters.MultipleChoiceFilter(choices=EntryStatusChoices.choices, label=_("状态"))
    share_type = django_filters.MultipleChoiceFilter(choices=ShareTypeChoices.choices, label=_("共享类型"))
    share_mode = django_filters.MultipleChoiceFilter(choices=ShareModeChoices.choices, label=_("共享方式"))
    open_type = django_filters.MultipleChoiceFilter(choices=OpenTypeChoices.choices, label=_("开放属性"))
    format_category = django_filters.MultipleChoiceFilter(
        choices=FormatCategoryChoices.choices, label=_("资源格式分类")
    )
    update_cycle = django_filters.MultipleChoiceFilter(choices=UpdateCycleChoices.choices, label=_("更新周期"))
    published_on = django_filters.DateFromToRangeFilter(label=_("发布日期"))

    class Meta:
        model = Resource
        fields = [
            "id", "q", "provider_id", "provider_office_id", "classification_id", "classification", "code", "status",
            "share_type", "share_mode", "open_type", "format_category", "update_cycle", "published_on",
        ]

    def filter_queryset(self, queryset):
        # Every other filter first: the search ranks only what they leave.
        query = self.form.cleaned_data.get("q")
        for name, value in self.form.cleaned_data.items():
            if name != "q":
                queryset = self.filters[name].filter(queryset, value)
        if query:
            queryset = self.search(queryset, "q", query)
        return queryset

    def search(self, queryset, name, value):
        from .search import search

        value = (value or "").strip()
        if not value:
            return queryset
        return search(queryset, value).queryset


class ClassificationFilterSet(django_filters.FilterSet):
    """Classification nodes by text, level, parent and code prefix."""

    q = django_filters.CharFilter(method="search", label=_("搜索"))
    level = django_filters.MultipleChoiceFilter(choices=list(Classification.LEVEL_LABELS.items()), label=_("层级"))
    parent_id = django_filters.ModelMultipleChoiceFilter(
        field_name="parent", queryset=Classification.objects.all(), label=_("上级分类（编号）")
    )
    is_root = django_filters.BooleanFilter(field_name="parent", lookup_expr="isnull", label=_("顶级分类"))
    code = CodePrefixFilter(field_name="full_code", label=_("分类代码（前缀）"))

    class Meta:
        model = Classification
        fields = ["id", "q", "level", "parent_id", "is_root", "code"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(full_code__startswith=value))


class ResourceVersionFilterSet(django_filters.FilterSet):
    """Versions (the review queue) by entry, provider and status."""

    resource_id = django_filters.ModelMultipleChoiceFilter(
        field_name="resource", queryset=Resource.objects.all(), label=_("资源（编号）")
    )
    provider_id = django_filters.ModelMultipleChoiceFilter(
        field_name="resource__provider", queryset=Department.objects.all(), label=_("资源提供方（编号）")
    )
    status = django_filters.MultipleChoiceFilter(choices=VersionStatusChoices.choices, label=_("状态"))
    is_change = django_filters.BooleanFilter(method="filter_is_change", label=_("已发布目录的变更"))

    class Meta:
        model = ResourceVersion
        fields = ["id", "resource_id", "provider_id", "status", "is_change"]

    def filter_is_change(self, queryset, name, value):
        if value is None:
            return queryset
        published = Q(resource__status=EntryStatusChoices.PUBLISHED)
        return queryset.filter(published) if value else queryset.exclude(published)


class UpdateDutyFilterSet(django_filters.FilterSet):
    """Catalogue update duties by text, department, kind, completion, overdue and due date."""

    q = django_filters.CharFilter(method="search", label=_("搜索"))
    department_id = django_filters.ModelMultipleChoiceFilter(
        field_name="department", queryset=Department.objects.all(), label=_("部门（编号）")
    )
    kind = django_filters.MultipleChoiceFilter(choices=DutyChangeKindChoices.choices, label=_("变化类型"))
    completed = django_filters.BooleanFilter(
        field_name="completed_on", lookup_expr="isnull", exclude=True, label=_("已完成")
    )
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("已逾期"))
    due_on = django_filters.DateFromToRangeFilter(label=_("更新期限"))

    class Meta:
        model = UpdateDuty
        fields = ["id", "q", "department_id", "kind", "completed", "overdue", "due_on"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(title__icontains=value) | Q(description__icontains=value))

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        overdue = Q(completed_on__isnull=True, due_on__lt=timezone.localdate())
        return queryset.filter(overdue) if value else queryset.exclude(overdue)

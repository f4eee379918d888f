"""Filters of sharing, shared by the list pages and the API."""

import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from govshare.catalog.models import Resource
from govshare.organizations.models import Department
from govshare.users.choices import RoleChoices

from .choices import GrantBasisChoices, RequestKindChoices, RequestStatusChoices
from .models import ConsumerSystem, Grant, ShareRequest

__all__ = ["BOXES", "ConsumerSystemFilterSet", "GrantFilterSet", "ShareRequestFilterSet", "default_box"]

# The request lists: my department's applications, those waiting for my department's answer, those before the
# competent authority.
BOX_MINE = "mine"
BOX_TODO = "todo"
BOX_AUTHORITY = "authority"
BOX_ALL = "all"
BOXES = [
    (BOX_MINE, _("本部门的申请")),
    (BOX_TODO, _("待本部门答复")),
    (BOX_AUTHORITY, _("主管部门协调")),
    (BOX_ALL, _("全部")),
]


def default_box(user):
    """The list a user most likely wants first, by role."""
    if user.has_role(RoleChoices.AUTHORITY_OFFICER) and user.department and user.department.is_competent_authority:
        return BOX_AUTHORITY
    if user.has_role(RoleChoices.DATA_PROVIDER) and not user.has_role(RoleChoices.DATA_CONSUMER):
        return BOX_TODO
    return BOX_MINE


class ShareRequestFilterSet(django_filters.FilterSet):
    """Share requests by list (box), text, status, kind, resource, departments, overdue and submission date."""

    q = django_filters.CharFilter(method="search", label=_("搜索"))
    box = django_filters.ChoiceFilter(choices=BOXES, method="filter_box", label=_("列表"), empty_label=None)
    status = django_filters.MultipleChoiceFilter(choices=RequestStatusChoices.choices, label=_("状态"))
    kind = django_filters.ChoiceFilter(choices=RequestKindChoices.choices, label=_("申请类型"),
                                       empty_label=_("全部类型"))
    open = django_filters.BooleanFilter(method="filter_open", label=_("未办结"))
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("已逾期"))
    resource_id = django_filters.ModelMultipleChoiceFilter(
        field_name="resource", queryset=Resource.objects.all(), label=_("资源（编号）")
    )
    consumer_id = django_filters.ModelMultipleChoiceFilter(
        field_name="consumer", queryset=Department.objects.all(), label=_("使用部门（编号）")
    )
    provider_id = django_filters.ModelMultipleChoiceFilter(
        field_name="resource__provider", queryset=Department.objects.all(), label=_("提供部门（编号）")
    )
    submitted = django_filters.DateFromToRangeFilter(field_name="submitted_at__date", label=_("提交日期"))

    class Meta:
        model = ShareRequest
        fields = ["id", "q", "box", "status", "kind", "open", "overdue", "resource_id", "consumer_id", "provider_id",
                  "submitted"]

    def search(self, queryset, name, value):
        value = (value or "").strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(resource__name__icontains=value) | Q(resource__code__icontains=value)
            | Q(consumer__name__icontains=value) | Q(purpose__icontains=value)
        )

    def filter_box(self, queryset, name, value):
        user = getattr(self.request, "user", None)
        if not value or value == BOX_ALL or user is None:
            return queryset
        if value == BOX_MINE:
            return queryset.filter(consumer_id=user.department_id)
        if value == BOX_TODO:
            return queryset.filter(resource__provider_id=user.department_id)
        if value == BOX_AUTHORITY:
            # What the authority has before it, plus what it settled (the restricted queryset keeps it to its area).
            return queryset.filter(
                status__in=[RequestStatusChoices.ESCALATED, RequestStatusChoices.AUTHORITY_GRANTED,
                            RequestStatusChoices.AUTHORITY_REFUSED]
            ).exclude(consumer_id=user.department_id)
        return queryset

    def filter_open(self, queryset, name, value):
        if value is None:
            return queryset
        condition = Q(status__in=RequestStatusChoices.OPEN)
        return queryset.filter(condition) if value else queryset.exclude(condition)

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        overdue = Q(status=RequestStatusChoices.SUBMITTED, due_on__lt=timezone.localdate())
        return queryset.filter(overdue) if value else queryset.exclude(overdue)


class GrantFilterSet(django_filters.FilterSet):
    """Grants by text, side (received / given), basis, in force, resource and department."""

    SIDES = [("received", _("本部门获得的授权")), ("given", _("本部门资源的授权"))]

    q = django_filters.CharFilter(method="search", label=_("搜索"))
    side = django_filters.ChoiceFilter(choices=SIDES, method="filter_side", label=_("范围"),
                                       empty_label=_("全部"))
    basis = django_filters.MultipleChoiceFilter(choices=GrantBasisChoices.choices, label=_("授权依据"))
    active = django_filters.BooleanFilter(method="filter_active", label=_("有效"))
    resource_id = django_filters.ModelMultipleChoiceFilter(
        field_name="resource", queryset=Resource.objects.all(), label=_("资源（编号）")
    )
    consumer_id = django_filters.ModelMultipleChoiceFilter(
        field_name="consumer", queryset=Department.objects.all(), label=_("使用部门（编号）")
    )
    system_id = django_filters.ModelMultipleChoiceFilter(
        field_name="system", queryset=ConsumerSystem.objects.all(), label=_("应用系统（编号）")
    )

    class Meta:
        model = Grant
        fields = ["id", "q", "side", "basis", "active", "resource_id", "consumer_id", "system_id"]

    def search(self, queryset, name, value):
        value = (value or "").strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(resource__name__icontains=value) | Q(resource__code__icontains=value) | Q(consumer__name__icontains=value)
        )

    def filter_side(self, queryset, name, value):
        user = getattr(self.request, "user", None)
        if not value or user is None:
            return queryset
        if value == "received":
            return queryset.filter(consumer_id=user.department_id)
        return queryset.filter(resource__provider_id=user.department_id)

    def filter_active(self, queryset, name, value):
        if value is None:
            return queryset
        active = Grant.objects.active().values("pk")
        return queryset.filter(pk__in=active) if value else queryset.exclude(pk__in=active)


class ConsumerSystemFilterSet(django_filters.FilterSet):
    """Consumer systems by text, department and whether in service."""

    q = django_filters.CharFilter(method="search", label=_("搜索"))
    department_id = django_filters.ModelMultipleChoiceFilter(
        field_name="department", queryset=Department.objects.all(), label=_("部门（编号）")
    )
    is_active = django_filters.BooleanFilter(label=_("启用"))

    class Meta:
        model = ConsumerSystem
        fields = ["id", "q", "department_id", "is_active"]

    def search(self, queryset, name, value):
        value = (value or "").strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(app_key__iexact=value))

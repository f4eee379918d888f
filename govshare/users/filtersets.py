"""Filters of the user list, shared by the page and (later) the API."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from govshare.organizations.models import Department

from .choices import RoleChoices
from .models import User

__all__ = ["UserFilterSet"]

BOOLEAN_CHOICES = [("", _("全部")), ("true", _("是")), ("false", _("否"))]


class UserFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("搜索"))
    department_id = django_filters.ModelChoiceFilter(
        field_name="department", queryset=Department.objects.all(), label=_("所属部门"), empty_label=_("全部部门")
    )
    role = django_filters.ChoiceFilter(
        field_name="role_assignments__role", choices=RoleChoices.choices, label=_("角色"),
        empty_label=_("全部角色"), distinct=True,
    )
    is_active = django_filters.BooleanFilter(
        label=_("启用"), widget=forms.Select(choices=BOOLEAN_CHOICES)
    )

    class Meta:
        model = User
        fields = ["q", "department_id", "role", "is_active"]

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(username__icontains=value)
            | Q(full_name__icontains=value)
            | Q(email__icontains=value)
            | Q(phone__icontains=value)
        )

"""Tables of the user pages."""

from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from govshare.core.tables import EMPTY, Column, Table, badge_html

from .choices import RoleChoices
from .models import User

__all__ = ["RoleAssignmentTable", "UserTable"]


def _roles(user):
    """Role badges from the prefetched assignments (user.role_set would query once per row)."""
    roles = sorted((a.role for a in user.role_assignments.all()), key=_role_order)
    if user.is_superuser:
        roles = ["__superuser__", *roles]
    if not roles:
        return EMPTY
    return format_html_join(
        " ",
        "{}",
        (
            (badge_html(_("超级管理员"), "red") if role == "__superuser__" else badge_html(
                RoleChoices.label(role), RoleChoices.colour(role)
            ),)
            for role in roles
        ),
    )


def _role_order(role):
    return RoleChoices.values.index(role) if role in RoleChoices.values else len(RoleChoices.values)


def _assign_link(user):
    url = reverse("user_roles", args=[user.pk])
    return format_html('<a class="btn btn-sm btn-light" href="{}">{}</a>', url, _("分配角色"))


class UserTable(Table):
    model = User
    columns = [
        Column("username", link="user_detail"),
        Column("full_name"),
        Column("department", link="organizations:department_detail", order_by="department__name"),
        Column("roles", _("角色"), render=_roles, order_by=False),
        Column("is_active", _("启用"), boolean=True),
        Column("last_login", _("最近登录")),
    ]
    default_ordering = "username"


class RoleAssignmentTable(Table):
    model = User
    columns = [
        Column("username"),
        Column("full_name"),
        Column("department", order_by="department__name"),
        Column("roles", _("角色"), render=_roles, order_by=False),
        Column("actions", "", render=_assign_link, order_by=False, css_class="col-actions"),
    ]
    default_ordering = "username"

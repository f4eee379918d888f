"""API permission classes. Which rows a user may see or change lives in the querysets (`restrict`); these only
answer "may this user write this kind of object at all" for models whose queryset cannot say it."""

from django.utils.translation import gettext_lazy as _
from rest_framework import permissions

__all__ = ["HasRoleOrReadOnly", "has_any_role"]


def has_any_role(user, roles) -> bool:
    """Superusers hold every role; anyone else needs one of these."""
    if user is None or not user.is_authenticated:
        return False
    return user.is_superuser or user.has_role(*roles)


class HasRoleOrReadOnly(permissions.IsAuthenticated):
    """Reading needs a login; writing needs one of the view's `write_roles`, deleting one of its `delete_roles`
    (empty: leave it to `restrict`)."""

    message = _("当前账号的角色无权执行此操作")

    def has_permission(self, request, view):
        if not super().has_permission(request, view):
            return False
        if request.method in permissions.SAFE_METHODS:
            return True
        roles = getattr(view, "write_roles", ())
        if roles and not has_any_role(request.user, roles):
            return False
        delete_roles = getattr(view, "delete_roles", ()) if request.method == "DELETE" else ()
        return not delete_roles or has_any_role(request.user, delete_roles)

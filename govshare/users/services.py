"""Role assignment under the separation of admin duties (三员分立)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .choices import RoleChoices
from .models import RoleAssignment

__all__ = ["assign_role", "remove_role", "revoke_token", "set_roles"]


def _check_separation(roles):
    held = [role for role in roles if role in RoleChoices.SEPARATED_DUTIES]
    if len(held) > 1:
        raise ValidationError(
            _("三员分立：系统管理员、安全管理员、审计管理员不能由同一账号兼任（%(roles)s）")
            % {"roles": "、".join(str(RoleChoices.label(role)) for role in held)},
            code="separation_of_duties",
        )


@transaction.atomic
def assign_role(user, role):
    """Give a user a role, refusing a second one of the three separated admin duties."""
    if role not in RoleChoices.values:
        raise ValidationError(_("未知角色：%(role)s") % {"role": role})
    current = set(RoleAssignment.objects.select_for_update().filter(user=user).values_list("role", flat=True))
    _check_separation(current | {role})
    assignment, _created = RoleAssignment.objects.get_or_create(user=user, role=role)
    user.__dict__.pop("role_set", None)
    return assignment


@transaction.atomic
def set_roles(user, roles):
    """Replace a user's roles with exactly these."""
    roles = set(roles)
    unknown = roles - set(RoleChoices.values)
    if unknown:
        raise ValidationError(_("未知角色：%(role)s") % {"role": ", ".join(sorted(unknown))})
    _check_separation(roles)
    for assignment in RoleAssignment.objects.filter(user=user).exclude(role__in=roles):
        assignment.delete()
    for role in roles:
        RoleAssignment.objects.get_or_create(user=user, role=role)
    user.__dict__.pop("role_set", None)


def remove_role(user, role):
    for assignment in RoleAssignment.objects.filter(user=user, role=role):
        assignment.delete()
    user.__dict__.pop("role_set", None)


def revoke_token(token):
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at", "last_updated"])
    return token

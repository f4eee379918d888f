"""Sending in-platform messages to the people who must act: by user, or by department and role."""

from django.contrib.auth import get_user_model
from django.db import transaction

from .models import Notification

__all__ = ["notify", "recipients"]


def recipients(*, users=(), departments=(), roles=()):
    """Active users given directly, plus the users of `departments` holding any of `roles` (all users if none)."""
    User = get_user_model()  # noqa: N806
    found = {u.pk: u for u in users if u is not None and u.is_active}
    department_ids = [getattr(d, "pk", d) for d in departments if d is not None]
    if department_ids:
        queryset = User.objects.filter(is_active=True, department_id__in=department_ids)
        if roles:
            queryset = queryset.filter(role_assignments__role__in=roles).distinct()
        found.update({u.pk: u for u in queryset})
    return list(found.values())


def notify(*, subject, body="", link="", key="", users=(), departments=(), roles=()):
    """Queue one message per recipient after the caller's transaction commits; a repeated `key` is skipped."""

    def send():
        for user in recipients(users=users, departments=departments, roles=roles):
            if key and Notification.objects.filter(recipient=user, key=key).exists():
                continue
            Notification.objects.create(recipient=user, subject=subject[:200], body=body, link=link, key=key)

    transaction.on_commit(send)

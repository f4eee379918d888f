"""Background jobs of sharing: the hourly deadline check (scheduled in settings.CELERY_BEAT_SCHEDULE)."""

import datetime

from celery import shared_task

__all__ = ["check_deadlines"]


@shared_task(name="govshare.sharing.tasks.check_deadlines")
def check_deadlines(today=None) -> dict:
    """Remind providers before the answer deadline and report overdue requests (idempotent, see
    services.remind_deadlines). `today` (ISO date) is for replays and tests; by default the local date."""
    from . import services

    if isinstance(today, str):
        today = datetime.date.fromisoformat(today)
    return services.remind_deadlines(today=today)

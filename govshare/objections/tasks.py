"""Background jobs of objections: the hourly deadline check (on the beat schedule in settings)."""

from celery import shared_task

__all__ = ["check_deadlines"]


@shared_task(name="govshare.objections.tasks.check_deadlines")
def check_deadlines() -> dict:
    """Remind handling departments before the deadline and flag overdue objections; safe to run any number of
    times. Returns {"reminded", "overdue"} counts."""
    from . import services

    return services.check_deadlines()

"""Background jobs of the supervision ledger: the daily reminder of tasks overdue or due soon (on the beat
schedule in settings)."""

from celery import shared_task

__all__ = ["remind_due_tasks"]


@shared_task(name="govshare.supervision.tasks.remind_due_tasks")
def remind_due_tasks() -> dict:
    """Notify the department admins of the lead units of tasks overdue or due within the configured working days;
    each reminder is sent once per task, due date and kind, so running it again sends nothing new."""
    from . import services

    return services.remind_due_tasks()

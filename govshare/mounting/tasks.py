"""Periodic jobs of the mounting app (on the beat schedule in settings.CELERY_BEAT_SCHEDULE)."""

from celery import shared_task

__all__ = ["check_timeliness", "run_due_pulls", "run_pull_task"]


@shared_task
def run_due_pulls() -> int:
    """Every minute: run the scheduled pulls whose next run time has come."""
    from . import services

    return services.run_due_pulls()


@shared_task
def run_pull_task(source_id, user_id=None):
    """One pull now (the "立即抽取" button), in a worker."""
    from django.contrib.auth import get_user_model

    from . import services
    from .models import PullSource

    source = PullSource.objects.select_related("resource").filter(pk=source_id).first()
    if source is None:
        return None
    user = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    load = services.run_pull(source, user=user)
    return load.pk if load is not None else None


@shared_task
def check_timeliness() -> int:
    """Hourly: notify providers and competent authorities of resources whose data is overdue."""
    from . import services

    return services.check_timeliness()

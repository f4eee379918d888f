"""Background jobs of the audit log, scheduled by CELERY_BEAT_SCHEDULE: chain new entries, seal the chain head."""

from celery import shared_task

from . import services

__all__ = ["chain_pending", "seal_chain"]


@shared_task(name="govshare.audit.tasks.chain_pending", ignore_result=True)
def chain_pending() -> int:
    """Chain the entries appended since the last run (every 5 s)."""
    return services.chain_pending()


@shared_task(name="govshare.audit.tasks.seal_chain", ignore_result=True)
def seal_chain() -> int | None:
    """Chain what is pending and seal the head with the platform key (hourly); the sealed seq, or None."""
    seal = services.seal()
    return seal.seq if seal is not None else None

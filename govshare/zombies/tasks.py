"""Background jobs of zombie cleanup: the daily detection (on the beat schedule in settings)."""

from celery import shared_task

__all__ = ["detect_zombies"]


@shared_task(name="govshare.zombies.tasks.detect_zombies")
def detect_zombies() -> dict:
    """Apply the zombie rules to every running system and notify the owners of new flags; safe to run any number
    of times. Returns {"flagged", "new"} counts."""
    from . import services

    flags = services.run_detection()
    return {"flagged": len(flags), "new": sum(1 for flag in flags if getattr(flag, "opened_now", False))}

"""Background jobs of mounted tables: a load queued by `services.start_load`, and the sweep for dead loads."""

from celery import shared_task

__all__ = ["load_table_task", "mark_stale_loads_task"]


@shared_task
def load_table_task(load_id, remove_source=False):
    """Run the queued TableLoad `load_id` (once: a load no longer queued is left alone)."""
    from .choices import LoadStatusChoices
    from .models import TableLoad
    from .services import remove_upload, run_load

    load = TableLoad.objects.select_related("data_table").filter(pk=load_id).first()
    if load is None or load.status != LoadStatusChoices.QUEUED:
        return
    try:
        run_load(load)
    finally:
        if remove_source:
            remove_upload(load.source_path)


@shared_task
def mark_stale_loads_task():
    """Mark loads whose process died as failed (their data was never committed)."""
    from .services import mark_stale_loads

    return mark_stale_loads()

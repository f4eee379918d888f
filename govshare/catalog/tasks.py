"""Background jobs of the catalogue: a large Excel import runs in a worker, not in the web request."""

import json
from pathlib import Path

from celery import shared_task
from django.contrib.auth import get_user_model

__all__ = ["default_report_path", "import_catalog_task"]


def default_report_path(path) -> Path:
    """Where the error report of a rejected file goes unless told: beside the uploaded file."""
    path = Path(path)
    return path.with_name(f"{path.stem}-错误报告.xlsx")


@shared_task
def import_catalog_task(path, user_id, report_path=None, result_path=None) -> dict:
    """Import the workbook at `path` as the user `user_id` (all or nothing, see catalog.excel).

    Returns the result as plain data: created, updated, unchanged, ok, errors (each with sheet, row, column, message
    and text) and error_report_path, the .xlsx report written when the file is rejected. Task results are not kept
    (CELERY_TASK_IGNORE_RESULT), so with `result_path` the same data is also written there as JSON for the page
    that polls the job.
    """
    from .excel import import_catalog

    user = get_user_model().objects.get(pk=user_id)
    result = import_catalog(path, user=user, report_path=report_path or default_report_path(path)).as_dict()
    if result_path:
        Path(result_path).write_text(json.dumps(result, ensure_ascii=False), encoding="utf-8")
    return result

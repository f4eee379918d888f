"""Uploaded files kept under the data dir (attachments, evidence): a random stored name, one size/count check that
refuses the whole upload, storing, and opening for download.

Each app keeps its own storage (a folder under DATA_DIR), limits and error field; the rules are the same everywhere.
"""

import uuid
from pathlib import PurePosixPath

from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.utils import timezone
from django.utils.translation import gettext as _

__all__ = ["attachment_path", "check_uploads", "download_response", "human_size", "store_uploads", "upload_name"]


def attachment_path(instance, filename):
    """A random name per file: the original name is kept in the row, never trusted as a path."""
    suffix = PurePosixPath(filename).suffix.lower()[:10]
    return f"{timezone.localdate():%Y/%m}/{uuid.uuid4().hex}{suffix}"


def human_size(size: int) -> str:
    """A byte count as people read it (1.5 MB, 20.0 KB, 12 B)."""
    if size >= 1024 * 1024:
        return f"{size / 1024 / 1024:.1f} MB"
    if size >= 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size} B"


def check_uploads(files, *, max_bytes: int, max_count: int, existing: int = 0, too_many: str = "",
                  field: str = "attachments") -> list:
    """The uploaded files that are not empty placeholders, or a ValidationError on `field` listing every problem
    (too many files with `existing` ones, a file over `max_bytes`, an empty file): nothing is stored then.

    `too_many` is the app's own message for the count (with %(n)d); by default "附件最多%(n)d个"."""
    files = [file for file in files or () if file]
    errors = []
    if existing + len(files) > max_count:
        errors.append((too_many or _("附件最多%(n)d个")) % {"n": max_count})
    for file in files:
        if file.size > max_bytes:
            errors.append(_("文件“%(name)s”大小为%(size)s，超过%(limit)s的上限") % {
                "name": file.name, "size": human_size(file.size), "limit": human_size(max_bytes),
            })
        elif file.size == 0:
            errors.append(_("文件“%(name)s”是空文件") % {"name": file.name})
    if errors:
        raise ValidationError({field: errors})
    return files


def upload_name(file) -> str:
    """The original file name without any folder a browser sent (the last part of it), at most 255 characters."""
    return (getattr(file, "name", "") or "").replace("\\", "/").rsplit("/", 1)[-1][:255] or "attachment"


def store_uploads(model, files, **fields) -> list:
    """Save each checked upload as a `model` row (an AttachmentModel) with `fields` (its parent, uploaded_by…);
    run inside the caller's transaction so a failure stores no row."""
    stored = []
    for file in files:
        name = upload_name(file)
        attachment = model(name=name, size=file.size, **fields)
        attachment.file.save(name, file, save=False)
        attachment.save()
        stored.append(attachment)
    return stored


def download_response(field_file, filename: str) -> FileResponse:
    """A stored file as a download (never rendered inline) under its original name; 404 when it is gone."""
    try:
        handle = field_file.open("rb")
    except OSError as error:
        raise Http404(_("文件已不存在")) from error
    return FileResponse(handle, as_attachment=True, filename=filename)

"""Mounted files (文件挂接) on the data plane: the list a grant lets a consumer see, and the streamed download.

The grant check, rate, quota, purpose and audit entry are the `endpoint` decorator's (api/views.py), as for every
data-plane call; this module only finds the file of the resource, opens it through `mounting.services.open_file`
(local disk or S3 alike) and builds the response: the name in Content-Disposition (an ASCII fallback and the UTF-8
`filename*`), the SHA-256 recorded at upload as ETag and X-Checksum-SHA256, so a consumer can check what it got.
"""

import re
from pathlib import PurePosixPath
from urllib.parse import quote

from django.http import FileResponse, HttpResponseNotModified
from django.urls import reverse
from django.utils.translation import gettext as _

from govshare.mounting import services as mounting
from govshare.mounting.models import DataFile

from .access import DeliveryError

__all__ = [
    "audit_detail",
    "content_disposition",
    "file_of",
    "file_response",
    "list_files",
    "matches_etag",
    "not_modified_response",
    "open_stored",
]

_LIST_FIELDS = ("id", "name", "version", "size", "sha256", "content_type", "description", "created")
_UNSAFE_ASCII = re.compile(r"[^A-Za-z0-9._-]+")


def list_files(resource_id: int) -> list[dict]:
    """The resource's mounted files, newest first, as the API returns them (one query, no model instances)."""
    rows = DataFile.objects.filter(resource_id=resource_id).order_by("-created", "-id").values(*_LIST_FIELDS)
    return [
        {
            "id": row["id"],
            "name": row["name"],
            "version": row["version"],
            "size": row["size"],
            "sha256": row["sha256"],
            "content_type": row["content_type"] or "application/octet-stream",
            "description": row["description"],
            "uploaded_at": row["created"],
            "url": reverse("delivery-api:file", args=[resource_id, row["id"]]),
        }
        for row in rows
    ]


def file_of(resource_id: int, file_id: int) -> DataFile:
    """The file, if it is mounted on this resource: a grant on one resource never reaches another's files (404)."""
    data_file = DataFile.objects.filter(pk=file_id, resource_id=resource_id).first()
    if data_file is None:
        raise DeliveryError(404, "not_found", _("该资源下没有这个文件"))
    return data_file


def audit_detail(data_file) -> dict:
    """What the audit entry of a file download records about the file."""
    return {"file": data_file.pk, "name": data_file.name, "version": data_file.version, "sha256": data_file.sha256,
            "size": data_file.size}


def etag(data_file) -> str:
    return f'"{data_file.sha256}"'


def matches_etag(request, data_file) -> bool:
    """Whether the client already holds this content (If-None-Match with the file's SHA-256, or *)."""
    header = request.META.get("HTTP_IF_NONE_MATCH", "")
    if not header or not data_file.sha256:
        return False
    tags = {tag.strip().removeprefix("W/") for tag in header.split(",")}
    return "*" in tags or etag(data_file) in tags


def open_stored(data_file):
    """The stored content opened for reading; a file whose content is gone is an error of the platform (404 with
    its own code), never an empty download."""
    try:
        return mounting.open_file(data_file)
    except (FileNotFoundError, OSError):
        raise DeliveryError(404, "file_missing", _("文件内容缺失，请联系提供部门重新挂接"), result="error") from None


def content_disposition(name: str, *, fallback_stem: str = "file") -> str:
    """attachment with an ASCII filename for old clients and the real name as UTF-8 filename* (RFC 6266)."""
    path = PurePosixPath(name or "")
    suffix = _UNSAFE_ASCII.sub("", path.suffix)
    stem = _UNSAFE_ASCII.sub("_", path.stem).strip("._") or fallback_stem
    return f"attachment; filename=\"{stem}{suffix}\"; filename*=UTF-8''{quote(name or stem + suffix, safe='')}"


def _file_headers(response, data_file):
    response["ETag"] = etag(data_file)
    response["X-Checksum-SHA256"] = data_file.sha256
    # Shared data: no intermediary keeps a copy; the client revalidates with If-None-Match.
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def file_response(data_file, stream):
    """The streamed download of an opened file (FileResponse closes the stream when it is done)."""
    response = FileResponse(stream, content_type=data_file.content_type or "application/octet-stream")
    response["Content-Disposition"] = content_disposition(data_file.name, fallback_stem=f"file-{data_file.pk}")
    if data_file.size is not None and not response.has_header("Content-Length"):
        response["Content-Length"] = str(data_file.size)
    return _file_headers(response, data_file)


def not_modified_response(data_file):
    return _file_headers(HttpResponseNotModified(), data_file)

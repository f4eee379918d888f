"""Where mounted files (文件挂接) are kept: the `mounted_files` storage alias.

Local disk under the data directory by default; an S3-compatible object store (MinIO, a cloud's OSS) when
GOVSHARE_S3_BUCKET is set. settings.py calls `mounted_files_storage_config()`; this module must not import Django
models, it runs while the settings load.
"""

import os
from pathlib import Path

__all__ = ["mounted_files_storage", "mounted_files_storage_config"]


def mounted_files_storage_config(environ=None, data_dir=None) -> dict:
    """The STORAGES entry for mounted files, from GOVSHARE_S3_* (endpoint, bucket, keys, region) or the data dir."""
    environ = os.environ if environ is None else environ
    bucket = environ.get("GOVSHARE_S3_BUCKET", "").strip()
    if bucket:
        options = {
            "bucket_name": bucket,
            "endpoint_url": environ.get("GOVSHARE_S3_ENDPOINT_URL") or None,
            "access_key": environ.get("GOVSHARE_S3_ACCESS_KEY_ID") or None,
            "secret_key": environ.get("GOVSHARE_S3_SECRET_ACCESS_KEY") or None,
            "region_name": environ.get("GOVSHARE_S3_REGION") or None,
            "location": environ.get("GOVSHARE_S3_PREFIX", "mounted-files"),
            # Files are served through the platform (permission checks, audit), never by a public bucket URL.
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        }
        return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}
    location = Path(data_dir or environ.get("GOVSHARE_DATA_DIR", Path.cwd() / "data")) / "mounted_files"
    return {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(location)}}


def mounted_files_storage():
    """The storage of DataFile.file (a callable, so migrations do not freeze the backend)."""
    from django.core.files.storage import storages

    return storages["mounted_files"]

"""Mounted files: checksum and size while streaming, versions, duplicates, the size limit, the storage settings,
permissions, the provider's pages and the API."""

import hashlib
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from govshare.core.testing import api_client, login_client
from govshare.mounting import services
from govshare.mounting.models import DataFile
from govshare.mounting.storage import mounted_files_storage_config

pytestmark = pytest.mark.django_db

CONTENT = "统一社会信用代码,企业名称\n91320900MA1XXXXXX1,盐城示例有限公司\n".encode() * 500


def upload(world, content=CONTENT, name="企业名录.csv", user="provider", **kwargs):
    return services.upload_file(
        world["resource"], SimpleUploadedFile(name, content, content_type="text/csv"), user=world[user], **kwargs
    )


def test_upload_computes_checksum_and_size_and_keeps_the_content(world):
    data_file = upload(world, description="年度名录")
    assert data_file.sha256 == hashlib.sha256(CONTENT).hexdigest()
    assert data_file.size == len(CONTENT)
    assert data_file.version == 1
    assert data_file.content_type == "text/csv"
    assert data_file.uploaded_by == world["provider"]
    assert not data_file.is_duplicate
    with services.open_file(data_file) as stream:
        assert stream.read() == CONTENT
    # Local disk under the data directory by default.
    stored = Path(settings.DATA_DIR, "mounted_files", data_file.file.name)
    assert stored.read_bytes() == CONTENT


def test_same_name_gets_a_new_version_and_same_content_is_flagged(world):
    first = upload(world)
    second = upload(world, content=CONTENT + b"x")
    third = upload(world, name="副本.csv")
    assert (first.version, second.version, third.version) == (1, 2, 1)
    assert not second.is_duplicate
    assert third.duplicate_of == first


def test_a_file_over_the_limit_is_refused_and_nothing_is_stored(world, settings):
    settings.GOVSHARE_FILE_MAX_BYTES = 100
    before = set(Path(settings.DATA_DIR).rglob("*"))
    with pytest.raises(ValidationError) as error:
        upload(world)
    assert "大小上限" in str(error.value)
    assert not DataFile.objects.exists()
    assert {p for p in Path(settings.DATA_DIR).rglob("*") if p.is_file()} <= before


def test_the_limit_also_holds_while_streaming_when_the_size_is_unknown(world, settings):
    settings.GOVSHARE_FILE_MAX_BYTES = 100
    uploaded = SimpleUploadedFile("x.bin", CONTENT)
    uploaded.size = None  # e.g. a chunked stream
    before = {p for p in Path(settings.DATA_DIR).rglob("*") if p.is_file()}
    with pytest.raises(ValidationError):
        services.upload_file(world["resource"], uploaded, user=world["provider"])
    assert not DataFile.objects.exists()
    assert {p for p in Path(settings.DATA_DIR).rglob("*") if p.is_file()} <= before


def test_s3_settings_produce_an_s3_storage():
    config = mounted_files_storage_config({
        "GOVSHARE_S3_BUCKET": "govshare-files",
        "GOVSHARE_S3_ENDPOINT_URL": "https://oss.example.gov.cn",
        "GOVSHARE_S3_ACCESS_KEY_ID": "AKIDEXAMPLE",
        "GOVSHARE_S3_SECRET_ACCESS_KEY": "secret-example",
        "GOVSHARE_S3_REGION": "cn-east-1",
    })
    assert config["BACKEND"] == "storages.backends.s3.S3Storage"
    with override_settings(STORAGES={**settings.STORAGES, "mounted_files": config}):
        from storages.backends.s3 import S3Storage

        storage = storages["mounted_files"]
        assert isinstance(storage, S3Storage)
        assert storage.bucket_name == "govshare-files"
        assert storage.endpoint_url == "https://oss.example.gov.cn"
        assert storage.default_acl == "private"
    local = mounted_files_storage_config({}, data_dir="/srv/govshare")
    assert local["BACKEND"] == "django.core.files.storage.FileSystemStorage"
    assert local["OPTIONS"]["location"] == "/srv/govshare/mounted_files"


@pytest.mark.parametrize("user", ["other_provider", "colleague", "officer"])
def test_only_the_provider_department_may_mount_files(world, user):
    with pytest.raises(PermissionDenied):
        upload(world, user=user)


def test_a_department_admin_and_a_platform_admin_may_mount_files(world):
    assert upload(world, user="dept_admin").pk
    assert upload(world, user="platform_admin", name="平台.csv").pk


def test_provider_uploads_downloads_and_deletes_on_the_page(world):
    client = login_client(world["provider"])
    url = reverse("mounting:file_upload", args=[world["resource"].pk])
    response = client.post(url, {"file": SimpleUploadedFile("名录.csv", CONTENT), "description": "说明"})
    assert response.status_code == 302
    data_file = DataFile.objects.get()
    page = client.get(reverse("mounting:resource", args=[world["resource"].pk]) + "?tab=files")
    assert "名录.csv" in page.content.decode()
    download = client.get(reverse("mounting:file_download", args=[data_file.pk]))
    assert b"".join(download.streaming_content) == CONTENT
    assert download["X-Content-SHA256"] == data_file.sha256
    # Another department can neither see nor download it.
    other = login_client(world["other_provider"])
    assert other.get(reverse("mounting:file_download", args=[data_file.pk])).status_code == 403
    response = client.post(reverse("mounting:file_delete", args=[data_file.pk]))
    assert response.status_code == 302
    assert not DataFile.objects.exists()


def test_the_page_refuses_a_file_over_the_limit_with_a_message(world, settings):
    settings.GOVSHARE_FILE_MAX_BYTES = 10
    client = login_client(world["provider"])
    response = client.post(
        reverse("mounting:file_upload", args=[world["resource"].pk]), {"file": SimpleUploadedFile("a.csv", CONTENT)}
    )
    assert response.status_code == 400
    assert "大小上限" in response.content.decode()


def test_api_lists_uploads_and_shows_files(world):
    client = api_client(world["provider"])
    response = client.post(
        "/api/v1/mounting/files/",
        {"resource": world["resource"].pk, "file": SimpleUploadedFile("a.pdf", b"%PDF-1.4 test")},
        format="multipart",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["sha256"] == hashlib.sha256(b"%PDF-1.4 test").hexdigest()
    assert body["size"] == 13
    listing = client.get("/api/v1/mounting/files/", {"resource_id": world["resource"].pk}).json()
    assert [row["id"] for row in listing["results"]] == [body["id"]]
    assert client.get(f"/api/v1/mounting/files/{body['id']}/").json()["name"] == "a.pdf"
    download = client.get(f"/api/v1/mounting/files/{body['id']}/download/")
    assert b"".join(download.streaming_content) == b"%PDF-1.4 test"
    from govshare.audit.models import AuditEntry

    entry = AuditEntry.objects.filter(action="download", resource=world["resource"]).latest("id")
    assert entry.detail["file"] == body["id"] and entry.detail["via"] == "api" and entry.record_count == 1
    # Another department sees nothing and cannot upload.
    other = api_client(world["other_provider"])
    assert other.get("/api/v1/mounting/files/").json()["results"] == []
    refused = other.post(
        "/api/v1/mounting/files/", {"resource": world["resource"].pk, "file": SimpleUploadedFile("b.txt", b"x")},
        format="multipart",
    )
    assert refused.status_code == 403
    assert refused.json()["error"]["code"]

"""Mounted tables API: who sees tables and loads, who may upload, the upload itself and the error report."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from govshare.core.testing import api_client
from govshare.datastore import services

from .conftest import csv_text, row

TABLES = reverse("datastore-api:datatable-list")
LOADS = reverse("datastore-api:tableload-list")


def upload(user, resource, content, *, mode="replace", key="GMSFHM", name="人口.csv"):
    file = SimpleUploadedFile(name, content.encode("utf-8") if isinstance(content, str) else content)
    return api_client(user).post(LOADS, {"resource": resource.pk, "file": file, "mode": mode, "key": key},
                                 format="multipart")


def test_provider_uploads_a_file_and_polls_the_load(resource, city, settings):
    response = upload(city["provider"], resource, csv_text(row(1), row(2)))
    assert response.status_code == 202, response.json()
    body = response.json()
    assert body["status"]["value"] == "succeeded"
    assert body["rows_loaded"] == 2 and body["progress"] == 100 and body["phase"]["value"] == "done"
    assert body["source_name"] == "人口.csv" and body["user"]["username"] == "tigong"
    detail = api_client(city["provider"]).get(body["url"]).json()
    assert detail["id"] == body["id"] and detail["key_item"]["code"] == "GMSFHM"
    assert not list((settings.DATA_DIR / "loads" / "uploads").iterdir()), "the uploaded copy is removed"

    tables = api_client(city["provider"]).get(TABLES).json()["results"]
    assert [t["table_name"] for t in tables] == [f"gsd_{resource.pk}"]
    assert tables[0]["row_count"] == 2 and tables[0]["key_column"] == "gmsfhm"
    assert tables[0]["columns"][0]["kind"] == "id_number"


@pytest.mark.parametrize("user, expected", [
    ("provider", 202), ("dept_admin", 202), ("platform_admin", 202),
    ("colleague", 403), ("cataloguer", 403), ("other_provider", 403),
])
def test_who_may_upload(resource, city, user, expected):
    response = upload(city[user], resource, csv_text(row(1)))
    assert response.status_code == expected, response.json()
    if expected == 403:
        assert response.json()["error"]["code"] == "permission_denied"


def test_anonymous_is_refused(resource):
    assert api_client().post(LOADS, {"resource": resource.pk}).status_code in (401, 403)
    assert api_client().get(TABLES).status_code in (401, 403)


def test_tables_and_loads_are_visible_to_the_provider_department_and_admins(resource, city, write_file):
    table = services.ensure_table(resource)
    services.load_file(table, write_file(csv_text(row(1))), mode="replace")
    for user, count in [("provider", 1), ("colleague", 1), ("platform_admin", 1), ("other_provider", 0)]:
        client = api_client(city[user])
        assert client.get(TABLES).json()["count"] == count, user
        assert client.get(LOADS).json()["count"] == count, user
    load = table.loads.get()
    assert api_client(city["other_provider"]).get(
        reverse("datastore-api:tableload-detail", args=[load.pk])).status_code == 404


def test_a_rejected_upload_has_a_downloadable_error_report(resource, city):
    response = upload(city["provider"], resource, csv_text(row(1), row(2, birth="2023-02-30")))
    body = response.json()
    assert body["status"]["value"] == "rejected" and body["has_error_report"]
    assert body["rows_rejected"] == 1 and "日期不存在" in body["message"]
    url = reverse("datastore-api:tableload-error-report", args=[body["id"]])
    report = api_client(city["provider"]).get(url)
    assert report.status_code == 200
    content = b"".join(report.streaming_content).decode("utf-8-sig")
    assert content.splitlines()[0] == "行号,列,值,问题"
    assert "3,出生日期,2023-02-30" in content
    assert api_client(city["colleague"]).get(url).status_code == 403, "the report holds data values"


def test_invalid_uploads_get_the_error_shape(resource, city, settings):
    response = upload(city["provider"], resource, csv_text(row(1)), mode="merge")
    assert response.status_code == 400 and "mode" in response.json()["error"]["fields"]
    response = upload(city["provider"], resource, csv_text(row(1)), mode="upsert", key="")
    assert response.status_code == 400 and "key_item" in response.json()["error"]["fields"]
    settings.GOVSHARE_MOUNT_MAX_BYTES = 10
    response = upload(city["provider"], resource, csv_text(row(1)))
    assert response.status_code == 400 and "超过上限" in response.json()["error"]["fields"]["file"][0]

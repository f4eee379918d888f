"""Mounted files on the data plane: list and download through a grant (bearer token or session), refused without
one or after a revocation, never another resource's file, checksum headers, audited before the first byte; the
consumer's page lists the files; the provider's own preview and download are audited too."""

import hashlib
from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from govshare.audit.models import AuditEntry, AuditSubject
from govshare.catalog import services as catalog_services
from govshare.core.testing import catalog_fields, login_client, make_user
from govshare.datastore.models import DataTable
from govshare.mounting import services as mounting
from govshare.sharing import services as sharing

from .conftest import make_grant
from .helpers import BASE, PURPOSE, assert_error, consumer, last_entries

pytestmark = pytest.mark.django_db

CONTENT = "统一社会信用代码,企业名称\n91320900MA1XXXXXX1,盐城示例有限公司\n".encode() * 200
REPORT = b"%PDF-1.4 annual report"


@pytest.fixture
def provider(world):
    return make_user("tigong", world["police"], roles=["data_provider"])


def upload(world, provider, name="人口统计年报.csv", content=CONTENT, resource=None, content_type="text/csv"):
    return mounting.upload_file(
        resource or world["resource"], SimpleUploadedFile(name, content, content_type=content_type), user=provider
    )


@pytest.fixture
def files(world, provider):
    return [upload(world, provider), upload(world, provider, "report.pdf", REPORT, content_type="application/pdf")]


def files_path(world, data_file=None):
    path = f"resources/{world['resource'].pk}/files"
    return f"{path}/{data_file.pk}" if data_file is not None else path


def session_get(user, path, **params):
    return login_client(user).get(f"{BASE}/{path}", params)


# ---- the API: list and download ----------------------------------------------------------------------------------


def test_list_by_bearer_token_names_every_file_and_is_audited(world, grant, files):
    response = consumer(world["system"]).get(files_path(world))
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["count"] == 2
    by_name = {row["name"]: row for row in body["files"]}
    csv_file = by_name["人口统计年报.csv"]
    assert csv_file["id"] == files[0].pk and csv_file["version"] == 1 and csv_file["size"] == len(CONTENT)
    assert csv_file["sha256"] == hashlib.sha256(CONTENT).hexdigest()
    assert csv_file["content_type"] == "text/csv" and csv_file["uploaded_at"]
    assert csv_file["url"] == f"{BASE}/{files_path(world, files[0])}"
    assert by_name["report.pdf"]["content_type"] == "application/pdf"
    entry = last_entries()[0]
    assert entry.action == "query" and entry.result == "success" and entry.purpose == PURPOSE
    assert entry.system == "民政业务系统" and entry.resource_id == world["resource"].pk
    assert entry.detail == {"files": 2} and entry.record_count == 0


def test_download_by_bearer_token_is_audited_before_the_first_byte(world, grant, files):
    data_file = files[0]
    response = consumer(world["system"]).get(files_path(world, data_file))
    assert response.status_code == 200
    # Nothing read from the stream yet: the entry is already stored.
    entry = last_entries()[0]
    assert entry.action == "download" and entry.result == "success" and entry.record_count == 1
    assert entry.purpose == PURPOSE and entry.system == "民政业务系统"
    assert entry.detail["file"] == data_file.pk and entry.detail["name"] == "人口统计年报.csv"
    assert entry.detail["sha256"] == data_file.sha256
    data = b"".join(response.streaming_content)
    assert data == CONTENT
    assert response["X-Checksum-SHA256"] == hashlib.sha256(data).hexdigest()
    assert response["ETag"] == f'"{hashlib.sha256(data).hexdigest()}"'
    assert response["Content-Type"] == "text/csv"
    assert int(response["Content-Length"]) == len(CONTENT)
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert f"filename*=UTF-8''{quote('人口统计年报.csv')}" in disposition
    assert 'filename="' in disposition and disposition.split('filename="')[1].split('"')[0].isascii()
    assert AuditEntry.objects.filter(action="download").count() == 1


def test_download_by_session_with_the_purpose_parameter(world, files):
    make_grant(world["resource"], world["civil"])
    user = world["consumer_user"]
    listing = session_get(user, files_path(world), purpose="核对年报")
    assert listing.status_code == 200 and listing.json()["count"] == 2
    # As the page submits it: the filters of the table form come along and are ignored.
    response = session_get(user, files_path(world, files[1]), purpose="核对年报", sfzh="", xm="")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == REPORT
    assert response["X-Checksum-SHA256"] == hashlib.sha256(REPORT).hexdigest()
    assert 'filename="report.pdf"' in response["Content-Disposition"]
    entry = last_entries()[0]
    assert entry.action == "download" and entry.user_id == user.pk and entry.system == ""
    assert entry.department_id == world["civil"].pk and entry.purpose == "核对年报"
    assert entry.detail["file"] == files[1].pk


def test_a_client_holding_the_content_gets_304_audited_with_no_record(world, grant, files):
    response = consumer(world["system"]).get(files_path(world, files[0]), HTTP_IF_NONE_MATCH=f'"{files[0].sha256}"')
    assert response.status_code == 304 and response["ETag"] == f'"{files[0].sha256}"'
    entry = last_entries()[0]
    assert entry.action == "download" and entry.record_count == 0 and entry.detail["not_modified"] is True
    other = consumer(world["system"]).get(files_path(world, files[0]), HTTP_IF_NONE_MATCH='"0000"')
    assert other.status_code == 200


# ---- refusals ----------------------------------------------------------------------------------------------------


def test_no_grant_is_refused_and_audited_as_denied(world, files):
    outsider = world["outsider"]
    for path in (files_path(world), files_path(world, files[0])):
        response = session_get(outsider, path, purpose="看看")
        assert_error(response, 403, "no_grant")
        entry = last_entries()[0]
        assert entry.result == "denied" and entry.user_id == outsider.pk and entry.purpose == "看看"
    assert last_entries()[0].action == "download"


def test_purpose_is_required(world, grant, files):
    assert_error(consumer(world["system"], purpose=None).get(files_path(world, files[0])), 400, "purpose_required",
                 "purpose")
    assert last_entries()[0].result == "denied"


def test_a_revoked_grant_stops_the_next_call(world, grant, files, provider):
    client = consumer(world["system"])
    assert client.get(files_path(world, files[0])).status_code == 200
    admin = make_user("bumen", world["police"], roles=["department_admin"])
    sharing.revoke_grant(grant, user=admin, reason="业务已办结")
    body = assert_error(client.get(files_path(world, files[0])), 403, "no_grant")
    assert "撤销" in body["error"]["message"]
    assert_error(client.get(files_path(world)), 403, "no_grant")
    assert last_entries()[0].result == "denied"


def test_a_file_of_another_resource_is_not_found(world, grant, files, provider):
    fields = catalog_fields(world["police"], name="户籍迁移年报")
    other = catalog_services.create_entry(user=world["cataloguer"], fields=fields, items=[
        {"name": "年份", "code": "nf", "data_type": "I", "length": 4, "share_type": "unconditional",
         "open_type": "not_open"},
    ])
    catalog_services.submit_entry(other, user=world["cataloguer"])
    catalog_services.approve_entry(other, user=world["reviewer"])
    foreign = upload(world, provider, "迁移.csv", b"nf\n2024\n", resource=other)
    response = consumer(world["system"]).get(f"resources/{world['resource'].pk}/files/{foreign.pk}")
    assert_error(response, 404, "not_found")
    entry = last_entries()[0]
    assert entry.result == "error" and entry.resource_id == world["resource"].pk
    assert not AuditEntry.objects.filter(action="download", result="success").exists()
    # And the grant on the first resource does not open the other one's list.
    assert_error(consumer(world["system"]).get(f"resources/{other.pk}/files"), 403, "no_grant")


def test_stored_content_gone_is_an_error_not_an_empty_file(world, grant, files):
    files[0].file.storage.delete(files[0].file.name)
    assert_error(consumer(world["system"]).get(files_path(world, files[0])), 404, "file_missing")
    entry = last_entries()[0]
    assert entry.result == "error" and entry.action == "download"


# ---- the consumer's page -----------------------------------------------------------------------------------------


def page_url(world):
    return reverse("delivery:resource_data", args=[world["resource"].pk])


def test_page_lists_the_files_with_download_buttons_carrying_the_purpose(world, files):
    make_grant(world["resource"], world["civil"])
    response = login_client(world["consumer_user"]).get(page_url(world))
    assert response.status_code == 200
    html = response.content.decode()
    assert "人口统计年报.csv" in html and "report.pdf" in html
    assert 'id="resource-data-form"' in html and 'name="purpose"' in html
    for data_file in files:
        url = reverse("delivery-api:file", args=[world["resource"].pk, data_file.pk])
        assert f'form="resource-data-form" formaction="{url}"' in html
    assert 'value="csv"' in html  # the table's downloads are still there
    assert 'style="' not in html and "<script>" not in html


def test_page_with_files_but_no_table(world, files):
    DataTable.objects.filter(resource=world["resource"]).delete()
    make_grant(world["resource"], world["civil"])
    before = AuditEntry.objects.count()
    response = login_client(world["consumer_user"]).get(page_url(world))
    assert response.status_code == 200
    html = response.content.decode()
    assert "report.pdf" in html and 'name="purpose"' in html and "required" in html
    assert 'value="csv"' not in html and 'name="preview"' not in html
    assert AuditEntry.objects.count() == before  # showing the page reads no data


def test_page_with_neither_table_nor_files_says_so(world):
    DataTable.objects.filter(resource=world["resource"]).delete()
    make_grant(world["resource"], world["civil"])
    response = login_client(world["consumer_user"]).get(page_url(world))
    assert response.status_code == 200
    assert "尚未挂接库表数据或文件" in response.content.decode()


# ---- the provider's own reads ------------------------------------------------------------------------------------


def test_provider_preview_on_the_mount_page_is_audited(world, provider):
    response = login_client(provider).get(reverse("mounting:resource", args=[world["resource"].pk]))
    assert response.status_code == 200
    entry = last_entries()[0]
    assert entry.action == "query" and entry.user_id == provider.pk and entry.department_id == world["police"].pk
    assert entry.purpose == "提供部门核对挂接数据" and entry.record_count == 20
    assert entry.resource_id == world["resource"].pk and entry.items[0] == "sfzh"
    # The previewed people can learn who looked at them.
    assert AuditSubject.objects.filter(entry_id=entry.pk).count() == 20


def test_provider_download_is_audited(world, provider, files):
    response = login_client(provider).get(reverse("mounting:file_download", args=[files[0].pk]))
    assert response.status_code == 200
    entry = last_entries()[0]
    assert entry.action == "download" and entry.user_id == provider.pk and entry.record_count == 1
    assert entry.purpose == "提供部门核对挂接数据"
    assert entry.detail["file"] == files[0].pk and entry.detail["sha256"] == files[0].sha256
    assert b"".join(response.streaming_content) == CONTENT

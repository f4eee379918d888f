"""The mount pages: who may open them, each tab, the table upload with its progress card, versions and error
report, and query counts that do not grow with the number of resources."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from govshare.catalog import services as catalog
from govshare.core.testing import catalog_fields, catalog_items, login_client

from .conftest import publish

pytestmark = pytest.mark.django_db


def page(world, tab, user="provider"):
    return login_client(world[user]).get(reverse("mounting:resource", args=[world["resource"].pk]), {"tab": tab})


@pytest.mark.parametrize("tab", ["table", "files", "api", "pull"])
def test_provider_opens_every_tab(world, tab):
    response = page(world, tab)
    assert response.status_code == 200
    assert world["resource"].name in response.content.decode()


@pytest.mark.parametrize("user", ["dept_admin", "platform_admin"])
def test_department_admin_and_platform_admin_may_mount(world, user):
    assert page(world, "table", user).status_code == 200


@pytest.mark.parametrize("user", ["other_provider", "colleague", "officer"])
def test_another_department_or_a_user_without_the_role_cannot_mount(world, user):
    assert page(world, "table", user).status_code == 403
    client = login_client(world[user])
    response = client.post(
        reverse("mounting:table_upload", args=[world["resource"].pk]),
        {"file": SimpleUploadedFile("a.csv", "统一社会信用代码\n1\n".encode()), "mode": "replace"},
    )
    assert response.status_code == 403


def test_overview_needs_a_mounting_role_and_lists_only_the_department(world):
    assert login_client(world["colleague"]).get(reverse("mounting:overview")).status_code == 403
    response = login_client(world["other_provider"]).get(reverse("mounting:overview"))
    assert response.status_code == 200
    assert world["resource"].name not in response.content.decode()
    assert world["resource"].name in login_client(world["provider"]).get(reverse("mounting:overview")).content.decode()


def test_unpublished_resources_cannot_be_mounted(world):
    draft = catalog.create_entry(
        user=world["cataloguer"], fields=catalog_fields(world["market"], name="草稿资源"), items=catalog_items()
    )
    response = login_client(world["provider"]).get(reverse("mounting:resource", args=[draft.pk]))
    assert response.status_code == 404


def test_overview_query_count_does_not_grow(world):
    client = login_client(world["provider"])
    client.get(reverse("mounting:overview"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("mounting:overview"))
    for index in range(5):
        publish(world["market"], world["cataloguer"], world["reviewer"], name=f"资源{index}")
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("mounting:overview"))
    assert "资源4" in response.content.decode()
    assert len(many) == len(few)


# --- Table uploads (need govshare.datastore.services) ------------------------------------------------------------


@pytest.fixture
def loader():
    return pytest.importorskip("govshare.datastore.services")


GOOD = (
    "统一社会信用代码,企业名称,注册资本\n11320900000000019K,盐城甲有限公司,100\n"
    "11320900000000027E,盐城乙有限公司,200\n"
)


def test_upload_loads_and_shows_progress_versions_and_preview(world, loader):
    client = login_client(world["provider"])
    resource = world["resource"]
    key = resource.items.order_by("position").first()
    response = client.post(
        reverse("mounting:table_upload", args=[resource.pk]),
        {"file": SimpleUploadedFile("企业.csv", GOOD.encode("gbk")), "mode": "replace", "key_item": key.pk},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    resource.refresh_from_db()
    load = resource.data_table.loads.get()
    assert load.status == "succeeded", load.message
    assert response["Location"].endswith(f"load={load.pk}")
    body = client.get(response["Location"]).content.decode()
    assert "<progress" in body and "盐城乙有限公司" in body  # progress card and preview
    progress = client.get(reverse("mounting:load_progress", args=[load.pk]))
    text = progress.content.decode()
    assert 'value="100"' in text and "hx-trigger" not in text  # finished: no more polling
    other = login_client(world["other_provider"])
    assert other.get(reverse("mounting:load_progress", args=[load.pk])).status_code == 403


def test_a_rejected_upload_offers_its_error_report(world, loader):
    client = login_client(world["provider"])
    resource = world["resource"]
    bad = "统一社会信用代码,企业名称,注册资本\n11320900000000019K,盐城甲有限公司,不是数字\n"
    response = client.post(
        reverse("mounting:table_upload", args=[resource.pk]),
        {"file": SimpleUploadedFile("坏.csv", bad.encode()), "mode": "replace"},
    )
    assert response.status_code == 302
    resource.refresh_from_db()
    load = resource.data_table.loads.get()
    assert load.status in ("rejected", "failed")
    body = client.get(response["Location"]).content.decode()
    if load.error_report_path:
        report_url = reverse("mounting:load_report", args=[load.pk])
        assert report_url in body
        report = client.get(report_url)
        assert report.status_code == 200
        assert b"".join(report.streaming_content)
    assert login_client(world["other_provider"]).get(
        reverse("mounting:load_report", args=[load.pk])
    ).status_code in (403, 404)


def test_upload_refuses_an_unknown_format_with_a_message(world):
    client = login_client(world["provider"])
    response = client.post(
        reverse("mounting:table_upload", args=[world["resource"].pk]),
        {"file": SimpleUploadedFile("a.exe", b"MZ"), "mode": "replace"},
    )
    assert response.status_code == 400
    assert "CSV、XLSX 或 JSON" in response.content.decode()


def test_a_running_load_polls_every_second_until_finished(world):
    from govshare.datastore.models import DataTable, TableLoad

    resource = world["resource"]
    data_table = DataTable.objects.create(resource=resource, table_name=f"gsd_{resource.pk}")
    load = TableLoad.objects.create(
        data_table=data_table, number=1, mode="replace", status="running", source_name="大文件.csv", progress=42,
        rows_read=4200, phase="writing",
    )
    client = login_client(world["provider"])
    text = client.get(reverse("mounting:load_progress", args=[load.pk])).content.decode()
    assert 'hx-trigger="every 1s"' in text and 'value="42"' in text and "写入数据" in text
    assert "style=" not in text  # the CSP forbids inline styles: a <progress> element carries the width
    page = client.get(reverse("mounting:resource", args=[resource.pk])).content.decode()
    assert 'id="load-progress"' in page  # the page opens on the unfinished load
    TableLoad.objects.filter(pk=load.pk).update(status="succeeded", progress=100)
    text = client.get(reverse("mounting:load_progress", args=[load.pk])).content.decode()
    assert "hx-trigger" not in text and 'value="100"' in text

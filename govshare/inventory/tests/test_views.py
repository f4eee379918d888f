"""Inventory pages: the HTMX list (filters, query count), a system's page with its SVG chart and history, add and
edit, import with the error table and report, export and templates."""

import datetime
import io
import re

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from govshare.core.testing import login_client
from govshare.inventory.models import InformationSystem, SystemUsage
from govshare.inventory.services import last_months
from govshare.inventory.testing import write_audit_list

pytestmark = pytest.mark.django_db


def make_systems(owner, count, **extra):
    return [
        InformationSystem.objects.create(name=f"系统{owner.pk}-{i}", function="办公", network="external",
                                         deployment="gov_cloud", owner=owner, **extra)
        for i in range(count)
    ]


def list_queries(client, params=None):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("inventory:system_list"), params or {})
    assert response.status_code == 200
    return len(queries), response


def test_list_filters_and_constant_queries(world):
    client = login_client(world["platform_admin"])
    make_systems(world["police"], 3)
    few, _response = list_queries(client)
    make_systems(world["market"], 20, connected_to_platform=True)
    many, response = list_queries(client)
    assert many == few
    assert response.content.decode().count('class="cell-title"') == 23
    _count, response = list_queries(client, {"owner_id": world["police"].pk})
    assert response.content.decode().count('class="cell-title"') == 3
    _count, response = list_queries(client, {"connected_to_platform": "true", "q": "-1"})
    assert response.content.decode().count('class="cell-title"') == 11  # 系统N-1, 系统N-10…19


def test_list_htmx_request_gets_the_table_only_and_is_restricted(world):
    make_systems(world["police"], 2)
    make_systems(world["market"], 2)
    client = login_client(world["dept_admin"])
    response = client.get(reverse("inventory:system_list"), HTTP_HX_REQUEST="true", HTTP_HX_TARGET="object-list")
    html = response.content.decode()
    assert "<html" not in html and html.count('class="cell-title"') == 2


def test_detail_tabs_chart_and_history(world):
    system = make_systems(world["police"], 1)[0]
    this_month = last_months(1)[0]
    SystemUsage.objects.create(system=system, month=this_month, monthly_active_users=30, visits=400, source="api")
    client = login_client(world["dept_admin"])
    url = reverse("inventory:system_detail", args=[system.pk])
    html = client.get(url).content.decode()
    assert "<svg" in html and html.count('class="bar-users"') == 1 and html.count('class="bar-visits"') == 1
    assert "style=" not in html and "<script>" not in html  # strict CSP
    assert client.get(url, {"tab": "usage"}).content.decode().count("<tr>") == 2
    history = client.get(url, {"tab": "history"}).content.decode()
    assert "变更历史" in history and "创建" in history
    assert login_client(world["market_admin"]).get(url).status_code == 404


def test_add_and_edit_pages(world):
    client = login_client(world["dept_admin"])
    data = {"name": "新系统", "owner": world["police"].pk, "function": "办公", "network": "external",
            "deployment": "gov_cloud", "status": "in_use", "protection_level": 6}
    response = client.post(reverse("inventory:system_add"), data)
    assert response.status_code == 200 and "1至5级" in response.content.decode()
    data["protection_level"] = 3
    response = client.post(reverse("inventory:system_add"), data)
    system = InformationSystem.objects.get()
    assert response.status_code == 302 and response.url == reverse("inventory:system_detail", args=[system.pk])
    response = client.post(reverse("inventory:system_edit", args=[system.pk]), {**data, "name": "改名"})
    assert response.status_code == 302
    system.refresh_from_db()
    assert system.name == "改名"
    # Another department's admin cannot open the form; a plain user cannot add.
    assert login_client(world["market_admin"]).get(
        reverse("inventory:system_edit", args=[system.pk])).status_code == 404
    assert login_client(world["colleague"]).get(reverse("inventory:system_add")).status_code == 403


def test_import_page_imports_or_shows_the_error_table_and_report(world, tmp_path, settings):
    settings.DATA_DIR = tmp_path
    client = login_client(world["dept_admin"])
    url = reverse("inventory:system_import")
    assert client.get(url).status_code == 200
    buffer = io.BytesIO()
    write_audit_list(buffer, [{"系统名称": "甲系统", "所属部门": "市公安局", "等保级别": 6}])
    buffer.name = "list.xlsx"
    buffer.seek(0)
    response = client.post(url, {"file": buffer})
    html = response.content.decode()
    assert response.status_code == 200 and "error-table" in html and "等保级别" in html
    report_url = re.search(r'href="(/inventory/import/[0-9a-f]+/report/)"', html).group(1)
    report = client.get(report_url)
    rows = list(openpyxl.load_workbook(io.BytesIO(b"".join(report.streaming_content))).active.iter_rows(
        values_only=True))
    assert rows[1][1:3] == (2, "等保级别")
    assert login_client(world["market_admin"]).get(report_url).status_code == 404  # only its uploader
    assert not InformationSystem.objects.exists()

    buffer = io.BytesIO()
    write_audit_list(buffer, [{"系统名称": "甲系统", "所属部门": "市公安局"}])
    buffer.name = "list.xlsx"
    buffer.seek(0)
    response = client.post(url, {"file": buffer})
    assert response.status_code == 302 and InformationSystem.objects.filter(name="甲系统").exists()


def test_import_page_refuses_non_xlsx_uploads(world):
    client = login_client(world["dept_admin"])
    upload = io.BytesIO("系统名称\n甲\n".encode("gbk"))
    upload.name = "list.csv"
    response = client.post(reverse("inventory:system_import"), {"file": upload})
    assert "另存为 .xlsx" in response.content.decode()


def test_usage_csv_upload(world):
    system = make_systems(world["police"], 1)[0]
    upload = io.BytesIO(f"系统名称,月份,访问次数\n{system.name},2025-01,7\n".encode("gbk"))
    upload.name = "usage.csv"
    response = login_client(world["colleague"]).post(reverse("inventory:usage_import"), {"file": upload})
    assert response.status_code == 302
    assert SystemUsage.objects.get().month == datetime.date(2025, 1, 1)


def test_export_follows_the_filters_and_template_is_blank(world):
    make_systems(world["police"], 2)
    make_systems(world["market"], 3)
    client = login_client(world["platform_admin"])
    response = client.get(reverse("inventory:system_export"), {"owner_id": world["market"].pk})
    rows = list(openpyxl.load_workbook(io.BytesIO(response.content))["信息系统清单"].iter_rows(values_only=True))
    assert len(rows) == 4 and {row[14] for row in rows[1:]} == {world["market"].credit_code}
    response = client.get(reverse("inventory:system_template"))
    rows = list(openpyxl.load_workbook(io.BytesIO(response.content))["信息系统清单"].iter_rows(values_only=True))
    assert len(rows) == 1 and rows[0][1] == "系统名称"
    # A department admin's export holds its own systems only.
    response = login_client(world["dept_admin"]).get(reverse("inventory:system_export"))
    rows = list(openpyxl.load_workbook(io.BytesIO(response.content))["信息系统清单"].iter_rows(values_only=True))
    assert len(rows) == 3


def test_delete_own_system_only(world):
    system = make_systems(world["police"], 1)[0]
    url = reverse("inventory:system_delete", args=[system.pk])
    assert login_client(world["market_admin"]).post(url).status_code == 404
    response = login_client(world["dept_admin"]).post(url)
    assert response.status_code == 302 and response.url == reverse("inventory:system_list")
    assert not InformationSystem.objects.exists()

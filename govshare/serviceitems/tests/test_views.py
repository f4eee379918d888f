"""The service item pages: list with HTMX filters and sorting by share, the department summary, detail, the form
with inline materials and its messages, permissions, import and export, and query counts that do not grow."""

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from govshare.core.testing import login_client
from govshare.serviceitems import services
from govshare.serviceitems.models import ServiceItem

from .conftest import item_fields, material
from .test_excel import good_rows, workbook

pytestmark = pytest.mark.django_db

LIST = reverse("serviceitems:item_list")
ADD = reverse("serviceitems:item_add")


def create(world, n, user="civil_admin", department="civil", replaced=1, total=2, **overrides):
    materials = [material(f"材料{i}", "government", replaced_by=world["id_cards"] if i < replaced else None)
                 for i in range(total)]
    return services.create_item(
        user=world[user], fields=item_fields(world[department], name=f"事项{n}", base_code=f"{n:012d}", **overrides),
        materials=materials,
    )


def form_data(world, department="civil", rows=(), **overrides):
    data = {
        "name": "最低生活保障审批", "item_type": "benefit", "department": world[department].pk,
        "base_code": "000105001000", "implementation_code": "", "legal_basis": "《社会救助暂行办法》第十一条",
        "description": "",
    }
    data.update(overrides)
    rows = list(rows) + [{}]  # and an untouched empty row, skipped
    data.update({"materials-TOTAL_FORMS": str(len(rows)), "materials-INITIAL_FORMS": "0",
                 "materials-MIN_NUM_FORMS": "0", "materials-MAX_NUM_FORMS": "1000"})
    for index, row in enumerate(rows):
        data[f"materials-{index}-name"] = row.get("name", "")
        data[f"materials-{index}-source"] = row.get("source", "applicant")
        data[f"materials-{index}-copies"] = row.get("copies", "1")
        data[f"materials-{index}-notes"] = row.get("notes", "")
        data[f"materials-{index}-resource_code"] = row.get("resource_code", "")
        if row.get("is_required", True):
            data[f"materials-{index}-is_required"] = "on"
    return data


# --- list ------------------------------------------------------------------------------------------------------

def test_list_filters_by_department_type_and_share_range_with_htmx(world):
    create(world, 1, replaced=0)  # 0 %
    create(world, 2, replaced=1)  # 50 %
    create(world, 3, replaced=2, item_type="licensing")  # 100 %
    create(world, 4, total=0)  # no materials
    create(world, 5, user="police_admin", department="police", replaced=2)
    client = login_client(world["reader"])
    response = client.get(LIST, {"department_id": world["civil"].pk, "share_min": 40, "share_max": 100},
                          HTTP_HX_REQUEST="true", HTTP_HX_TARGET="object-list")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html  # only the table
    assert "事项2" in html and "事项3" in html and "事项1" not in html and "事项4" not in html and "事项5" not in html
    html = client.get(LIST, {"item_type": "licensing"}).content.decode()
    assert "事项3" in html and "事项2" not in html and "<html" in html
    html = client.get(LIST, {"share_max": 0}).content.decode()
    assert "事项1" in html and "事项2" not in html and "事项4" not in html


def test_list_sorts_by_share_with_items_without_share_last(world):
    create(world, 1, replaced=0)
    create(world, 2, replaced=2)
    create(world, 3, total=0)
    create(world, 4, replaced=1)
    html = login_client(world["reader"]).get(LIST, {"sort": "-share"}).content.decode()
    positions = [html.index(f"事项{n}<") for n in (2, 4, 1, 3)]
    assert positions == sorted(positions)


def test_list_query_count_does_not_grow(world):
    client = login_client(world["reader"])
    for n in range(1, 4):
        create(world, n)
    with CaptureQueriesContext(connection) as few:
        assert client.get(LIST).status_code == 200
    for n in range(4, 24):
        create(world, n, total=5, replaced=3)
    with CaptureQueriesContext(connection) as many:
        assert client.get(LIST).status_code == 200
    assert len(many) == len(few) <= 10, [query["sql"] for query in many.captured_queries]


def test_department_summary_sorted_by_share(world):
    create(world, 1, replaced=0)
    create(world, 2, user="police_admin", department="police", replaced=2)
    client = login_client(world["reader"])
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("serviceitems:department_shares"))
    assert response.status_code == 200 and len(queries) <= 8
    html = response.content.decode()
    assert html.index("市公安局") < html.index("市民政局")
    assert "100%" in html and f"?department_id={world['police'].pk}" in html


# --- detail ----------------------------------------------------------------------------------------------------

def test_detail_shows_materials_and_share_in_constant_queries(world):
    client = login_client(world["reader"])
    small = create(world, 1, total=2, replaced=1)
    with CaptureQueriesContext(connection) as few:
        response = client.get(reverse("serviceitems:item_detail", args=[small.pk]))
    html = response.content.decode()
    assert "50%" in html and "居民身份证信息" in html and "可共享替代" in html
    assert reverse("serviceitems:item_edit", args=[small.pk]) not in html  # a reader cannot edit
    big = create(world, 2, total=12, replaced=6)
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("serviceitems:item_detail", args=[big.pk]))
    assert len(many) == len(few) <= 16


def test_detail_of_item_without_materials(world):
    item = create(world, 1, total=0)
    html = login_client(world["civil_admin"]).get(reverse("serviceitems:item_detail", args=[item.pk])).content
    html = html.decode()
    assert "不计算替代率" in html and reverse("serviceitems:item_edit", args=[item.pk]) in html


# --- form ------------------------------------------------------------------------------------------------------

def test_create_with_inline_materials(world):
    client = login_client(world["civil_admin"])
    response = client.get(ADD)
    assert response.status_code == 200 and world["id_cards"].code in response.content.decode()  # the datalist
    assert world["secret"].code not in response.content.decode()
    rows = [{"name": "申请书", "copies": "2"},
            {"name": "居民身份证", "source": "government", "resource_code": world["id_cards"].code},
            {"name": "户口簿", "source": "government", "is_required": False}]
    response = client.post(ADD, form_data(world, rows=rows))
    item = ServiceItem.objects.get()
    assert response.status_code == 302 and response.url == reverse("serviceitems:item_detail", args=[item.pk])
    assert [(m.name, m.copies, m.is_required, m.replaced_by_id) for m in item.materials.all()] == [
        ("申请书", 2, True, None), ("居民身份证", 1, True, world["id_cards"].pk), ("户口簿", 1, False, None)]


def test_form_shows_service_errors_on_their_rows(world):
    client = login_client(world["civil_admin"])
    rows = [{"name": "申请书"}, {"name": "证明", "resource_code": world["secret"].code},
            {"name": "申请书"}, {"name": "其他", "resource_code": "NO-SUCH-CODE"}]
    response = client.post(ADD, form_data(world, rows=rows))
    assert response.status_code == 200
    html = response.content.decode()
    assert "资源代码“NO-SUCH-CODE”不存在" in html
    assert not ServiceItem.objects.exists()
    rows.pop()
    html = client.post(ADD, form_data(world, rows=rows, base_code="x")).content.decode()
    assert "不予共享" in html and "材料名称与第1项重复" in html and "基本编码应由" in html
    assert not ServiceItem.objects.exists()


def test_edit_prefills_and_keeps_the_department_fixed(world):
    item = create(world, 1)
    client = login_client(world["civil_admin"])
    url = reverse("serviceitems:item_edit", args=[item.pk])
    html = client.get(url).content.decode()
    assert "材料0" in html and world["id_cards"].code in html
    # A department admin cannot move the item: the disabled field keeps its department.
    response = client.post(url, form_data(world, department="police", name="改名", base_code=item.base_code,
                                          rows=[{"name": "材料0"}]))
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.name == "改名" and item.department == world["civil"] and item.materials.count() == 1


def test_pages_enforce_permissions(world):
    item = create(world, 1)
    edit = reverse("serviceitems:item_edit", args=[item.pk])
    delete = reverse("serviceitems:item_delete", args=[item.pk])
    reader = login_client(world["reader"])
    assert reader.get(LIST).status_code == 200
    assert reader.get(ADD).status_code == 403
    assert reader.get(edit).status_code == 403
    assert reader.get(reverse("serviceitems:item_import")).status_code == 403
    other = login_client(world["police_admin"])
    assert other.get(edit).status_code == 403
    assert other.post(delete).status_code == 404  # not in its delete scope
    assert ServiceItem.objects.exists()
    assert login_client(world["civil_admin"]).post(delete).status_code == 302
    assert not ServiceItem.objects.exists()
    assert reader.logout() is None and reader.get(LIST).status_code == 302  # login required


# --- Excel -----------------------------------------------------------------------------------------------------

def test_import_page_good_and_bad_files(world):
    client = login_client(world["civil_admin"])
    url = reverse("serviceitems:item_import")
    items, materials = good_rows(world)
    bad = [dict(row) for row in materials] + [{"事项序号": 7, "材料名称": "孤儿", "材料来源": "申请人自备"}]
    upload = workbook(items, bad)
    upload.name = "bad.xlsx"
    response = client.post(url, {"file": upload})
    html = response.content.decode()
    assert "文件未导入" in html and "「事项」表中没有序号为7的事项" in html
    assert not ServiceItem.objects.exists()
    report = reverse("serviceitems:item_import_report", args=[response.context["job"]])
    rows = list(load_workbook(io.BytesIO(b"".join(client.get(report).streaming_content))).active.values)
    assert rows[1][:3] == ("材料", 6, "事项序号")
    assert login_client(world["police_admin"]).get(report).status_code == 404  # only the uploader
    upload = workbook(items, materials)
    upload.name = "good.xlsx"
    response = client.post(url, {"file": upload})
    assert "导入完成" in response.content.decode() and ServiceItem.objects.count() == 2


def test_export_follows_the_list_filters(world):
    create(world, 1, replaced=0)
    create(world, 2, replaced=2)
    response = login_client(world["reader"]).get(reverse("serviceitems:item_export"), {"share_min": 100})
    sheet = load_workbook(io.BytesIO(response.content))["事项"]
    assert [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)] == ["事项2"]
    template = login_client(world["reader"]).get(reverse("serviceitems:item_template"))
    assert load_workbook(io.BytesIO(template.content)).sheetnames == ["事项", "材料", "填写说明"]

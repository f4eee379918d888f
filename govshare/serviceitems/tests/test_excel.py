"""Excel import and export: a good file creates and updates items with their materials; any bad cell rejects the
whole file with the errors by sheet, row and column; export then import changes nothing."""

import io

import pytest
from openpyxl import Workbook, load_workbook

from govshare.serviceitems import services
from govshare.serviceitems.excel import ITEM_COLUMNS, MATERIAL_COLUMNS, export_items, import_items
from govshare.serviceitems.models import ServiceItem

from .conftest import item_fields, material

pytestmark = pytest.mark.django_db

ITEM_HEADERS = [column.header for column in ITEM_COLUMNS]
MATERIAL_HEADERS = [column.header for column in MATERIAL_COLUMNS]


def workbook(items, materials, item_headers=ITEM_HEADERS, material_headers=MATERIAL_HEADERS):
    """An .xlsx in memory: rows given as {header: value}."""
    book = Workbook()
    sheet = book.active
    sheet.title = "事项"
    sheet.append(item_headers)
    for row in items:
        sheet.append([row.get(header) for header in item_headers])
    sheet = book.create_sheet("材料")
    sheet.append(material_headers)
    for row in materials:
        sheet.append([row.get(header) for header in material_headers])
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    return buffer


def good_rows(world):
    items = [
        {"序号": 1, "事项名称": "最低生活保障审批", "事项类型": "行政给付", "基本编码": "000105001000",
         "实施部门": "市民政局", "设定依据": "《社会救助暂行办法》第十一条"},
        {"序号": 2, "事项名称": "临时救助审批", "事项类型": "行政给付", "基本编码": "000105002000",
         "实施部门代码": world["civil"].credit_code, "设定依据": "《社会救助暂行办法》第四十七条"},
    ]
    materials = [
        {"事项序号": 1, "序号": 2, "材料名称": "居民身份证", "材料来源": "政府部门核发",
         "共享替代资源代码": world["id_cards"].code},
        {"事项序号": 1, "序号": 1, "材料名称": "申请书", "材料来源": "申请人自备", "份数": 2},
        {"事项序号": 1, "序号": 3, "材料名称": "户口簿", "材料来源": "政府部门核发", "是否必要": "否",
         "共享替代资源代码": world["households"].code},
        {"事项序号": 2, "材料名称": "困难情况说明", "材料来源": "申请人自备"},
    ]
    return items, materials


def test_good_file_creates_items_with_ordered_materials(world):
    items, materials = good_rows(world)
    result = import_items(workbook(items, materials), user=world["civil_admin"])
    assert result.ok, result.errors
    assert (result.created, result.updated, result.materials) == (2, 0, 4)
    first = ServiceItem.objects.with_shares().get(base_code="000105001000")
    assert first.department == world["civil"] and first.item_type == "benefit"
    assert [(m.name, m.copies, m.is_required, m.replaced_by_id) for m in first.materials.all()] == [
        ("申请书", 2, True, None), ("居民身份证", 1, True, world["id_cards"].pk),
        ("户口簿", 1, False, world["households"].pk),
    ]
    assert first.share == 0.5


def test_reimport_updates_and_replaces_materials(world):
    items, materials = good_rows(world)
    import_items(workbook(items, materials), user=world["civil_admin"])
    items[0]["事项名称"] = "最低生活保障对象认定"
    result = import_items(workbook(items, materials[:1]), user=world["civil_admin"])
    assert result.ok and (result.created, result.updated) == (0, 2)
    item = ServiceItem.objects.get(base_code="000105001000")
    assert item.name == "最低生活保障对象认定"
    assert list(item.materials.values_list("name", flat=True)) == ["居民身份证"]
    assert ServiceItem.objects.get(base_code="000105002000").materials.count() == 0


def test_bad_file_is_rejected_whole_with_every_error_located(world):
    items, materials = good_rows(world)
    items[1]["事项类型"] = "行政审批"  # not a type
    items.append({"序号": 3, "事项名称": "公安事项", "事项类型": "公共服务", "基本编码": "000107001000",
                  "实施部门": "市公安局", "设定依据": "某法"})  # not the importer's department
    items.append({"序号": 4, "事项名称": "", "事项类型": "公共服务", "基本编码": "bad code",
                  "实施部门": "不存在的部门", "设定依据": "某法"})
    code = "共享替代资源代码"
    materials += [
        {"事项序号": 2, "材料名称": "不予共享的材料", "材料来源": "政府部门核发", code: world["secret"].code},
        {"事项序号": 2, "材料名称": "注销资源", "材料来源": "政府部门核发", code: world["withdrawn"].code},
        {"事项序号": 2, "材料名称": "未知资源", "材料来源": "其他", "共享替代资源代码": "9/999/000001"},
        {"事项序号": 1, "材料名称": "申请书", "材料来源": "申请人自备"},  # duplicate name in item 1
        {"事项序号": 9, "材料名称": "孤儿材料", "材料来源": "申请人自备"},
        {"事项序号": 1, "材料名称": "份数错误", "材料来源": "申请人自备", "份数": "两份", "是否必要": "也许"},
    ]
    result = import_items(workbook(items, materials), user=world["civil_admin"])
    assert not result.ok
    located = {(error.sheet, error.row, error.column) for error in result.errors}
    assert located >= {
        ("事项", 3, "事项类型"),
        ("事项", 4, "实施部门"),
        ("事项", 5, "事项名称"),
        ("事项", 5, "实施部门"),
        ("材料", 6, "共享替代资源代码"),
        ("材料", 7, "共享替代资源代码"),
        ("材料", 8, "共享替代资源代码"),
        ("材料", 9, "材料名称"),
        ("材料", 10, "事项序号"),
        ("材料", 11, "份数"),
        ("材料", 11, "是否必要"),
    }, result.errors
    messages = {(error.row, error.column): error.message for error in result.errors if error.sheet == "材料"}
    assert "不予共享" in messages[(6, "共享替代资源代码")]
    assert "已发布" in messages[(7, "共享替代资源代码")]
    assert not ServiceItem.objects.exists()


def test_missing_sheet_columns_and_non_excel_files_are_refused(world):
    book = Workbook()
    book.active.title = "事项"
    buffer = io.BytesIO()
    book.save(buffer)
    result = import_items(io.BytesIO(buffer.getvalue()), user=world["civil_admin"])
    assert [str(error) for error in result.errors] == ["缺少工作表「材料」；请使用导出的模板"]

    items, materials = good_rows(world)
    headers = [header for header in ITEM_HEADERS if header != "基本编码"]
    result = import_items(workbook(items, materials, item_headers=headers), user=world["civil_admin"])
    assert [(e.sheet, e.row, e.column, e.message) for e in result.errors] == [("事项", 1, "基本编码", "缺少此列")]

    result = import_items(io.BytesIO(b"name,code\n"), user=world["civil_admin"])
    assert not result.ok and "不是 Excel" in result.errors[0].message
    assert not ServiceItem.objects.exists()


def test_users_without_the_role_cannot_import(world):
    items, materials = good_rows(world)
    result = import_items(workbook(items, materials), user=world["reader"])
    assert [error.message for error in result.errors] == ["只有部门管理员或平台管理员可以导入政务服务事项"]


def test_export_then_import_changes_nothing(world):
    item = services.create_item(
        user=world["civil_admin"], fields=item_fields(world["civil"], implementation_code="11320900AB0001"),
        materials=[material("申请书", copies=2, notes="原件"),
                   material("居民身份证", "government", replaced_by=world["id_cards"]),
                   material("户口簿", "government", is_required=False)],
    )
    buffer = io.BytesIO()
    assert export_items(ServiceItem.objects.all(), buffer) == 1
    sheet = load_workbook(io.BytesIO(buffer.getvalue()))["材料"]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert [row[3] for row in rows] == ["申请书", "居民身份证", "户口簿"]
    assert rows[1][8] == world["id_cards"].code and rows[1][10] == "是"
    before = services.item_data(item)
    result = import_items(io.BytesIO(buffer.getvalue()), user=world["civil_admin"])
    assert result.ok and (result.created, result.updated) == (0, 1)
    item.refresh_from_db()
    assert services.item_data(item) == before

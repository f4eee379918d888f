"""Excel import and export of the catalogue: lossless round trip, whole-file rejection, permissions, CLI, task."""

import datetime
import io
import json

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from govshare.catalog import services
from govshare.catalog.choices import EntryStatusChoices, VersionStatusChoices
from govshare.catalog.excel import (
    ITEM_COLUMNS,
    ITEM_SHEET,
    RESOURCE_COLUMNS,
    RESOURCE_SHEET,
    export_catalog,
    import_catalog,
    write_error_report,
)
from govshare.catalog.models import CodeSequence, InfoItem, Resource, ResourceVersion
from govshare.catalog.tasks import import_catalog_task
from govshare.core.models import ObjectChange
from govshare.core.testing import catalog_fields, catalog_items, make_department, make_jurisdiction, make_user
from govshare.organizations.models import Office

pytestmark = pytest.mark.django_db

RESOURCE_FIELDS = (
    "code", "code_sequence", "name", "classification_id", "provider_id", "provider_office_id", "source_system",
    "abstract", "format_category", "format_type", "share_type", "share_condition", "share_basis", "share_mode",
    "open_type", "open_condition", "update_cycle", "published_on", "related_codes", "description", "status",
    "withdrawn_reason", "version",
)
ITEM_FIELDS = (
    "position", "name", "code", "data_type", "length", "description", "is_sensitive", "is_basic", "share_type",
    "share_condition", "open_type",
)




@pytest.fixture(params=["calamine", "openpyxl"])
def reader(request, monkeypatch):
    """Run a test with each workbook reader: python-calamine when installed, openpyxl as the fallback."""
    if request.param == "openpyxl":
        from govshare.core import excel as workbooks

        monkeypatch.setattr(workbooks, "_book_class", lambda: workbooks._OpenpyxlBook)
    else:
        pytest.importorskip("python_calamine")
    return request.param


@pytest.fixture
def city():
    jurisdiction = make_jurisdiction()
    authority = make_department("市大数据管理局", jurisdiction, competent=True)
    police = make_department("市公安局", jurisdiction)
    market = make_department("市市场监督管理局", jurisdiction)
    return {
        "police": police,
        "market": market,
        "office": Office.objects.create(department=police, name="户籍管理处"),
        "admin": make_user("admin", is_superuser=True, is_staff=True),
        "cataloguer": make_user("bianmu", police, roles=["cataloguer"]),
        "market_cataloguer": make_user("bianmu2", market, roles=["cataloguer"]),
        "reviewer": make_user("shenhe", authority, roles=["reviewer"]),
        "nobody": make_user("chaxun", police, roles=["data_consumer"]),
    }


def create(city, items=None, **overrides):
    user = city["market_cataloguer"] if overrides.get("provider") == city["market"] else city["cataloguer"]
    provider = overrides.pop("provider", city["police"])
    fields = catalog_fields(provider, **overrides)
    return services.create_entry(user=user, fields=fields, items=items or catalog_items())


def publish(city, resource):
    user = city["market_cataloguer"] if resource.provider_id == city["market"].pk else city["cataloguer"]
    services.submit_entry(resource, user=user)
    services.approve_entry(resource, user=city["reviewer"])
    resource.refresh_from_db()
    return resource


def sample_catalogue(city):
    """Entries covering every field: Chinese text, each share and open type, related codes, drafts, withdrawn."""
    person = publish(city, create(
        city, classification_code="101", name="居民户籍信息", provider_office=city["office"],
        source_system="人口综合信息系统", abstract="全市常住人口的户籍登记信息。\n含迁入、迁出记录；数据自2000年起。",
        format_type="KingbaseES", description="按季度核对", related_codes=[],
        items=[
            {"name": "公民身份号码", "code": "SFZH", "data_type": "C", "length": 18, "is_sensitive": True,
             "is_basic": True, "share_type": "unconditional", "open_type": "not_open", "description": "GB 11643"},
            {"name": "姓名", "code": "XM", "data_type": "C", "length": 50, "is_basic": True,
             "share_type": "unconditional", "open_type": "not_open"},
            {"name": "出生日期", "code": "CSRQ", "data_type": "D", "share_type": "unconditional",
             "open_type": "not_open"},
        ],
    ))
    conditional = publish(city, create(
        city, name="企业登记信息", provider=city["market"], share_type="conditional",
        share_condition="仅用于行政审批核验，需经提供方同意", share_mode="api", open_type="conditional",
        open_condition="经申请审核后开放", update_cycle="realtime", format_category="service", format_type="RESTful",
        related_codes=[person.code, "320900/000123"],
        items=[
            {"name": "统一社会信用代码", "code": "TYSHXYDM", "data_type": "C", "length": 18,
             "share_type": "conditional", "open_type": "conditional"},
            {"name": "注册资本", "code": "ZCZB", "data_type": "Y", "length": 20, "share_type": "conditional",
             "share_condition": "仅限金融监管部门", "open_type": "not_open"},
            {"name": "联系电话", "code": "LXDH", "data_type": "C", "length": 20, "is_sensitive": True,
             "share_type": "not_shared", "open_type": "not_open", "description": "=SUM(A1:A2) 不是公式"},
        ],
    ))
    not_shared = publish(city, create(
        city, name="涉密档案目录", share_type="not_shared", share_mode="",
        share_basis="《中华人民共和国保守国家秘密法》第二十八条", format_category="document", format_type="OFD",
        update_cycle="irregular",
        items=catalog_items("档案号", "档案名称", share_type="not_shared"),
    ))
    withdrawn = publish(city, create(city, name="暂住证信息", update_cycle="monthly"))
    services.withdraw_entry(withdrawn, user=city["cataloguer"], reason="暂住证制度已改为居住证")
    draft = create(city, name="出入境证件办理信息", update_cycle="weekly", items=catalog_items("证件号码", "证件类型"))
    return [person, conditional, not_shared, withdrawn, draft]


def state():
    """Every entry with every field and item, keyed by code (or name for entries without one)."""
    entries = {}
    for resource in Resource.objects.prefetch_related("items"):
        fields = {name: getattr(resource, name) for name in RESOURCE_FIELDS}
        fields["items"] = [{name: getattr(item, name) for name in ITEM_FIELDS} for item in resource.items.all()]
        entries[resource.code or resource.name] = fields
    return entries


def counts():
    return (Resource.objects.count(), InfoItem.objects.count(), ResourceVersion.objects.count(),
            ObjectChange.objects.count())


def export_bytes(queryset=None):
    buffer = io.BytesIO()
    export_catalog(queryset if queryset is not None else Resource.objects.order_by("pk"), buffer)
    buffer.seek(0)
    return buffer


def sheet_values(data):
    book = openpyxl.load_workbook(data)
    return {name: [list(row) for row in book[name].iter_rows(values_only=True)] for name in book.sheetnames}


def workbook(resources, items, *, drop=()):
    """A workbook in the import layout from rows given as {header: value}."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, columns, rows in ((RESOURCE_SHEET, RESOURCE_COLUMNS, resources), (ITEM_SHEET, ITEM_COLUMNS, items)):
        sheet = book.create_sheet(title)
        headers = [column.header for column in columns if (title, column.header) not in drop]
        sheet.append(headers)
        for row in rows:
            sheet.append([row.get(header) for header in headers])
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    return buffer


def resource_row(city, key=1, **values):
    row = {
        "序号": key, "资源名称": f"不动产登记信息{key}", "资源分类代码": "201", "资源提供方": city["police"].name,
        "提供方代码": city["police"].credit_code, "资源摘要": "记录不动产登记的权利人、坐落和面积。",
        "资源格式分类": "数据库", "资源格式类型": "PostgreSQL", "共享类型": "无条件共享", "共享方式": "共享平台-库表",
        "开放属性": "不予开放", "更新周期": "每日",
    }
    row.update(values)
    return row


def item_row(key=1, name="不动产单元号", **values):
    row = {"资源序号": key, "信息项名称": name, "数据类型": "字符型 C", "数据长度": 28, "共享类型": "无条件共享",
           "开放属性": "不予开放"}
    row.update(values)
    return row


def valid_rows(city, key):
    return [resource_row(city, key)], [item_row(key, "不动产单元号"), item_row(key, "权利人", 数据长度=100)]


def where(result):
    return {(error.sheet, error.row, error.column) for error in result.errors}


# ---------------------------------------------------------------------------------------------------------------
# Round trip


def test_export_then_import_into_an_empty_catalogue_is_lossless(reader, city):
    sample_catalogue(city)
    before = state()
    exported = export_bytes()
    first_export = sheet_values(exported)
    exported.seek(0)

    Resource.objects.all().delete()
    CodeSequence.objects.all().delete()
    result = import_catalog(exported, user=city["admin"])

    assert result.ok, [str(error) for error in result.errors]
    assert (result.created, result.updated, result.unchanged) == (5, 0, 0)
    assert state() == before
    # A published entry restored from a file has its current version on record, and the code is never reissued.
    restored = Resource.objects.get(name="居民户籍信息")
    version = restored.versions.get()
    assert version.status == VersionStatusChoices.PUBLISHED
    assert version.snapshot == services.entry_snapshot(restored)
    assert CodeSequence.objects.get(prefix="101").last_value == restored.code_sequence
    assert Resource.objects.get(name="出入境证件办理信息").status == EntryStatusChoices.DRAFT
    # Exporting the restored catalogue gives the same workbook, cell for cell.
    assert sheet_values(export_bytes()) == first_export
    # Text that looks like a formula stays text.
    item = InfoItem.objects.get(name="联系电话")
    assert item.description == "=SUM(A1:A2) 不是公式"


def test_reimporting_an_unedited_export_changes_nothing(city):
    sample_catalogue(city)
    before, before_counts = state(), counts()
    result = import_catalog(export_bytes(), user=city["admin"])
    assert result.ok, [str(error) for error in result.errors]
    assert (result.created, result.updated, result.unchanged) == (0, 0, 5)
    assert state() == before
    assert counts() == before_counts


def test_export_writes_chinese_labels_and_a_guide(city):
    sample_catalogue(city)
    values = sheet_values(export_bytes(Resource.objects.filter(name="企业登记信息")))
    assert set(values) == {RESOURCE_SHEET, ITEM_SHEET, "填写说明"}
    header, row = values[RESOURCE_SHEET]
    record = dict(zip(header, row, strict=True))
    assert record["共享类型"] == "有条件共享"
    assert record["共享方式"] == "共享平台-接口"
    assert record["资源格式分类"] == "服务接口"
    assert record["状态"] == "已发布"
    assert record["提供方代码"] == city["market"].credit_code
    assert record["关联资源代码"].split(";")[1] == "320900/000123"
    items = [dict(zip(values[ITEM_SHEET][0], row, strict=True)) for row in values[ITEM_SHEET][1:]]
    assert [item["信息项名称"] for item in items] == ["统一社会信用代码", "注册资本", "联系电话"]
    assert items[2]["是否敏感"] == "是" and items[0]["是否敏感"] == "否"
    assert items[1]["数据类型"] == "货币型 Y"
    assert any("无条件共享、有条件共享、不予共享" in (row[1] or "") for row in values["填写说明"])


def test_new_rows_become_drafts_of_their_provider_with_change_history(city):
    resources, items = valid_rows(city, 1)
    resources.append(resource_row(
        city, 2, 资源名称="房屋交易信息", 共享类型="conditional", 共享条件="仅用于住房保障审核", 共享方式="接口",
        关联资源代码="201/000001；201/000002",
    ))
    items += [
        item_row(2, "合同编号", 数据类型="C", 序号=2, 共享类型="有条件共享"),
        item_row(2, "成交价格", 数据类型="货币型", 序号=1, 是否敏感="是", 共享类型="有条件共享"),
    ]
    result = import_catalog(workbook(resources, items), user=city["cataloguer"])
    assert result.ok, [str(error) for error in result.errors]
    assert result.created == 2
    entry = Resource.objects.get(name="房屋交易信息")
    assert entry.status == EntryStatusChoices.DRAFT and entry.code is None
    assert entry.provider == city["police"]
    assert entry.share_mode == "api"
    assert entry.related_codes == ["201/000001", "201/000002"]
    assert [(i.position, i.name, i.data_type, i.is_sensitive) for i in entry.items.all()] == [
        (1, "成交价格", "Y", True), (2, "合同编号", "C", False),
    ]
    change = ObjectChange.objects.get(object_id=entry.pk, object_type__model="resource")
    assert change.user == city["cataloguer"] and change.action == ObjectChange.ACTION_CREATE
    # The new drafts can go through review like any other.
    publish(city, entry)
    assert entry.code == "201/000001"


def test_rows_with_existing_codes_follow_the_update_rules(city):
    draft = create(city, name="出入境证件办理信息")
    published = publish(city, create(city, name="机动车登记信息"))
    in_review = create(city, name="驾驶证信息")
    services.submit_entry(in_review, user=city["cataloguer"])

    values = sheet_values(export_bytes(Resource.objects.filter(pk__in=[draft.pk, published.pk]).order_by("pk")))
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name in (RESOURCE_SHEET, ITEM_SHEET):
        sheet = book.create_sheet(name)
        for row in values[name]:
            sheet.append(row)
    abstract = RESOURCE_COLUMNS.index(next(c for c in RESOURCE_COLUMNS if c.header == "资源摘要"))
    for row in (2, 3):
        book[RESOURCE_SHEET].cell(row, abstract + 1).value = "更新后的摘要：覆盖全市数据。"
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)

    result = import_catalog(buffer, user=city["cataloguer"])
    assert result.ok, [str(error) for error in result.errors]
    assert (result.created, result.updated) == (0, 2)
    draft.refresh_from_db()
    published.refresh_from_db()
    assert draft.abstract == "更新后的摘要：覆盖全市数据。"  # a draft (matched by provider and name) is edited in place
    assert published.abstract != "更新后的摘要：覆盖全市数据。"  # a published entry keeps its content until review
    pending = services.pending_version(published)
    assert pending.status == VersionStatusChoices.DRAFT
    assert pending.snapshot["fields"]["abstract"] == "更新后的摘要：覆盖全市数据。"

    # An entry in review cannot be changed; the whole file is refused.
    resources = [resource_row(city, 1, 资源名称="驾驶证信息", 资源摘要="改动")]
    before = counts()
    result = import_catalog(workbook(resources, [item_row(1)]), user=city["cataloguer"])
    assert where(result) == {(RESOURCE_SHEET, 2, "资源代码")}
    assert counts() == before


# ---------------------------------------------------------------------------------------------------------------
# Rejection: the whole file, with the row and column of every error


@pytest.mark.parametrize(
    ("resource_values", "item_values", "drop", "expected"),
    [
        ({"共享类型": "随便共享"}, {}, (), (RESOURCE_SHEET, 3, "共享类型")),
        ({"共享类型": "有条件共享", "共享条件": ""}, {}, (), (RESOURCE_SHEET, 3, "共享条件")),
        ({"提供方代码": "91320900MA1XXXXXX0"}, {}, (), (RESOURCE_SHEET, 3, "提供方代码")),
        ({"资源分类代码": "2"}, {}, (), (RESOURCE_SHEET, 3, "资源分类代码")),
        ({"资源分类代码": "999"}, {}, (), (RESOURCE_SHEET, 3, "资源分类代码")),
        ({"共享类型": "不予共享", "共享方式": ""}, {}, (), (RESOURCE_SHEET, 3, "不予共享依据")),
        ({"资源名称": "名" * 201}, {}, (), (RESOURCE_SHEET, 3, "资源名称")),
        ({"资源摘要": None}, {}, (), (RESOURCE_SHEET, 3, "资源摘要")),
        ({"内设机构": "不存在的处"}, {}, (), (RESOURCE_SHEET, 3, "内设机构")),
        ({"资源提供方": "市市场监督管理局"}, {}, (), (RESOURCE_SHEET, 3, "资源提供方")),
        ({"共享类型": "有条件共享", "共享条件": "经审批"}, {"共享类型": "无条件共享"}, (), (ITEM_SHEET, 5, "共享类型")),
        ({}, {"数据长度": "十八"}, (), (ITEM_SHEET, 5, "数据长度")),
        ({}, {"数据类型": "文本"}, (), (ITEM_SHEET, 5, "数据类型")),
        ({}, {"是否敏感": "也许"}, (), (ITEM_SHEET, 5, "是否敏感")),
        ({}, {"资源序号": 9}, (), (ITEM_SHEET, 5, "资源序号")),
        ({}, {"信息项名称": "不动产单元号"}, (), (ITEM_SHEET, 5, "信息项名称")),
        ({}, {}, ((RESOURCE_SHEET, "资源名称"),), (RESOURCE_SHEET, 1, "资源名称")),
        ({}, {}, ((ITEM_SHEET, "数据类型"),), (ITEM_SHEET, 1, "数据类型")),
    ],
)
def test_a_bad_row_rejects_the_whole_file(reader, city, resource_values, item_values, drop, expected):
    resources, items = valid_rows(city, 1)
    resources.append(resource_row(city, 2, **resource_values))
    items += [item_row(2, "不动产单元号"), item_row(2, "权利人", **item_values)]
    before = counts()
    result = import_catalog(workbook(resources, items, drop=drop), user=city["admin"])
    assert not result.ok
    assert expected in where(result), [str(error) for error in result.errors]
    assert result.created == result.updated == 0
    assert counts() == before


def test_every_error_is_reported_at_once_and_written_as_a_report(city, tmp_path):
    resources = [resource_row(city, 1, 共享类型="随便"), resource_row(city, 2, 更新周期="每十年"),
                 resource_row(city, 3)]
    items = [item_row(1), item_row(2, 数据长度="abc"), item_row(3)]
    report = tmp_path / "errors.xlsx"
    result = import_catalog(workbook(resources, items), user=city["admin"], report_path=report)
    assert where(result) == {
        (RESOURCE_SHEET, 2, "共享类型"), (RESOURCE_SHEET, 3, "更新周期"), (ITEM_SHEET, 3, "数据长度"),
    }
    assert str(result.errors[0]).startswith("「信息资源」第2行「共享类型」：“随便”不是有效的选项")
    assert result.error_report_path == str(report)
    rows = list(openpyxl.load_workbook(report).active.iter_rows(values_only=True))
    assert rows[0] == ("工作表", "行号", "列名", "错误信息")
    assert rows[1][:3] == (RESOURCE_SHEET, 2, "共享类型")
    assert len(rows) == 4
    assert Resource.objects.count() == 0


@pytest.mark.parametrize(
    "content",
    [
        "序号,资源名称\n1,企业登记信息\n".encode("gbk"),
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512,
        b"PK\x03\x04 not really a zip file",
        b"",
    ],
    ids=["csv", "xls", "broken-zip", "empty-file"],
)
def test_a_file_that_is_not_a_workbook_gets_one_clear_error(reader, city, tmp_path, content):
    path = tmp_path / "目录.xlsx"
    path.write_bytes(content)
    result = import_catalog(path, user=city["admin"])
    assert len(result.errors) == 1
    error = result.errors[0]
    assert error.row is None and "Excel" in error.message
    assert Resource.objects.count() == 0


def test_an_empty_workbook_is_rejected(reader, city):
    buffer = io.BytesIO()
    openpyxl.Workbook().save(buffer)
    result = import_catalog(buffer, user=city["admin"])
    assert [error.message for error in result.errors] == [
        "缺少工作表「信息资源」；请使用导出的模板", "缺少工作表「信息项」；请使用导出的模板",
    ]
    # The blank template (an export of nothing) has the sheets but no data: also refused, never a silent no-op.
    result = import_catalog(export_bytes(Resource.objects.none()), user=city["admin"])
    assert [(error.sheet, error.message) for error in result.errors] == [(RESOURCE_SHEET, "工作表中没有资源数据")]


def test_choices_accept_labels_short_forms_and_values(reader, city):
    resources = [resource_row(city, 1, 资源格式分类="database", 共享类型="unconditional", 共享方式="库表",
                              开放属性="不予开放", 更新周期="daily", 发布日期="2024/03/01")]
    items = [item_row(1, 数据类型="N", 是否敏感="否", 是否基本信息项=None, 数据长度="12"),
             item_row(1, "登记日期", 数据类型="日期型", 数据长度=None)]
    result = import_catalog(workbook(resources, items), user=city["admin"])
    assert result.ok, [str(error) for error in result.errors]
    entry = Resource.objects.get()
    assert (entry.format_category, entry.share_mode, entry.update_cycle) == ("database", "table", "daily")
    assert entry.published_on is None  # a new entry is a draft whatever the file says
    assert list(entry.items.values_list("data_type", "length")) == [("N", 12), ("D", None)]


# ---------------------------------------------------------------------------------------------------------------
# Permissions


def test_a_cataloguer_cannot_import_rows_of_another_department(city):
    resources, items = valid_rows(city, 1)
    resources.append(resource_row(city, 2, 资源提供方=city["market"].name, 提供方代码=city["market"].credit_code))
    items.append(item_row(2))
    before = counts()
    result = import_catalog(workbook(resources, items), user=city["cataloguer"])
    assert where(result) == {(RESOURCE_SHEET, 3, "提供方代码")}
    assert city["market"].name in result.errors[0].message
    assert counts() == before


def test_a_cataloguer_cannot_restore_entries_with_unknown_codes(city):
    resources = [resource_row(city, 1, 资源代码="201/000007", 状态="已发布")]
    result = import_catalog(workbook(resources, [item_row(1)]), user=city["cataloguer"])
    assert where(result) == {(RESOURCE_SHEET, 2, "资源代码")}
    assert Resource.objects.count() == 0


def test_a_cataloguer_cannot_change_another_departments_entry(city):
    theirs = publish(city, create(city, name="企业登记信息", provider=city["market"]))
    values = sheet_values(export_bytes(Resource.objects.filter(pk=theirs.pk)))
    header, row = values[RESOURCE_SHEET]
    record = dict(zip(header, row, strict=True))
    record.update({"资源提供方": city["police"].name, "提供方代码": city["police"].credit_code, "资源摘要": "改写"})
    result = import_catalog(workbook([record], [item_row(1, name) for name in ("统一社会信用代码", "企业名称")]),
                            user=city["cataloguer"])
    assert (RESOURCE_SHEET, 2, "资源代码") in where(result)
    assert services.pending_version(theirs) is None


def test_a_user_without_a_cataloguing_role_cannot_import(city):
    resources, items = valid_rows(city, 1)
    result = import_catalog(workbook(resources, items), user=city["nobody"])
    assert [error.message for error in result.errors] == ["只有编目员、部门管理员或平台管理员可以导入目录"]
    assert Resource.objects.count() == 0


# ---------------------------------------------------------------------------------------------------------------
# The console command and the background task


def test_cli_export_and_import(city, tmp_path, capsys):
    sample_catalogue(city)
    path = tmp_path / "catalog.xlsx"
    call_command("catalog", "export", str(path), "--status", "已发布")
    assert "已导出3条目录" in capsys.readouterr().out
    values = sheet_values(path)
    assert len(values[RESOURCE_SHEET]) == 4

    call_command("catalog", "export", str(path), "--provider", city["market"].credit_code)
    assert len(sheet_values(path)[RESOURCE_SHEET]) == 2

    new = tmp_path / "new.xlsx"
    new.write_bytes(workbook(*valid_rows(city, 1)).getvalue())
    call_command("catalog", "import", str(new), "--user", "bianmu")
    assert "新建1条" in capsys.readouterr().out
    assert Resource.objects.filter(name="不动产登记信息1", status="draft").exists()

    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(workbook([resource_row(city, 1, 共享类型="随便")], [item_row(1)]).getvalue())
    report = tmp_path / "report.xlsx"
    before = counts()
    with pytest.raises(CommandError) as raised:
        call_command("catalog", "import", str(bad), "--report", str(report))
    assert raised.value.returncode == 1
    assert "「信息资源」第2行「共享类型」：" in capsys.readouterr().err
    assert report.exists()
    assert counts() == before


def test_cli_import_needs_a_user(city, tmp_path):
    path = tmp_path / "new.xlsx"
    path.write_bytes(workbook(*valid_rows(city, 1)).getvalue())
    with pytest.raises(CommandError, match="用户不存在"):
        call_command("catalog", "import", str(path), "--user", "nosuchuser")


def test_background_task_imports_and_reports(city, tmp_path):
    good = tmp_path / "good.xlsx"
    good.write_bytes(workbook(*valid_rows(city, 1)).getvalue())
    # apply() runs the task here as a worker would, whether or not the settings make tasks eager.
    result = import_catalog_task.apply(args=(str(good), city["cataloguer"].pk)).get()
    assert result["ok"] and result["created"] == 1

    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(workbook([resource_row(city, 1)], [item_row(1, 数据长度=-3)]).getvalue())
    result_path = tmp_path / "result.json"
    result = import_catalog_task.apply(
        args=(str(bad), city["cataloguer"].pk), kwargs={"result_path": str(result_path)}
    ).get()
    assert not result["ok"]
    assert result["errors"][0]["row"] == 2 and result["errors"][0]["column"] == "数据长度"
    assert result["error_report_path"].endswith("bad-错误报告.xlsx")
    assert json.loads(result_path.read_text(encoding="utf-8")) == result


def test_error_report_can_be_written_to_a_file_object():
    from govshare.catalog.excel import RowError

    buffer = io.BytesIO()
    write_error_report([RowError("", None, "", "文件不是 Excel 工作簿")], buffer)
    buffer.seek(0)
    rows = list(openpyxl.load_workbook(buffer).active.iter_rows(values_only=True))
    assert rows[1] == ("文件", None, None, "文件不是 Excel 工作簿")


def test_restored_withdrawn_entry_needs_its_reason(city):
    resources = [resource_row(city, 1, 资源代码="201/000005", 状态="已注销", 发布日期=datetime.date(2023, 5, 1))]
    result = import_catalog(workbook(resources, [item_row(1)]), user=city["admin"])
    assert where(result) == {(RESOURCE_SHEET, 2, "注销原因")}


def test_an_entry_without_info_items_is_rejected(city):
    resources = [resource_row(city, 1), resource_row(city, 2, 资源名称="无信息项的资源")]
    result = import_catalog(workbook(resources, [item_row(1)]), user=city["admin"])
    assert where(result) == {(RESOURCE_SHEET, 3, "序号")}
    assert result.errors[0].message == "至少需要一个信息项"
    assert Resource.objects.count() == 0


def test_items_link_by_key_after_sorting_and_by_code_when_the_key_is_blank(city):
    published = publish(city, create(city, name="机动车登记信息"))
    values = sheet_values(export_bytes(Resource.objects.filter(pk=published.pk)))
    record = dict(zip(values[RESOURCE_SHEET][0], values[RESOURCE_SHEET][1], strict=True))
    record["序号"] = 7
    items = [dict(zip(values[ITEM_SHEET][0], row, strict=True)) for row in values[ITEM_SHEET][1:]]
    for item in items:
        item["资源序号"] = None  # linked by 资源代码 instead
    items.reverse()  # rows sorted differently: the 序号 column keeps the order
    result = import_catalog(workbook([record], items), user=city["cataloguer"])
    assert result.ok and result.unchanged == 1, [str(error) for error in result.errors]

    items[0]["资源序号"], items[0]["资源代码"] = 7, "201/999999"
    result = import_catalog(workbook([record], items), user=city["cataloguer"])
    assert where(result) == {(ITEM_SHEET, 2, "资源代码")}


def test_line_breaks_from_the_web_form_do_not_count_as_a_change(city):
    published = publish(city, create(city, name="机动车登记信息", abstract="第一行\r\n第二行"))
    result = import_catalog(export_bytes(), user=city["cataloguer"])
    assert result.ok and (result.unchanged, result.updated) == (1, 0)
    assert services.pending_version(published) is None


def test_duplicate_keys_and_codes_in_the_file_are_errors(city):
    resources = [resource_row(city, 1), resource_row(city, 1, 资源名称="另一条")]
    result = import_catalog(workbook(resources, [item_row(1)]), user=city["admin"])
    assert (RESOURCE_SHEET, 3, "序号") in where(result)

    resources = [resource_row(city, 1), resource_row(city, 2, 资源名称="不动产登记信息1")]
    result = import_catalog(workbook(resources, [item_row(1), item_row(2)]), user=city["admin"])
    assert where(result) == {(RESOURCE_SHEET, 3, "资源名称")}

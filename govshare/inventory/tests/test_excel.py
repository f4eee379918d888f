"""Audit-list Excel import and export, and the usage CSV: round trip, whole-file rejection of every kind of bad
spreadsheet, the department bound of a department admin, and the CLI."""

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import CommandError, call_command

from govshare.core.models import ObjectChange
from govshare.inventory import excel
from govshare.inventory.choices import SystemStatusChoices
from govshare.inventory.excel import AUDIT_COLUMNS, export_systems, import_systems, import_usage_csv
from govshare.inventory.models import InformationSystem, SystemUsage
from govshare.inventory.testing import write_audit_list
from govshare.organizations.models import Office

pytestmark = pytest.mark.django_db


def system_changes(system):
    object_type = ContentType.objects.get_for_model(InformationSystem)
    return ObjectChange.objects.filter(object_type=object_type, object_id=system.pk)


def police_row(world, name="警务综合平台", **extra):
    return {"系统名称": name, "所属部门": world["police"].credit_code, **extra}


def assert_rejected(result, *expected):
    """The file was rejected with (row, column, message fragment) errors, and nothing was written."""
    assert not result.ok
    assert result.created == result.updated == 0
    for row, column, fragment in expected:
        assert any(
            error.row == row and error.column == column and fragment in error.message for error in result.errors
        ), f"no error ({row}, {column}, {fragment}) in {[str(e) for e in result.errors]}"
    assert not InformationSystem.objects.exists()


def test_helper_writes_a_valid_audit_list_that_imports(world, tmp_path, published_resource):
    Office.objects.create(department=world["police"], name="科技信息化处")
    path = write_audit_list(tmp_path / "list.xlsx", [
        police_row(world, "人口信息系统", **{
            "清单编号": "GA-001", "主要功能": "人口登记与查询", "使用范围": "全市公安机关", "使用频度": "每日",
            "审批部门": "市发展改革委", "审批时间": datetime.date(2019, 5, 6), "资金来源": "财政资金",
            "年运维费用（万元）": 35.5, "建设单位": "某科技公司", "部署网络": "电子政务外网",
            "部署方式（政务云/自建机房）": "自建机房", "等保级别": 3, "等保备案号": "32090013001-00001",
            "使用处室": "科技信息化处", "状态": "待整合", "整合至": "警务综合平台", "是否接入共享平台": "是",
            "来源资源代码": published_resource.code, "备注": "审计发现",
        }),
        police_row(world, "警务综合平台", 所属部门="市公安局"),
    ])
    result = import_systems(path, user=world["dept_admin"])
    assert result.ok, [str(e) for e in result.errors]
    assert (result.created, result.updated) == (2, 0)
    system = InformationSystem.objects.get(name="人口信息系统")
    assert system.number == "GA-001"
    assert system.approval_date == datetime.date(2019, 5, 6)
    assert system.annual_om_cost == Decimal("35.50")
    assert system.deployment == "own_room" and system.network == "external"
    assert system.protection_level == 3
    assert system.owner_office.name == "科技信息化处"
    assert system.status == SystemStatusChoices.TO_INTEGRATE
    assert system.integrated_into.name == "警务综合平台"
    assert system.connected_to_platform is True
    assert list(system.source_resources.all()) == [published_resource]
    # The history names the importing user.
    change = system_changes(system).filter(action="create").get()
    assert change.user_name == "bumen"


def test_export_then_import_round_trip_updates_and_keeps_every_field(world, tmp_path, published_resource):
    path = write_audit_list(tmp_path / "in.xlsx", [
        police_row(world, "甲系统", **{"审批时间": "2020/03/04", "年运维费用（万元）": "12.30", "等保级别": "2",
                                      "状态": "已整合", "整合至": "乙系统", "来源资源代码": published_resource.code,
                                      "部署网络": "互联网", "是否接入共享平台": "否"}),
        police_row(world, "乙系统", **{"部署方式（政务云/自建机房）": "自建机房", "替代系统": "甲系统",
                                      "状态": "已替代"}),
    ])
    assert import_systems(path, user=world["platform_admin"]).ok
    fields = [f.name for f in InformationSystem._meta.concrete_fields if f.name not in ("id", "created",
                                                                                         "last_updated")]
    before = {s.name: {f: getattr(s, f) for f in fields} for s in InformationSystem.objects.all()}
    exported = tmp_path / "out.xlsx"
    assert export_systems(InformationSystem.objects.all(), exported) == 2
    header = [cell.value for cell in next(openpyxl.load_workbook(exported).active.iter_rows(max_row=1))]
    assert header == [column.header for column in AUDIT_COLUMNS]

    changes = ObjectChange.objects.count()
    result = import_systems(exported, user=world["platform_admin"])
    assert result.ok, [str(e) for e in result.errors]
    assert (result.created, result.updated) == (0, 0)  # matched, but nothing to update
    after = {s.name: {f: getattr(s, f) for f in fields} for s in InformationSystem.objects.all()}
    assert after == before
    assert ObjectChange.objects.count() == changes  # nothing changed, nothing logged
    assert list(InformationSystem.objects.get(name="甲系统").source_resources.all()) == [published_resource]


def test_a_changed_row_updates_the_matching_system_and_logs_it(world, tmp_path):
    write_audit_list(tmp_path / "a.xlsx", [police_row(world, "甲系统", 等保级别=2)])
    assert import_systems(tmp_path / "a.xlsx", user=world["dept_admin"]).ok
    write_audit_list(tmp_path / "b.xlsx", [police_row(world, "甲系统", 等保级别=3), police_row(world, "丙系统")])
    result = import_systems(tmp_path / "b.xlsx", user=world["dept_admin"])
    assert (result.created, result.updated) == (1, 1)
    system = InformationSystem.objects.get(name="甲系统")
    assert system.protection_level == 3
    update = system_changes(system).filter(action="update").get()
    assert update.prechange_data["protection_level"] == 2 and update.postchange_data["protection_level"] == 3


def test_title_row_above_headers_and_short_header_aliases_are_read(world, tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Sheet1"
    sheet.append(["盐城市政务信息系统审计清单"])
    sheet.append(["序号", "系统名称", "主要功能", "部署网络", "部署方式", "所属部门", "批注"])
    sheet.append([1, "甲系统", "办公", "电子政务外网", "政务云", "市公安局", "任意内容"])
    book.save(tmp_path / "t.xlsx")
    result = import_systems(tmp_path / "t.xlsx", user=world["dept_admin"])
    assert result.ok, [str(e) for e in result.errors]
    assert InformationSystem.objects.get().number == "1"


# --- bad spreadsheets: each rejects the whole file with the row and column --------------------------------------


def test_wrong_headers_reject_the_file(world, tmp_path):
    book = openpyxl.Workbook()
    book.active.append(["名称", "功能", "部门"])
    book.active.append(["甲系统", "办公", "市公安局"])
    book.save(tmp_path / "x.xlsx")
    result = import_systems(tmp_path / "x.xlsx", user=world["dept_admin"])
    assert_rejected(result, (1, "系统名称", "找不到表头"))


def test_missing_required_columns_are_each_reported(world, tmp_path):
    book = openpyxl.Workbook()
    book.active.append(["系统名称", "所属部门"])
    book.active.append(["甲系统", "市公安局"])
    book.save(tmp_path / "x.xlsx")
    result = import_systems(tmp_path / "x.xlsx", user=world["dept_admin"])
    assert_rejected(result, (1, "主要功能", "缺少此列"), (1, "部署网络", "缺少此列"),
                    (1, "部署方式（政务云/自建机房）", "缺少此列"))


def test_bad_dates_and_numbers(world, tmp_path):
    write_audit_list(tmp_path / "x.xlsx", [
        police_row(world, "甲系统", 审批时间="2020-13-45"),
        police_row(world, "乙系统", **{"年运维费用（万元）": "十万", "等保级别": "三级"}),
        police_row(world, "丙系统", **{"年运维费用（万元）": "1.234"}),
    ])
    result = import_systems(tmp_path / "x.xlsx", user=world["dept_admin"])
    assert_rejected(
        result, (2, "审批时间", "日期格式"), (3, "年运维费用（万元）", "应填写数字"), (3, "等保级别", "整数"),
        (4, "年运维费用（万元）", "两位小数"),
    )


def test_unknown_department(world, tmp_path):
    write_audit_list(tmp_path / "x.xlsx", [{"系统名称": "甲系统", "所属部门": "市不存在局"}])
    result = import_systems(tmp_path / "x.xlsx", user=world["platform_admin"])
    assert_rejected(result, (2, "所属部门", "没有名称或统一社会信用代码"))


def test_protection_level_six(world, tmp_path):
    write_audit_list(tmp_path / "x.xlsx", [police_row(world, 等保级别=6)])
    result = import_systems(tmp_path / "x.xlsx", user=world["dept_admin"])
    assert_rejected(result, (2, "等保级别", "1至5级"))


def test_network_and_status_not_in_the_list(world, tmp_path):
    write_audit_list(tmp_path / "x.xlsx", [police_row(world, 部署网络="局域网", 状态="停用")])
    result = import_systems(tmp_path / "x.xlsx", user=world["dept_admin"])
    assert_rejected(result, (2, "部署网络", "不是有效的选项"), (2, "状态", "不是有效的选项"))


def test_duplicate_names_in_the_file(world, tmp_path):
    write_audit_list(tmp_path / "x.xlsx", [police_row(world, "甲系统"), police_row(world, "乙系统"),
                                          police_row(world, "甲系统", 所属部门="市公安局")])
    result = import_systems(tmp_path / "x.xlsx", user=world["dept_admin"])
    assert_rejected(result, (4, "系统名称", "与第2行重复"))


def test_the_same_name_in_two_departments_is_not_a_duplicate(world, tmp_path):
    write_audit_list(tmp_path / "x.xlsx", [police_row(world, "办公系统"),
                                          {"系统名称": "办公系统", "所属部门": world["market"].credit_code}])
    result = import_systems(tmp_path / "x.xlsx", user=world["platform_admin"])
    assert result.ok and result.created == 2


def test_department_admin_cannot_import_another_departments_rows(world, tmp_path):
    write_audit_list(tmp_path / "x.xlsx", [police_row(world, "甲系统"),
                                          {"系统名称": "乙系统", "所属部门": "市市场监管局"}])
    result = import_systems(tmp_path / "x.xlsx", user=world["dept_admin"])
    assert_rejected(result, (3, "所属部门", "您不能导入“市市场监管局”"))
    assert len(result.errors) == 1


def test_a_file_bound_to_a_department_fills_blanks_and_refuses_others(world, tmp_path):
    write_audit_list(tmp_path / "x.xlsx", [{"系统名称": "甲系统"}, {"系统名称": "乙系统", "所属部门": "市市场监管局"}])
    result = import_systems(tmp_path / "x.xlsx", user=world["platform_admin"], department=world["police"])
    assert_rejected(result, (3, "所属部门", "只能导入“市公安局”"))
    write_audit_list(tmp_path / "y.xlsx", [{"系统名称": "甲系统"}])
    assert import_systems(tmp_path / "y.xlsx", user=world["platform_admin"], department=world["police"]).ok
    assert InformationSystem.objects.get().owner == world["police"]


def test_users_without_a_managing_role_cannot_import(world, tmp_path):
    write_audit_list(tmp_path / "x.xlsx", [police_row(world)])
    result = import_systems(tmp_path / "x.xlsx", user=world["colleague"])
    assert_rejected(result, (None, "", "没有导入信息系统清单的权限"))


def test_unknown_references_office_and_resource_codes(world, tmp_path):
    write_audit_list(tmp_path / "x.xlsx", [police_row(world, 整合至="不存在的系统", 状态="已整合",
                                                      使用处室="不存在处", 来源资源代码="X-1；X-2")])
    result = import_systems(tmp_path / "x.xlsx", user=world["dept_admin"])
    assert_rejected(result, (2, "整合至", "找不到名为“不存在的系统”"), (2, "使用处室", "没有名为“不存在处”"),
                    (2, "来源资源代码", "X-1、X-2"))


def test_integrated_status_needs_its_target_and_a_system_cannot_point_at_itself(world, tmp_path):
    write_audit_list(tmp_path / "x.xlsx", [police_row(world, "甲系统", 状态="已整合"),
                                          police_row(world, "乙系统", 替代系统="乙系统")])
    result = import_systems(tmp_path / "x.xlsx", user=world["dept_admin"])
    assert_rejected(result, (2, "整合至", "须填写整合至"), (3, "替代系统", "不能指向系统本身"))


def test_csv_and_old_xls_and_damaged_files_are_refused_with_a_message(world, tmp_path):
    # Only .xlsx is read; a GBK CSV (what Excel saves in China) gets a message, not garbage.
    (tmp_path / "x.csv").write_bytes("系统名称,所属部门\n甲系统,市公安局\n".encode("gbk"))
    result = import_systems(tmp_path / "x.csv", user=world["dept_admin"])
    assert_rejected(result, (None, "", "不是 Excel 工作簿"))
    (tmp_path / "x.xls").write_bytes(b"\xd0\xcf\x11\xe0" + b"\0" * 100)
    assert_rejected(import_systems(tmp_path / "x.xls", user=world["dept_admin"]), (None, "", ".xls"))
    (tmp_path / "bad.xlsx").write_bytes(b"PK\x03\x04" + b"garbage" * 10)
    assert_rejected(import_systems(tmp_path / "bad.xlsx", user=world["dept_admin"]), (None, "", "损坏"))


def test_empty_file_and_sheet_without_rows(world, tmp_path):
    (tmp_path / "empty.xlsx").write_bytes(b"")
    assert_rejected(import_systems(tmp_path / "empty.xlsx", user=world["dept_admin"]), (None, "", "文件是空的"))
    write_audit_list(tmp_path / "norows.xlsx", [])
    assert_rejected(import_systems(tmp_path / "norows.xlsx", user=world["dept_admin"]),
                    (None, "", "没有信息系统数据"))


def test_huge_file_over_the_size_limit_is_refused_before_reading(world, tmp_path, monkeypatch):
    monkeypatch.setattr(excel, "MAX_IMPORT_BYTES", 4096)
    write_audit_list(tmp_path / "big.xlsx", [police_row(world, f"系统{i}", 主要功能="很长的功能说明" * 50)
                                             for i in range(40)])
    assert (tmp_path / "big.xlsx").stat().st_size > 4096
    assert_rejected(import_systems(tmp_path / "big.xlsx", user=world["dept_admin"]), (None, "", "文件过大"))


def test_too_many_rows_are_refused(world, tmp_path, monkeypatch):
    monkeypatch.setattr(excel, "MAX_IMPORT_ROWS", 3)
    write_audit_list(tmp_path / "x.xlsx", [police_row(world, f"系统{i}") for i in range(4)])
    assert_rejected(import_systems(tmp_path / "x.xlsx", user=world["dept_admin"]), (None, "", "最多导入3行"))


def test_one_bad_row_rejects_the_good_ones_and_leaves_existing_systems_alone(world, tmp_path):
    write_audit_list(tmp_path / "a.xlsx", [police_row(world, "甲系统", 等保级别=2)])
    assert import_systems(tmp_path / "a.xlsx", user=world["dept_admin"]).ok
    write_audit_list(tmp_path / "b.xlsx", [police_row(world, "甲系统", 等保级别=4), police_row(world, "乙系统"),
                                          police_row(world, "丙系统", 部署网络="无")])
    result = import_systems(tmp_path / "b.xlsx", user=world["dept_admin"], report_path=tmp_path / "report.xlsx")
    assert not result.ok
    assert list(InformationSystem.objects.values_list("name", "protection_level")) == [("甲系统", 2)]
    rows = list(openpyxl.load_workbook(tmp_path / "report.xlsx").active.iter_rows(values_only=True))
    assert rows[0] == ("工作表", "行号", "列名", "错误信息")
    assert rows[1][1:3] == (4, "部署网络")


# --- CLI -----------------------------------------------------------------------------------------------------


def test_cli_import_prints_counts_and_export_writes_the_list(world, tmp_path):
    write_audit_list(tmp_path / "a.xlsx", [{"系统名称": "甲系统"}, {"系统名称": "乙系统"}])
    out = io.StringIO()
    call_command("inventory", "import", str(tmp_path / "a.xlsx"), "--department", world["police"].credit_code,
                 "--user", "bumen", stdout=out)
    assert "新建2个系统" in out.getvalue()
    out = io.StringIO()
    call_command("inventory", "export", str(tmp_path / "out.xlsx"), stdout=out)
    assert "已导出2个" in out.getvalue()
    names = [row[1] for row in openpyxl.load_workbook(tmp_path / "out.xlsx").active.iter_rows(min_row=2,
                                                                                              values_only=True)]
    assert sorted(names) == ["乙系统", "甲系统"]


def test_cli_import_rejected_prints_errors_by_row_and_fails(world, tmp_path):
    write_audit_list(tmp_path / "a.xlsx", [police_row(world, 等保级别=6)])
    err = io.StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("inventory", "import", str(tmp_path / "a.xlsx"), "--user", "bumen", stderr=err)
    assert raised.value.returncode == 1
    assert "第2行「等保级别」" in err.getvalue()
    assert not InformationSystem.objects.exists()


def test_cli_unknown_department_or_user(world, tmp_path):
    write_audit_list(tmp_path / "a.xlsx", [{"系统名称": "甲系统"}])
    with pytest.raises(CommandError, match="没有统一社会信用代码"):
        call_command("inventory", "import", str(tmp_path / "a.xlsx"), "--department", "X" * 18, "--user", "bumen")
    with pytest.raises(CommandError, match="用户不存在"):
        call_command("inventory", "import", str(tmp_path / "a.xlsx"), "--user", "nobody")


# --- usage CSV -----------------------------------------------------------------------------------------------


@pytest.fixture
def systems(world):
    make = InformationSystem.objects.create
    return {
        "police": make(name="警务平台", function="办案", network="external", deployment="gov_cloud",
                       owner=world["police"], number="GA-9"),
        "market": make(name="市场平台", function="登记", network="external", deployment="gov_cloud",
                       owner=world["market"]),
    }


def usage_csv(tmp_path, text, encoding="utf-8"):
    path = tmp_path / "usage.csv"
    path.write_bytes(text.encode(encoding))
    return path


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_usage_csv_in_utf8_or_gbk_is_imported(world, systems, tmp_path, encoding):
    path = usage_csv(tmp_path, (
        "系统名称,月份,月活跃用户数,访问次数,最近使用日期,最近运维日期,资源利用率\n"
        "警务平台,2025-01,120,3400,2025-01-30,2025-01-15,35%\n"
        "警务平台,2025-02,0,0,,,\n"
    ), encoding)
    result = import_usage_csv(path, user=world["colleague"])
    assert result.ok, [str(e) for e in result.errors]
    assert result.created == 2
    january = SystemUsage.objects.get(month=datetime.date(2025, 1, 1))
    assert (january.monthly_active_users, january.visits, january.resource_utilisation) == (120, 3400, Decimal("35"))
    assert january.last_used_on == datetime.date(2025, 1, 30) and january.source == "import"
    # Importing again replaces the month's figures.
    path = usage_csv(tmp_path, "系统编号,月份,访问次数\nGA-9,2025-01,10\n")
    result = import_usage_csv(path, user=world["colleague"])
    assert result.ok and result.updated == 1
    assert SystemUsage.objects.get(month=datetime.date(2025, 1, 1)).visits == 10


def test_usage_csv_errors_by_row_reject_the_whole_file(world, systems, tmp_path):
    path = usage_csv(tmp_path, (
        "系统名称,月份,月活跃用户数,访问次数,资源利用率\n"
        "警务平台,2025-01,120,3400,35\n"
        "警务平台,2025-13,1,1,1\n"
        "不存在,2025-01,1,1,1\n"
        "市场平台,2025-01,1,1,1\n"
        "警务平台,2025-01,-5,1,150\n"
        "警务平台,2999-01,1,1,1\n"
    ))
    result = import_usage_csv(path, user=world["colleague"])
    assert not result.ok
    found = {(e.row, e.column) for e in result.errors}
    assert {(3, "月份"), (4, "系统名称"), (5, "系统名称"), (6, "月份"), (6, "月活跃用户数"), (7, "月份")} <= found
    assert not SystemUsage.objects.exists()


def test_usage_csv_structure_errors(world, systems, tmp_path):
    assert "缺少" in str(import_usage_csv(usage_csv(tmp_path, "月份,访问次数\n2025-01,1\n"),
                                         user=world["colleague"]).errors[0])
    assert "没有使用情况" in str(import_usage_csv(usage_csv(tmp_path, "系统名称,月份\n"),
                                              user=world["colleague"]).errors[0])
    path = tmp_path / "u.xlsx"
    write_audit_list(path, [])
    assert "Excel" in str(import_usage_csv(path, user=world["colleague"]).errors[0])
    (tmp_path / "empty.csv").write_bytes(b"")
    assert "空的" in str(import_usage_csv(tmp_path / "empty.csv", user=world["colleague"]).errors[0])


def test_platform_admin_imports_usage_of_any_department(world, systems, tmp_path):
    path = usage_csv(tmp_path, "系统名称,所属部门,月份,访问次数\n市场平台,市市场监管局,2025-03,5\n")
    assert import_usage_csv(path, user=world["platform_admin"]).ok


def test_cli_usage(world, systems, tmp_path):
    path = usage_csv(tmp_path, "系统名称,月份,访问次数\n警务平台,2025-03,5\n", "gbk")
    out = io.StringIO()
    call_command("inventory", "usage", str(path), "--user", "tongshi", stdout=out)
    assert "新增1条" in out.getvalue()

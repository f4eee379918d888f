"""Loading files into mounted tables: reading, checks, the three modes, and all-or-nothing."""

import codecs
import csv
import json

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from govshare.datastore import services
from govshare.datastore.choices import LoadStatusChoices
from govshare.datastore.models import DataTable, TableLoad

from .conftest import HEADER, ITEMS, credit_code, csv_text, id_number, row


def table_rows(data_table, *columns):
    """The rows of the physical table in _seq order, as tuples of the given columns."""
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {names} FROM {connection.ops.quote_name(data_table.table_name)} ORDER BY _seq")
        return cursor.fetchall()


def report_rows(load):
    with open(load.error_report_path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


@pytest.fixture
def table(resource, city):
    return services.ensure_table(resource, user=city["provider"])


@pytest.fixture
def load(table, city, write_file):
    """Load text (or bytes) as a file into the table; returns the TableLoad."""

    def run(content, *, mode="replace", key="GMSFHM", name="data.csv", encoding="utf-8", **kwargs):
        path = write_file(content, name=name, encoding=encoding)
        result = services.load_file(table, path, mode=mode, key_item=key, user=city["provider"], **kwargs)
        table.refresh_from_db()
        return result

    return run


# ---------------------------------------------------------------------------------------------------------------
# The table

def test_ensure_table_creates_the_layout_of_the_contract(table, resource):
    assert table.table_name == f"gsd_{resource.pk}"
    assert [c["column"] for c in table.columns] == [code.lower() for _n, code, *_r in ITEMS]
    assert table.columns[0]["kind"] == "id_number"
    assert table.columns[6]["kind"] == "credit_code"
    with connection.cursor() as cursor:
        described = connection.introspection.get_table_description(cursor, table.table_name)
    assert [c.name for c in described][:3] == ["_row_id", "_seq", "gmsfhm"]
    assert services.ensure_table(resource) == table, "a second call returns the same table"


def test_column_names_fall_back_to_position_when_the_code_is_unusable(resource):
    resource.items.filter(code="XM").update(code="姓名")
    resource.items.filter(code="CSRQ").update(code="GMSFHM")
    names = [c["column"] for c in services.column_definitions(resource)]
    assert names[1] == "f2" and names[2] == "f3"


def test_only_the_provider_department_may_mount(resource, city, write_file):
    for user in ("other_provider", "colleague", "cataloguer"):
        with pytest.raises(PermissionDenied):
            services.ensure_table(resource, user=city[user])
    table = services.ensure_table(resource, user=city["dept_admin"])
    with pytest.raises(PermissionDenied):
        services.load_file(table, write_file(csv_text(row(1))), mode="replace", user=city["other_provider"])
    assert services.load_file(table, write_file(csv_text(row(1))), mode="replace",
                              user=city["platform_admin"]).status == "succeeded"


# ---------------------------------------------------------------------------------------------------------------
# Encodings and formats

@pytest.mark.parametrize("encoding, stored", [("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("gbk", "gb18030"),
                                              ("gb18030", "gb18030")])
def test_each_encoding_is_detected(load, table, encoding, stored):
    result = load(csv_text(row(1, name="王小明"), row(2, name="欧阳娜娜")), encoding=encoding)
    assert result.status == "succeeded", result.message
    assert result.encoding == stored
    assert table_rows(table, "xm") == [("王小明",), ("欧阳娜娜",)]


def test_a_file_mixing_utf8_and_gbk_is_refused_naming_the_line(load, table):
    content = csv_text(row(1, name="王小明")).encode("utf-8") + (row(2, name="李四") + "\n").encode("gbk")
    result = load(content)
    assert result.status == "rejected"
    assert "第3行" in result.message and "编码不一致" in result.message
    gbk_first = csv_text(row(1, name="王小明")).encode("gbk") + (row(2, name="李四") + "\n").encode("utf-8")
    result = load(gbk_first)
    assert result.status == "rejected" and "第3行" in result.message


def test_xlsx_first_sheet_is_read_with_typed_cells(load, table, tmp_path):
    import datetime

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append([name for name, *_rest in ITEMS])
    sheet.append([id_number(serial=1), "张三", datetime.date(1990, 1, 1), datetime.datetime(2024, 5, 6, 7, 8, 9),
                  1234.5, 3, credit_code(1), True, 4.5])
    sheet.append([])
    sheet.append([id_number(serial=2), "李四", "1991/02/03", "2024-05-06 07:08", 88, 2, credit_code(2), "否", 3])
    book.create_sheet("其他").append(["不读"])
    path = tmp_path / "data.xlsx"
    book.save(path)
    result = services.load_file(table, path, mode="replace", key_item="GMSFHM")
    assert result.status == "succeeded", result.message
    rows = table_rows(table, "xm", "csrq", "jtrs", "sfzz")
    assert [r[0] for r in rows] == ["张三", "李四"]
    assert str(rows[1][1]) == "1991-02-03"
    assert rows[0][2] == 3 and bool(rows[0][3]) is True and bool(rows[1][3]) is False


def test_xlsx_errors_carry_spreadsheet_row_numbers(table, tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append([name for name, *_rest in ITEMS])
    sheet.append([id_number(serial=1), "张三", "1990-01-01", None, None, None, None, None, None])
    sheet.append([id_number(serial=2)[:17] + "0", "李四", "1990-02-30", None, None, None, None, None, None])
    path = tmp_path / "bad.xlsx"
    book.save(path)
    result = services.load_file(table, path, mode="replace")
    assert result.status == "rejected"
    assert {(r[0], r[1]) for r in report_rows(result)[1:]} == {("3", "公民身份号码"), ("3", "出生日期")}


@pytest.mark.parametrize("lines", [True, False])
def test_json_array_and_json_lines(load, table, lines):
    names = [name for name, *_rest in ITEMS]
    records = [dict(zip(names, row(n).split(","), strict=True)) for n in (1, 2)]
    records[1]["家庭人数"] = 4  # JSON numbers are taken as written
    records[1]["是否在职"] = False
    text = "\n".join(json.dumps(r, ensure_ascii=False) for r in records) if lines else json.dumps(records)
    result = load(text, name="data.jsonl" if lines else "data.json")
    assert result.status == "succeeded", result.message
    assert table_rows(table, "jtrs", "sfzz") == [(3, True), (4, False)] or \
        table_rows(table, "jtrs", "sfzz") == [(3, 1), (4, 0)]


def test_json_with_an_unknown_key_is_refused(load):
    result = load(json.dumps([{"公民身份号码": id_number(), "绰号": "小三"}]), name="data.json")
    assert result.status == "rejected"
    assert "未知的列“绰号”" in result.message


# ---------------------------------------------------------------------------------------------------------------
# File-level refusals

def test_empty_file_is_refused(load, table):
    assert "文件为空" in load("").message
    only_header = load(csv_text())
    assert only_header.status == "rejected" and "没有数据行" in only_header.message


def test_a_file_far_over_the_size_limit_is_refused_before_reading(load, settings):
    settings.GOVSHARE_MOUNT_MAX_BYTES = 1024
    result = load(csv_text(*[row(n) for n in range(1, 200)]))
    assert result.status == "rejected"
    assert "超过上限" in result.message and result.rows_read == 0


def test_unknown_and_missing_columns_are_named(load):
    header = HEADER.replace("姓名", "昵称").replace(",评分", "")
    result = load(csv_text(",".join(row(1).split(",")[:-1]), header=header))
    assert result.status == "rejected"
    assert "未知的列“昵称”" in result.message
    assert "缺少信息项“姓名”" in result.message and "缺少信息项“评分”" in result.message


def test_header_may_use_item_codes_in_any_case_and_order(load, table):
    header = "xm,GMSFHM,csrq,DJSJ,ysr,jtrs,dwxydm,sfzz,pf"
    values = row(1).split(",")
    values[0], values[1] = values[1], values[0]
    result = load(csv_text(",".join(values), header=header))
    assert result.status == "succeeded", result.message
    assert table_rows(table, "gmsfhm", "xm") == [(id_number(serial=1), "张三")]


def test_wrong_column_count_is_reported_with_the_row_number(load):
    result = load(csv_text(row(1), row(2) + ",多余", row(3), ",".join(row(4).split(",")[:5])))
    assert result.status == "rejected"
    rows = report_rows(result)
    assert rows[0] == ["行号", "列", "值", "问题"]
    assert [r[0] for r in rows[1:]] == ["3", "5"]
    assert "表头有9列，此行有10列" in rows[1][3]
    assert "此行有5列" in rows[2][3]


def test_quoted_values_with_commas_and_newlines(load, table):
    result = load(csv_text(row(1, name='"张,三"'), row(2, name='"李\n四"')))
    assert result.status == "succeeded", result.message
    assert table_rows(table, "xm") == [("张,三",), ("李\n四",)]


# ---------------------------------------------------------------------------------------------------------------
# Value checks

def test_bad_check_digits_of_id_numbers_and_credit_codes(load):
    good_id, good_code = id_number(serial=7), credit_code(7)
    bad_id = good_id[:17] + ("0" if good_id[17] != "0" else "1")
    bad_code = good_code[:17] + ("0" if good_code[17] != "0" else "1")
    result = load(csv_text(row(1), row(2, id_value=bad_id), row(3, code=bad_code), row(4, code="91320902MA1OOOOO0X")))
    assert result.status == "rejected"
    errors = {(r[0], r[1]): r[3] for r in report_rows(result)[1:]}
    assert f"第18位应为“{good_id[17]}”" in errors[("3", "公民身份号码")]
    assert f"第18位应为“{good_code[17]}”" in errors[("4", "单位统一社会信用代码")]
    assert "不允许的字符“O”" in errors[("5", "单位统一社会信用代码")]
    assert result.rows_rejected == 3


def test_id_numbers_need_18_characters_and_a_real_birth_date(load):
    bad_birth = id_number(birth="20230230")
    result = load(csv_text(row(1, id_value="32090219900101123"), row(2, id_value=bad_birth),
                           row(3, id_value=id_number(birth="19900101", serial=3).lower())))
    errors = {r[0]: r[3] for r in report_rows(result)[1:]}
    assert "应为18位，当前为17位" in errors["2"]
    assert "出生日期“20230230”不是有效日期" in errors["3"]
    assert "4" not in errors, "a lower-case x is accepted (stored upper-case)"


def test_impossible_dates_and_other_types_are_refused(load):
    result = load(csv_text(
        row(1, birth="2023-02-30"), row(2, birth="2023/13/01"), row(3, birth="01-02-2023"),
        row(4, registered="2024-05-06 25:00:00"), row(5, income='"1,234"'), row(6, family="2.5"),
        row(7, family="1234"), row(8, employed="也许"), row(9, score="高"), row(10, name="名字太长了超过十个字符啊"),
    ))
    errors = {r[0]: (r[1], r[3]) for r in report_rows(result)[1:]}
    assert errors["2"] == ("出生日期", "日期不存在（如2月30日）")
    assert errors["3"] == ("出生日期", "日期不存在（如2月30日）")
    assert errors["4"][1].startswith("日期格式应为")
    assert errors["5"][0] == "登记时间"
    assert errors["6"][0] == "月收入" and "千分位" in errors["6"][1]
    assert errors["7"] == ("家庭人数", "不是整数")
    assert errors["8"][0] == "家庭人数" and "超过3位" in errors["8"][1]
    assert errors["9"][0] == "是否在职"
    assert errors["10"] == ("评分", "不是有效的数值")
    assert errors["11"][0] == "姓名" and "长度超过10个字符" in errors["11"][1]


def test_accepted_spellings_of_dates_times_and_booleans(load, table):
    result = load(csv_text(
        row(1, birth="1990/01/02", registered="2024/05/06 07:08:09", employed="Y"),
        row(2, birth="19900103", registered="20240506070809", employed="false"),
        row(3, birth="1990-01-04", registered="2024-05-06T07:08:09.5", employed="1"),
        row(4, birth="", registered="", employed="", income="", family="", score=""),
    ))
    assert result.status == "succeeded", result.message
    rows = table_rows(table, "csrq", "sfzz", "ysr")
    assert [str(r[0]) for r in rows[:3]] == ["1990-01-02", "1990-01-03", "1990-01-04"]
    assert [bool(r[1]) for r in rows[:3]] == [True, False, True]
    assert rows[3] == (None, None, None), "empty cells are NULL"


def test_the_key_must_be_present_and_unique(load):
    result = load(csv_text(row(1), row(2), row(1, name="重复"), row(3, id_value="")))
    assert result.status == "rejected"
    errors = {r[0]: r[3] for r in report_rows(result)[1:]}
    assert errors["2"] == errors["4"] == "主键重复：第2行起共2行的值相同"
    assert errors["5"] == "主键“公民身份号码”不能为空"


def test_message_keeps_the_first_errors_and_the_report_has_them_all(load, settings):
    result = load(csv_text(*[row(n, birth="2023-02-30") for n in range(1, 31)]))
    assert result.status == "rejected"
    assert len(report_rows(result)) == 31
    assert "共30处问题" in result.message and "其余10处见错误报告" in result.message
    assert result.error_report_path.startswith(str(settings.DATA_DIR))
    with open(result.error_report_path, "rb") as handle:
        assert handle.read(3) == codecs.BOM_UTF8


# ---------------------------------------------------------------------------------------------------------------
# Modes, sequence numbers, all or nothing

def test_replace_append_upsert_and_the_change_sequence(load, table):
    first = load(csv_text(row(1), row(2)))
    assert first.status == "succeeded"
    assert (table.row_count, table.last_seq, table.version, table.epoch) == (2, 2, 1, 1)
    assert table.key_item.code == "GMSFHM"

    appended = load(csv_text(row(3), row(4)), mode="append", key=None)
    assert appended.status == "succeeded", appended.message
    assert (table.row_count, table.last_seq, table.version, table.epoch) == (4, 4, 2, 1)

    upserted = load(csv_text(row(2, name="李四改"), row(5, name="新人")), mode="upsert", key="GMSFHM")
    assert upserted.status == "succeeded", upserted.message
    assert (table.row_count, table.last_seq, table.version, table.epoch) == (5, 6, 3, 1)
    rows = table_rows(table, "_seq", "gmsfhm", "xm")
    assert rows[-2:] == [(5, id_number(serial=2), "李四改"), (6, id_number(serial=5), "新人")]
    assert [r[0] for r in rows] == [1, 3, 4, 5, 6], "the updated row moved to a new _seq"

    replaced = load(csv_text(row(9)))
    assert replaced.status == "succeeded"
    assert (table.row_count, table.last_seq, table.version, table.epoch) == (1, 1, 4, 4)
    assert table_rows(table, "_row_id", "_seq", "gmsfhm") == [(1, 1, id_number(serial=9))]
    assert [ld.number for ld in table.loads.all()] == [4, 3, 2, 1]


def test_append_refuses_keys_already_in_the_table(load, table):
    load(csv_text(row(1), row(2)))
    result = load(csv_text(row(3), row(2, name="又来")), mode="append")
    assert result.status == "rejected"
    assert report_rows(result)[1][:3] == ["3", "公民身份号码", id_number(serial=2)]
    assert table.row_count == 2 and len(table_rows(table, "_seq")) == 2


def test_upsert_needs_a_key(table, write_file):
    with pytest.raises(ValidationError):
        services.load_file(table, write_file(csv_text(row(1))), mode="upsert")
    with pytest.raises(ValidationError):
        services.load_file(table, write_file(csv_text(row(1))), mode="upsert", key_item="不存在")


def test_a_rejected_load_leaves_the_previous_data_intact(load, table):
    load(csv_text(row(1), row(2)))
    before = table_rows(table, "_row_id", "_seq", "gmsfhm", "xm")
    for mode in ("replace", "append", "upsert"):
        result = load(csv_text(row(3), row(4, birth="2023-02-30")), mode=mode)
        assert result.status == "rejected"
        table.refresh_from_db()
        assert table_rows(table, "_row_id", "_seq", "gmsfhm", "xm") == before
        assert (table.row_count, table.last_seq, table.version) == (2, 2, 1)


@pytest.mark.parametrize("mode", ["replace", "append", "upsert"])
def test_a_load_failing_half_way_changes_nothing(load, table, settings, mode):
    load(csv_text(*[row(n) for n in range(1, 11)]))
    before = table_rows(table, "_row_id", "_seq", "gmsfhm")
    settings.GOVSHARE_MOUNT_CHUNK_ROWS = 10

    def stop_half_way(current):
        if current.rows_loaded >= 50:
            raise RuntimeError("写入中断（测试）")

    result = load(csv_text(*[row(n) for n in range(11, 111)]), mode=mode, progress=stop_half_way)
    assert result.status == "failed"
    assert "写入中断" in result.message
    table.refresh_from_db()
    assert table_rows(table, "_row_id", "_seq", "gmsfhm") == before
    assert (table.row_count, table.last_seq, table.version) == (10, 10, 1)
    stored = TableLoad.objects.get(pk=result.pk)
    assert stored.status == LoadStatusChoices.FAILED and stored.finished_at is not None
    with connection.cursor() as cursor:
        assert f"{table.table_name}__new" not in connection.introspection.table_names(cursor)


def test_progress_is_reported_phase_by_phase(load, settings):
    settings.GOVSHARE_MOUNT_CHUNK_ROWS = 3
    seen = []
    result = load(csv_text(*[row(n) for n in range(1, 11)]), progress=lambda ld: seen.append((ld.phase, ld.progress)))
    assert result.status == "succeeded"
    phases = [phase for phase, _p in seen]
    assert phases[0] == "reading" and "validating" in phases and "writing" in phases and "indexing" in phases
    assert [p for _phase, p in seen] == sorted(p for _phase, p in seen)
    stored = TableLoad.objects.get(pk=result.pk)
    assert (stored.progress, stored.phase, stored.rows_read, stored.rows_loaded) == (100, "done", 10, 10)


def test_replace_rebuilds_columns_after_the_items_changed(load, table, resource):
    load(csv_text(row(1)))
    resource.items.filter(code="PF").delete()
    header = HEADER.replace(",评分", "")
    appended = load(csv_text(",".join(row(2).split(",")[:-1]), header=header), mode="append")
    assert appended.status == "rejected" and "全量替换" in appended.message
    replaced = load(csv_text(",".join(row(2).split(",")[:-1]), header=header))
    assert replaced.status == "succeeded", replaced.message
    table.refresh_from_db()
    assert "pf" not in [c["column"] for c in table.columns]
    assert DataTable.objects.get(pk=table.pk).row_count == 1


def test_start_load_runs_the_background_job(table, city, write_file):
    load = services.start_load(table, write_file(csv_text(row(1))), mode="replace", key_item="GMSFHM",
                               user=city["provider"])
    assert load.status == "succeeded"
    assert load.user == city["provider"] and load.started_at and load.finished_at


def test_mark_stale_loads_fails_a_load_whose_process_is_gone(table, write_file):
    import subprocess
    import sys

    from django.utils import timezone

    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    dead = TableLoad.objects.create(data_table=table, number=1, mode="replace", status="running",
                                    source_name="x.csv", worker=f"{services.socket.gethostname()}:{process.pid}",
                                    heartbeat_at=timezone.now())
    silent = TableLoad.objects.create(data_table=table, number=2, mode="replace", status="running",
                                      source_name="y.csv", worker="elsewhere:1",
                                      heartbeat_at=timezone.now() - timezone.timedelta(hours=2))
    alive = TableLoad.objects.create(data_table=table, number=3, mode="replace", status="running",
                                     source_name="z.csv", worker="elsewhere:2", heartbeat_at=timezone.now())
    assert services.mark_stale_loads() == 2
    dead.refresh_from_db()
    silent.refresh_from_db()
    alive.refresh_from_db()
    assert dead.status == silent.status == "failed" and alive.status == "running"
    assert "库表数据不变" in dead.message

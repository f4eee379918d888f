"""Importing a plan from a task table: the seeds' table, and workbooks that must be refused whole."""

import datetime
import io

import pytest
from openpyxl import Workbook, load_workbook

from govshare.supervision.choices import DeadlineKindChoices as K
from govshare.supervision.excel import import_plan, write_workbook
from govshare.supervision.models import WorkPlan, WorkTask

from .seed_rows import ROWS, TITLE

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 11, 23)


def _workbook(rows, *, header=("序号", "工作任务", "牵头单位", "协同单位", "时序进度"), title=None):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "任务"
    if title:
        sheet.append([title])
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    buffer.name = "tasks.xlsx"
    return buffer


def test_the_seed_table_imports_as_one_plan(world, seed_workbook):
    result = import_plan(seed_workbook, user=world["supervisor"], today=TODAY)
    assert result.ok, result.errors
    assert result.created == 18
    plan = WorkPlan.objects.get(pk=result.plan_id)
    assert plan.name == TITLE  # the title line above the header
    assert plan.jurisdiction == world["city"]
    assert plan.source_file == seed_workbook.name
    tasks = {task.number: task for task in plan.tasks.all()}
    assert list(tasks) == [str(number) for number in range(1, 19)]  # ordered 1..18, not 1, 10, 11 …

    three = tasks["3"]
    units = world["units"]
    assert set(three.lead_units.all()) == {units["市经信委"], units["市公安局"]}
    assert three.unmatched_cooperating_units == ["市各有关部门"]
    assert three.deadline_kind == K.DATE and three.due_on == datetime.date(2018, 12, 31)
    assert three.lead_units_text == "市经信委 市公安局"

    # 市质监局等有关部门: the department, and the collective kept as text.
    sixteen = tasks["16"]
    assert units["市质监局"] in sixteen.cooperating_units.all()
    assert "有关部门" in sixteen.unmatched_cooperating_units

    # Collective lead units stay visible as text.
    assert tasks["1"].unmatched_lead_units == ["市级各部门"]
    assert not tasks["1"].lead_units.exists()

    # Recurring deadlines: the occurrence on or after the import day.
    assert tasks["17"].deadline_kind == K.YEARLY and tasks["17"].due_on == datetime.date(2026, 12, 31)
    assert tasks["18"].deadline_kind == K.YEARLY and tasks["18"].due_on == datetime.date(2027, 1, 31)

    # Unmatched units are warnings with their row, not errors.
    assert any(w.row == 3 and w.column == "牵头单位" and "市级各部门" in w.message for w in result.warnings)
    assert any("市政务服务办" in w.message for w in result.warnings)


def test_name_argument_and_plan_fields(world, seed_workbook):
    result = import_plan(seed_workbook, user=world["supervisor"], name="2018年整合共享督查", year=2018,
                         issuing_body="盐城市人民政府办公室", document_number="盐政办发〔2018〕57号", today=TODAY)
    plan = WorkPlan.objects.get(pk=result.plan_id)
    assert (plan.name, plan.year, plan.document_number) == ("2018年整合共享督查", 2018, "盐政办发〔2018〕57号")


def test_a_row_error_rejects_the_whole_file_with_every_error(world, tmp_path):
    rows = [
        *ROWS[:3],
        (4, "完善平台功能", "市经信委", "", "尽快"),  # unreadable deadline
        (2, "重复的序号", "市经信委", "", "2018年12月底前"),  # duplicate
        (6, "", "市经信委", "", "2018年12月底前"),  # empty task
        (7, "没有牵头单位", "", "", "2018年12月底前"),
        (8, "日期不存在", "市经信委", "", "2018年2月30日"),
        ("八", "序号不是数字", "市经信委", "", "2018年12月底前"),
    ]
    report = tmp_path / "errors.xlsx"
    result = import_plan(_workbook(rows), user=world["supervisor"], report_path=report, today=TODAY)
    assert not result.ok
    assert WorkPlan.objects.count() == 0 and WorkTask.objects.count() == 0
    found = {(error.row, error.column) for error in result.errors}
    assert (5, "时序进度") in found
    assert (6, "序号") in found
    assert (7, "工作任务") in found
    assert (8, "牵头单位") in found
    assert (9, "时序进度") in found
    assert (10, "序号") in found
    assert "尽快" in next(e.message for e in result.errors if e.row == 5)
    assert "第3行" in next(e.message for e in result.errors if e.row == 6)  # names the first row with that number
    # The error report lists them too.
    sheet = load_workbook(report).active
    assert sheet.max_row == len(result.errors) + 1


def test_missing_columns_are_reported(world):
    result = import_plan(_workbook([(1, "任务", "市经信委")], header=("序号", "工作任务", "牵头单位")),
                         user=world["supervisor"])
    assert not result.ok
    assert {error.column for error in result.errors} == {"时序进度"}
    assert all(error.message == "缺少此列" for error in result.errors)


def test_not_a_task_table(world):
    result = import_plan(_workbook([("a", "b")], header=("名称", "说明")), user=world["supervisor"])
    assert not result.ok and "未找到任务表" in result.errors[0].message


@pytest.mark.parametrize(("content", "message"), [
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, ".xls"),
    (b"name,task\n1,2\n", "不是 Excel"),
    (b"PK\x03\x04broken", "损坏"),
])
def test_files_that_are_not_workbooks(world, content, message):
    result = import_plan(io.BytesIO(content), user=world["supervisor"])
    assert not result.ok and message in result.errors[0].message
    assert WorkPlan.objects.count() == 0


def test_header_only_table_has_no_tasks(world):
    result = import_plan(_workbook([]), user=world["supervisor"])
    assert not result.ok and "没有任务" in result.errors[0].message


def test_strict_units_turns_unmatched_units_into_errors(world, seed_workbook):
    result = import_plan(seed_workbook, user=world["supervisor"], strict_units=True)
    assert not result.ok
    assert WorkPlan.objects.count() == 0
    assert any("市级各部门" in error.message for error in result.errors)


def test_sections_repeated_headers_and_other_forms(world):
    rows = [
        ("一、清理整合",),
        (1, "清理僵尸系统", "市经信委", "", datetime.datetime(2019, 6, 30)),
        (2.3, "小数序号", "市经信委", "", "长期坚持"),
        ("序号", "工作任务", "牵头单位", "协同单位", "时序进度"),  # the header again, after a page break
        ("二、共享交换",),
        ("10", "每月报送", "市财政局", "各县（市、区）政府", "每月25日前"),
        (11, "季度报送", "市财政局", "", "每季度末"),
        (12, "没有年份", "市财政局", "", "6月底前"),
    ]
    result = import_plan(_workbook(rows, title="附件"), user=world["supervisor"], name="测试计划", year=2027,
                         today=TODAY)
    assert result.ok, result.errors
    tasks = {task.number: task for task in WorkTask.objects.filter(plan_id=result.plan_id)}
    assert list(tasks) == ["1", "2.3", "10", "11", "12"]
    assert tasks["1"].section == "一、清理整合" and tasks["1"].due_on == datetime.date(2019, 6, 30)
    assert tasks["2.3"].deadline_kind == K.ONGOING and tasks["2.3"].due_on is None
    assert tasks["10"].section == "二、共享交换"
    assert tasks["10"].due_on == datetime.date(2026, 11, 25)
    assert tasks["10"].unmatched_cooperating_units == ["各县（市、区）政府"]
    assert tasks["11"].due_on == datetime.date(2026, 12, 31)
    assert tasks["12"].due_on == datetime.date(2027, 6, 30)


def test_only_supervisors_import(world, seed_workbook):
    for name in ("jxw_admin", "authority_clerk", "other_officer"):
        result = import_plan(seed_workbook, user=world[name], jurisdiction=world["city"])
        assert not result.ok, name
    assert WorkPlan.objects.count() == 0
    # Another city's officer imports into their own city, where none of these units exist.
    other = import_plan(seed_workbook, user=world["other_officer"])
    assert other.ok and WorkPlan.objects.get().jurisdiction == world["other_city"]
    WorkPlan.objects.all().delete()
    assert import_plan(seed_workbook, user=world["platform_admin"], jurisdiction=world["city"]).ok


def test_template_round_trip(world, tmp_path):
    path = tmp_path / "template.xlsx"
    write_workbook(path, [(1, "任务", "市经信委", "", "每年12月1日前")], title="样表")
    result = import_plan(path, user=world["supervisor"], today=TODAY)
    assert result.ok and result.plan_name == "样表"
    assert WorkTask.objects.get().due_on == datetime.date(2026, 12, 1)

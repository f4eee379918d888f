"""Importing a work plan from a task table (.xlsx) in the shape of the seeds' 重点工作任务 attachment.

Layout
------
Any sheet whose header row (within its first 15 rows) has 序号 and 工作任务 is a task sheet; other sheets (填写说明,
notes) are ignored. Columns, in any order, headers as in the seeds (aliases in brackets):

  序号 *        the task number: 1, 2, 2.3 (type 2.10 as text, or Excel makes it 2.1)
  工作任务 *    (任务内容, 重点任务)
  牵头单位 *    (牵头部门, 责任单位) units separated by 、，,;； or spaces
  协同单位      (配合单位, 协同部门, 配合部门)
  时序进度 *    (完成时限, 完成时间, 时间节点) a date or a rule: see deadlines.py for every accepted form
  所属部分      (章节, 任务类别) the heading the task is under

A row holding only text in its first cells (一、重点任务) is a section heading for the rows below it; a repeated
header row (a table continued over a page) is skipped; blank rows are skipped. A line of text above the header
(the table's title) names the plan when no name is given.

Policy
------
* Everything is read and checked before anything is written. A row with an error (a required cell empty, a
  deadline that cannot be read, a duplicate 序号, a cell too long) rejects the WHOLE file: nothing is written, and
  every error is listed by sheet, row (as Excel numbers it), column and message (the catalogue's import rule).
* A unit that matches no department (市级各部门, 各县（市、区）政府, 市信息资源监管中心) does NOT reject the file:
  task tables name collective and informal units on purpose. It is kept as text on the task, shown on the task
  pages, and reported as a warning with its row, so the supervisor can add the department and fix the link.
  `strict_units=True` (`govshare plan import --strict`) turns these warnings into errors.
* A valid file becomes one new plan with all its tasks, in one transaction.
"""

import datetime
import io
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from govshare.core.context import acting_as
from govshare.core.excel import RowError, write_error_report
from govshare.organizations.models import Department, Jurisdiction

from . import services
from .deadlines import DeadlineError, parse_deadline
from .models import WorkTask
from .units import UnitMatcher

__all__ = ["COLUMNS", "HEADERS", "PlanImportResult", "import_plan", "write_error_report", "write_workbook"]

FILE_SHEET = ""
HEADER_SCAN_ROWS = 15

# key: (header as written in the seeds, aliases, required, max length)
COLUMNS = {
    "number": ("序号", ("编号",), True, 20),
    "text": ("工作任务", ("任务内容", "重点任务", "工作内容", "任务"), True, None),
    "lead": ("牵头单位", ("牵头部门", "责任单位", "责任部门"), True, 500),
    "cooperating": ("协同单位", ("配合单位", "协同部门", "配合部门", "协办单位"), False, 1000),
    "deadline": ("时序进度", ("完成时限", "完成时间", "时间节点", "完成期限", "时间要求"), True, 100),
    "section": ("所属部分", ("章节", "任务类别", "类别", "分类"), False, 200),
}
HEADERS = {key: header for key, (header, _aliases, _required, _max) in COLUMNS.items()}
_NUMBER = re.compile(r"^\d{1,4}(\.\d{1,4}){0,3}$")


@dataclass
class PlanImportResult:
    """The plan created (None when rejected), its task count, the errors that rejected the file, the warnings."""

    plan_id: int | None = None
    plan_name: str = ""
    created: int = 0
    errors: list[RowError] = field(default_factory=list)
    warnings: list[RowError] = field(default_factory=list)
    error_report_path: str | None = None

    @property
    def ok(self) -> bool:
        return not self.errors

    def as_dict(self) -> dict:
        data = asdict(self)
        data["errors"] = [{**asdict(error), "text": str(error)} for error in self.errors]
        data["warnings"] = [{**asdict(warning), "text": str(warning)} for warning in self.warnings]
        data["ok"] = self.ok
        return data


@dataclass
class _Row:
    sheet: str
    row: int
    number: str
    text: str
    lead: str
    cooperating: str
    deadline_raw: object
    section: str
    deadline: object = None


def cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return re.sub(r"\r\n?", "\n", str(value)).strip()


def _number(value) -> str:
    if isinstance(value, float) and not value.is_integer():
        return format(value, "g")
    return cell_text(value).rstrip(".、．")


def _header_key(cell):
    text = re.sub(r"[\s*＊]", "", cell_text(cell)).replace("（必填）", "").replace("(必填)", "")
    for key, (header, aliases, _required, _max) in COLUMNS.items():
        if text == header or text in aliases:
            return key
    return None


def _open(file):
    """The sheets as lists of rows, or a message saying in plain words why the file cannot be read."""
    if hasattr(file, "read"):
        if hasattr(file, "seek"):
            file.seek(0)
        data = file.read()
    else:
        data = Path(file).read_bytes()
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        return None, _("这是旧版 Excel 97-2003（.xls）文件，请在 Excel 或 WPS 中另存为 .xlsx 后再导入")
    if not data.startswith(b"PK\x03\x04"):
        return None, _("文件不是 Excel 工作簿（.xlsx）")
    try:
        from python_calamine import CalamineWorkbook

        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        try:
            sheets = [
                (name, book.get_sheet_by_name(name).to_python(skip_empty_area=False)) for name in book.sheet_names
            ]
        finally:
            book.close()
    except Exception as exc:  # calamine raises its own errors (zip, XML) for a damaged file
        return None, _("无法读取 Excel 文件，文件可能已损坏：%(error)s") % {"error": exc}
    return sheets, None


class _Parser:
    def __init__(self, default_year):
        self.default_year = default_year
        self.errors: list[RowError] = []
        self.rows: list[_Row] = []
        self.title = ""

    def error(self, sheet, row, key, message):
        self.errors.append(RowError(sheet, row, HEADERS.get(key, key or ""), message))

    def parse(self, sheets):
        found = False
        for name, rows in sheets:
            header_index = None
            for index, cells in enumerate(rows[:HEADER_SCAN_ROWS]):
                keys = {_header_key(cell) for cell in cells}
                if "number" in keys and "text" in keys:
                    header_index = index
                    break
            if header_index is None:
                continue
            found = True
            self._title(rows[:header_index])
            self._sheet(name, rows[header_index], rows[header_index + 1:], header_index + 2)
        if not found:
            self.error(FILE_SHEET, None, "", _("未找到任务表：表头应含“序号”“工作任务”“牵头单位”“时序进度”等列"))
        elif not self.rows and not self.errors:
            self.error(FILE_SHEET, None, "", _("任务表中没有任务"))

    def _title(self, rows):
        for cells in rows:
            texts = [cell_text(cell) for cell in cells if cell_text(cell)]
            if len(texts) == 1 and not re.fullmatch(r"附件\s*\d*[:：]?", texts[0]) and not self.title:
                self.title = texts[0][:200]

    def _sheet(self, sheet, header, rows, first_row):
        positions = {}
        for index, cell in enumerate(header):
            key = _header_key(cell)
            if key is None:
                continue
            if key in positions:
                self.error(sheet, first_row - 1, key, _("列名重复"))
                continue
            positions[key] = index
        missing = [key for key, (_h, _a, required, _m) in COLUMNS.items() if required and key not in positions]
        for key in missing:
            self.error(sheet, first_row - 1, key, _("缺少此列"))
        if missing:
            return
        section = ""
        seen = {row.number: row for row in self.rows}
        for offset, cells in enumerate(rows):
            number = first_row + offset

            def cell(key, cells=cells):
                index = positions.get(key)
                return cells[index] if index is not None and index < len(cells) else None

            values = {key: cell_text(cell(key)) for key in COLUMNS}
            if not any(values.values()):
                continue
            if all(_header_key(cell(key)) == key for key in ("number", "text") if positions.get(key) is not None):
                continue  # the header repeated (a table continued on the next page)
            body = (values["lead"], values["cooperating"], values["deadline"])
            heading = values["number"] and not _NUMBER.match(_number(cell("number")))
            if not any(body) and bool(values["number"]) != bool(values["text"]) and (heading or values["text"]):
                section = (values["number"] or values["text"])[:200]
                continue
            row = _Row(sheet, number, _number(cell("number")), values["text"], values["lead"], values["cooperating"],
                       cell("deadline"), values["section"] or section)
            self._check(row, values, seen)

    def _check(self, row, values, seen):
        bad = False
        for key, (_header, _aliases, required, max_length) in COLUMNS.items():
            value = row.number if key == "number" else values[key]
            if required and not value:
                self.error(row.sheet, row.row, key, _("此项为必填项"))
                bad = True
            elif max_length and len(value) > max_length:
                self.error(row.sheet, row.row, key, _("不能超过%(max)d个字符（当前%(n)d个）") % {
                    "max": max_length, "n": len(value)})
                bad = True
        if row.number and not _NUMBER.match(row.number):
            self.error(row.sheet, row.row, "number", _("序号应为数字，如 1、2、2.3，实际为“%(value)s”") % {
                "value": row.number[:20]})
            bad = True
        elif row.number in seen:
            first = seen[row.number]
            self.error(row.sheet, row.row, "number", _("序号“%(number)s”重复（「%(sheet)s」第%(row)d行已有）") % {
                "number": row.number, "sheet": first.sheet, "row": first.row})
            bad = True
        if values["deadline"]:
            try:
                row.deadline = parse_deadline(row.deadline_raw, default_year=self.default_year)
            except DeadlineError as exc:
                self.error(row.sheet, row.row, "deadline", str(exc))
                bad = True
        if not bad:
            seen[row.number] = row
            self.rows.append(row)


def _sort(errors):
    order = {header: index for index, header in enumerate(HEADERS.values())}
    return sorted(errors, key=lambda e: (e.sheet, e.row or 0, order.get(e.column, 99)))


def import_plan(file, *, user, name=None, jurisdiction=None, issuing_body="", document_number="", year=None,
                strict_units=False, report_path=None, today=None, filename="") -> PlanImportResult:
    """Import a task table as a new plan; all or nothing (see the module docstring for the policy)."""
    result = PlanImportResult()
    if jurisdiction is None and user.department_id:
        jurisdiction = user.department.jurisdiction
    if jurisdiction is None:
        jurisdiction = Jurisdiction.objects.filter(parent__isnull=True).order_by("division_code").first()
    if jurisdiction is None:
        result.errors = [RowError(FILE_SHEET, None, "", _("请先建立行政区域，再导入工作计划"))]
        return result
    if not services.can_manage_plan(user, jurisdiction=jurisdiction):
        message = _("只有本级共享主管部门的工作人员或平台管理员可以导入工作计划")
        result.errors = [RowError(FILE_SHEET, None, "", message)]
        return result

    sheets, problem = _open(file)
    parser = _Parser(year)
    if problem:
        parser.error(FILE_SHEET, None, "", problem)
    else:
        parser.parse(sheets)

    warnings = []
    matched = {}
    if not parser.errors:
        scope = jurisdiction.descendant_ids()
        matcher = UnitMatcher(
            Department.objects.filter(jurisdiction_id__in=scope),
            Jurisdiction.objects.filter(pk__in=scope).values_list("name", flat=True),
        )
        for row in parser.rows:
            for key in ("lead", "cooperating"):
                match = matcher.match(getattr(row, key))
                matched[(row.row, row.sheet, key)] = match
                for message in match.warnings:
                    warnings.append(RowError(row.sheet, row.row, HEADERS[key], message))
        if strict_units:
            parser.errors.extend(warnings)
            warnings = []

    result.warnings = _sort(warnings)
    if parser.errors:
        result.errors = _sort(parser.errors)
        if report_path:
            write_error_report(result.errors, report_path)
            result.error_report_path = str(report_path)
        return result

    plan_name = (name or "").strip() or parser.title or Path(filename or getattr(file, "name", "") or "plan").stem
    today = today or timezone.localdate()
    try:
        with transaction.atomic():
            plan = services.create_plan(
                user=user, name=plan_name[:200], jurisdiction=jurisdiction, issuing_body=issuing_body,
                document_number=document_number, year=year,
                source_file=Path(filename or str(getattr(file, "name", "") or "")).name,
            )
            with acting_as(user):
                for row in parser.rows:
                    lead = matched[(row.row, row.sheet, "lead")]
                    cooperating = matched[(row.row, row.sheet, "cooperating")]
                    deadline = row.deadline
                    task = WorkTask(
                        plan=plan, number=row.number, section=row.section, text=row.text,
                        lead_units_text=row.lead, cooperating_units_text=row.cooperating,
                        unmatched_lead_units=lead.unmatched, unmatched_cooperating_units=cooperating.unmatched,
                        deadline_text=cell_text(row.deadline_raw)[:100], deadline_kind=deadline.kind,
                        deadline_date=deadline.date, deadline_month=deadline.month, deadline_day=deadline.day,
                    )
                    task.due_on = task.next_due(today)
                    task.save()
                    task.lead_units.set(lead.departments)
                    task.cooperating_units.set(cooperating.departments)
    except (ValidationError, PermissionDenied) as exc:
        messages = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
        result.errors = [RowError(FILE_SHEET, None, "", message) for message in messages]
        return result
    result.plan_id, result.plan_name, result.created = plan.pk, plan.name, len(parser.rows)
    return result


def write_workbook(file, rows, *, title="", sheet="重点工作任务"):
    """A task table in the import layout: an optional title line, the seeds' header, then `rows` of
    (序号, 工作任务, 牵头单位, 协同单位, 时序进度). Used for the download template and by tests."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    workbook = Workbook()
    worksheet = workbook.active
    worksheet.title = sheet
    if title:
        worksheet.append([title])
        worksheet.cell(1, 1).font = Font(bold=True, size=14)
    worksheet.append([HEADERS[key] for key in ("number", "text", "lead", "cooperating", "deadline")])
    for row in rows:
        worksheet.append(list(row))
    for letter, width in zip("ABCDE", (8, 60, 24, 36, 16), strict=True):
        worksheet.column_dimensions[letter].width = width
    for cells in worksheet.iter_rows():
        for cell in cells:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    guide = workbook.create_sheet("填写说明")
    for line in (
        "每行一项任务；序号、工作任务、牵头单位、时序进度必填，协同单位可空。",
        "多个单位用顿号、逗号、分号或空格分隔；未匹配到部门的单位按文本保留并提示。",
        "时序进度示例：2018年12月底前、2019年6月30日前、2018-12-31、每年12月1日前、每季度末、每月25日前、长期坚持。",
        "只含一段文字的行（如“一、重点任务”）作为其下任务的所属部分。",
        "任何一行有错误，整个文件不导入，并列出每处错误。",
    ):
        guide.append([line])
    guide.column_dimensions["A"].width = 100
    workbook.save(file)
    return file

"""The weekly bulletin (周通报) and the monthly view by unit (月度督查), as data, HTML, PDF and DOCX.

A bulletin covers one ISO week (2026-W41: Monday to Sunday) of the plans the reader may see. States are taken at
the end of the week, or today while the week is still running: a task completed after that day counts as open, so a
past week's bulletin does not change when tasks are finished later. (A recurring task's current due date is the one
in force now: a period completed after the week has already moved it on.)

Content: the title and period; counts (tasks, done, in progress, overdue, due soon); overdue tasks by lead unit;
the progress reported during the week; the lead units of open tasks that reported nothing during the week.

PDF: WeasyPrint renders templates/supervision/bulletin_document.html with static/supervision/bulletin_print.css;
Chinese text uses Noto Serif/Sans CJK SC through fontconfig, embedded as subsets. DOCX: python-docx, with the
East Asian font (w:eastAsia) set to 宋体 (黑体 for headings) so Word and WPS show the Chinese text in the house font.
"""

import calendar as _calendar
import datetime
import io
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from govshare.workdays.services import WorkCalendar

from .choices import TaskStateChoices
from .deadlines import effective_deadline
from .models import ProgressReport, WorkPlan, WorkTask
from .services import Horizon, task_state

__all__ = [
    "Bulletin",
    "MonthlyView",
    "build_bulletin",
    "build_monthly",
    "parse_month",
    "parse_week",
    "render_docx",
    "render_pdf",
]

PRINT_CSS = Path(__file__).resolve().parent / "static" / "supervision" / "bulletin_print.css"
_WEEK = re.compile(r"^(\d{4})-?W(\d{1,2})$", re.IGNORECASE)
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")


def parse_week(text) -> tuple[datetime.date, datetime.date]:
    """"2026-W41" → (Monday, Sunday) of that ISO week; ValueError with a Chinese message when it is not one."""
    match = _WEEK.match(str(text or "").strip())
    if not match:
        raise ValueError(_("周次格式应为 YYYY-Www，如 2026-W41"))
    year, week = int(match.group(1)), int(match.group(2))
    try:
        monday = datetime.date.fromisocalendar(year, week, 1)
    except ValueError as exc:
        raise ValueError(_("%(year)d年没有第%(week)d周") % {"year": year, "week": week}) from exc
    return monday, monday + datetime.timedelta(days=6)


def week_of(day: datetime.date) -> str:
    iso = day.isocalendar()
    return f"{iso.year}-W{iso.week:02d}"


def parse_month(text) -> tuple[datetime.date, datetime.date]:
    """"2026-10" → (first day, last day); ValueError with a Chinese message when it is not a month."""
    match = _MONTH.match(str(text or "").strip())
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise ValueError(_("月份格式应为 YYYY-MM，如 2026-10"))
    year, month = int(match.group(1)), int(match.group(2))
    return datetime.date(year, month, 1), datetime.date(year, month, _calendar.monthrange(year, month)[1])


@dataclass
class TaskLine:
    """A task as a bulletin lists it."""

    task: WorkTask
    state: str
    lead: str
    overdue_days: int = 0

    @property
    def state_label(self):
        return TaskStateChoices.label(self.state)


@dataclass
class Bulletin:
    """Everything a weekly bulletin shows (see the module docstring)."""

    week: str
    start: datetime.date
    end: datetime.date
    as_of: datetime.date
    title: str
    plans: list
    counts: dict
    overdue_by_unit: list  # [(unit name, [TaskLine])]
    due_soon: list  # [TaskLine]
    reports: list  # [ProgressReport]
    silent_units: list  # [unit name]
    generated_at: datetime.datetime = field(default_factory=timezone.now)

    @property
    def period(self) -> str:
        return _("%(start)s 至 %(end)s") % {"start": _cn_date(self.start), "end": _cn_date(self.end)}

    @property
    def week_label(self) -> str:
        year, week = self.week.split("-W")
        return _("%(year)s年第%(week)d周") % {"year": year, "week": int(week)}


def _cn_date(day):
    return f"{day.year}年{day.month}月{day.day}日"


def _plans(user, plans):
    queryset = WorkPlan.objects.all() if user is None else WorkPlan.objects.restrict(user, "view")
    if plans is not None:
        queryset = queryset.filter(pk__in=[getattr(plan, "pk", plan) for plan in plans])
    return list(queryset.order_by("-year", "name"))


def _lead_names(task):
    return [unit.name for unit in task.lead_units.all()] + list(task.unmatched_lead_units)


def build_bulletin(week, *, user=None, plans=None, today=None) -> Bulletin:
    """The weekly bulletin of the plans the user may see (all plans for the console), for an ISO week."""
    start, end = parse_week(week)
    today = today or timezone.localdate()
    as_of = min(end, today) if today >= start else end
    calendar = WorkCalendar()
    horizon = Horizon.at(as_of, calendar=calendar)
    plan_list = _plans(user, plans)
    tasks = list(
        WorkTask.objects.filter(plan__in=plan_list).select_related("plan").prefetch_related("lead_units")
        .order_by("plan__name", "sort_key", "pk")
    )
    lines = []
    counts = {"total": len(tasks), "done": 0, "in_progress": 0, "not_started": 0, "overdue": 0, "due_soon": 0}
    for task in tasks:
        state = task_state(task, horizon)
        line = TaskLine(task, state, "、".join(_lead_names(task)))
        if state == TaskStateChoices.OVERDUE:
            # Counted from the deadline's working day (a due date on a holiday moves to the next working day).
            line.overdue_days = max(1, calendar.working_days_between(effective_deadline(task.due_on, calendar), as_of))
        lines.append(line)
        counts[state if state in counts else "in_progress"] += 1
    counts["open"] = counts["total"] - counts["done"]
    # 推进中 in the summary: open tasks neither overdue nor due soon.
    counts["active"] = counts["in_progress"] + counts["not_started"]

    by_unit = defaultdict(list)
    for line in lines:
        if line.state == TaskStateChoices.OVERDUE:
            for name in _lead_names(line.task) or [_("（未指定牵头单位）")]:
                by_unit[name].append(line)
    overdue_by_unit = sorted(by_unit.items(), key=lambda item: (-len(item[1]), item[0]))

    window = (
        timezone.make_aware(datetime.datetime.combine(start, datetime.time.min)),
        timezone.make_aware(datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min)),
    )
    reports = list(
        ProgressReport.objects.filter(task__plan__in=plan_list, reported_at__gte=window[0], reported_at__lt=window[1])
        .select_related("task", "task__plan", "department", "reported_by")
        .order_by("reported_at", "pk")
    )
    reported = {report.department_id for report in reports}
    silent = {}
    for line in lines:
        if line.state == TaskStateChoices.DONE:
            continue
        for unit in line.task.lead_units.all():
            if unit.pk not in reported:
                silent[unit.pk] = unit.name
    title = _("政务信息系统整合共享工作督查周通报")
    if len(plan_list) == 1:
        title = _("《%(plan)s》督查周通报") % {"plan": plan_list[0].name}
    return Bulletin(
        week=week_of(start), start=start, end=end, as_of=as_of, title=title, plans=plan_list, counts=counts,
        overdue_by_unit=overdue_by_unit,
        due_soon=[line for line in lines if line.state == TaskStateChoices.DUE_SOON],
        reports=reports, silent_units=sorted(silent.values()),
    )


# ---------------------------------------------------------------------------------------------------------------
# Monthly view by unit


@dataclass
class UnitMonth:
    """One unit's tasks in a month: as lead or cooperating unit, each with its state and the month's reports."""

    name: str
    department_id: int | None
    rows: list = field(default_factory=list)  # [(TaskLine, role label, reports this month)]
    counts: dict = field(default_factory=lambda: defaultdict(int))


@dataclass
class MonthlyView:
    month: str
    start: datetime.date
    end: datetime.date
    as_of: datetime.date
    units: list


def build_monthly(month, *, user=None, plans=None, today=None, department=None) -> MonthlyView:
    """Each unit's tasks and their state at the end of the month (or today), with the reports of the month."""
    start, end = parse_month(month)
    today = today or timezone.localdate()
    as_of = min(end, today) if today >= start else end
    horizon = Horizon.at(as_of)
    plan_list = _plans(user, plans)
    tasks = list(
        WorkTask.objects.filter(plan__in=plan_list).select_related("plan")
        .prefetch_related("lead_units", "cooperating_units").order_by("plan__name", "sort_key", "pk")
    )
    window = (
        timezone.make_aware(datetime.datetime.combine(start, datetime.time.min)),
        timezone.make_aware(datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min)),
    )
    report_counts = defaultdict(int)
    for task_id, department_id in ProgressReport.objects.filter(
        task__in=tasks, reported_at__gte=window[0], reported_at__lt=window[1]
    ).values_list("task_id", "department_id"):
        report_counts[(task_id, department_id)] += 1
    units: dict = {}
    for task in tasks:
        state = task_state(task, horizon)
        line = TaskLine(task, state, "、".join(_lead_names(task)))
        for role, departments, unmatched in (
            (_("牵头"), task.lead_units.all(), task.unmatched_lead_units),
            (_("协同"), task.cooperating_units.all(), task.unmatched_cooperating_units),
        ):
            for unit in departments:
                if department is not None and unit.pk != getattr(department, "pk", department):
                    continue
                entry = units.setdefault(("d", unit.pk), UnitMonth(unit.name, unit.pk))
                entry.rows.append((line, role, report_counts[(task.pk, unit.pk)]))
                entry.counts[state] += 1
            if department is None:
                for name in unmatched:
                    entry = units.setdefault(("t", name), UnitMonth(name, None))
                    entry.rows.append((line, role, 0))
                    entry.counts[state] += 1
    ordered = sorted(units.values(), key=lambda unit: (unit.department_id is None, unit.name))
    for unit in ordered:
        unit.counts = dict(unit.counts)
    return MonthlyView(month=f"{start.year}-{start.month:02d}", start=start, end=end, as_of=as_of, units=ordered)


# ---------------------------------------------------------------------------------------------------------------
# Documents


def render_html_document(bulletin) -> str:
    """The bulletin as a standalone HTML document (what the PDF is made from)."""
    return render_to_string("supervision/bulletin_document.html", {"bulletin": bulletin, "overdue": TaskStateChoices})


def render_pdf(bulletin) -> bytes:
    """The bulletin as PDF (WeasyPrint; CJK fonts from fontconfig, embedded as subsets)."""
    from weasyprint import CSS, HTML

    html = HTML(string=render_html_document(bulletin), base_url=str(PRINT_CSS.parent))
    return html.write_pdf(stylesheets=[CSS(filename=str(PRINT_CSS))])


def _east_asian(run_or_style, font):
    """Set the East Asian font (w:eastAsia), which python-docx's font.name alone does not set."""
    from docx.oxml.ns import qn

    element = run_or_style.element
    properties = element.get_or_add_rPr()
    fonts = properties.find(qn("w:rFonts"))
    if fonts is None:
        fonts = properties.makeelement(qn("w:rFonts"), {})
        properties.insert(0, fonts)
    fonts.set(qn("w:eastAsia"), font)


def render_docx(bulletin) -> bytes:
    """The bulletin as an editable Word document (python-docx), 宋体 body and 黑体 headings."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    document = Document()
    normal = document.styles["Normal"]
    normal.font.name = "Times New Roman"
    normal.font.size = Pt(11)
    _east_asian(normal, "宋体")
    for style_name in ("Title", "Heading 1", "Heading 2"):
        style = document.styles[style_name]
        style.font.name = "Times New Roman"
        _east_asian(style, "黑体")

    def paragraph(text, *, bold=False, align=None, size=None):
        para = document.add_paragraph()
        run = para.add_run(text)
        run.bold = bold
        if size:
            run.font.size = Pt(size)
        _east_asian(run, "宋体")
        if align is not None:
            para.alignment = align
        return para

    title = document.add_heading(bulletin.title, level=0)
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for run in title.runs:
        _east_asian(run, "黑体")
    paragraph(_("%(week)s（%(period)s）") % {"week": bulletin.week_label, "period": bulletin.period},
              align=WD_ALIGN_PARAGRAPH.CENTER)
    paragraph(_("统计截至 %(day)s") % {"day": _cn_date(bulletin.as_of)}, align=WD_ALIGN_PARAGRAPH.CENTER, size=9)

    document.add_heading(_("一、总体情况"), level=1)
    counts = bulletin.counts
    paragraph(_summary(counts))
    table = document.add_table(rows=2, cols=5)
    table.style = "Table Grid"
    headers = (_("任务总数"), _("已完成"), _("推进中"), _("已逾期"), _("即将到期"))
    values = (counts["total"], counts["done"], counts["active"], counts["overdue"], counts["due_soon"])
    for index, (header, value) in enumerate(zip(headers, values, strict=True)):
        table.cell(0, index).text = header
        table.cell(1, index).text = str(value)

    document.add_heading(_("二、逾期任务（按牵头单位）"), level=1)
    if not bulletin.overdue_by_unit:
        paragraph(_("本周无逾期任务。"))
    for unit, lines in bulletin.overdue_by_unit:
        document.add_heading(_("%(unit)s（%(n)d项）") % {"unit": unit, "n": len(lines)}, level=2)
        for line in lines:
            paragraph(_("%(number)s. %(text)s（到期日 %(due)s，逾期 %(days)d 个工作日）") % {
                "number": line.task.number, "text": line.task.text, "due": line.task.due_on.isoformat(),
                "days": line.overdue_days})

    document.add_heading(_("三、本周进展报送"), level=1)
    if not bulletin.reports:
        paragraph(_("本周无进展报送。"))
    for report in bulletin.reports:
        paragraph(_("%(unit)s · 第%(number)s项 · %(percent)d%%：%(text)s") % {
            "unit": report.department.name, "number": report.task.number, "percent": report.percent,
            "text": report.text})

    document.add_heading(_("四、本周未报送进展的单位"), level=1)
    paragraph("、".join(bulletin.silent_units) if bulletin.silent_units else _("无。"))

    if bulletin.due_soon:
        document.add_heading(_("五、即将到期的任务"), level=1)
        for line in bulletin.due_soon:
            paragraph(_("%(number)s. %(text)s（%(lead)s，到期日 %(due)s）") % {
                "number": line.task.number, "text": line.task.text, "lead": line.lead or "—",
                "due": line.task.due_on.isoformat()})
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _summary(counts):
    return _(
        "纳入督查的任务共 %(total)d 项，其中已完成 %(done)d 项，推进中 %(open)d 项，已逾期 %(overdue)d 项，"
        "%(soon)d 项即将到期。"
    ) % {"total": counts["total"], "done": counts["done"], "open": counts["active"],
         "overdue": counts["overdue"], "soon": counts["due_soon"]}


def summary_text(bulletin) -> str:
    """The one-sentence summary of the counts, shared by the page, the PDF and the DOCX."""
    return _summary(bulletin.counts)

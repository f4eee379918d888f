"""List tables of the supervision pages (see core.tables)."""

from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from govshare.core.tables import EMPTY, Column, Table, badge_html

from .choices import TaskStateChoices
from .models import WorkPlan, WorkTask
from .services import Horizon, task_state

__all__ = ["WorkPlanTable", "WorkTaskTable", "task_state_badge", "units_html"]


def _plan_name(plan):
    url = reverse("supervision:plan_detail", args=[plan.pk])
    return format_html('<a class="cell-title" href="{}">{}</a>', url, plan.name)


def _task_counts(plan):
    return format_html("{}", getattr(plan, "task_count", "—"))


class WorkPlanTable(Table):
    """工作计划."""

    model = WorkPlan
    columns = [
        Column("name", render=_plan_name, order_by="name"),
        Column("issuing_body"),
        Column("document_number", css_class="nowrap"),
        Column("year", css_class="nowrap"),
        Column("jurisdiction", order_by="jurisdiction__division_code"),
        Column("task_count", _("任务数"), render=_task_counts, order_by="task_count", css_class="num"),
        Column("created", css_class="nowrap"),
    ]
    default_ordering = None
    empty_message = _("还没有工作计划；督查部门可以导入任务表")


def units_html(departments, unmatched):
    """Matched units as text, units kept as text (no department) marked, so they stay visible."""
    parts = [format_html("{}", unit.short_name or unit.name) for unit in departments]
    parts += [format_html('<span class="unit-unmatched" title="{}">{}</span>', _("未匹配到部门"), name)
              for name in unmatched]
    if not parts:
        return EMPTY
    return format_html_join("、", "{}", ((part,) for part in parts))


def task_state_badge(state):
    return badge_html(TaskStateChoices.label(state), TaskStateChoices.colour(state))


def _task_text(task):
    url = reverse("supervision:task_detail", args=[task.pk])
    section = format_html('<div class="text-muted small">{}</div>', task.section) if task.section else ""
    return format_html('<a class="cell-title" href="{}">{}</a>{}', url, task.text, section)


def _deadline(task):
    if task.due_on is None:
        return format_html("{}", task.deadline_text or "—")
    if task.deadline_text and task.deadline_text != task.due_on.isoformat():
        return format_html('{}<div class="text-muted small">{}</div>', task.due_on.isoformat(), task.deadline_text)
    return format_html("{}", task.due_on.isoformat())


class WorkTaskTable(Table):
    """督查任务: the state column is computed on working days for the day of the request."""

    model = WorkTask
    columns = [
        Column("number", order_by="sort_key", css_class="nowrap num"),
        Column("text", render=_task_text, order_by=False, css_class="col-name"),
        Column("lead_units", render=lambda task: units_html(task.lead_units.all(), task.unmatched_lead_units),
               order_by=False),
        Column("cooperating_units",
               render=lambda task: units_html(task.cooperating_units.all(), task.unmatched_cooperating_units),
               order_by=False),
        Column("due_on", _("到期日"), render=_deadline, order_by="due_on", css_class="nowrap"),
        Column("percent", render=lambda task: format_html("{}%", task.percent), css_class="num"),
        Column("state", _("状态"), render=lambda task: task_state_badge(task.state), order_by="status",
               css_class="nowrap"),
    ]
    default_ordering = "number"
    empty_message = _("没有符合条件的督查任务")

    def __init__(self, data, *, request=None, ordering=None, horizon=None):
        horizon = horizon or Horizon.at()
        rows = list(data)
        for task in rows:
            task.state = task_state(task, horizon)
        super().__init__(rows, request=request, ordering=ordering)

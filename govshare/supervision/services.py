"""Domain actions of the supervision ledger: plans, tasks, progress reports, task states on working days, and the
daily reminders. Each action owns its transaction, checks the user's permission and writes history as that user.

States are computed against a `Horizon` (today, the overdue cut-off and the due-soon limit, all on working days),
so lists filter in the database and a whole page shares one calendar.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from govshare.core.attachments import check_uploads, store_uploads
from govshare.core.context import acting_as
from govshare.users.choices import RoleChoices
from govshare.workdays.services import WorkCalendar

from .choices import DeadlineKindChoices, TaskStateChoices, TaskStatusChoices
from .deadlines import DeadlineError, due_soon_limit, overdue_cutoff, parse_deadline
from .models import ProgressAttachment, ProgressReport, WorkPlan, WorkTask, supervised_jurisdiction_ids

__all__ = [
    "MAX_ATTACHMENTS",
    "Horizon",
    "apply_deadline",
    "can_manage_plan",
    "create_plan",
    "due_soon_days",
    "remind_due_tasks",
    "report_progress",
    "save_task",
    "set_task_status",
    "task_state",
    "update_plan",
]

S = TaskStatusChoices
MAX_ATTACHMENTS = 10


def due_soon_days() -> int:
    """How many working days ahead a task counts as due soon (GOVSHARE_SUPERVISION_DUE_SOON_DAYS, default 5)."""
    return int(getattr(settings, "GOVSHARE_SUPERVISION_DUE_SOON_DAYS", 5))


def attachment_max_bytes() -> int:
    return int(getattr(settings, "GOVSHARE_SUPERVISION_ATTACHMENT_MAX_BYTES", 20 * 1024 * 1024))


# ---------------------------------------------------------------------------------------------------------------
# States on working days


@dataclass(frozen=True)
class Horizon:
    """The day states are computed for, with its overdue cut-off and due-soon limit (see deadlines.py)."""

    today: datetime.date
    cutoff: datetime.date  # a task not done due on or before this day is overdue
    soon_limit: datetime.date  # ... due after the cut-off and on or before this day is due soon
    soon_days: int

    @classmethod
    def at(cls, today=None, *, days=None, calendar=None):
        today = today or timezone.localdate()
        calendar = calendar or WorkCalendar()
        days = due_soon_days() if days is None else days
        return cls(today, overdue_cutoff(today, calendar), due_soon_limit(today, days, calendar), days)

    def open_q(self, prefix=""):
        """Tasks not done by `today` (done later counts as open, so a past week's bulletin stays true)."""
        return ~Q(**{f"{prefix}status": S.DONE}) | Q(**{f"{prefix}completed_on__gt": self.today})

    def done_q(self, prefix=""):
        return ~self.open_q(prefix)

    def overdue_q(self, prefix=""):
        return self.open_q(prefix) & Q(**{f"{prefix}due_on__lte": self.cutoff})

    def due_soon_q(self, prefix=""):
        return self.open_q(prefix) & Q(**{f"{prefix}due_on__gt": self.cutoff, f"{prefix}due_on__lte": self.soon_limit})

    def state_q(self, state, prefix=""):
        """The filter of one TaskStateChoices value."""
        if state == TaskStateChoices.OVERDUE:
            return self.overdue_q(prefix)
        if state == TaskStateChoices.DUE_SOON:
            return self.due_soon_q(prefix)
        if state == TaskStateChoices.DONE:
            return self.done_q(prefix)
        return self.open_q(prefix) & Q(**{f"{prefix}status": state})


def task_state(task, horizon: Horizon) -> str:
    """The TaskStateChoices value of a task on the horizon's day: 已完成, 已逾期, 即将到期, else its status."""
    done = task.status == S.DONE and (task.completed_on is None or task.completed_on <= horizon.today)
    if done:
        return TaskStateChoices.DONE
    if task.due_on is not None and task.due_on <= horizon.cutoff:
        return TaskStateChoices.OVERDUE
    if task.due_on is not None and task.due_on <= horizon.soon_limit:
        return TaskStateChoices.DUE_SOON
    return S.IN_PROGRESS if task.status == S.DONE else task.status


# ---------------------------------------------------------------------------------------------------------------
# Plans and tasks


def can_manage_plan(user, plan=None, jurisdiction=None) -> bool:
    """Supervisors: platform admins, and authority officers of the competent department for the jurisdiction."""
    if user is None or not user.is_authenticated:
        return False
    allowed = supervised_jurisdiction_ids(user)
    if allowed is None:
        return True
    target = plan.jurisdiction_id if plan is not None else getattr(jurisdiction, "pk", jurisdiction)
    if target is None:
        return bool(allowed)
    return target in allowed


def _check_plan_fields(fields):
    errors = {}
    if not (fields.get("name") or "").strip():
        errors["name"] = [_("请填写计划名称")]
    year = fields.get("year")
    if year is not None and not 2000 <= int(year) <= 2100:
        errors["year"] = [_("年度应在2000至2100之间")]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def create_plan(*, user, name, jurisdiction=None, issuing_body="", document_number="", year=None, description="",
                source_file="") -> WorkPlan:
    """Create an empty plan in the user's jurisdiction (or the one given); supervisors only."""
    if jurisdiction is None and user.department_id:
        jurisdiction = user.department.jurisdiction
    if jurisdiction is None:
        raise ValidationError({"jurisdiction": [_("请选择计划所属区域")]})
    if not can_manage_plan(user, jurisdiction=jurisdiction):
        raise PermissionDenied(_("只有本级共享主管部门的工作人员或平台管理员可以管理工作计划"))
    fields = {"name": (name or "").strip(), "issuing_body": (issuing_body or "").strip(),
              "document_number": (document_number or "").strip(), "year": year,
              "description": (description or "").strip(), "source_file": source_file[:255]}
    _check_plan_fields(fields)
    with acting_as(user):
        return WorkPlan.objects.create(jurisdiction=jurisdiction, created_by=user, **fields)


@transaction.atomic
def update_plan(plan, *, user, **fields) -> WorkPlan:
    """Change a plan's name, issuing body, document number, year or description; supervisors only."""
    if not can_manage_plan(user, plan):
        raise PermissionDenied(_("只有本级共享主管部门的工作人员或平台管理员可以管理工作计划"))
    allowed = {"name", "issuing_body", "document_number", "year", "description"}
    for key, value in fields.items():
        if key not in allowed:
            raise ValueError(f"unknown plan field {key!r}")
        setattr(plan, key, value.strip() if isinstance(value, str) else value)
    _check_plan_fields({"name": plan.name, "year": plan.year})
    with acting_as(user):
        plan.save()
    return plan


def apply_deadline(task, value, *, default_year=None, today=None):
    """Parse `value` (text or date) into the task's deadline fields and set its current due date."""
    deadline = parse_deadline(value, default_year=default_year)
    task.deadline_text = (value.isoformat() if isinstance(value, datetime.date) else str(value).strip())[:100]
    task.deadline_kind = deadline.kind
    task.deadline_date = deadline.date
    task.deadline_month = deadline.month
    task.deadline_day = deadline.day
    task.due_on = task.next_due(today or timezone.localdate())
    return deadline


@transaction.atomic
def save_task(task, *, user, number, text, deadline_text, section="", lead_units=(), cooperating_units=(),
              lead_units_text=None, cooperating_units_text=None, today=None) -> WorkTask:
    """Create or edit a task of a plan by hand; the deadline is read like the import reads it; supervisors only."""
    if not can_manage_plan(user, task.plan):
        raise PermissionDenied(_("只有本级共享主管部门的工作人员或平台管理员可以管理督查任务"))
    errors = {}
    number = (number or "").strip()
    if not number:
        errors["number"] = [_("请填写序号")]
    elif WorkTask.objects.filter(plan=task.plan, number=number).exclude(pk=task.pk).exists():
        errors["number"] = [_("本计划中已有序号为“%(number)s”的任务") % {"number": number}]
    if not (text or "").strip():
        errors["text"] = [_("请填写工作任务")]
    try:
        apply_deadline(task, deadline_text, default_year=task.plan.year, today=today)
    except DeadlineError as exc:
        errors["deadline_text"] = [str(exc)]
    if errors:
        raise ValidationError(errors)
    task.number, task.text, task.section = number, text.strip(), (section or "").strip()
    lead_units, cooperating_units = list(lead_units), list(cooperating_units)
    task.lead_units_text = (lead_units_text if lead_units_text is not None
                            else "、".join(unit.name for unit in lead_units))[:500]
    task.cooperating_units_text = (cooperating_units_text if cooperating_units_text is not None
                                   else "、".join(unit.name for unit in cooperating_units))[:1000]
    with acting_as(user):
        task.save()
        task.lead_units.set(lead_units)
        task.cooperating_units.set(cooperating_units)
    return task


@transaction.atomic
def set_task_status(task, *, user, status, on=None) -> WorkTask:
    """A supervisor confirms a task done (on a day, today by default) or reopens it."""
    if not can_manage_plan(user, task.plan):
        raise PermissionDenied(_("只有本级共享主管部门的工作人员或平台管理员可以更改任务状态"))
    if status not in S.values:
        raise ValidationError({"status": [_("无效的状态")]})
    task = WorkTask.objects.select_for_update().get(pk=task.pk)
    task.status = status
    if status == S.DONE:
        task.completed_on = on or timezone.localdate()
        task.percent = 100
    else:
        task.completed_on = None
        task.percent = min(task.percent, 99) if status == S.IN_PROGRESS else 0
    with acting_as(user):
        task.save()
    return task


# ---------------------------------------------------------------------------------------------------------------
# Progress reports


def _check_files(files):
    """Refuse all the report's files when any is too big or empty, or there are too many: nothing is stored then."""
    return check_uploads(files, max_bytes=attachment_max_bytes(), max_count=MAX_ATTACHMENTS)


def report_progress(task, *, user, text, percent, files=(), department=None, reported_at=None) -> ProgressReport:
    """A unit reports progress on a task (its lead or cooperating units; supervisors may report for a unit).

    A lead unit's report moves the task: 1-99 % → 推进中; 100 % → 已完成 for a dated task, or, for a recurring
    one, the period is done and the task moves on to the next due date. A cooperating unit's report is recorded
    without changing the task. The attachments are stored only when the whole report is valid.
    """
    if not WorkTask.objects.restrict(user, "report").filter(pk=task.pk).exists():
        raise PermissionDenied(_("只有任务的牵头单位、协同单位或督查部门可以报送进展"))
    supervisor = can_manage_plan(user, task.plan)
    department = department or (user.department if user.department_id else None)
    errors = {}
    lead_ids = set(task.lead_units.values_list("pk", flat=True))
    unit_ids = lead_ids | set(task.cooperating_units.values_list("pk", flat=True))
    if department is None:
        errors["department"] = [_("请选择报送单位")]
    elif department.pk not in unit_ids and not supervisor:
        errors["department"] = [_("“%(unit)s”不是该任务的牵头或协同单位") % {"unit": department}]
    text = (text or "").strip()
    if not text:
        errors["text"] = [_("请填写进展情况")]
    try:
        percent = int(percent)
    except (TypeError, ValueError):
        percent = -1
    if not 0 <= percent <= 100:
        errors["percent"] = [_("完成进度应为0至100之间的整数")]
    try:
        files = _check_files(files)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    reported_at = reported_at or timezone.now()
    with transaction.atomic(), acting_as(user):
        task = WorkTask.objects.select_for_update().get(pk=task.pk)
        report = ProgressReport.objects.create(
            task=task, department=department, text=text, percent=percent, period_due_on=task.due_on,
            reported_by=user, reported_at=reported_at,
        )
        store_uploads(ProgressAttachment, files, report=report)
        task.last_reported_at = reported_at
        if department.pk in lead_ids or (supervisor and not lead_ids):
            _advance(task, percent, timezone.localdate(reported_at))
        task.save()
    return report


def _advance(task, percent, day):
    """Move a task with a lead unit's report (see report_progress)."""
    if task.status == S.DONE:
        return
    if percent < 100 or task.deadline_kind == DeadlineKindChoices.ONGOING:
        task.percent = percent
        task.status = S.IN_PROGRESS if percent > 0 or task.status == S.IN_PROGRESS else S.NOT_STARTED
        return
    if task.is_recurring:
        # The period is done: the task goes on to the next occurrence after the one just met.
        task.last_period_done_on = day
        base = max(day, task.due_on) if task.due_on else day
        task.due_on = task.next_due(base + datetime.timedelta(days=1))
        task.percent = 0
        task.status = S.IN_PROGRESS
        return
    task.percent = 100
    task.status = S.DONE
    task.completed_on = day


# ---------------------------------------------------------------------------------------------------------------
# Reminders


def remind_due_tasks(*, today=None) -> dict:
    """Tell the department admins of each lead unit about its tasks overdue or due soon (once per due date and
    kind, however often this runs). Returns {"overdue": n, "due_soon": n} task counts."""
    from govshare.notifications.services import notify

    horizon = Horizon.at(today)
    tasks = (
        WorkTask.objects.filter(horizon.overdue_q() | horizon.due_soon_q())
        .select_related("plan")
        .prefetch_related("lead_units")
    )
    counts = {"overdue": 0, "due_soon": 0}
    with transaction.atomic():
        for task in tasks:
            state = task_state(task, horizon)
            if state not in (TaskStateChoices.OVERDUE, TaskStateChoices.DUE_SOON):
                continue
            units = list(task.lead_units.all())
            if not units:
                continue
            counts[state] += 1
            overdue = state == TaskStateChoices.OVERDUE
            subject = (_("督查任务已逾期：%(task)s") if overdue else _("督查任务即将到期：%(task)s")) % {
                "task": f"{task.number}. {task.text[:60]}"
            }
            body = _("《%(plan)s》第%(number)s项，到期日 %(due)s，请及时报送进展。") % {
                "plan": task.plan.name, "number": task.number, "due": task.due_on.isoformat(),
            }
            notify(
                subject=subject, body=body, link=reverse("supervision:task_detail", args=[task.pk]),
                key=f"supervision:{task.pk}:{task.due_on.isoformat()}:{state}",
                departments=units, roles=[RoleChoices.DEPARTMENT_ADMIN],
            )
    return counts

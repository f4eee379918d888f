"""The supervision ledger (督查台账): a work plan of the competent authority, its tasks with lead and cooperating
units and dated or recurring deadlines, and the progress the units report."""


from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# attachment_path stays importable from here: the first migration refers to it.
from govshare.core.attachments import attachment_path  # noqa: F401
from govshare.core.models import AttachmentModel, ChangeLoggedModel, PrimaryModel, attachment_file_field
from govshare.users.choices import RoleChoices

from .choices import DeadlineKindChoices, TaskStatusChoices
from .deadlines import Deadline, next_due

__all__ = [
    "ProgressAttachment",
    "ProgressReport",
    "WorkPlan",
    "WorkTask",
    "attachment_storage",
    "supervised_jurisdiction_ids",
]


def attachment_storage():
    """Report attachments live under the data dir (a callable, so migrations do not freeze the location)."""
    return FileSystemStorage(location=settings.DATA_DIR / "supervision")




def supervised_jurisdiction_ids(user):
    """The jurisdictions whose plans this user manages: all for a platform admin; for an authority officer of a
    competent department, its jurisdiction and those below it; nobody else manages plans."""
    if user.is_superuser or user.has_role(RoleChoices.PLATFORM_ADMIN):
        return None  # every jurisdiction
    department = user.department if user.department_id else None
    if department and department.is_competent_authority and user.has_role(RoleChoices.AUTHORITY_OFFICER):
        return department.jurisdiction.descendant_ids()
    return []


def _readable_plans(queryset, user, prefix=""):
    """Plans of the user's jurisdiction (or above it), plans the user supervises, and plans naming their unit."""
    if user.is_superuser or user.has_role(RoleChoices.PLATFORM_ADMIN):
        return queryset
    if not user.department_id:
        return queryset.none()
    department = user.department
    jurisdictions = set(department.jurisdiction.descendant_ids()) if department.is_competent_authority else set()
    ancestor = department.jurisdiction
    while ancestor is not None:
        jurisdictions.add(ancestor.pk)
        ancestor = ancestor.parent
    plan_ids = WorkTask.objects.filter(
        Q(lead_units=department) | Q(cooperating_units=department)
    ).values("plan_id")
    return queryset.filter(
        Q(**{f"{prefix}jurisdiction_id__in": jurisdictions}) | Q(**{f"{prefix}pk__in": plan_ids})
    )


class WorkPlan(PrimaryModel):
    """A work plan (工作方案) with its task table, issued by a body under a document number for a year."""

    name = models.CharField(_("计划名称"), max_length=200)
    issuing_body = models.CharField(_("印发机关"), max_length=100, blank=True)
    document_number = models.CharField(_("文号"), max_length=100, blank=True)
    year = models.PositiveSmallIntegerField(_("年度"), null=True, blank=True)
    jurisdiction = models.ForeignKey(
        "organizations.Jurisdiction", verbose_name=_("所属区域"), on_delete=models.PROTECT,
        related_name="work_plans",
    )
    source_file = models.CharField(_("导入文件"), max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("创建人"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("工作计划")
        verbose_name_plural = _("工作计划")
        ordering = ["-year", "-created", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(year__isnull=True) | Q(year__gte=2000, year__lte=2100), name="workplan_year_range"
            ),
        ]

    def __str__(self):
        return self.name

    @staticmethod
    def restrict_for(queryset, user, action):
        """Everyone in the plan's jurisdiction reads it (and the units it names); supervisors manage it."""
        if action == "view":
            return _readable_plans(queryset, user)
        jurisdictions = supervised_jurisdiction_ids(user)
        if jurisdictions is None:
            return queryset
        return queryset.filter(jurisdiction_id__in=jurisdictions)


class WorkTask(PrimaryModel):
    """One task of a plan (序号, 工作任务, 牵头单位, 协同单位, 时序进度) and where it stands.

    Units are linked to departments when their name matches one; the text of the table is kept as typed, and
    names that match no department (各县（市、区）政府, 市级各部门) stay visible in `unmatched_*`.
    `due_on` is the current due date: the deadline's date, or for a recurring rule the occurrence now being worked
    on (it moves to the next one when a period is reported done).
    """

    plan = models.ForeignKey(WorkPlan, verbose_name=_("工作计划"), on_delete=models.CASCADE, related_name="tasks")
    number = models.CharField(_("序号"), max_length=20)
    sort_key = models.CharField(max_length=60, editable=False, db_index=True)
    section = models.CharField(_("所属部分"), max_length=200, blank=True)
    text = models.TextField(_("工作任务"))
    lead_units = models.ManyToManyField(
        "organizations.Department", verbose_name=_("牵头单位"), blank=True, related_name="supervision_lead_tasks"
    )
    cooperating_units = models.ManyToManyField(
        "organizations.Department", verbose_name=_("协同单位"), blank=True,
        related_name="supervision_cooperating_tasks",
    )
    lead_units_text = models.CharField(_("牵头单位（原文）"), max_length=500, blank=True)
    cooperating_units_text = models.CharField(_("协同单位（原文）"), max_length=1000, blank=True)
    unmatched_lead_units = models.JSONField(_("未匹配的牵头单位"), default=list, blank=True)
    unmatched_cooperating_units = models.JSONField(_("未匹配的协同单位"), default=list, blank=True)
    deadline_text = models.CharField(_("时序进度"), max_length=100, blank=True)
    deadline_kind = models.CharField(_("期限类型"), max_length=16, choices=DeadlineKindChoices.choices)
    deadline_date = models.DateField(_("完成期限"), null=True, blank=True)
    deadline_month = models.PositiveSmallIntegerField(_("期限月份"), null=True, blank=True)
    deadline_day = models.PositiveSmallIntegerField(_("期限日"), null=True, blank=True)
    due_on = models.DateField(_("当前到期日"), null=True, blank=True, db_index=True)
    status = models.CharField(
        _("状态"), max_length=16, choices=TaskStatusChoices.choices, default=TaskStatusChoices.NOT_STARTED
    )
    percent = models.PositiveSmallIntegerField(_("完成进度（%）"), default=0)
    completed_on = models.DateField(_("完成日期"), null=True, blank=True)
    last_period_done_on = models.DateField(_("上一周期完成日期"), null=True, blank=True)
    last_reported_at = models.DateTimeField(_("最近报送时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("督查任务")
        verbose_name_plural = _("督查任务")
        ordering = ["plan", "sort_key", "id"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="worktask_unique_number_in_plan"),
            models.CheckConstraint(condition=Q(percent__lte=100), name="worktask_percent_max_100"),
            models.CheckConstraint(
                condition=~Q(deadline_kind=DeadlineKindChoices.DATE) | Q(deadline_date__isnull=False),
                name="worktask_dated_deadline_has_date",
            ),
        ]
        indexes = [models.Index(fields=["status", "due_on"], name="worktask_status_due_idx")]

    def __str__(self):
        return f"{self.number}. {self.text[:40]}"

    def save(self, *args, **kwargs):
        self.sort_key = number_sort_key(self.number)
        super().save(*args, **kwargs)

    @property
    def deadline(self) -> Deadline:
        return Deadline(self.deadline_kind, self.deadline_date, self.deadline_month, self.deadline_day)

    @property
    def is_recurring(self) -> bool:
        return self.deadline_kind in DeadlineKindChoices.RECURRING

    def next_due(self, on_or_after):
        """The rule's first due date on or after a day (for a dated task: its date)."""
        return next_due(self.deadline, on_or_after)

    @property
    def unmatched_units(self):
        return [*self.unmatched_lead_units, *self.unmatched_cooperating_units]

    @staticmethod
    def restrict_for(queryset, user, action):
        """Read with the plan; supervisors change tasks; "report": the task's lead and cooperating units too."""
        if action == "view":
            return queryset.filter(plan__in=_readable_plans(WorkPlan.objects.all(), user))
        managed = queryset.filter(plan__in=WorkPlan.objects.restrict(user, "change"))
        if action != "report":
            return managed
        if not user.department_id:
            return managed
        own = Q(lead_units=user.department_id) | Q(cooperating_units=user.department_id)
        mine = WorkTask.objects.filter(own).values("pk")
        return queryset.filter(Q(pk__in=mine) | Q(pk__in=managed.values("pk")))


def number_sort_key(number: str) -> str:
    """"2.3" → "00002.00003", so 2.3 sorts after 2 and before 10 (plain text puts 10 before 2)."""
    parts = [part for part in str(number).replace("-", ".").split(".") if part]
    return ".".join(part.zfill(5) if part.isdigit() else part for part in parts)[:60]


class ProgressReport(ChangeLoggedModel):
    """Progress a unit reports on a task (进展情况): what was done, how far it is, with attachments."""

    task = models.ForeignKey(WorkTask, verbose_name=_("督查任务"), on_delete=models.CASCADE, related_name="reports")
    department = models.ForeignKey(
        "organizations.Department", verbose_name=_("报送单位"), on_delete=models.PROTECT,
        related_name="supervision_reports",
    )
    text = models.TextField(_("进展情况"))
    percent = models.PositiveSmallIntegerField(_("完成进度（%）"))
    period_due_on = models.DateField(_("所属周期到期日"), null=True, blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("报送人"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    reported_at = models.DateTimeField(_("报送时间"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("进展报送")
        verbose_name_plural = _("进展报送")
        ordering = ["-reported_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(percent__lte=100), name="progressreport_percent_max_100"),
        ]

    def __str__(self):
        return f"{self.department} · {self.task.number} · {self.percent}%"

    @staticmethod
    def restrict_for(queryset, user, action):
        """Whoever reads the task reads its reports; reports are never edited (a new report supersedes)."""
        if action == "view":
            return queryset.filter(task__in=WorkTask.objects.restrict(user, "view"))
        return queryset.filter(task__plan__in=WorkPlan.objects.restrict(user, "change"))


class ProgressAttachment(AttachmentModel):
    """A file attached to a progress report (佐证材料), stored under the data dir; the original name is kept here."""

    report = models.ForeignKey(
        ProgressReport, verbose_name=_("进展报送"), on_delete=models.CASCADE, related_name="attachments"
    )
    file = attachment_file_field(attachment_storage)
    uploaded_by = None  # reports record who reported; the files have no uploader of their own

    class Meta:
        verbose_name = _("进展附件")
        verbose_name_plural = _("进展附件")
        ordering = ["report", "id"]

    @staticmethod
    def restrict_for(queryset, user, action):
        return queryset.filter(report__in=ProgressReport.objects.restrict(user, "view"))

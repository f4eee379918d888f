"""Objections (疑义/纠错): a consumer department disputes data or a catalogue entry; the department handling it
verifies, corrects or rejects with reasons, or transfers it to the competent department; the consumer rates the
outcome. Every step is kept on the objection's timeline."""


from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# attachment_path stays importable from here: the first migration refers to it.
from govshare.core.attachments import attachment_path  # noqa: F401
from govshare.core.models import AttachmentModel, ChangeLoggedModel, attachment_file_field
from govshare.users.choices import RoleChoices

from .choices import ObjectionKindChoices, ObjectionStatusChoices, ObjectionStepChoices

__all__ = [
    "CONSUMER_ROLES",
    "PROVIDER_ROLES",
    "Objection",
    "ObjectionAttachment",
    "ObjectionEvent",
    "ObjectionSequence",
    "attachment_storage",
]

# Who raises and rates objections for a consumer department, and who answers them for the handling department.
CONSUMER_ROLES = (RoleChoices.DATA_CONSUMER, RoleChoices.DEPARTMENT_ADMIN)
PROVIDER_ROLES = (RoleChoices.DATA_PROVIDER, RoleChoices.DEPARTMENT_ADMIN)


def attachment_storage():
    """Evidence files live under the data dir (a callable, so migrations do not freeze the location)."""
    return FileSystemStorage(location=settings.DATA_DIR / "objections")




class ObjectionSequence(models.Model):
    """The last serial number given in a year, so objection numbers (YY-2026-000123) are never reused."""

    year = models.PositiveIntegerField(_("年度"), unique=True)
    last_value = models.PositiveIntegerField(_("最新序号"), default=0)

    class Meta:
        verbose_name = _("疑义编号序列")
        verbose_name_plural = _("疑义编号序列")

    def __str__(self):
        return f"{self.year}: {self.last_value}"


class Objection(ChangeLoggedModel):
    """One objection (疑义) to a resource, optionally to one record and one info item of it.

    `handler` is the department that must answer now: the provider at first, then each department it is
    transferred to (the chain is kept in the events). The deadline counts in working days from `received_at`.
    """

    number = models.CharField(_("疑义编号"), max_length=20, unique=True)
    kind = models.CharField(_("疑义类型"), max_length=20, choices=ObjectionKindChoices.choices)
    resource = models.ForeignKey(
        "catalog.Resource", verbose_name=_("资源"), on_delete=models.PROTECT, related_name="objections"
    )
    record_key = models.CharField(_("记录标识"), max_length=100, blank=True)
    field = models.ForeignKey(
        "catalog.InfoItem", verbose_name=_("信息项"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    description = models.TextField(_("疑义描述"), max_length=4000)
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("提出人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    consumer = models.ForeignKey(
        "organizations.Department", verbose_name=_("提出部门"), on_delete=models.PROTECT,
        related_name="objections_raised",
    )
    provider = models.ForeignKey(
        "organizations.Department", verbose_name=_("资源提供方"), on_delete=models.PROTECT,
        related_name="objections_received",
    )
    handler = models.ForeignKey(
        "organizations.Department", verbose_name=_("承办部门"), on_delete=models.PROTECT,
        related_name="objections_handling",
    )
    status = models.CharField(
        _("状态"), max_length=20, choices=ObjectionStatusChoices.choices, default=ObjectionStatusChoices.SUBMITTED,
        db_index=True,
    )
    received_at = models.DateTimeField(_("承办部门收到时间"), default=timezone.now)
    deadline = models.DateField(_("答复期限"))
    deadline_estimated = models.BooleanField(_("期限为估算"), default=False)
    deadline_uncovered_years = models.JSONField(_("未载入节假日的年份"), default=list, blank=True)
    overdue_at = models.DateTimeField(_("逾期标记时间"), null=True, blank=True)
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("答复人"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    response = models.TextField(_("答复意见"), blank=True)
    correction_note = models.TextField(_("更正说明"), blank=True)
    rating = models.PositiveSmallIntegerField(_("评价（1–5）"), null=True, blank=True)
    rating_comment = models.CharField(_("评价意见"), max_length=1000, blank=True)
    rated_at = models.DateTimeField(_("评价时间"), null=True, blank=True)
    business_continues = models.BooleanField(_("核查期间业务继续办理"), default=False)
    business_note = models.CharField(_("业务办理情况"), max_length=1000, blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("疑义纠错")
        verbose_name_plural = _("疑义纠错")
        ordering = ["-created", "-id"]
        indexes = [
            models.Index(fields=["status", "deadline"], name="objection_status_deadline_idx"),
            models.Index(fields=["consumer", "status"], name="objection_consumer_status_idx"),
            models.Index(fields=["handler", "status"], name="objection_handler_status_idx"),
            models.Index(fields=["provider", "status"], name="objection_provider_status_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5), name="objection_rating_1_to_5"
            ),
        ]

    def __str__(self):
        return self.number

    @property
    def is_open(self) -> bool:
        return self.status in ObjectionStatusChoices.OPEN

    def is_overdue(self, today=None) -> bool:
        """Still waiting for the handling department after its deadline."""
        today = today or timezone.localdate()
        return self.is_open and today > self.deadline

    @property
    def deadline_note(self) -> str:
        """The caveat shown next to an estimated deadline (years whose holidays are not loaded)."""
        from govshare.workdays.services import DueDate

        years = tuple(self.deadline_uncovered_years or ())
        return DueDate(self.deadline, self.deadline_estimated, years).note

    def set_deadline(self, due):
        """Store a workdays DueDate as the deadline, with its estimate flag."""
        self.deadline = due.date
        self.deadline_estimated = due.estimated
        self.deadline_uncovered_years = list(due.uncovered_years)

    @staticmethod
    def restrict_for(queryset, user, action):
        """view: the consumer, the provider, every department it was transferred to, and the competent authority
        of the jurisdiction (and those above it); answer: the handling department; rate: the consumer. Platform
        admins see everything but answer and rate nothing: those are the departments' acts."""
        if action == "view" and user.has_role(RoleChoices.PLATFORM_ADMIN):
            return queryset
        department_id = user.department_id
        if not department_id:
            return queryset.none()
        if action == "view":
            transferred_to = ObjectionEvent.objects.filter(
                step=ObjectionStepChoices.TRANSFERRED, to_department_id=department_id
            ).values("objection_id")
            condition = (
                Q(consumer_id=department_id) | Q(provider_id=department_id) | Q(handler_id=department_id)
                | Q(pk__in=transferred_to)
            )
            if user.has_role(RoleChoices.AUTHORITY_OFFICER) and user.department.is_competent_authority:
                scope = user.department.jurisdiction.descendant_ids()
                condition |= (
                    Q(provider__jurisdiction_id__in=scope) | Q(handler__jurisdiction_id__in=scope)
                    | Q(consumer__jurisdiction_id__in=scope)
                )
            return queryset.filter(condition)
        if action == "answer":
            # An objection transferred to the competent authority for coordination is answered by its officers.
            if user.has_role(*PROVIDER_ROLES, RoleChoices.AUTHORITY_OFFICER):
                return queryset.filter(handler_id=department_id)
            return queryset.none()
        if action == "rate":
            if user.has_role(*CONSUMER_ROLES):
                return queryset.filter(consumer_id=department_id)
            return queryset.none()
        return queryset.none()


class ObjectionEvent(models.Model):
    """One step on an objection's timeline: who did what, from which department, with what text.

    A transfer names the department it went to, so the transfer chain is the list of TRANSFERRED events.
    """

    objection = models.ForeignKey(
        Objection, verbose_name=_("疑义"), on_delete=models.CASCADE, related_name="events"
    )
    step = models.CharField(_("环节"), max_length=20, choices=ObjectionStepChoices.choices)
    time = models.DateTimeField(_("时间"), default=timezone.now)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    department = models.ForeignKey(
        "organizations.Department", verbose_name=_("操作部门"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    to_department = models.ForeignKey(
        "organizations.Department", verbose_name=_("转至部门"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="objection_transfers",
    )
    text = models.TextField(_("说明"), blank=True)
    deadline = models.DateField(_("答复期限"), null=True, blank=True)

    class Meta:
        verbose_name = _("疑义办理记录")
        verbose_name_plural = _("疑义办理记录")
        ordering = ["objection", "time", "id"]
        indexes = [models.Index(fields=["step", "to_department"], name="objectionevent_transfer_idx")]

    def __str__(self):
        return f"{self.objection} {self.get_step_display()}"


class ObjectionAttachment(AttachmentModel):
    """An evidence file (佐证材料) of an objection, stored under the data dir; the original name is kept here."""

    objection = models.ForeignKey(
        Objection, verbose_name=_("疑义"), on_delete=models.CASCADE, related_name="attachments"
    )
    file = attachment_file_field(attachment_storage)

    class Meta:
        verbose_name = _("佐证材料")
        verbose_name_plural = _("佐证材料")
        ordering = ["objection", "id"]

    @staticmethod
    def restrict_for(queryset, user, action):
        """Whoever may see the objection may read its evidence."""
        return queryset.filter(objection__in=Objection.objects.restrict(user, "view"))

"""Zombie-system cleanup (僵尸系统清理): the thresholds, the flags with their reasons, the duplicate-function pairs
proposed for integration, and the cleanup plan of each system (shut down, integrate into, replace by).

Who may do what is decided here, in `restrict_for`:
    view    the owner department's users see its own; the competent authority's officers their jurisdiction (and
            those below it); platform and audit admins everything.
    decide  confirm or dismiss flags and duplicate pairs, set and cancel plans: authority officers of the competent
            authority for systems of their jurisdiction; platform admins all.
    report  report a plan's progress, upload evidence and finish it: the owner department's admins; platform admins.
"""

import uuid
from decimal import Decimal
from pathlib import PurePosixPath

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from govshare.core.models import ChangeLoggedModel, RestrictedQuerySet
from govshare.users.choices import RoleChoices

from .choices import (
    CandidateStatusChoices,
    CleanupActionChoices,
    FlagStatusChoices,
    PlanStatusChoices,
    PlanStepChoices,
)

__all__ = [
    "CleanupPlan",
    "CleanupPlanEvent",
    "DuplicateCandidate",
    "ZombieFlag",
    "ZombieRule",
    "authority_jurisdiction_ids",
    "evidence_storage",
    "system_scope",
]


def authority_jurisdiction_ids(user) -> list[int] | None:
    """The jurisdictions an authority officer of a competent authority oversees (its own and those below it);
    None for anyone else."""
    if not user.is_authenticated or not user.department_id or not user.has_role(RoleChoices.AUTHORITY_OFFICER):
        return None
    department = user.department
    if not department.is_competent_authority:
        return None
    return department.jurisdiction.descendant_ids()


def system_scope(user, action, prefix="system__"):
    """The condition on the systems (reached through `prefix`) a user may `view`, `decide` on or `report` for;
    None means every system. `Q(pk__in=[])` means none."""
    nothing = Q(pk__in=[])
    if user.is_superuser or user.has_role(RoleChoices.PLATFORM_ADMIN):
        return None
    jurisdictions = authority_jurisdiction_ids(user)
    if action == "view":
        if user.has_role(RoleChoices.AUDIT_ADMIN):
            return None
        condition = Q(**{f"{prefix}owner_id": user.department_id}) if user.department_id else nothing
        if jurisdictions:
            condition |= Q(**{f"{prefix}owner__jurisdiction_id__in": jurisdictions})
        return condition
    if action == "decide":
        return Q(**{f"{prefix}owner__jurisdiction_id__in": jurisdictions}) if jurisdictions else nothing
    if action == "report":
        if user.department_id and user.has_role(RoleChoices.DEPARTMENT_ADMIN):
            return Q(**{f"{prefix}owner_id": user.department_id})
        return nothing
    return nothing


def _restrict_by_system(queryset, user, action, prefix="system__"):
    condition = system_scope(user, action, prefix)
    return queryset if condition is None else queryset.filter(condition)


class ZombieRule(ChangeLoggedModel):
    """The thresholds that make a running system a zombie candidate (僵尸系统认定规则): one row per jurisdiction,
    or the platform-wide default (no jurisdiction). A system follows the row of its department's jurisdiction, or
    the nearest one above it, or the default; each rule can be switched off."""

    jurisdiction = models.ForeignKey(
        "organizations.Jurisdiction", verbose_name=_("行政区域"), null=True, blank=True, on_delete=models.CASCADE,
        related_name="zombie_rules", help_text=_("留空为全平台默认规则"),
    )
    unused_enabled = models.BooleanField(_("启用：长期无人使用"), default=True)
    unused_months = models.PositiveSmallIntegerField(_("无人使用月数阈值"), default=6)
    unmaintained_enabled = models.BooleanField(_("启用：长期停止运维"), default=True)
    unmaintained_months = models.PositiveSmallIntegerField(_("停止运维月数阈值"), default=12)
    utilisation_enabled = models.BooleanField(_("启用：资源利用率低"), default=True)
    utilisation_percent = models.DecimalField(
        _("资源利用率阈值（%）"), max_digits=5, decimal_places=2, default=Decimal("5")
    )
    users_enabled = models.BooleanField(_("启用：用户数少"), default=True)
    min_monthly_users = models.PositiveIntegerField(_("月活跃用户数阈值"), default=10)
    duplicate_enabled = models.BooleanField(_("启用：功能重复"), default=True)
    duplicate_similarity = models.DecimalField(
        _("功能相似度阈值（0–1）"), max_digits=3, decimal_places=2, default=Decimal("0.80")
    )
    no_data_enabled = models.BooleanField(
        _("启用：无使用数据"), default=True,
        help_text=_("登记满“无人使用月数阈值”仍从未报送使用情况的系统，标记为“无使用数据”"),
    )

    class Meta:
        verbose_name = _("僵尸系统认定规则")
        verbose_name_plural = _("僵尸系统认定规则")
        ordering = [F("jurisdiction__division_code").asc(nulls_first=True)]
        constraints = [
            models.UniqueConstraint(Coalesce("jurisdiction", Value(0)), name="zombierule_one_per_jurisdiction"),
            models.CheckConstraint(condition=Q(unused_months__gte=1), name="zombierule_unused_months_min_1"),
            models.CheckConstraint(
                condition=Q(unmaintained_months__gte=1), name="zombierule_unmaintained_months_min_1"
            ),
            models.CheckConstraint(
                condition=Q(utilisation_percent__gte=0, utilisation_percent__lte=100),
                name="zombierule_utilisation_0_to_100",
            ),
            models.CheckConstraint(
                condition=Q(duplicate_similarity__gt=0, duplicate_similarity__lte=1),
                name="zombierule_similarity_0_to_1",
            ),
        ]

    def __str__(self):
        return str(self.jurisdiction) if self.jurisdiction_id else str(_("全平台默认"))

    @staticmethod
    def restrict_for(queryset, user, action):
        """Everyone signed in reads the thresholds; platform admins change all, the competent authority's officers
        the rows of their jurisdictions (not the platform default)."""
        if action == "view" or user.has_role(RoleChoices.PLATFORM_ADMIN):
            return queryset
        jurisdictions = authority_jurisdiction_ids(user)
        if jurisdictions:
            return queryset.filter(jurisdiction_id__in=jurisdictions)
        return queryset.none()


class ZombieFlag(ChangeLoggedModel):
    """A running system flagged as a zombie candidate (僵尸系统标记), with the reasons found by the last detection.

    `reasons` is a list of {"rule", "figure", "threshold", "text"} (plus "system_id"/"system_name" for a duplicate).
    An open flag is refreshed by every detection and closed as resolved when no rule is broken any more; the
    competent authority confirms or dismisses it. Earlier flags of a system stay as its history.
    """

    system = models.ForeignKey(
        "inventory.InformationSystem", verbose_name=_("信息系统"), on_delete=models.CASCADE,
        related_name="zombie_flags",
    )
    status = models.CharField(
        _("状态"), max_length=20, choices=FlagStatusChoices.choices, default=FlagStatusChoices.OPEN, db_index=True
    )
    reasons = models.JSONField(_("认定理由"), default=list)
    # The rules of `reasons`, comma-separated, so lists can filter by rule on every database.
    reason_rules = models.CharField(_("理由类别"), max_length=200, blank=True, editable=False)
    opened_at = models.DateTimeField(_("标记时间"), default=timezone.now)
    refreshed_at = models.DateTimeField(_("最近检测时间"), default=timezone.now)
    decided_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("处理人"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.TextField(_("处理意见"), blank=True)
    resolved_at = models.DateTimeField(_("消除时间"), null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()

    # Every detection touches refreshed_at; only real changes belong in the history.
    changelog_exclude = ("created", "last_updated", "refreshed_at")

    class Meta:
        verbose_name = _("僵尸系统标记")
        verbose_name_plural = _("僵尸系统标记")
        ordering = ["-opened_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["system"], condition=Q(status__in=FlagStatusChoices.ACTIVE),
                name="zombieflag_one_active_per_system",
            ),
        ]
        indexes = [models.Index(fields=["system", "status"], name="zombieflag_system_status_idx")]

    def __str__(self):
        return f"{self.system} · {self.get_status_display()}"

    def save(self, *args, **kwargs):
        rules = (reason.get("rule", "") for reason in self.reasons or () if isinstance(reason, dict))
        self.reason_rules = ",".join(rules)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "reasons" in update_fields:
            kwargs["update_fields"] = {*update_fields, "reason_rules"}
        super().save(*args, **kwargs)

    @property
    def is_active(self) -> bool:
        return self.status in FlagStatusChoices.ACTIVE

    @property
    def reason_texts(self) -> list[str]:
        # A reason written by hand may be plain text.
        return [reason.get("text", "") if isinstance(reason, dict) else str(reason) for reason in self.reasons or ()]

    @staticmethod
    def restrict_for(queryset, user, action):
        return _restrict_by_system(queryset, user, action)


class DuplicateCandidate(ChangeLoggedModel):
    """Two running systems whose functions overlap (功能重复), proposed for integration; `system_a` has the lower id.
    Accepting it sets a cleanup plan integrating one into the other; a dismissed pair is not proposed again."""

    system_a = models.ForeignKey(
        "inventory.InformationSystem", verbose_name=_("系统甲"), on_delete=models.CASCADE, related_name="+"
    )
    system_b = models.ForeignKey(
        "inventory.InformationSystem", verbose_name=_("系统乙"), on_delete=models.CASCADE, related_name="+"
    )
    score = models.DecimalField(_("相似度"), max_digits=3, decimal_places=2)
    status = models.CharField(
        _("状态"), max_length=20, choices=CandidateStatusChoices.choices, default=CandidateStatusChoices.PROPOSED,
        db_index=True,
    )
    proposed_at = models.DateTimeField(_("提出时间"), default=timezone.now)
    decided_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("处理人"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.TextField(_("处理意见"), blank=True)
    plan = models.ForeignKey(
        "CleanupPlan", verbose_name=_("整合计划"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("重复建设候选")
        verbose_name_plural = _("重复建设候选")
        ordering = ["-score", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["system_a", "system_b"], name="duplicatecandidate_unique_pair"),
            models.CheckConstraint(condition=Q(system_a__lt=F("system_b")), name="duplicatecandidate_ordered_pair"),
        ]

    def __str__(self):
        return f"{self.system_a} ↔ {self.system_b}"

    @property
    def same_department(self) -> bool:
        return self.system_a.owner_id == self.system_b.owner_id

    @staticmethod
    def restrict_for(queryset, user, action):
        """Visible when either system is; decided by whoever may decide on either system."""
        first = system_scope(user, action, "system_a__")
        if first is None:
            return queryset
        return queryset.filter(first | system_scope(user, action, "system_b__"))


def evidence_storage():
    """Evidence of completed cleanups lives under the data dir (a callable, so migrations do not freeze it)."""
    return FileSystemStorage(location=settings.DATA_DIR / "zombies")


def evidence_path(instance, filename):
    """A random name per file: the original name is kept in the row, never trusted as a path."""
    suffix = PurePosixPath(filename).suffix.lower()[:10]
    return f"evidence/{timezone.localdate():%Y/%m}/{uuid.uuid4().hex}{suffix}"


class CleanupPlan(ChangeLoggedModel):
    """The cleanup of one system (清理计划): shut it down, integrate it into another system or have it replaced by
    one, by a deadline. Set by the competent authority; the owner department reports progress and finishes it with
    evidence, which sets the system's status."""

    system = models.ForeignKey(
        "inventory.InformationSystem", verbose_name=_("信息系统"), on_delete=models.CASCADE,
        related_name="cleanup_plans",
    )
    action = models.CharField(_("清理方式"), max_length=20, choices=CleanupActionChoices.choices)
    target = models.ForeignKey(
        "inventory.InformationSystem", verbose_name=_("目标系统"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="incoming_cleanup_plans", help_text=_("整合至或替代它的系统"),
    )
    deadline = models.DateField(_("完成期限"))
    status = models.CharField(
        _("状态"), max_length=20, choices=PlanStatusChoices.choices, default=PlanStatusChoices.PLANNED, db_index=True
    )
    instructions = models.TextField(_("工作要求"), blank=True)
    flag = models.ForeignKey(
        ZombieFlag, verbose_name=_("僵尸系统标记"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="plans",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("制定人"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    progress_note = models.TextField(_("最新进展"), blank=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    evidence_text = models.TextField(_("完成情况说明"), blank=True)
    evidence_file = models.FileField(
        _("佐证材料"), upload_to=evidence_path, storage=evidence_storage, max_length=300, blank=True
    )
    evidence_name = models.CharField(_("佐证材料文件名"), max_length=255, blank=True)
    evidence_size = models.BigIntegerField(_("佐证材料大小（字节）"), null=True, blank=True)
    completed_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("完成人"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    cancel_reason = models.TextField(_("撤销理由"), blank=True)

    objects = RestrictedQuerySet.as_manager()

    # A FieldFile is not JSON: the snapshot adds the stored path itself.
    changelog_exclude = ("created", "last_updated", "evidence_file")

    class Meta:
        verbose_name = _("清理计划")
        verbose_name_plural = _("清理计划")
        ordering = ["deadline", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["system"], condition=Q(status__in=PlanStatusChoices.ACTIVE),
                name="cleanupplan_one_active_per_system",
            ),
            models.CheckConstraint(
                condition=Q(target__isnull=True) | ~Q(target=F("system")), name="cleanupplan_target_not_itself"
            ),
        ]
        indexes = [models.Index(fields=["status", "deadline"], name="cleanupplan_status_due_idx")]

    def __str__(self):
        return f"{self.system} · {self.get_action_display()}"

    def changelog_snapshot(self):
        data = super().changelog_snapshot()
        data["evidence_file"] = self.evidence_file.name or ""
        return data

    @property
    def is_active(self) -> bool:
        return self.status in PlanStatusChoices.ACTIVE

    def is_overdue(self, today=None) -> bool:
        """Still not done after its deadline."""
        return self.is_active and (today or timezone.localdate()) > self.deadline

    @property
    def action_text(self) -> str:
        """关停 / 整合至 X / 由 X 替代."""
        if self.action == CleanupActionChoices.INTEGRATE and self.target_id:
            return str(_("整合至“%(target)s”")) % {"target": self.target}
        if self.action == CleanupActionChoices.REPLACE and self.target_id:
            return str(_("由“%(target)s”替代")) % {"target": self.target}
        return str(self.get_action_display())

    @staticmethod
    def restrict_for(queryset, user, action):
        return _restrict_by_system(queryset, user, action)


class CleanupPlanEvent(models.Model):
    """One step on a plan's timeline: set, changed, progress reported, done or cancelled, by whom and with what."""

    plan = models.ForeignKey(CleanupPlan, verbose_name=_("清理计划"), on_delete=models.CASCADE, related_name="events")
    step = models.CharField(_("环节"), max_length=20, choices=PlanStepChoices.choices)
    time = models.DateTimeField(_("时间"), default=timezone.now)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    department = models.ForeignKey(
        "organizations.Department", verbose_name=_("操作部门"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    text = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("清理计划记录")
        verbose_name_plural = _("清理计划记录")
        ordering = ["plan", "time", "id"]

    def __str__(self):
        return f"{self.plan} {self.get_step_display()}"

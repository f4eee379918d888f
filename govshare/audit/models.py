"""The tamper-evident audit log (审计日志): entries chained with SM3, sealed periodically with the platform key.

Entries are written only by services.append (one plain INSERT, unchained: seq, canonical and the hashes NULL) and
chained in batches by services.chain_pending, which is the only thing that ever sets those columns. After that an
entry never changes: the model and its queryset refuse updates and deletes, and each entry's hash covers its
canonical text (built by the database from its columns) and the previous entry's hash, so an edit made behind the
platform's back (raw SQL) is found by verify.verify_database.
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils.translation import gettext_lazy as _

from govshare.core.models import RestrictedQuerySet
from govshare.users.choices import RoleChoices

from .choices import AuditActionChoices, AuditResultChoices

__all__ = ["AuditEntry", "AuditEntryQuerySet", "AuditSeal", "AuditSubject"]

READ_ONLY_MESSAGE = _("审计日志只能追加，不能修改或删除")

# Foreign keys keep no database constraint and do nothing on delete: a cascade or SET NULL would rewrite hashed
# fields and break the chain, and the entry must still name a user or resource that has since been removed.
_KEEP = {"on_delete": models.DO_NOTHING, "db_constraint": False, "null": True, "blank": True, "related_name": "+"}


class AuditEntryQuerySet(RestrictedQuerySet):
    """Refuses bulk updates and deletes, which would bypass the model's own refusal."""

    def update(self, **kwargs):
        raise PermissionDenied(READ_ONLY_MESSAGE)

    def delete(self):
        raise PermissionDenied(READ_ONLY_MESSAGE)

    def _raw_delete(self, using):
        raise PermissionDenied(READ_ONLY_MESSAGE)


class AuditEntry(models.Model):
    """One audited access or share step: who, from which department and system, what, how much, why, outcome."""

    id = models.BigAutoField(primary_key=True)
    # NULL until chain_pending chains the entry (a few seconds after it commits).
    seq = models.BigIntegerField(_("序号"), unique=True, null=True, blank=True)
    time = models.DateTimeField(_("时间"), db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("用户"), **_KEEP)
    username = models.CharField(_("用户名"), max_length=150, blank=True)
    department = models.ForeignKey("organizations.Department", verbose_name=_("部门"), **_KEEP)
    department_name = models.CharField(_("部门名称"), max_length=100, blank=True)
    system = models.CharField(_("应用系统"), max_length=200, blank=True)
    action = models.CharField(_("操作"), max_length=20, choices=AuditActionChoices.choices)
    resource = models.ForeignKey("catalog.Resource", verbose_name=_("资源"), **_KEEP)
    resource_code = models.CharField(_("资源代码"), max_length=40, blank=True)
    items = models.JSONField(_("信息项"), default=list, blank=True)
    filter = models.JSONField(_("查询条件"), null=True, blank=True)
    record_count = models.BigIntegerField(_("记录数"), default=0)
    purpose = models.TextField(_("用途"), blank=True)
    result = models.CharField(
        _("结果"), max_length=10, choices=AuditResultChoices.choices, default=AuditResultChoices.SUCCESS
    )
    latency_ms = models.IntegerField(_("耗时（毫秒）"), default=0)
    detail = models.JSONField(_("详情"), null=True, blank=True)
    prev_hash = models.CharField(_("上一条杂凑值"), max_length=64, null=True, blank=True)
    entry_hash = models.CharField(_("杂凑值"), max_length=64, null=True, blank=True)
    # The exact text that is hashed, built by the database from the columns (canonical.py) when chained.
    canonical = models.TextField(_("规范文本"), null=True, blank=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("审计条目")
        verbose_name_plural = _("审计条目")
        ordering = ["-id"]
        indexes = [
            # What chain_pending reads: the unchained entries in id order, without scanning the chained ones.
            models.Index(fields=["id"], condition=models.Q(seq__isnull=True), name="audit_entry_unchained"),
            models.Index(fields=["user", "time"], name="audit_entry_user_time"),
            models.Index(fields=["resource", "time"], name="audit_entry_resource_time"),
            models.Index(fields=["department", "time"], name="audit_entry_dept_time"),
        ]

    def __str__(self):
        return f"#{self.seq if self.seq is not None else '-'} {self.username} {self.action}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionDenied(READ_ONLY_MESSAGE)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionDenied(READ_ONLY_MESSAGE)

    @staticmethod
    def restrict_for(queryset, user, action):
        """The audit, platform and (via restrict) super admins read everything; nobody changes anything."""
        if action == "view" and user.has_role(RoleChoices.AUDIT_ADMIN, RoleChoices.PLATFORM_ADMIN):
            return queryset
        return queryset.none()


class AuditSeal(models.Model):
    """The chain head at `seq`, signed with HMAC-SM3 under the platform key: recomputing the chain after an edit
    no longer matches the seal."""

    seq = models.BigIntegerField(_("封印至序号"), unique=True)
    head_hash = models.CharField(_("链头杂凑值"), max_length=64)
    mac = models.CharField(_("封印签名"), max_length=64)
    time = models.DateTimeField(_("时间"))

    class Meta:
        verbose_name = _("审计封印")
        verbose_name_plural = _("审计封印")
        ordering = ["-seq"]

    def __str__(self):
        return f"seal #{self.seq}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionDenied(READ_ONLY_MESSAGE)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionDenied(READ_ONLY_MESSAGE)


class AuditSubject(models.Model):
    """A person (or other personal key, such as an ID number) an entry's access touched, stored only as its
    HMAC-SM3 under the platform key: "who looked at this person" finds the entries without the number in clear."""

    id = models.BigAutoField(primary_key=True)
    entry = models.ForeignKey(
        AuditEntry,
        verbose_name=_("审计条目"),
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="subjects",
    )
    subject_mac = models.CharField(_("当事人标识（HMAC-SM3）"), max_length=64)

    class Meta:
        verbose_name = _("审计当事人")
        verbose_name_plural = _("审计当事人")
        indexes = [models.Index(fields=["subject_mac", "entry"], name="audit_subject_mac")]

    def __str__(self):
        return self.subject_mac[:16]

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionDenied(READ_ONLY_MESSAGE)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionDenied(READ_ONLY_MESSAGE)

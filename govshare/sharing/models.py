"""Who may use which data: consumer systems with their credentials, and grants (授权) under the sharing rules."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from govshare.core.models import PrimaryModel
from govshare.users.choices import RoleChoices

from .choices import GrantBasisChoices, RequestEventChoices, RequestKindChoices, RequestStatusChoices

__all__ = [
    "AccessToken",
    "ConsumerSystem",
    "Grant",
    "ShareRequest",
    "ShareRequestAttachment",
    "ShareRequestEvent",
    "attachment_storage",
]


def _is_authority_officer(user):
    return bool(user.department_id) and user.has_role(RoleChoices.AUTHORITY_OFFICER)


def _authority_scope(user):
    """Jurisdiction ids an authority officer oversees: the department's own and every one below it."""
    return user.department.jurisdiction.descendant_ids()


class ConsumerSystem(PrimaryModel):
    """An application system of a consumer department (使用系统): it calls the data services with its app key."""

    department = models.ForeignKey(
        "organizations.Department", verbose_name=_("所属部门"), on_delete=models.PROTECT,
        related_name="consumer_systems",
    )
    name = models.CharField(_("系统名称"), max_length=200)
    app_key = models.CharField(_("应用标识"), max_length=40, unique=True)
    # SHA-256 of the secret: the secret is 32 random bytes, so a fast hash is as safe as a slow one.
    secret_hash = models.CharField(_("密钥摘要"), max_length=64)
    is_active = models.BooleanField(_("启用"), default=True)

    changelog_exclude = ("created", "last_updated", "secret_hash")

    class Meta:
        verbose_name = _("应用系统")
        verbose_name_plural = _("应用系统")
        ordering = ["department", "name"]
        constraints = [
            models.UniqueConstraint(fields=["department", "name"], name="consumersystem_unique_name_in_department")
        ]

    def __str__(self):
        return self.name

    @staticmethod
    def restrict_for(queryset, user, action):
        if user.has_role(RoleChoices.PLATFORM_ADMIN):
            return queryset
        if action == "view" and user.has_role(RoleChoices.AUTHORITY_OFFICER, RoleChoices.AUDIT_ADMIN):
            return queryset
        if user.department_id and (action == "view" or user.has_role(RoleChoices.DEPARTMENT_ADMIN)):
            return queryset.filter(department_id=user.department_id)
        return queryset.none()


class AccessToken(models.Model):
    """A short-lived bearer token a consumer system obtained with its app key and secret; revocable."""

    system = models.ForeignKey(
        ConsumerSystem, verbose_name=_("应用系统"), on_delete=models.CASCADE, related_name="access_tokens"
    )
    token_hash = models.CharField(_("令牌摘要"), max_length=64, unique=True)
    created = models.DateTimeField(_("签发时间"), auto_now_add=True)
    expires_at = models.DateTimeField(_("过期时间"))
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("访问令牌")
        verbose_name_plural = _("访问令牌")
        ordering = ["-created"]

    def __str__(self):
        return f"{self.system} {self.created:%Y-%m-%d %H:%M}"


class GrantQuerySet(models.QuerySet):
    def active(self, now=None):
        """Grants in force at `now`: started, not expired, not revoked."""
        now = now or timezone.now()
        return self.filter(
            Q(valid_until__isnull=True) | Q(valid_until__gt=now), valid_from__lte=now, revoked_at__isnull=True
        )

    def restrict(self, user, action="view"):
        if user is None or not user.is_authenticated:
            return self.none()
        if user.is_superuser or user.has_role(RoleChoices.PLATFORM_ADMIN):
            return self
        if action == "view" and user.has_role(RoleChoices.AUDIT_ADMIN):
            return self
        if not user.department_id:
            return self.none()
        # The competent authority sees, and may revoke, the grants on resources of its jurisdiction.
        authority = Q(pk__in=[])
        if _is_authority_officer(user):
            authority = Q(resource__provider__jurisdiction_id__in=_authority_scope(user))
        if action == "view":
            return self.filter(
                Q(consumer_id=user.department_id) | Q(resource__provider_id=user.department_id) | authority
            )
        # Changing (revoking, editing limits) belongs to the provider's answering roles and the authority.
        provider = Q(pk__in=[])
        if user.has_role(RoleChoices.DATA_PROVIDER, RoleChoices.DEPARTMENT_ADMIN):
            provider = Q(resource__provider_id=user.department_id)
        return self.filter(provider | authority)


class Grant(PrimaryModel):
    """The right of a consumer department (or one of its systems) to use chosen info items of a resource."""

    resource = models.ForeignKey(
        "catalog.Resource", verbose_name=_("资源"), on_delete=models.PROTECT, related_name="grants"
    )
    consumer = models.ForeignKey(
        "organizations.Department", verbose_name=_("使用部门"), on_delete=models.PROTECT, related_name="grants"
    )
    # None: any system of the consumer department, and its signed-in users.
    system = models.ForeignKey(
        ConsumerSystem, verbose_name=_("应用系统"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="grants",
    )
    items = models.ManyToManyField("catalog.InfoItem", verbose_name=_("授权信息项"), related_name="+")
    # Sensitive items the consumer sees in clear; every other sensitive item is masked.
    clear_items = models.ManyToManyField(
        "catalog.InfoItem", verbose_name=_("明文信息项"), blank=True, related_name="+"
    )
    basis = models.CharField(_("授权依据"), max_length=20, choices=GrantBasisChoices.choices)
    purpose = models.TextField(_("用途"), blank=True)
    valid_from = models.DateTimeField(_("生效时间"), default=timezone.now)
    valid_until = models.DateTimeField(_("失效时间"), null=True, blank=True)
    rate_limit = models.PositiveIntegerField(_("速率上限（次/秒）"), default=50)
    daily_quota = models.PositiveIntegerField(_("每日调用上限"), default=100000)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("授权人"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("撤销人"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    revoke_reason = models.CharField(_("撤销原因"), max_length=500, blank=True)

    objects = GrantQuerySet.as_manager()

    class Meta:
        verbose_name = _("共享授权")
        verbose_name_plural = _("共享授权")
        ordering = ["-created"]
        indexes = [models.Index(fields=["consumer", "resource"], name="grant_consumer_resource_idx")]

    def __str__(self):
        return f"{self.consumer} → {self.resource}"

    def is_active(self, now=None):
        now = now or timezone.now()
        return (
            self.revoked_at is None
            and self.valid_from <= now
            and (self.valid_until is None or self.valid_until > now)
        )


# ---------------------------------------------------------------------------------------------------------------
# Share requests (共享申请): a conditional request to the provider, negotiation, the authority's decision


def attachment_storage():
    """Attachments live under the data directory, outside MEDIA_ROOT: they are served only through a checked view."""
    from django.core.files.storage import FileSystemStorage

    return FileSystemStorage(location=settings.DATA_DIR / "sharing" / "attachments", base_url=None)


def attachment_path(instance, filename):
    """A random stored name (the original name is kept in the row): user input never becomes a path."""
    import uuid
    from pathlib import PurePath

    suffix = PurePath(filename).suffix.lower()[:10]
    suffix = suffix if suffix[1:].isalnum() else ""
    return f"{timezone.now():%Y/%m}/{uuid.uuid4().hex}{suffix}"


class ShareRequest(PrimaryModel):
    """A consumer department's application for a resource (共享申请): to the provider when the resource is shared on
    conditions, to the competent authority when it is not shared; answered within the working-day deadline."""

    kind = models.CharField(
        _("申请类型"), max_length=20, choices=RequestKindChoices.choices, default=RequestKindChoices.PROVIDER
    )
    resource = models.ForeignKey(
        "catalog.Resource", verbose_name=_("资源"), on_delete=models.PROTECT, related_name="share_requests"
    )
    consumer = models.ForeignKey(
        "organizations.Department", verbose_name=_("使用部门"), on_delete=models.PROTECT,
        related_name="share_requests",
    )
    system = models.ForeignKey(
        ConsumerSystem, verbose_name=_("应用系统"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="share_requests",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("申请人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    items = models.ManyToManyField("catalog.InfoItem", verbose_name=_("申请信息项"), related_name="+")
    purpose = models.TextField(_("使用用途"), max_length=2000)
    legal_basis = models.TextField(_("申请依据"), max_length=2000)
    use_scenario = models.TextField(_("应用场景"), max_length=2000, blank=True)
    period_start = models.DateField(_("使用开始日期"))
    period_end = models.DateField(_("使用截止日期"))
    status = models.CharField(
        _("状态"), max_length=20, choices=RequestStatusChoices.choices, default=RequestStatusChoices.SUBMITTED,
        db_index=True,
    )
    submitted_at = models.DateTimeField(_("提交时间"), default=timezone.now)
    answer_days = models.PositiveSmallIntegerField(_("答复时限（工作日）"), null=True, blank=True)
    due_on = models.DateField(_("答复期限"), null=True, blank=True)
    due_is_estimate = models.BooleanField(_("期限为估算"), default=False)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("答复人"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    answer = models.TextField(_("答复意见"), blank=True)
    escalated_at = models.DateTimeField(_("提请协调时间"), null=True, blank=True)
    escalation_reason = models.TextField(_("协调事由"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("决定人"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("决定时间"), null=True, blank=True)
    decision = models.TextField(_("主管部门决定"), blank=True)
    grant = models.ForeignKey(
        Grant, verbose_name=_("授权"), null=True, blank=True, on_delete=models.SET_NULL, related_name="share_requests"
    )

    class Meta:
        verbose_name = _("共享申请")
        verbose_name_plural = _("共享申请")
        ordering = ["-submitted_at", "-id"]
        indexes = [
            models.Index(fields=["status", "due_on"], name="sharerequest_status_due_idx"),
            models.Index(fields=["consumer", "status"], name="sharerequest_consumer_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")), name="sharerequest_period_in_order"
            ),
        ]

    def __str__(self):
        return _("%(consumer)s申请%(resource)s") % {"consumer": self.consumer, "resource": self.resource}

    def is_overdue(self, today=None):
        """The provider has not answered by the deadline."""
        today = today or timezone.localdate()
        return self.status == RequestStatusChoices.SUBMITTED and self.due_on is not None and today > self.due_on

    @staticmethod
    def restrict_for(queryset, user, action):
        """view: the consumer department, the provider department, the authority of the provider's jurisdiction.
        submit (consumer steps), answer (provider steps), decide (the authority's steps): by role as well."""
        if user.has_role(RoleChoices.PLATFORM_ADMIN):
            return queryset
        if action == "view" and user.has_role(RoleChoices.AUDIT_ADMIN):
            return queryset
        if not user.department_id:
            return queryset.none()
        authority = Q(pk__in=[])
        if _is_authority_officer(user):
            authority = Q(resource__provider__jurisdiction_id__in=_authority_scope(user))
        if action == "view":
            return queryset.filter(
                Q(consumer_id=user.department_id) | Q(resource__provider_id=user.department_id) | authority
            )
        if action == "submit":
            if user.has_role(RoleChoices.DATA_CONSUMER, RoleChoices.DEPARTMENT_ADMIN):
                return queryset.filter(consumer_id=user.department_id)
            return queryset.none()
        if action == "answer":
            if user.has_role(RoleChoices.DATA_PROVIDER, RoleChoices.DEPARTMENT_ADMIN):
                return queryset.filter(resource__provider_id=user.department_id)
            return queryset.none()
        if action == "decide":
            # The binding decision belongs to the competent authority itself, not to any officer of the area.
            if user.department.is_competent_authority:
                return queryset.filter(authority)
            return queryset.none()
        return queryset.none()


class ShareRequestAttachment(models.Model):
    """A file supporting a request (批准文件, 业务依据), kept under the data directory."""

    request = models.ForeignKey(
        ShareRequest, verbose_name=_("共享申请"), on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(_("文件"), storage=attachment_storage, upload_to=attachment_path, max_length=200)
    name = models.CharField(_("文件名"), max_length=200)
    size = models.PositiveBigIntegerField(_("大小（字节）"))
    content_type = models.CharField(_("文件类型"), max_length=100, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("上传人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("申请附件")
        verbose_name_plural = _("申请附件")
        ordering = ["created", "id"]

    def __str__(self):
        return self.name


class ShareRequestEvent(models.Model):
    """One step on a request's timeline, or one message of the negotiation thread between the departments."""

    request = models.ForeignKey(
        ShareRequest, verbose_name=_("共享申请"), on_delete=models.CASCADE, related_name="events"
    )
    action = models.CharField(_("事项"), max_length=30, choices=RequestEventChoices.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("办理人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    department = models.ForeignKey(
        "organizations.Department", verbose_name=_("办理部门"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    body = models.TextField(_("内容"), blank=True)
    time = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("办理记录")
        verbose_name_plural = _("办理记录")
        ordering = ["time", "id"]

    def __str__(self):
        return f"{self.get_action_display()} {self.time:%Y-%m-%d %H:%M}"

"""Who may use which data: consumer systems with their credentials, and grants (授权) under the sharing rules."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from govshare.core.models import PrimaryModel
from govshare.users.choices import RoleChoices

from .choices import GrantBasisChoices

__all__ = ["AccessToken", "ConsumerSystem", "Grant"]


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
        if action == "view" and user.has_role(RoleChoices.AUTHORITY_OFFICER, RoleChoices.AUDIT_ADMIN):
            return self
        if not user.department_id:
            return self.none()
        if action == "view":
            return self.filter(Q(consumer_id=user.department_id) | Q(resource__provider_id=user.department_id))
        # Changing (revoking) a grant belongs to the provider.
        return self.filter(resource__provider_id=user.department_id)


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

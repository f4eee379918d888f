"""Users, their roles and their personal API tokens."""

import hashlib
import secrets

from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from govshare.core.models import ChangeLoggedModel, RestrictedQuerySet

from .choices import RoleChoices

__all__ = ["APIToken", "RoleAssignment", "User"]


class UserManager(DjangoUserManager.from_queryset(RestrictedQuerySet)):
    """Django's user manager (create_user, …) with `restrict(user, action)`."""


class User(AbstractUser):
    """A person who works on the platform, belonging to one department."""

    full_name = models.CharField(_("姓名"), max_length=50, blank=True)
    department = models.ForeignKey(
        "organizations.Department", verbose_name=_("所属部门"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="users",
    )
    office = models.ForeignKey(
        "organizations.Office", verbose_name=_("处室"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="users",
    )
    phone = models.CharField(_("电话"), max_length=30, blank=True)

    objects = UserManager()

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        ordering = ["username"]

    def __str__(self):
        return self.full_name or self.username

    @staticmethod
    def restrict_for(queryset, user, action):
        """The accounts a user may see or change.

        System and platform admins manage every account but a superuser's; a department admin manages the ordinary
        accounts of their own department; the security and audit admins read every account (to assign roles, to
        audit); everyone else sees only themselves.
        """
        if action == "view":
            if user.has_role(*RoleChoices.ACCOUNT_READERS):
                return queryset
            if user.has_role(RoleChoices.DEPARTMENT_ADMIN) and user.department_id:
                return queryset.filter(models.Q(department_id=user.department_id) | models.Q(pk=user.pk))
            return queryset.filter(pk=user.pk)
        if user.has_role(*RoleChoices.ACCOUNT_MANAGERS):
            return queryset.exclude(is_superuser=True)
        if user.has_role(RoleChoices.DEPARTMENT_ADMIN) and user.department_id:
            privileged = User.objects.filter(
                models.Q(is_superuser=True) | models.Q(role_assignments__role__in=RoleChoices.PRIVILEGED)
            )
            return queryset.filter(department_id=user.department_id).exclude(pk__in=privileged.values("pk"))
        return queryset.none()

    @cached_property
    def role_set(self) -> frozenset:
        return frozenset(self.role_assignments.values_list("role", flat=True))

    def has_role(self, *roles) -> bool:
        return any(role in self.role_set for role in roles)

    @property
    def jurisdiction_id(self):
        return self.department.jurisdiction_id if self.department_id else None


class RoleAssignment(ChangeLoggedModel):
    """One role held by one user; the security admin grants and removes them."""

    user = models.ForeignKey(User, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField(_("角色"), max_length=32, choices=RoleChoices.choices)

    class Meta:
        verbose_name = _("角色分配")
        verbose_name_plural = _("角色分配")
        constraints = [models.UniqueConstraint(fields=["user", "role"], name="roleassignment_unique_user_role")]

    def __str__(self):
        return f"{self.user} · {RoleChoices.label(self.role)}"


class APITokenQuerySet(models.QuerySet):
    def active(self):
        now = timezone.now()
        return self.filter(revoked_at__isnull=True).filter(models.Q(expires__isnull=True) | models.Q(expires__gt=now))


class APIToken(ChangeLoggedModel):
    """A personal API token. Only a hash is stored; the key is shown once, when created."""

    PREFIX_LENGTH = 8

    user = models.ForeignKey(User, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("名称"), max_length=100)
    prefix = models.CharField(_("前缀"), max_length=PREFIX_LENGTH, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    expires = models.DateTimeField(_("过期时间"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    last_used = models.DateTimeField(_("最近使用"), null=True, blank=True)

    objects = APITokenQuerySet.as_manager()
    changelog_exclude = ("created", "last_updated", "key_hash", "last_used")

    class Meta:
        verbose_name = _("API令牌")
        verbose_name_plural = _("API令牌")
        ordering = ["-created"]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    @classmethod
    def issue(cls, user, name, expires=None):
        """Create a token and return (token, key); the key is never stored."""
        key = "gs_" + secrets.token_urlsafe(32)
        token = cls.objects.create(
            user=user, name=name, prefix=key[3 : 3 + cls.PREFIX_LENGTH], key_hash=cls.hash_key(key), expires=expires
        )
        return token, key

    @property
    def is_active(self):
        return self.revoked_at is None and (self.expires is None or self.expires > timezone.now())

"""Data mounted behind a catalogue entry other than tables: the provider's own HTTP API (接口), files (文件) and
scheduled pulls from the provider's database (定时抽取, the 前置机 pattern). Tables live in `govshare.datastore`."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from govshare.core.models import PrimaryModel
from govshare.users.choices import RoleChoices

from .choices import PullModeChoices, PullStatusChoices
from .storage import mounted_files_storage

__all__ = ["MOUNT_ROLES", "ApiEndpoint", "DataFile", "PullSource", "mount_scope"]

# Who mounts data for their department's resources (a platform admin for any department).
MOUNT_ROLES = (RoleChoices.DATA_PROVIDER, RoleChoices.DEPARTMENT_ADMIN)


def mount_scope(queryset, user, prefix="resource__"):
    """Rows behind resources the user may mount: their department's, with a mounting role; all for platform admins."""
    if user.has_role(RoleChoices.PLATFORM_ADMIN):
        return queryset
    if user.department_id and user.has_role(*MOUNT_ROLES):
        return queryset.filter(**{f"{prefix}provider_id": user.department_id})
    return queryset.none()


class ApiEndpoint(PrimaryModel):
    """A provider's HTTP API registered behind a resource; consumers call it only through the platform's proxy."""

    resource = models.OneToOneField(
        "catalog.Resource", verbose_name=_("资源"), on_delete=models.CASCADE, related_name="api_endpoint"
    )
    base_url = models.URLField(_("接口地址"), max_length=500)
    allowed_methods = models.CharField(_("允许的方法"), max_length=50, default="GET")
    # The provider's own credential, added by the proxy; it never reaches a consumer and is left out of history.
    auth_header_name = models.CharField(_("认证头名称"), max_length=100, blank=True)
    auth_header_value = models.CharField(_("认证头取值"), max_length=1000, blank=True)
    timeout_seconds = models.PositiveSmallIntegerField(_("超时（秒）"), default=10)
    is_active = models.BooleanField(_("启用"), default=True)

    changelog_exclude = ("created", "last_updated", "auth_header_value")

    class Meta:
        verbose_name = _("接口挂接")
        verbose_name_plural = _("接口挂接")
        ordering = ["resource"]

    def __str__(self):
        return self.base_url

    @property
    def methods(self):
        return [m.strip().upper() for m in self.allowed_methods.split(",") if m.strip()]

    @property
    def has_secret(self):
        return bool(self.auth_header_value)

    @staticmethod
    def restrict_for(queryset, user, action):
        return mount_scope(queryset, user)


def data_file_path(instance, filename):
    """resource-<id>/<uuid>/<original name>: the name stays readable, uploads never overwrite each other."""
    import uuid

    return f"resource-{instance.resource_id}/{uuid.uuid4().hex}/{filename}"


class DataFile(PrimaryModel):
    """A file mounted behind a resource (文件挂接), any format; each upload is kept, numbered per file name."""

    resource = models.ForeignKey(
        "catalog.Resource", verbose_name=_("资源"), on_delete=models.CASCADE, related_name="data_files"
    )
    name = models.CharField(_("文件名称"), max_length=255)
    file = models.FileField(_("文件"), max_length=500, storage=mounted_files_storage, upload_to=data_file_path)
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    size = models.BigIntegerField(_("大小（字节）"))
    content_type = models.CharField(_("内容类型"), max_length=150, blank=True)
    version = models.PositiveIntegerField(_("版本"), default=1)
    # Set when the same content was already mounted on this resource: flagged, not refused.
    duplicate_of = models.ForeignKey(
        "self", verbose_name=_("内容重复于"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("上传人"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("挂接文件")
        verbose_name_plural = _("挂接文件")
        ordering = ["resource", "-created", "-id"]
        indexes = [models.Index(fields=["resource", "sha256"], name="datafile_resource_sha256_idx")]
        constraints = [
            models.UniqueConstraint(fields=["resource", "name", "version"], name="datafile_unique_version"),
        ]

    # The stored file is recorded by its storage name (a FieldFile is not JSON).
    changelog_exclude = ("created", "last_updated", "file")

    def __str__(self):
        return f"{self.name} v{self.version}"

    def changelog_snapshot(self):
        return {**super().changelog_snapshot(), "file": self.file.name or ""}

    @property
    def is_duplicate(self):
        return self.duplicate_of_id is not None

    @staticmethod
    def restrict_for(queryset, user, action):
        return mount_scope(queryset, user)


class PullSource(PrimaryModel):
    """A scheduled pull (定时抽取) from the provider's own PostgreSQL database into the resource's mounted table.

    The connection URL carries the provider's password: it is stored for the worker, never shown back, and left
    out of the change history.
    """

    resource = models.OneToOneField(
        "catalog.Resource", verbose_name=_("资源"), on_delete=models.CASCADE, related_name="pull_source"
    )
    connection_url = models.CharField(_("数据库连接"), max_length=1000)
    source_table = models.CharField(_("源表名"), max_length=200, blank=True)
    query = models.TextField(_("查询语句"), blank=True)
    mode = models.CharField(_("抽取方式"), max_length=30, choices=PullModeChoices.choices, default=PullModeChoices.FULL)
    key_column = models.CharField(_("主键列"), max_length=100, blank=True)
    timestamp_column = models.CharField(_("时间戳列"), max_length=100, blank=True)
    # {"<info item id>": "<source column>"}; an item left out is read from the column named like its code.
    column_mapping = models.JSONField(_("列映射"), default=dict, blank=True)
    interval_minutes = models.PositiveIntegerField(_("抽取间隔（分钟）"), default=1440)
    enabled = models.BooleanField(_("启用"), default=True)
    next_run_at = models.DateTimeField(_("下次运行时间"), null=True, blank=True, db_index=True)
    watermark = models.CharField(_("增量水位"), max_length=100, blank=True)
    last_run_at = models.DateTimeField(_("最近运行时间"), null=True, blank=True)
    last_success_at = models.DateTimeField(_("最近成功时间"), null=True, blank=True)
    last_status = models.CharField(
        _("最近运行状态"), max_length=10, choices=PullStatusChoices.choices, default=PullStatusChoices.NEVER
    )
    last_message = models.TextField(_("最近运行说明"), blank=True)
    last_rows = models.BigIntegerField(_("最近抽取行数"), default=0)
    last_load = models.ForeignKey(
        "datastore.TableLoad", verbose_name=_("最近加载"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )

    # The worker's bookkeeping is noise in the history; the connection URL is a secret.
    changelog_exclude = (
        "created", "last_updated", "connection_url", "next_run_at", "watermark", "last_run_at", "last_success_at",
        "last_status", "last_message", "last_rows", "last_load",
    )

    class Meta:
        verbose_name = _("定时抽取")
        verbose_name_plural = _("定时抽取")
        ordering = ["resource"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(source_table="", query=""), name="pullsource_table_or_query",
                violation_error_message=_("请填写源表名或查询语句"),
            ),
        ]

    def __str__(self):
        return self.source_table or str(_("自定义查询"))

    @staticmethod
    def restrict_for(queryset, user, action):
        return mount_scope(queryset, user)

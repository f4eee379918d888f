"""Mounted tables (库表挂接): the typed table in the platform database that holds a resource's data, and its loads.

The physical table is not a Django model: its columns follow the resource's info items, so it is created and
loaded by `datastore.services` and read by the data plane (`govshare.delivery`). Its layout is documented in
docs/exchange.md and described by `DataTable.columns`.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from govshare.core.models import ChangeLoggedModel, RestrictedQuerySet
from govshare.users.choices import RoleChoices

from .choices import LoadModeChoices, LoadPhaseChoices, LoadStatusChoices

__all__ = ["MOUNT_ROLES", "DataTable", "TableLoad"]

# Who may load data into a department's tables (besides platform administrators).
MOUNT_ROLES = (RoleChoices.DATA_PROVIDER, RoleChoices.DEPARTMENT_ADMIN)


def _provider_scope(user, action, provider_field):
    """Rows of the user's own department: to view for anyone there, to load for its data providers and admins."""
    if user.has_role(RoleChoices.PLATFORM_ADMIN):
        return Q()
    if not user.department_id:
        return None
    if action != "view" and not user.has_role(*MOUNT_ROLES):
        return None
    return Q(**{provider_field: user.department_id})


class DataTable(ChangeLoggedModel):
    """The mounted table of one resource: where its rows live and how its columns map to the info items."""

    resource = models.OneToOneField(
        "catalog.Resource", verbose_name=_("资源"), on_delete=models.CASCADE, related_name="data_table"
    )
    table_name = models.CharField(_("物理表名"), max_length=63, unique=True)
    key_item = models.ForeignKey(
        "catalog.InfoItem", verbose_name=_("主键信息项"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    # [{"item_id", "name", "code", "column", "data_type", "length", "kind", "sensitive"}] in info item order.
    columns = models.JSONField(_("列定义"), default=list)
    row_count = models.BigIntegerField(_("记录数"), default=0)
    version = models.PositiveIntegerField(_("数据版本"), default=0)
    # The version of the last full replace: a change-feed cursor from an older epoch must resynchronise.
    epoch = models.PositiveIntegerField(_("全量版本"), default=0)
    last_seq = models.BigIntegerField(_("最新变更序号"), default=0)
    last_loaded_at = models.DateTimeField(_("最近加载时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("库表")
        verbose_name_plural = _("库表")
        ordering = ["resource"]

    def __str__(self):
        return self.table_name

    @staticmethod
    def restrict_for(queryset, user, action):
        """The provider department sees its tables; its data providers and admins load them ("change")."""
        scope = _provider_scope(user, action, "resource__provider_id")
        return queryset.none() if scope is None else queryset.filter(scope)

    def column_for_item(self, item_id):
        """The column definition of an info item, or None."""
        return next((column for column in self.columns if column["item_id"] == item_id), None)

    @property
    def key_column(self):
        """The physical column name of the key item, or None."""
        column = self.column_for_item(self.key_item_id) if self.key_item_id else None
        return column["column"] if column else None


class TableLoad(models.Model):
    """One load of a mounted table (a data version): the file, the mode, what was read, loaded and rejected."""

    data_table = models.ForeignKey(DataTable, verbose_name=_("库表"), on_delete=models.CASCADE, related_name="loads")
    number = models.PositiveIntegerField(_("版本号"))
    mode = models.CharField(_("加载方式"), max_length=10, choices=LoadModeChoices.choices)
    key_item = models.ForeignKey(
        "catalog.InfoItem", verbose_name=_("主键信息项"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=LoadStatusChoices.choices, default=LoadStatusChoices.QUEUED, db_index=True
    )
    source_name = models.CharField(_("来源文件"), max_length=255)
    source_path = models.CharField(_("文件位置"), max_length=500, blank=True)
    encoding = models.CharField(_("文件编码"), max_length=20, blank=True)
    rows_read = models.BigIntegerField(_("读取行数"), default=0)
    rows_loaded = models.BigIntegerField(_("加载行数"), default=0)
    rows_rejected = models.BigIntegerField(_("拒绝行数"), default=0)
    progress = models.PositiveSmallIntegerField(_("进度（%）"), default=0)
    phase = models.CharField(_("阶段"), max_length=100, blank=True, choices=LoadPhaseChoices.choices)
    message = models.TextField(_("说明"), blank=True)
    error_report_path = models.CharField(_("错误报告"), max_length=500, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    created = models.DateTimeField(_("提交时间"), auto_now_add=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    # The process running the load ("host:pid") and when it last reported: a load whose process died is found
    # by `services.mark_stale_loads` and marked failed (its transaction was rolled back, so no data changed).
    worker = models.CharField(_("执行进程"), max_length=100, blank=True)
    heartbeat_at = models.DateTimeField(_("最近心跳"), null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("数据加载")
        verbose_name_plural = _("数据加载")
        ordering = ["data_table", "-number"]
        constraints = [models.UniqueConstraint(fields=["data_table", "number"], name="tableload_unique_number")]

    def __str__(self):
        return f"{self.data_table} #{self.number}"

    @staticmethod
    def restrict_for(queryset, user, action):
        """Loads of the provider department's tables, as for DataTable."""
        scope = _provider_scope(user, action, "data_table__resource__provider_id")
        return queryset.none() if scope is None else queryset.filter(scope)

    @property
    def is_finished(self):
        return self.status in LoadStatusChoices.FINISHED

"""Mounted tables (库表挂接): the typed table in the platform database that holds a resource's data, and its loads.

The physical table is not a Django model: its columns follow the resource's info items, so it is created and
loaded by `datastore.services` and read by the data plane (`govshare.delivery`). Its layout is documented in
docs/exchange.md and described by `DataTable.columns`.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from govshare.core.models import ChangeLoggedModel

from .choices import LoadModeChoices, LoadStatusChoices

__all__ = ["DataTable", "TableLoad"]


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
    phase = models.CharField(_("阶段"), max_length=100, blank=True)
    message = models.TextField(_("说明"), blank=True)
    error_report_path = models.CharField(_("错误报告"), max_length=500, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    created = models.DateTimeField(_("提交时间"), auto_now_add=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("数据加载")
        verbose_name_plural = _("数据加载")
        ordering = ["data_table", "-number"]
        constraints = [models.UniqueConstraint(fields=["data_table", "number"], name="tableload_unique_number")]

    def __str__(self):
        return f"{self.data_table} #{self.number}"

"""The information system inventory (政务信息系统审计清单): every system a department runs, and its usage."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from govshare.core.models import PrimaryModel
from govshare.users.choices import RoleChoices

from .choices import DeploymentChoices, NetworkChoices, SystemStatusChoices, UsageSourceChoices

__all__ = ["InformationSystem", "SystemUsage"]


class InformationSystem(PrimaryModel):
    """One government information system as the audit list records it (审计清单的一行)."""

    number = models.CharField(_("清单编号"), max_length=40, blank=True)
    name = models.CharField(_("系统名称"), max_length=200)
    function = models.TextField(_("主要功能"), max_length=4000)
    scope_of_use = models.CharField(_("使用范围"), max_length=500, blank=True)
    frequency_of_use = models.CharField(_("使用频度"), max_length=100, blank=True)
    approving_department = models.CharField(_("审批部门"), max_length=200, blank=True)
    approval_date = models.DateField(_("审批时间"), null=True, blank=True)
    funding_source = models.CharField(_("资金来源"), max_length=200, blank=True)
    annual_om_cost = models.DecimalField(
        _("年运维费用（万元）"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    construction_unit = models.CharField(_("建设单位"), max_length=200, blank=True)
    network = models.CharField(_("部署网络"), max_length=20, choices=NetworkChoices.choices)
    deployment = models.CharField(_("部署方式"), max_length=20, choices=DeploymentChoices.choices)
    protection_level = models.PositiveSmallIntegerField(_("等级保护级别"), null=True, blank=True)
    protection_filing_number = models.CharField(_("等保备案号"), max_length=100, blank=True)
    owner = models.ForeignKey(
        "organizations.Department", verbose_name=_("所属部门"), on_delete=models.PROTECT,
        related_name="information_systems",
    )
    owner_office = models.ForeignKey(
        "organizations.Office", verbose_name=_("使用处室"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="information_systems",
    )
    status = models.CharField(
        _("状态"), max_length=20, choices=SystemStatusChoices.choices, default=SystemStatusChoices.IN_USE,
        db_index=True,
    )
    integrated_into = models.ForeignKey(
        "self", verbose_name=_("整合至"), null=True, blank=True, on_delete=models.SET_NULL, related_name="integrated",
    )
    replaced_by = models.ForeignKey(
        "self", verbose_name=_("替代系统"), null=True, blank=True, on_delete=models.SET_NULL, related_name="replaced",
    )
    connected_to_platform = models.BooleanField(_("已接入共享平台"), default=False)
    source_resources = models.ManyToManyField(
        "catalog.Resource", verbose_name=_("来源资源"), blank=True, related_name="source_systems",
    )

    class Meta:
        verbose_name = _("信息系统")
        verbose_name_plural = _("信息系统")
        ordering = ["owner", "name"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "name"], name="informationsystem_unique_name_in_department"),
            models.CheckConstraint(
                condition=Q(protection_level__isnull=True) | Q(protection_level__gte=1, protection_level__lte=5),
                name="informationsystem_protection_level_1_to_5",
            ),
        ]

    def __str__(self):
        return self.name

    @staticmethod
    def restrict_for(queryset, user, action):
        """Platform admins all; the competent authority its jurisdiction; a department its own (changed by its
        department admin)."""
        if user.has_role(RoleChoices.PLATFORM_ADMIN):
            return queryset
        if user.department_id and user.has_role(RoleChoices.AUTHORITY_OFFICER):
            scope = Q(owner__jurisdiction_id__in=user.department.jurisdiction.descendant_ids())
            return queryset.filter(scope | Q(owner_id=user.department_id))
        if action == "view" and user.has_role(RoleChoices.AUDIT_ADMIN):
            return queryset
        if action == "view" or user.has_role(RoleChoices.DEPARTMENT_ADMIN):
            return queryset.filter(owner_id=user.department_id) if user.department_id else queryset.none()
        return queryset.none()


class SystemUsage(models.Model):
    """Usage of a system in one month: pushed by the system (API), imported from CSV, or filled in."""

    system = models.ForeignKey(
        InformationSystem, verbose_name=_("信息系统"), on_delete=models.CASCADE, related_name="usage"
    )
    month = models.DateField(_("月份"), help_text=_("当月第一天"))
    monthly_active_users = models.PositiveIntegerField(_("月活跃用户数"), null=True, blank=True)
    visits = models.PositiveIntegerField(_("访问次数"), null=True, blank=True)
    last_used_on = models.DateField(_("最近使用日期"), null=True, blank=True)
    last_maintained_on = models.DateField(_("最近运维日期"), null=True, blank=True)
    resource_utilisation = models.DecimalField(
        _("资源利用率（%）"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    source = models.CharField(_("来源"), max_length=10, choices=UsageSourceChoices.choices)
    recorded = models.DateTimeField(_("记录时间"), auto_now=True)

    class Meta:
        verbose_name = _("使用情况")
        verbose_name_plural = _("使用情况")
        ordering = ["system", "-month"]
        constraints = [models.UniqueConstraint(fields=["system", "month"], name="systemusage_unique_month")]

    def __str__(self):
        return f"{self.system} {self.month:%Y-%m}"

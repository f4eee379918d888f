"""The information resource catalogue: classification, entries (资源目录), info items, versions, update duties."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from govshare.core.models import ChangeLoggedModel, PrimaryModel
from govshare.users.choices import RoleChoices

from .choices import (
    DataTypeChoices,
    DutyChangeKindChoices,
    EntryStatusChoices,
    FormatCategoryChoices,
    OpenTypeChoices,
    ShareModeChoices,
    ShareTypeChoices,
    UpdateCycleChoices,
    VersionStatusChoices,
)

__all__ = ["Classification", "CodeSequence", "InfoItem", "Resource", "ResourceVersion", "UpdateDuty"]


class Classification(ChangeLoggedModel):
    """A node of the four-level classification 类/项/目/细目; its full code is the front part of resource codes."""

    LEVEL_LABELS = {1: _("类"), 2: _("项"), 3: _("目"), 4: _("细目")}
    # Digits of the code segment at each level (细目 is variable; two is the common width).
    SEGMENT_WIDTH = {1: 1, 2: 2, 3: 3}

    parent = models.ForeignKey(
        "self", verbose_name=_("上级分类"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    level = models.PositiveSmallIntegerField(_("层级"))
    segment = models.CharField(_("本级代码"), max_length=8)
    full_code = models.CharField(_("分类代码"), max_length=20, unique=True)
    name = models.CharField(_("分类名称"), max_length=100)

    class Meta:
        verbose_name = _("资源分类")
        verbose_name_plural = _("资源分类")
        ordering = ["full_code"]
        constraints = [
            models.CheckConstraint(condition=Q(level__gte=1, level__lte=4), name="classification_level_1_to_4"),
        ]

    def __str__(self):
        return f"{self.full_code} {self.name}"

    @property
    def category(self):
        return self.full_code[0]

    def save(self, *args, **kwargs):
        self.level = (self.parent.level + 1) if self.parent_id else 1
        self.full_code = (self.parent.full_code if self.parent_id else "") + self.segment
        super().save(*args, **kwargs)

    def path(self):
        """The chain 类 → … → this node."""
        nodes, node = [], self
        while node is not None:
            nodes.append(node)
            node = node.parent
        return list(reversed(nodes))


class CodeSequence(models.Model):
    """The last sequence number given under a classification code, so a resource code is never reused."""

    prefix = models.CharField(max_length=20, unique=True)
    last_value = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("代码序号")
        verbose_name_plural = _("代码序号")

    def __str__(self):
        return f"{self.prefix}: {self.last_value}"


class Resource(PrimaryModel):
    """A catalogue entry (政务信息资源目录条目) with the core metadata of the national guideline.

    Before first publication the entry itself is edited. Once published, its fields are what everyone sees;
    a change is kept as a ResourceVersion under review and applied to the entry only when approved.
    """

    classification = models.ForeignKey(
        Classification, verbose_name=_("资源分类"), on_delete=models.PROTECT, related_name="resources"
    )
    code_sequence = models.PositiveIntegerField(_("顺序码"), null=True, blank=True, editable=False)
    code = models.CharField(_("资源代码"), max_length=40, unique=True, null=True, blank=True, editable=False)
    name = models.CharField(_("资源名称"), max_length=200)
    provider = models.ForeignKey(
        "organizations.Department", verbose_name=_("资源提供方"), on_delete=models.PROTECT, related_name="resources"
    )
    provider_office = models.ForeignKey(
        "organizations.Office", verbose_name=_("内设机构"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="resources",
    )
    source_system = models.CharField(_("来源系统"), max_length=200, blank=True)
    abstract = models.TextField(_("资源摘要"), max_length=2000)
    format_category = models.CharField(_("资源格式分类"), max_length=20, choices=FormatCategoryChoices.choices)
    format_type = models.CharField(_("资源格式类型"), max_length=40, blank=True)
    share_type = models.CharField(_("共享类型"), max_length=20, choices=ShareTypeChoices.choices)
    share_condition = models.CharField(_("共享条件"), max_length=500, blank=True)
    share_basis = models.CharField(_("不予共享依据"), max_length=500, blank=True)
    share_mode = models.CharField(_("共享方式"), max_length=20, choices=ShareModeChoices.choices, blank=True)
    open_type = models.CharField(_("开放属性"), max_length=20, choices=OpenTypeChoices.choices)
    open_condition = models.CharField(_("开放条件"), max_length=500, blank=True)
    update_cycle = models.CharField(_("更新周期"), max_length=20, choices=UpdateCycleChoices.choices)
    published_on = models.DateField(_("发布日期"), null=True, blank=True)
    related_codes = models.JSONField(_("关联资源代码"), default=list, blank=True)
    status = models.CharField(
        _("状态"), max_length=20, choices=EntryStatusChoices.choices, default=EntryStatusChoices.DRAFT, db_index=True
    )
    version = models.PositiveIntegerField(_("现行版本号"), default=0)
    withdrawn_reason = models.CharField(_("注销原因"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("资源目录")
        verbose_name_plural = _("资源目录")
        ordering = ["-last_updated", "-id"]
        indexes = [
            models.Index(fields=["provider", "status"], name="resource_provider_status_idx"),
            models.Index(fields=["share_type"], name="resource_share_type_idx"),
            models.Index(fields=["open_type"], name="resource_open_type_idx"),
            models.Index(fields=["update_cycle"], name="resource_update_cycle_idx"),
            models.Index(fields=["format_category"], name="resource_format_idx"),
            # Search checks each match against the caller's queryset by id: index-only (migration 0004).
            models.Index(
                fields=[
                    "id", "status", "provider", "share_type", "open_type", "format_category", "update_cycle",
                    "classification",
                ],
                name="resource_visible_idx",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["classification", "code_sequence"], name="resource_unique_sequence_in_classification"
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def category(self):
        return self.classification.category

    @property
    def is_editable(self):
        return self.status in EntryStatusChoices.EDITABLE

    @staticmethod
    def restrict_for(queryset, user, action):
        """Published entries are visible to anyone logged in; drafts to their department and its reviewers."""
        if user.has_role(RoleChoices.PLATFORM_ADMIN):
            return queryset
        reviewer_scope = Q()
        if user.department_id and user.has_role(RoleChoices.REVIEWER, RoleChoices.AUTHORITY_OFFICER):
            reviewer_scope = Q(provider__jurisdiction_id__in=user.department.jurisdiction.descendant_ids())
        own = Q(provider_id=user.department_id) if user.department_id else Q(pk__in=[])
        if action == "view":
            condition = Q(status__in=[EntryStatusChoices.PUBLISHED, EntryStatusChoices.WITHDRAWN]) | own
            if reviewer_scope:
                condition |= reviewer_scope
            return queryset.filter(condition)
        if action == "change":
            if user.has_role(RoleChoices.CATALOGUER, RoleChoices.DEPARTMENT_ADMIN):
                return queryset.filter(own)
            return queryset.none()
        if action == "review":
            return queryset.filter(reviewer_scope) if reviewer_scope else queryset.none()
        return queryset.none()


class InfoItem(ChangeLoggedModel):
    """One info item (信息项) of a resource, with its own share and open attributes."""

    resource = models.ForeignKey(Resource, verbose_name=_("资源"), on_delete=models.CASCADE, related_name="items")
    position = models.PositiveIntegerField(_("序号"), default=0)
    name = models.CharField(_("信息项名称"), max_length=100)
    code = models.CharField(_("英文名称/代码"), max_length=64, blank=True)
    data_type = models.CharField(_("数据类型"), max_length=1, choices=DataTypeChoices.choices)
    length = models.PositiveIntegerField(_("数据长度"), null=True, blank=True)
    description = models.CharField(_("说明"), max_length=500, blank=True)
    is_sensitive = models.BooleanField(_("敏感"), default=False)
    is_basic = models.BooleanField(_("基本信息项"), default=False)
    share_type = models.CharField(_("共享类型"), max_length=20, choices=ShareTypeChoices.choices)
    share_condition = models.CharField(_("共享条件"), max_length=500, blank=True)
    open_type = models.CharField(_("开放属性"), max_length=20, choices=OpenTypeChoices.choices)

    class Meta:
        verbose_name = _("信息项")
        verbose_name_plural = _("信息项")
        ordering = ["resource", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["resource", "name"], name="infoitem_unique_name_in_resource"),
        ]

    def __str__(self):
        return self.name


class ResourceVersion(ChangeLoggedModel):
    """One reviewed version of an entry: the complete snapshot (fields and info items), who and when."""

    resource = models.ForeignKey(Resource, verbose_name=_("资源"), on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("版本号"))
    status = models.CharField(_("状态"), max_length=20, choices=VersionStatusChoices.choices, db_index=True)
    snapshot = models.JSONField(_("内容"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("编制人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("审核人"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    review_comment = models.CharField(_("审核意见"), max_length=1000, blank=True)
    change_summary = models.CharField(_("变更说明"), max_length=500, blank=True)

    changelog_exclude = ("created", "last_updated", "snapshot")

    class Meta:
        verbose_name = _("目录版本")
        verbose_name_plural = _("目录版本")
        ordering = ["resource", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["resource", "number"], name="resourceversion_unique_number"),
            # At most one version of an entry can be in progress (being edited, in review or returned).
            models.UniqueConstraint(
                fields=["resource"],
                condition=Q(status__in=["draft", "submitted", "returned"]),
                name="resourceversion_one_pending_per_resource",
            ),
        ]

    def __str__(self):
        return f"{self.resource} v{self.number}"


class UpdateDuty(PrimaryModel):
    """A change of law or duties that obliges a department to update its catalogue within 15 working days."""

    department = models.ForeignKey(
        "organizations.Department", verbose_name=_("部门"), on_delete=models.CASCADE, related_name="update_duties"
    )
    kind = models.CharField(_("变化类型"), max_length=10, choices=DutyChangeKindChoices.choices)
    title = models.CharField(_("变化事项"), max_length=200)
    occurred_on = models.DateField(_("发生日期"))
    due_on = models.DateField(_("更新期限"))
    due_is_estimate = models.BooleanField(_("期限为估算"), default=False)
    completed_on = models.DateField(_("完成日期"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("目录更新任务")
        verbose_name_plural = _("目录更新任务")
        ordering = ["completed_on", "due_on"]

    def __str__(self):
        return self.title

    def is_overdue(self, today=None):
        from django.utils import timezone

        today = today or timezone.localdate()
        return self.completed_on is None and today > self.due_on

    @staticmethod
    def restrict_for(queryset, user, action):
        if user.has_role(RoleChoices.PLATFORM_ADMIN):
            return queryset
        if user.department_id and user.has_role(RoleChoices.AUTHORITY_OFFICER, RoleChoices.REVIEWER):
            scope = Q(department__jurisdiction_id__in=user.department.jurisdiction.descendant_ids())
            return queryset.filter(scope | Q(department_id=user.department_id))
        if action == "view":
            return queryset.filter(department_id=user.department_id)
        if user.has_role(RoleChoices.DEPARTMENT_ADMIN):
            return queryset.filter(department_id=user.department_id)
        return queryset.none()

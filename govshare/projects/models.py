"""Project filing (项目备案): a department files an IT project's build or O&M funding with the competent authority; the
platform checks it against the sharing rules and the inventory; the development-reform and finance departments give
their opinions, the authority approves or refuses with reasons, and acceptance (验收) needs the systems registered,
connected and their resources mounted. Each submission is a review round; every step is kept on the timeline."""


from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# attachment_path stays importable from here: the first migration refers to it.
from govshare.core.attachments import attachment_path  # noqa: F401
from govshare.core.models import AttachmentModel, ChangeLoggedModel, PrimaryModel, attachment_file_field
from govshare.users.choices import RoleChoices

from .choices import (
    FundingChannelChoices,
    OpinionChoices,
    ProjectStatusChoices,
    ProjectStepChoices,
    ReviewDecisionChoices,
    ReviewerKindChoices,
)

__all__ = [
    "FILING_ROLES",
    "Project",
    "ProjectAttachment",
    "ProjectEvent",
    "ProjectReview",
    "ProjectSequence",
    "ReviewOpinion",
    "ReviewerDepartment",
    "attachment_storage",
    "authority_scope",
]

# Who files and edits a department's projects.
FILING_ROLES = (RoleChoices.DEPARTMENT_ADMIN,)


def attachment_storage():
    """Project documents live under the data dir (a callable, so migrations do not freeze the location)."""
    return FileSystemStorage(location=settings.DATA_DIR / "projects")




def authority_scope(user, field="construction_unit"):
    """The condition on `<field>__jurisdiction` for an authority officer of a competent authority (its jurisdiction
    and those below it); None for anyone else."""
    if not user.department_id or not user.has_role(RoleChoices.AUTHORITY_OFFICER):
        return None
    if not user.department.is_competent_authority:
        return None
    return Q(**{f"{field}__jurisdiction_id__in": user.department.jurisdiction.descendant_ids()})


class ReviewerDepartment(ChangeLoggedModel):
    """A department that gives the development-reform or the finance opinion on the projects of its jurisdiction.

    Its users holding the shared "reviewer" role are the reviewers; platform admins keep this list (a model rather
    than a setting, because every jurisdiction has its own 发改委 and 财政局).
    """

    kind = models.CharField(_("会审部门类别"), max_length=20, choices=ReviewerKindChoices.choices)
    department = models.ForeignKey(
        "organizations.Department", verbose_name=_("部门"), on_delete=models.CASCADE,
        related_name="project_reviewer_roles",
    )

    class Meta:
        verbose_name = _("会审部门")
        verbose_name_plural = _("会审部门")
        ordering = ["department__jurisdiction__division_code", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "department"], name="reviewerdepartment_unique_kind_department"),
        ]

    def __str__(self):
        return f"{ReviewerKindChoices.label(self.kind)}：{self.department}"

    @staticmethod
    def restrict_for(queryset, user, action):
        """Everyone signed in sees the list; platform admins change it."""
        if action == "view":
            return queryset
        if user.has_role(RoleChoices.PLATFORM_ADMIN):
            return queryset
        return queryset.none()


class ProjectSequence(models.Model):
    """The last serial number given in a year, so project numbers (XM-2026-000123) are never reused."""

    year = models.PositiveIntegerField(_("年度"), unique=True)
    last_value = models.PositiveIntegerField(_("最新序号"), default=0)

    class Meta:
        verbose_name = _("项目编号序列")
        verbose_name_plural = _("项目编号序列")

    def __str__(self):
        return f"{self.year}: {self.last_value}"


class Project(PrimaryModel):
    """An IT project filed for build or O&M funding (政务信息化项目备案)."""

    number = models.CharField(_("备案编号"), max_length=20, unique=True)
    name = models.CharField(_("项目名称"), max_length=200)
    construction_unit = models.ForeignKey(
        "organizations.Department", verbose_name=_("建设单位"), on_delete=models.PROTECT, related_name="projects"
    )
    construction_unit_detail = models.CharField(
        _("承建处室/单位"), max_length=200, blank=True,
        help_text=_("具体负责建设的内设机构或承建单位"),
    )
    funding_channel = models.CharField(_("经费渠道"), max_length=20, choices=FundingChannelChoices.choices)
    investment = models.DecimalField(_("投资额度（万元）"), max_digits=12, decimal_places=2, default=0)
    annual_om_cost = models.DecimalField(_("年运维费用（万元）"), max_digits=12, decimal_places=2, default=0)
    function = models.TextField(_("建设内容及主要功能"), max_length=4000)
    planned_resources = models.ManyToManyField(
        "catalog.Resource", verbose_name=_("数据资源"), blank=True, related_name="projects"
    )
    systems = models.ManyToManyField(
        "inventory.InformationSystem", verbose_name=_("应用系统"), blank=True, related_name="projects"
    )
    plans_to_connect = models.BooleanField(_("计划接入共享平台"), default=False)
    protection_level = models.PositiveSmallIntegerField(_("等级保护级别"), null=True, blank=True)
    protection_filing_number = models.CharField(_("等保备案号"), max_length=100, blank=True)
    status = models.CharField(
        _("状态"), max_length=24, choices=ProjectStatusChoices.choices, default=ProjectStatusChoices.DRAFT,
        db_index=True,
    )
    round = models.PositiveIntegerField(_("审查轮次"), default=0)
    compliant = models.BooleanField(_("合规"), null=True, blank=True, help_text=_("最近一次提交时的合规检查结论"))
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    decided_at = models.DateTimeField(_("决定时间"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("验收时间"), null=True, blank=True)
    acceptance_result = models.JSONField(_("最近验收检查"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("填报人"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("项目备案")
        verbose_name_plural = _("项目备案")
        ordering = ["-created", "-id"]
        indexes = [
            models.Index(fields=["construction_unit", "status"], name="project_unit_status_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(protection_level__isnull=True) | Q(protection_level__gte=1, protection_level__lte=5),
                name="project_protection_level_1_to_5",
            ),
            models.CheckConstraint(
                condition=Q(investment__gte=0) & Q(annual_om_cost__gte=0), name="project_amounts_not_negative"
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def is_editable(self):
        return self.status in ProjectStatusChoices.EDITABLE

    @property
    def current_review(self):
        return self.reviews.filter(round=self.round).first() if self.round else None

    @staticmethod
    def restrict_for(queryset, user, action):
        """view: the construction unit's users, the competent authority of its jurisdiction (and above), and the
        reviewer departments it was sent to; change (edit, submit, ask for acceptance): the construction unit's
        department admin; opine: the reviewers of a department whose opinion is pending; decide (approval and
        acceptance): the competent authority's officers. Platform admins see everything and decide nothing."""
        department_id = user.department_id
        authority = authority_scope(user)
        if action == "view":
            if user.has_role(RoleChoices.PLATFORM_ADMIN):
                return queryset
            if not department_id:
                return queryset.none()
            condition = Q(construction_unit_id=department_id)
            if authority is not None:
                condition |= authority
            if user.has_role(RoleChoices.REVIEWER):
                sent = ReviewOpinion.objects.filter(department_id=department_id).values("review__project_id")
                condition |= Q(pk__in=sent)
            return queryset.filter(condition)
        if action == "change":
            if department_id and user.has_role(*FILING_ROLES):
                return queryset.filter(construction_unit_id=department_id)
            return queryset.none()
        if action == "opine":
            if department_id and user.has_role(RoleChoices.REVIEWER):
                pending = ReviewOpinion.objects.filter(
                    department_id=department_id, opinion=OpinionChoices.PENDING
                ).values("review__project_id")
                return queryset.filter(pk__in=pending)
            return queryset.none()
        if action == "decide":
            return queryset.filter(authority) if authority is not None else queryset.none()
        return queryset.none()


class ProjectReview(ChangeLoggedModel):
    """One review round: the submission with its compliance snapshot, the opinions, and the authority's decision."""

    project = models.ForeignKey(Project, verbose_name=_("项目"), on_delete=models.CASCADE, related_name="reviews")
    round = models.PositiveIntegerField(_("轮次"))
    submitted_at = models.DateTimeField(_("提交时间"), default=timezone.now)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("提交人"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    compliance = models.JSONField(_("提交时合规检查"), default=list, blank=True)
    compliant = models.BooleanField(_("提交时合规"), default=False)
    decision = models.CharField(
        _("决定"), max_length=10, choices=ReviewDecisionChoices.choices, default=ReviewDecisionChoices.PENDING
    )
    decision_reason = models.TextField(_("决定理由"), blank=True)
    decision_compliance = models.JSONField(_("决定时合规检查"), default=list, blank=True)
    decided_at = models.DateTimeField(_("决定时间"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("决定人"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("审查轮次")
        verbose_name_plural = _("审查轮次")
        ordering = ["project", "-round"]
        constraints = [models.UniqueConstraint(fields=["project", "round"], name="projectreview_unique_round")]

    def __str__(self):
        return f"{self.project} #{self.round}"


class ReviewOpinion(ChangeLoggedModel):
    """The opinion of one reviewer department (development reform or finance) in one round; pending until given."""

    review = models.ForeignKey(
        ProjectReview, verbose_name=_("审查轮次"), on_delete=models.CASCADE, related_name="opinions"
    )
    kind = models.CharField(_("会审部门类别"), max_length=20, choices=ReviewerKindChoices.choices)
    department = models.ForeignKey(
        "organizations.Department", verbose_name=_("会审部门"), on_delete=models.PROTECT, related_name="+"
    )
    opinion = models.CharField(
        _("意见"), max_length=10, choices=OpinionChoices.choices, default=OpinionChoices.PENDING, db_index=True
    )
    text = models.TextField(_("意见说明"), blank=True)
    given_at = models.DateTimeField(_("出具时间"), null=True, blank=True)
    given_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("出具人"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("会审意见")
        verbose_name_plural = _("会审意见")
        ordering = ["review", "kind"]
        constraints = [models.UniqueConstraint(fields=["review", "kind"], name="reviewopinion_unique_kind")]
        indexes = [models.Index(fields=["department", "opinion"], name="reviewopinion_department_idx")]

    def __str__(self):
        return f"{self.review} {ReviewerKindChoices.label(self.kind)}"


class ProjectEvent(models.Model):
    """One step on a project's timeline: who did what, in which round, with what text (and what was missing)."""

    project = models.ForeignKey(Project, verbose_name=_("项目"), on_delete=models.CASCADE, related_name="events")
    step = models.CharField(_("环节"), max_length=24, choices=ProjectStepChoices.choices)
    round = models.PositiveIntegerField(_("轮次"), default=0)
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
    detail = models.JSONField(_("明细"), default=list, blank=True)

    class Meta:
        verbose_name = _("项目办理记录")
        verbose_name_plural = _("项目办理记录")
        ordering = ["project", "time", "id"]

    def __str__(self):
        return f"{self.project} {self.get_step_display()}"


class ProjectAttachment(AttachmentModel):
    """A document of a project (可研报告、等保备案证明…), stored under the data dir; the original name is kept here."""

    project = models.ForeignKey(
        Project, verbose_name=_("项目"), on_delete=models.CASCADE, related_name="attachments"
    )
    file = attachment_file_field(attachment_storage)

    class Meta:
        verbose_name = _("项目附件")
        verbose_name_plural = _("项目附件")
        ordering = ["project", "id"]

    @staticmethod
    def restrict_for(queryset, user, action):
        """Whoever may see the project may read its documents."""
        return queryset.filter(project__in=Project.objects.restrict(user, "view"))

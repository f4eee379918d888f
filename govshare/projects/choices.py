"""Every enumeration of project filing (项目备案), declared once (value, Chinese label, badge colour)."""

from django.utils.translation import gettext_lazy as _

from govshare.core.choices import ChoiceSet

__all__ = [
    "CheckResultChoices",
    "FundingChannelChoices",
    "OpinionChoices",
    "ProjectStatusChoices",
    "ProjectStepChoices",
    "ReviewDecisionChoices",
    "ReviewerKindChoices",
]


class ProjectStatusChoices(ChoiceSet):
    """draft → submitted (opinions of the reviewer departments) → reviewed (the authority decides) → approved or
    refused (→ edited and submitted again, a new round) ; approved → acceptance requested → accepted or acceptance
    refused (→ requested again once fixed)."""

    DRAFT = "draft"
    SUBMITTED = "submitted"
    REVIEWED = "reviewed"
    APPROVED = "approved"
    REFUSED = "refused"
    ACCEPTANCE_REQUESTED = "acceptance_requested"
    ACCEPTED = "accepted"
    ACCEPTANCE_REFUSED = "acceptance_refused"
    CHOICES = [
        (DRAFT, _("草稿"), "grey"),
        (SUBMITTED, _("会审中"), "orange"),
        (REVIEWED, _("待主管部门决定"), "purple"),
        (APPROVED, _("已批准"), "green"),
        (REFUSED, _("未通过"), "red"),
        (ACCEPTANCE_REQUESTED, _("待验收"), "blue"),
        (ACCEPTED, _("已验收"), "teal"),
        (ACCEPTANCE_REFUSED, _("验收未通过"), "red"),
    ]
    # The department edits the filing only before it is submitted or after a refusal (for the next round).
    EDITABLE = (DRAFT, REFUSED)
    # The filing is with the reviewers and the authority.
    IN_REVIEW = (SUBMITTED, REVIEWED)
    # Acceptance may be asked for once approved, and again after a failed acceptance.
    ACCEPTANCE_REQUESTABLE = (APPROVED, ACCEPTANCE_REFUSED)


class FundingChannelChoices(ChoiceSet):
    """The funding asked for (经费渠道). O&M funding is for systems that already exist."""

    CONSTRUCTION = "construction"
    UPGRADE = "upgrade"
    OM = "om"
    CHOICES = [
        (CONSTRUCTION, _("建设资金"), "blue"),
        (UPGRADE, _("升级改造资金"), "purple"),
        (OM, _("运维资金"), "orange"),
    ]
    # Channels whose project funds existing systems: it must name them.
    FOR_EXISTING_SYSTEMS = (UPGRADE, OM)


class ReviewerKindChoices(ChoiceSet):
    """The departments that give an opinion before the competent authority decides (发改、财政会审)."""

    DEVELOPMENT_REFORM = "development_reform"
    FINANCE = "finance"
    CHOICES = [
        (DEVELOPMENT_REFORM, _("发展改革部门"), "blue"),
        (FINANCE, _("财政部门"), "green"),
    ]


class OpinionChoices(ChoiceSet):
    PENDING = "pending"
    AGREE = "agree"
    DISAGREE = "disagree"
    CHOICES = [
        (PENDING, _("待出具意见"), "grey"),
        (AGREE, _("同意"), "green"),
        (DISAGREE, _("不同意"), "red"),
    ]


class ReviewDecisionChoices(ChoiceSet):
    PENDING = "pending"
    APPROVED = "approved"
    REFUSED = "refused"
    CHOICES = [
        (PENDING, _("待决定"), "grey"),
        (APPROVED, _("批准"), "green"),
        (REFUSED, _("不予批准"), "red"),
    ]


class CheckResultChoices(ChoiceSet):
    """The result of one item of the compliance checklist (合规检查)."""

    PASS = "pass"
    FAIL = "fail"
    NOT_APPLICABLE = "na"
    CHOICES = [
        (PASS, _("符合"), "green"),
        (FAIL, _("不符合"), "red"),
        (NOT_APPLICABLE, _("不适用"), "grey"),
    ]


class ProjectStepChoices(ChoiceSet):
    """One step of a project's timeline (and of its audit entries)."""

    CREATED = "created"
    SUBMITTED = "submitted"
    OPINION = "opinion"
    REVIEWED = "reviewed"
    APPROVED = "approved"
    REFUSED = "refused"
    ACCEPTANCE_REQUESTED = "acceptance_requested"
    ACCEPTED = "accepted"
    ACCEPTANCE_REFUSED = "acceptance_refused"
    CHOICES = [
        (CREATED, _("创建备案"), "grey"),
        (SUBMITTED, _("提交备案"), "blue"),
        (OPINION, _("会审意见"), "purple"),
        (REVIEWED, _("会审完成"), "purple"),
        (APPROVED, _("批准"), "green"),
        (REFUSED, _("不予批准"), "red"),
        (ACCEPTANCE_REQUESTED, _("申请验收"), "blue"),
        (ACCEPTED, _("验收通过"), "teal"),
        (ACCEPTANCE_REFUSED, _("验收未通过"), "red"),
    ]

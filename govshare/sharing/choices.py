"""Every enumeration of sharing, declared once (value, Chinese label, badge colour), with the request's transitions."""

from django.utils.translation import gettext_lazy as _

from govshare.core.choices import ChoiceSet

__all__ = ["GrantBasisChoices", "RequestEventChoices", "RequestKindChoices", "RequestStatusChoices"]


class GrantBasisChoices(ChoiceSet):
    """Why a consumer holds a grant: it subscribed to unconditional data, a request was approved, or the authority
    decided a dispute."""

    SUBSCRIPTION = "subscription"
    REQUEST = "request"
    AUTHORITY = "authority"
    CHOICES = [
        (SUBSCRIPTION, _("无条件订阅"), "green"),
        (REQUEST, _("申请批准"), "blue"),
        (AUTHORITY, _("主管部门决定"), "purple"),
    ]


class RequestKindChoices(ChoiceSet):
    """A conditional resource is asked of its provider; a not-shared one only of the competent authority."""

    PROVIDER = "provider"
    AUTHORITY = "authority"
    CHOICES = [
        (PROVIDER, _("有条件共享申请"), "orange"),
        (AUTHORITY, _("不予共享资源协调申请"), "red"),
    ]


class RequestStatusChoices(ChoiceSet):
    """Where a share request stands. TRANSITIONS is the only list of allowed moves; services check against it."""

    SUBMITTED = "submitted"
    APPROVED = "approved"
    PARTIALLY_APPROVED = "partially_approved"
    REFUSED = "refused"
    NEGOTIATING = "negotiating"
    ESCALATED = "escalated"
    AUTHORITY_GRANTED = "authority_granted"
    AUTHORITY_REFUSED = "authority_refused"
    WITHDRAWN = "withdrawn"
    CHOICES = [
        (SUBMITTED, _("待答复"), "orange"),
        (APPROVED, _("已同意"), "green"),
        (PARTIALLY_APPROVED, _("部分同意"), "teal"),
        (REFUSED, _("已拒绝"), "red"),
        (NEGOTIATING, _("协商中"), "yellow"),
        (ESCALATED, _("主管部门协调中"), "purple"),
        (AUTHORITY_GRANTED, _("主管部门决定共享"), "green"),
        (AUTHORITY_REFUSED, _("主管部门决定不予共享"), "dark"),
        (WITHDRAWN, _("已撤回"), "grey"),
    ]

    TRANSITIONS = {
        SUBMITTED: (APPROVED, PARTIALLY_APPROVED, REFUSED, WITHDRAWN),
        # The consumer disputes a refusal (or the refused part of a partial approval): negotiate or go up.
        REFUSED: (NEGOTIATING, ESCALATED),
        PARTIALLY_APPROVED: (NEGOTIATING, ESCALATED),
        # Negotiation ends with the provider changing its answer, or with the authority.
        NEGOTIATING: (APPROVED, PARTIALLY_APPROVED, REFUSED, ESCALATED, WITHDRAWN),
        ESCALATED: (AUTHORITY_GRANTED, AUTHORITY_REFUSED, WITHDRAWN),
        APPROVED: (),
        AUTHORITY_GRANTED: (),
        AUTHORITY_REFUSED: (),
        WITHDRAWN: (),
    }
    # The provider has to answer (the working-day deadline runs only in SUBMITTED).
    PROVIDER_OPEN = (SUBMITTED, NEGOTIATING)
    # Still moving: someone has to act.
    OPEN = (SUBMITTED, REFUSED, PARTIALLY_APPROVED, NEGOTIATING, ESCALATED)
    FINAL = (APPROVED, AUTHORITY_GRANTED, AUTHORITY_REFUSED, WITHDRAWN)

    @classmethod
    def can_move(cls, current, target) -> bool:
        return target in cls.TRANSITIONS.get(current, ())


class RequestEventChoices(ChoiceSet):
    """One entry of a request's timeline: the steps, and the messages the departments exchange (协商)."""

    SUBMITTED = "submitted"
    APPROVED = "approved"
    PARTIALLY_APPROVED = "partially_approved"
    REFUSED = "refused"
    NEGOTIATION = "negotiation"
    COMMENT = "comment"
    ESCALATED = "escalated"
    AUTHORITY_GRANTED = "authority_granted"
    AUTHORITY_REFUSED = "authority_refused"
    WITHDRAWN = "withdrawn"
    GRANT_REVOKED = "grant_revoked"
    CHOICES = [
        (SUBMITTED, _("提交申请"), "blue"),
        (APPROVED, _("同意共享"), "green"),
        (PARTIALLY_APPROVED, _("部分同意"), "teal"),
        (REFUSED, _("拒绝共享"), "red"),
        (NEGOTIATION, _("发起协商"), "yellow"),
        (COMMENT, _("协商留言"), "grey"),
        (ESCALATED, _("提请主管部门协调"), "purple"),
        (AUTHORITY_GRANTED, _("主管部门决定共享"), "green"),
        (AUTHORITY_REFUSED, _("主管部门决定不予共享"), "dark"),
        (WITHDRAWN, _("撤回申请"), "grey"),
        (GRANT_REVOKED, _("撤销授权"), "red"),
    ]

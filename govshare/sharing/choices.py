"""Every enumeration of sharing, declared once (value, Chinese label, badge colour)."""

from django.utils.translation import gettext_lazy as _

from govshare.core.choices import ChoiceSet

__all__ = ["GrantBasisChoices"]


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

"""Every enumeration of objections (疑义/纠错), declared once (value, Chinese label, badge colour)."""

from django.utils.translation import gettext_lazy as _

from govshare.core.choices import ChoiceSet

__all__ = ["ObjectionKindChoices", "ObjectionStatusChoices", "ObjectionStepChoices"]


class ObjectionKindChoices(ChoiceSet):
    """What is disputed: the catalogue entry, a share application's outcome, the use of data, or the data itself."""

    CATALOGUE = "catalogue"
    APPLICATION = "application"
    USAGE = "usage"
    DATA_QUALITY = "data_quality"
    CHOICES = [
        (CATALOGUE, _("目录纠错"), "blue"),
        (APPLICATION, _("申请异议"), "purple"),
        (USAGE, _("使用异议"), "orange"),
        (DATA_QUALITY, _("数据质量"), "red"),
    ]


class ObjectionStatusChoices(ChoiceSet):
    """submitted → verifying → corrected / rejected / transferred (→ verifying again) → closed once rated."""

    SUBMITTED = "submitted"
    VERIFYING = "verifying"
    CORRECTED = "corrected"
    REJECTED = "rejected"
    TRANSFERRED = "transferred"
    CLOSED = "closed"
    CHOICES = [
        (SUBMITTED, _("已提交"), "blue"),
        (VERIFYING, _("核查中"), "orange"),
        (CORRECTED, _("已更正"), "green"),
        (REJECTED, _("不予更正"), "red"),
        (TRANSFERRED, _("已转办"), "purple"),
        (CLOSED, _("已办结"), "grey"),
    ]
    # Waiting for the handling department: the deadline runs.
    OPEN = (SUBMITTED, VERIFYING, TRANSFERRED)
    # Answered: waiting for the consumer's rating.
    ANSWERED = (CORRECTED, REJECTED)


class ObjectionStepChoices(ChoiceSet):
    """One step of an objection's timeline (and of its audit entries)."""

    RAISED = "raised"
    VERIFYING = "verifying"
    CORRECTED = "corrected"
    REJECTED = "rejected"
    TRANSFERRED = "transferred"
    RATED = "rated"
    REMINDED = "reminded"
    OVERDUE = "overdue"
    CHOICES = [
        (RAISED, _("提出疑义"), "blue"),
        (VERIFYING, _("开始核查"), "orange"),
        (CORRECTED, _("已更正"), "green"),
        (REJECTED, _("不予更正"), "red"),
        (TRANSFERRED, _("转办"), "purple"),
        (RATED, _("评价办结"), "grey"),
        (REMINDED, _("到期提醒"), "yellow"),
        (OVERDUE, _("逾期"), "red"),
    ]

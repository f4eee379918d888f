"""Every enumeration of the service items, declared once (value, Chinese label, badge colour)."""

from django.utils.translation import gettext_lazy as _

from govshare.core.choices import ChoiceSet

__all__ = ["MaterialSourceChoices", "ServiceItemTypeChoices"]


class ServiceItemTypeChoices(ChoiceSet):
    """The eleven kinds of government service item of the national item list (权责清单 and 公共服务)."""

    LICENSING = "licensing"
    PENALTY = "penalty"
    ENFORCEMENT = "enforcement"
    LEVY = "levy"
    BENEFIT = "benefit"
    INSPECTION = "inspection"
    CONFIRMATION = "confirmation"
    REWARD = "reward"
    ADJUDICATION = "adjudication"
    OTHER_POWER = "other_power"
    PUBLIC_SERVICE = "public_service"
    CHOICES = [
        (LICENSING, _("行政许可"), "blue"),
        (PENALTY, _("行政处罚"), "red"),
        (ENFORCEMENT, _("行政强制"), "dark"),
        (LEVY, _("行政征收"), "orange"),
        (BENEFIT, _("行政给付"), "green"),
        (INSPECTION, _("行政检查"), "purple"),
        (CONFIRMATION, _("行政确认"), "teal"),
        (REWARD, _("行政奖励"), "yellow"),
        (ADJUDICATION, _("行政裁决"), "pink"),
        (OTHER_POWER, _("其他行政权力"), "grey"),
        (PUBLIC_SERVICE, _("公共服务"), "cyan"),
    ]


class MaterialSourceChoices(ChoiceSet):
    """Where the applicant gets a required material (材料来源渠道)."""

    APPLICANT = "applicant"
    GOVERNMENT = "government"
    INTERMEDIARY = "intermediary"
    OTHER = "other"
    CHOICES = [
        (APPLICANT, _("申请人自备"), "grey"),
        (GOVERNMENT, _("政府部门核发"), "blue"),
        (INTERMEDIARY, _("中介机构出具"), "orange"),
        (OTHER, _("其他"), "dark"),
    ]

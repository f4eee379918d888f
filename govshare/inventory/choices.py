"""Every enumeration of the information system inventory, declared once (value, Chinese label, badge colour)."""

from django.utils.translation import gettext_lazy as _

from govshare.core.choices import ChoiceSet

__all__ = ["DeploymentChoices", "NetworkChoices", "SystemStatusChoices", "UsageSourceChoices"]


class NetworkChoices(ChoiceSet):
    INTERNAL = "internal"
    EXTERNAL = "external"
    DEDICATED = "dedicated"
    INTERNET = "internet"
    CHOICES = [
        (INTERNAL, _("电子政务内网"), "dark"),
        (EXTERNAL, _("电子政务外网"), "blue"),
        (DEDICATED, _("业务专网"), "purple"),
        (INTERNET, _("互联网"), "teal"),
    ]


class DeploymentChoices(ChoiceSet):
    GOV_CLOUD = "gov_cloud"
    OWN_ROOM = "own_room"
    CHOICES = [
        (GOV_CLOUD, _("政务云"), "blue"),
        (OWN_ROOM, _("自建机房"), "orange"),
    ]


class SystemStatusChoices(ChoiceSet):
    IN_USE = "in_use"
    TO_INTEGRATE = "to_integrate"
    INTEGRATED = "integrated"
    SHUT_DOWN = "shut_down"
    REPLACED = "replaced"
    CHOICES = [
        (IN_USE, _("在用"), "green"),
        (TO_INTEGRATE, _("待整合"), "orange"),
        (INTEGRATED, _("已整合"), "blue"),
        (SHUT_DOWN, _("已关停"), "dark"),
        (REPLACED, _("已替代"), "purple"),
    ]
    # Systems still running: the ones that count for zombies, funding and the "one big system" view.
    RUNNING = (IN_USE, TO_INTEGRATE)


class UsageSourceChoices(ChoiceSet):
    API = "api"
    IMPORT = "import"
    MANUAL = "manual"
    CHOICES = [
        (API, _("接口推送"), "blue"),
        (IMPORT, _("文件导入"), "teal"),
        (MANUAL, _("手工填报"), "grey"),
    ]

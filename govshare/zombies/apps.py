from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ZombiesConfig(AppConfig):
    name = "govshare.zombies"
    label = "zombies"
    verbose_name = _("僵尸系统清理")

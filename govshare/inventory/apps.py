from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InventoryConfig(AppConfig):
    name = "govshare.inventory"
    label = "inventory"
    verbose_name = _("信息系统清单")

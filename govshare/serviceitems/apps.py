from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServiceItemsConfig(AppConfig):
    name = "govshare.serviceitems"
    label = "serviceitems"
    verbose_name = _("政务服务事项")

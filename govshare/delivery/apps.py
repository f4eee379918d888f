from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeliveryConfig(AppConfig):
    name = "govshare.delivery"
    label = "delivery"
    verbose_name = _("数据服务")

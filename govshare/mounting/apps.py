from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MountingConfig(AppConfig):
    name = "govshare.mounting"
    label = "mounting"
    verbose_name = _("数据挂接")

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DatastoreConfig(AppConfig):
    name = "govshare.datastore"
    label = "datastore"
    verbose_name = _("库表数据")

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "govshare.core"
    label = "core"
    verbose_name = _("平台基础")

    def ready(self):
        from govshare import celery  # noqa: F401  (makes the configured Celery app current for shared tasks)

        from . import signals  # noqa: F401  (connects the change-history receivers)

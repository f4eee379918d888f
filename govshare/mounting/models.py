"""Data mounted behind a catalogue entry other than tables: the provider's own HTTP API (接口), files (文件) and
scheduled pulls from the provider's database. Tables live in `govshare.datastore`."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from govshare.core.models import PrimaryModel

__all__ = ["ApiEndpoint"]


class ApiEndpoint(PrimaryModel):
    """A provider's HTTP API registered behind a resource; consumers call it only through the platform's proxy."""

    resource = models.OneToOneField(
        "catalog.Resource", verbose_name=_("资源"), on_delete=models.CASCADE, related_name="api_endpoint"
    )
    base_url = models.URLField(_("接口地址"), max_length=500)
    allowed_methods = models.CharField(_("允许的方法"), max_length=50, default="GET")
    # The provider's own credential, added by the proxy; it never reaches a consumer and is left out of history.
    auth_header_name = models.CharField(_("认证头名称"), max_length=100, blank=True)
    auth_header_value = models.CharField(_("认证头取值"), max_length=1000, blank=True)
    timeout_seconds = models.PositiveSmallIntegerField(_("超时（秒）"), default=10)
    is_active = models.BooleanField(_("启用"), default=True)

    changelog_exclude = ("created", "last_updated", "auth_header_value")

    class Meta:
        verbose_name = _("接口挂接")
        verbose_name_plural = _("接口挂接")
        ordering = ["resource"]

    def __str__(self):
        return self.base_url

    @property
    def methods(self):
        return [m.strip().upper() for m in self.allowed_methods.split(",") if m.strip()]

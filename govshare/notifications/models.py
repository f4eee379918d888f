"""In-platform messages (站内消息): deadlines coming, requests waiting, data overdue."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

__all__ = ["Notification"]


class Notification(models.Model):
    """One message to one user; `key` makes a reminder idempotent (the hourly job must not repeat itself)."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("接收人"), on_delete=models.CASCADE, related_name="notifications"
    )
    subject = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    link = models.CharField(_("链接"), max_length=500, blank=True)
    key = models.CharField(_("去重键"), max_length=200, blank=True)
    created = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("站内消息")
        verbose_name_plural = _("站内消息")
        ordering = ["-created", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "key"], condition=~models.Q(key=""), name="notification_unique_key_per_user"
            )
        ]

    def __str__(self):
        return self.subject

"""The audit log's list table."""

from django.urls import reverse
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from govshare.core.tables import EMPTY, Column, Table

from .choices import AuditActionChoices, AuditResultChoices
from .models import AuditEntry

__all__ = ["AuditEntryTable"]


def _time_link(entry):
    text = formats.date_format(timezone.localtime(entry.time), "Y-m-d H:i:s")
    return format_html('<a href="{}">{}</a>', reverse("audit:entry_detail", args=[entry.pk]), text)


def _seq(entry):
    if entry.seq is None:
        return format_html('<span class="badge badge-grey">{}</span>', _("待上链"))
    return format_html("{}", entry.seq)


def _user(entry):
    return format_html("{}", entry.username) if entry.username else EMPTY


class AuditEntryTable(Table):
    """Newest first; the seq column shows entries not chained yet."""

    model = AuditEntry
    columns = [
        Column("seq", render=_seq, order_by="id"),
        Column("time", render=_time_link, order_by="id"),
        Column("username", render=_user),
        Column("department_name"),
        Column("system"),
        Column("action", choices=AuditActionChoices),
        Column("resource_code"),
        Column("record_count"),
        Column("result", choices=AuditResultChoices),
    ]
    default_ordering = "-time"

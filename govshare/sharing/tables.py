"""List tables of the sharing pages (see core.tables)."""

from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from govshare.core.tables import EMPTY, Column, Table, badge_html

from .choices import GrantBasisChoices, RequestKindChoices, RequestStatusChoices
from .models import ConsumerSystem, Grant, ShareRequest

__all__ = ["ConsumerSystemTable", "GrantTable", "ShareRequestTable", "due_html", "grant_state_html"]


def _request_title(share_request):
    url = reverse("sharing:request_detail", args=[share_request.pk])
    resource = share_request.resource
    code = format_html(' <span class="code text-muted">{}</span>', resource.code) if resource.code else ""
    return format_html('<a class="cell-title" href="{}">{}</a>{}', url, resource.name, code)


def due_html(share_request, today=None):
    """The answer deadline with its flags: 估算 when the year's holidays are not loaded, 逾期 when passed."""
    if share_request.due_on is None:
        return EMPTY
    parts = [format_html("{}", share_request.due_on.isoformat())]
    if share_request.due_is_estimate:
        parts.append(format_html(' <span class="badge badge-yellow" title="{}">{}</span>',
                                 _("该年度节假日安排未载入，期限按周末估算"), _("估算")))
    if share_request.is_overdue(today):
        parts.append(format_html(" {}", badge_html(_("逾期"), "red")))
    return format_html("{}" * len(parts), *parts)


class ShareRequestTable(Table):
    """Share requests (共享申请)."""

    model = ShareRequest
    columns = [
        Column("resource", label=_("申请资源"), render=_request_title, order_by="resource__name"),
        Column("kind", choices=RequestKindChoices, css_class="nowrap"),
        Column("consumer", order_by="consumer__name"),
        Column("resource.provider", label=_("提供部门"), order_by="resource__provider__name"),
        Column("submitted_at", css_class="nowrap"),
        Column("due_on", render=lambda row: due_html(row), order_by="due_on", css_class="nowrap"),
        Column("status", choices=RequestStatusChoices, css_class="nowrap"),
    ]
    default_ordering = "-submitted_at"
    empty_message = _("暂无共享申请")


def grant_state_html(grant, now=None):
    """有效 / 已撤销 / 已过期 / 未生效, as a badge."""
    now = now or timezone.now()
    if grant.revoked_at is not None:
        return badge_html(_("已撤销"), "red")
    if grant.valid_until is not None and grant.valid_until <= now:
        return badge_html(_("已过期"), "grey")
    if grant.valid_from > now:
        return badge_html(_("未生效"), "yellow")
    return badge_html(_("有效"), "green")


def _grant_title(grant):
    url = reverse("sharing:grant_detail", args=[grant.pk])
    return format_html('<a class="cell-title" href="{}">{}</a>', url, grant.resource.name)


class GrantTable(Table):
    """Grants (共享授权)."""

    model = Grant
    columns = [
        Column("resource", label=_("资源"), render=_grant_title, order_by="resource__name"),
        Column("consumer", order_by="consumer__name"),
        Column("system", order_by="system__name"),
        Column("basis", choices=GrantBasisChoices, css_class="nowrap"),
        Column("valid_from", css_class="nowrap"),
        Column("valid_until", css_class="nowrap"),
        Column("state", label=_("状态"), render=lambda grant: grant_state_html(grant), order_by=False,
               css_class="nowrap"),
    ]
    default_ordering = "-valid_from"
    empty_message = _("暂无共享授权")


def _system_state(system):
    return badge_html(_("启用"), "green") if system.is_active else badge_html(_("已停用"), "grey")


class ConsumerSystemTable(Table):
    """Consumer systems (应用系统)."""

    model = ConsumerSystem
    columns = [
        Column("name", link="sharing:system_detail"),
        Column("department", order_by="department__name"),
        Column("app_key", render=lambda system: format_html('<code>{}</code>', system.app_key)),
        Column("is_active", label=_("状态"), render=_system_state, order_by="is_active", css_class="nowrap"),
        Column("created", css_class="nowrap"),
    ]
    default_ordering = "name"
    empty_message = _("暂无应用系统")

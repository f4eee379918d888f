"""Tables of the mounting pages: the provider's overview and the authority's overdue list."""

from django.contrib.humanize.templatetags.humanize import intcomma
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from govshare.catalog.choices import UpdateCycleChoices
from govshare.catalog.models import Resource
from govshare.core.tables import EMPTY, Column, Table, badge_html

__all__ = ["MountOverviewTable", "OverdueTable"]


def _when(value):
    if not value:
        return EMPTY
    return format_html('<span class="nowrap">{}</span>', formats.date_format(timezone.localtime(value), "Y-m-d H:i"))


def _name(resource):
    url = reverse("mounting:resource", args=[resource.pk])
    code = format_html('<div class="code text-muted">{}</div>', resource.code) if resource.code else ""
    return format_html('<a class="cell-title" href="{}">{}</a>{}', url, resource.name, code)


def _cycle(resource):
    return format_html("{}", UpdateCycleChoices.label(resource.update_cycle))


def _table(resource):
    data_table = getattr(resource, "data_table", None) if _has(resource, "data_table") else None
    if data_table is None:
        return EMPTY
    return format_html(
        '<span class="nowrap">{}</span> <span class="text-muted nowrap">v{}</span>',
        _("%(n)s 行") % {"n": intcomma(data_table.row_count)}, data_table.version,
    )


def _last_load(resource):
    data_table = getattr(resource, "data_table", None) if _has(resource, "data_table") else None
    return _when(data_table.last_loaded_at if data_table else None)


def _files(resource):
    count = getattr(resource, "file_count", 0)
    return format_html("{}", count) if count else EMPTY


def _api(resource):
    endpoint = getattr(resource, "api_endpoint", None) if _has(resource, "api_endpoint") else None
    if endpoint is None:
        return EMPTY
    return badge_html(_("已启用"), "green") if endpoint.is_active else badge_html(_("已停用"), "grey")


def _pull(resource):
    from .choices import PullStatusChoices

    source = getattr(resource, "pull_source", None) if _has(resource, "pull_source") else None
    if source is None:
        return EMPTY
    return badge_html(PullStatusChoices.label(source.last_status), PullStatusChoices.colour(source.last_status))


def _timeliness(resource):
    state = resource.timeliness
    due = ""
    if state.due_at:
        due = format_html(
            '<div class="text-muted nowrap">{}</div>',
            _("应于 %(d)s 前") % {"d": formats.date_format(timezone.localtime(state.due_at), "Y-m-d")},
        )
    return format_html("{}{}", badge_html(state.label, state.colour), due)


def _has(resource, name):
    try:
        getattr(resource, name)
    except Exception:  # a missing reverse one-to-one
        return False
    return True


class MountOverviewTable(Table):
    """The provider's published resources and what is mounted behind each."""

    model = Resource
    columns = [
        Column("name", _("资源"), render=_name, order_by="name", css_class="col-name"),
        Column("update_cycle", render=_cycle, order_by="update_cycle", css_class="nowrap"),
        Column("data_table", _("库表"), render=_table, order_by="data_table__row_count"),
        Column("last_loaded_at", _("最近加载"), render=_last_load, order_by="data_table__last_loaded_at"),
        Column("timeliness", _("及时性"), render=_timeliness, order_by=False),
        Column("file_count", _("文件"), render=_files, order_by="file_count"),
        Column("api_endpoint", _("接口"), render=_api, order_by=False),
        Column("pull_source", _("定时抽取"), render=_pull, order_by=False),
    ]
    default_ordering = "name"
    empty_message = _("没有可挂接的已发布资源")


def _provider(resource):
    return format_html("{}", resource.provider.name)


def _last_update(resource):
    return _when(resource.timeliness.last_update)


def _due(resource):
    return _when(resource.timeliness.due_at)


class OverdueTable(Table):
    """Overdue resources across a jurisdiction (the competent authority's list)."""

    model = Resource
    columns = [
        Column("name", _("资源"), render=lambda r: format_html(
            '<span class="cell-title">{}</span>{}', r.name,
            format_html('<div class="code text-muted">{}</div>', r.code) if r.code else "",
        ), order_by="name"),
        Column("provider", render=_provider, order_by="provider__name"),
        Column("update_cycle", render=_cycle, order_by="update_cycle", css_class="nowrap"),
        Column("last_update", _("最近更新"), render=_last_update, order_by=False),
        Column("due_at", _("应更新时间"), render=_due, order_by=False),
        Column("timeliness", _("及时性"), render=_timeliness, order_by=False),
    ]
    default_ordering = "provider"
    empty_message = _("辖区内没有更新逾期的资源")

"""List tables of the service item pages (see core.tables). Rows come from `with_shares()`."""

from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from govshare.core.tables import EMPTY, Column, Table

from .choices import ServiceItemTypeChoices
from .models import ServiceItem

__all__ = ["ServiceItemTable", "share_colour", "share_html", "share_percent"]


def share_percent(share) -> int | None:
    """The share as a whole percent (0..100), None without required materials."""
    return None if share is None else round(share * 100)


def share_colour(share) -> str:
    if share is None:
        return "grey"
    if share >= 0.5:
        return "green"
    return "orange" if share > 0 else "red"


def share_html(share, replaced=None, required=None):
    """A small bar with the percent, and "replaced/required" when known; a dash without required materials."""
    percent = share_percent(share)
    if percent is None:
        return format_html('<span class="text-muted" title="{}">—</span>', _("无必要材料"))
    detail = format_html(' <span class="text-muted">{}/{}</span>', replaced, required) if required else ""
    return format_html(
        '<span class="share-cell"><span class="hbar-track share-track"><span class="bar-fill bg-{} w-{}"></span>'
        '</span><span class="share-value">{}%</span>{}</span>',
        share_colour(share), percent, percent, detail,
    )


def _name(item):
    url = reverse("serviceitems:item_detail", args=[item.pk])
    return format_html('<a class="cell-title" href="{}">{}</a>', url, item.name)


def _code(item):
    return format_html('<span class="code">{}</span>', item.base_code) if item.base_code else EMPTY


class ServiceItemTable(Table):
    """政务服务事项: name, type, department, codes, material counts and the share replaced by sharing."""

    model = ServiceItem
    columns = [
        Column("name", render=_name, order_by="name", css_class="col-name"),
        Column("item_type", choices=ServiceItemTypeChoices, css_class="nowrap"),
        Column("department", link="organizations:department_detail", order_by="department__name"),
        Column("base_code", render=_code, css_class="nowrap"),
        Column("material_count", label=_("材料数"), render=lambda item: format_html("{}", item.material_count),
               order_by="material_count", css_class="num"),
        Column("replaceable_count", label=_("可共享替代"),
               render=lambda item: format_html("{}", item.replaceable_count), order_by="replaceable_count",
               css_class="num"),
        Column("share", label=_("必要材料替代率"),
               render=lambda item: share_html(item.share, item.replaced_required_count, item.required_count),
               order_by="share_sort", css_class="nowrap"),
    ]
    default_ordering = None  # the model order (department, base code)
    empty_message = _("没有符合条件的政务服务事项")

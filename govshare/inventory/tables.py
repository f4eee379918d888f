"""List tables of the inventory pages (see core.tables)."""

from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from govshare.core.tables import EMPTY, Column, Table, badge_html

from .choices import DeploymentChoices, NetworkChoices, SystemStatusChoices
from .models import InformationSystem

__all__ = ["InformationSystemTable"]


def _name(system):
    url = reverse("inventory:system_detail", args=[system.pk])
    number = format_html(' <span class="code text-muted">{}</span>', system.number) if system.number else ""
    return format_html('<a class="cell-title" href="{}">{}</a>{}', url, system.name, number)


def _connected(system):
    return badge_html(_("已接入"), "green") if system.connected_to_platform else badge_html(_("未接入"), "grey")


def _cost(system):
    return EMPTY if system.annual_om_cost is None else format_html('<span class="num">{}</span>', system.annual_om_cost)


class InformationSystemTable(Table):
    """The inventory list (信息系统清单)."""

    model = InformationSystem
    columns = [
        Column("name", render=_name, order_by="name", css_class="col-name"),
        Column("owner", link="organizations:department_detail", order_by="owner__name", css_class="col-provider"),
        Column("network", choices=NetworkChoices, css_class="nowrap"),
        Column("deployment", choices=DeploymentChoices, css_class="nowrap"),
        Column("protection_level", css_class="nowrap num"),
        Column("annual_om_cost", render=_cost, order_by="annual_om_cost", css_class="nowrap num"),
        Column("connected_to_platform", render=_connected, order_by="connected_to_platform", css_class="nowrap"),
        Column("status", choices=SystemStatusChoices, css_class="nowrap"),
    ]
    default_ordering = None
    empty_message = _("没有符合条件的信息系统")

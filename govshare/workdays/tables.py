"""Tables of the calendar pages."""

from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from govshare.core.tables import Column, Table, badge_html
from govshare.users.choices import RoleChoices

from .choices import CalendarSourceChoices
from .models import CalendarDay

__all__ = ["CalendarDayTable"]

WEEKDAYS = [_("星期一"), _("星期二"), _("星期三"), _("星期四"), _("星期五"), _("星期六"), _("星期日")]


def _date(row):
    url = f"{reverse('workdays:calendar')}?year={row.date.year}#d-{row.date.isoformat()}"
    return format_html('<a class="mono" href="{}">{}</a>', url, row.date.isoformat())


def _weekday(row):
    weekend = row.date.weekday() >= 5
    return format_html('<span class="{}">{}</span>', "text-danger" if weekend else "", WEEKDAYS[row.date.weekday()])


def _kind(row):
    if row.is_working_day:
        return badge_html(_("工作日"), "orange" if row.date.weekday() >= 5 else "green")
    return badge_html(_("休息日"), "red")


def _actions(row):
    return format_html(
        '<a class="btn btn-sm btn-light" href="{}">{}</a> <a class="btn btn-sm btn-danger-outline" href="{}">{}</a>',
        reverse("workdays:day_edit", args=[row.pk]), _("编辑"),
        reverse("workdays:day_delete", args=[row.pk]), _("删除"),
    )


class CalendarDayTable(Table):
    """The rows of the calendar table; administrators also get edit and delete buttons."""

    model = CalendarDay
    columns = [
        Column("date", render=_date, order_by="date"),
        Column("weekday", _("星期"), render=_weekday, order_by=False),
        Column("is_working_day", _("类型"), render=_kind, order_by="is_working_day"),
        Column("name"),
        Column("source", choices=CalendarSourceChoices),
        Column("last_updated", _("更新时间")),
    ]
    default_ordering = "-date"

    def __init__(self, data, *, request=None, ordering=None):
        super().__init__(data, request=request, ordering=ordering)
        user = getattr(request, "user", None)
        if user is not None and (user.is_superuser or user.has_role(RoleChoices.PLATFORM_ADMIN)):
            self.bound_columns.append(
                Column("actions", _("操作"), render=_actions, order_by=False, css_class="col-actions").bind(None)
            )

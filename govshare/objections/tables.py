"""List tables of the objection pages. Rows carry `days_left` (working days, one calendar per page), set here."""

from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from govshare.core.tables import EMPTY, Column, Table, badge_html

from .choices import ObjectionKindChoices, ObjectionStatusChoices
from .models import Objection

__all__ = ["ObjectionDeadlineTable", "ObjectionTable", "deadline_html"]


def _number(objection):
    url = reverse("objections:objection_detail", args=[objection.pk])
    return format_html('<a class="cell-title code" href="{}">{}</a>', url, objection.number)


def _resource(objection):
    url = reverse("catalog:resource_detail", args=[objection.resource_id])
    return format_html('<a href="{}">{}</a>', url, objection.resource.name)


def deadline_html(objection):
    """The deadline, marked 估算 when a year's holidays are not loaded, and the working days left or overdue."""
    parts = [format_html('<span class="nowrap">{}</span>', objection.deadline.isoformat())]
    if objection.deadline_estimated:
        parts.append(format_html(
            ' <span class="badge badge-yellow" title="{}">{}</span>', objection.deadline_note, _("估算")
        ))
    days_left = getattr(objection, "days_left", None)
    if objection.is_open and days_left is not None:
        if days_left < 0:
            parts.append(format_html(" {}", badge_html(_("逾期 %(days)d 个工作日") % {"days": -days_left}, "red")))
        elif days_left == 0:
            parts.append(format_html(" {}", badge_html(_("今日到期"), "orange")))
        else:
            colour = "orange" if days_left <= 1 else "blue"
            parts.append(format_html(" {}", badge_html(_("剩余 %(days)d 个工作日") % {"days": days_left}, colour)))
    return format_html("{}" * len(parts), *parts)


def _business(objection):
    if objection.business_continues:
        return badge_html(_("继续办理"), "green")
    return EMPTY


class ObjectionTable(Table):
    """Objections (疑义纠错) the user may see."""

    model = Objection
    columns = [
        Column("number", render=_number, css_class="nowrap"),
        Column("kind", choices=ObjectionKindChoices, css_class="nowrap"),
        Column("resource", render=_resource, order_by="resource__name"),
        Column("consumer", order_by="consumer__name"),
        Column("handler", order_by="handler__name"),
        Column("status", choices=ObjectionStatusChoices, css_class="nowrap"),
        Column("deadline", render=deadline_html, order_by="deadline", css_class="nowrap"),
        Column("created", label=_("提出时间"), css_class="nowrap"),
    ]
    default_ordering = None  # newest first (the model order)
    empty_message = _("没有符合条件的疑义")

    def __init__(self, data, *, request=None, ordering=None):
        super().__init__(list(data), request=request, ordering=ordering)
        from govshare.workdays.services import WorkCalendar

        calendar = WorkCalendar()
        today = timezone.localdate()
        for objection in self.data:
            objection.days_left = (
                calendar.working_days_between(today, objection.deadline) if objection.is_open else None
            )


class ObjectionDeadlineTable(ObjectionTable):
    """Open objections by deadline, for the competent authority (未办结疑义及期限)."""

    columns = [
        Column("number", render=_number, css_class="nowrap"),
        Column("kind", choices=ObjectionKindChoices, css_class="nowrap"),
        Column("resource", render=_resource, order_by="resource__name"),
        Column("consumer", order_by="consumer__name"),
        Column("provider", order_by="provider__name"),
        Column("handler", order_by="handler__name"),
        Column("status", choices=ObjectionStatusChoices, css_class="nowrap"),
        Column("received_at", css_class="nowrap"),
        Column("deadline", render=deadline_html, order_by="deadline", css_class="nowrap"),
        Column("business_continues", label=_("业务办理"), render=_business, css_class="nowrap"),
    ]
    default_ordering = "deadline"
    empty_message = _("没有未办结的疑义")

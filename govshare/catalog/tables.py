"""List tables of the catalogue pages: columns declared once, sorting by whitelist (see core.tables)."""

from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from govshare.core.tables import EMPTY, Column, Table, badge_html

from .choices import (
    DutyChangeKindChoices,
    EntryStatusChoices,
    OpenTypeChoices,
    ShareTypeChoices,
    UpdateCycleChoices,
)
from .models import Resource, ResourceVersion, UpdateDuty

__all__ = ["ResourceTable", "ReviewQueueTable", "UpdateDutyTable"]


def _resource_code(resource):
    if not resource.code:
        return format_html('<span class="text-muted">{}</span>', _("（未赋码）"))
    return format_html('<span class="code">{}</span>', resource.code)


def _resource_name(resource):
    url = reverse("catalog:resource_detail", args=[resource.pk])
    return format_html('<a class="cell-title" href="{}">{}</a>', url, resource.name)


def _classification(resource):
    # The code's first part already is the classification code; the name alone keeps the column narrow.
    node = resource.classification
    return format_html('<span title="{}">{}</span>', f"{node.full_code} {node.name}", node.name)


class ResourceTable(Table):
    """The catalogue browse table (资源目录)."""

    model = Resource
    columns = [
        Column("code", render=_resource_code, order_by=("classification__full_code", "code_sequence"),
               css_class="nowrap"),
        Column("name", render=_resource_name, order_by="name", css_class="col-name"),
        Column("provider", link="organizations:department_detail", order_by="provider__name",
               css_class="col-provider"),
        Column("classification", label=_("资源分类"), render=_classification, order_by="classification__full_code",
               css_class="col-class"),
        Column("share_type", choices=ShareTypeChoices, css_class="nowrap"),
        Column("open_type", choices=OpenTypeChoices, css_class="nowrap"),
        Column("update_cycle", render=lambda row: format_html("{}", UpdateCycleChoices.label(row.update_cycle)),
               order_by="update_cycle", css_class="nowrap"),
        Column("status", choices=EntryStatusChoices, css_class="nowrap"),
        Column("published_on", css_class="nowrap"),
    ]
    default_ordering = None  # the model order (latest first), or relevance when searching
    empty_message = _("没有符合条件的资源目录")


def _queue_resource(version):
    resource = version.resource
    url = reverse("catalog:resource_detail", args=[resource.pk])
    code = format_html(' <span class="code text-muted">{}</span>', resource.code) if resource.code else ""
    return format_html('<a class="cell-title" href="{}">{}</a>{}', url, resource.name, code)


def _queue_kind(version):
    if version.resource.status == EntryStatusChoices.PUBLISHED:
        return badge_html(_("目录变更"), "purple")
    return badge_html(_("新编目录"), "blue")


def _waiting(version):
    if version.submitted_at is None:
        return EMPTY
    days = (timezone.now() - version.submitted_at).days
    colour = "red" if days >= 10 else "orange" if days >= 5 else "grey"
    text = ngettext("%(days)d 天", "%(days)d 天", days) % {"days": days} if days else _("今天")
    return badge_html(text, colour)


class ReviewQueueTable(Table):
    """Submitted versions waiting for the reviewer (待审核)."""

    model = ResourceVersion
    columns = [
        Column("resource", label=_("资源目录"), render=_queue_resource, order_by="resource__name"),
        Column("resource.provider", label=_("资源提供方"), order_by="resource__provider__name"),
        Column("kind", label=_("类型"), render=_queue_kind, order_by=False),
        Column("number", label=_("版本"), render=lambda v: format_html("v{}", v.number), order_by="number"),
        Column("created_by", label=_("提交人"), order_by="created_by__username"),
        Column("submitted_at", order_by="submitted_at", css_class="nowrap"),
        Column("waiting", label=_("已等待"), render=_waiting, order_by=False, css_class="nowrap"),
        Column("change_summary", label=_("变更说明"), order_by=False),
    ]
    default_ordering = "submitted_at"
    empty_message = _("暂无待审核的资源目录")


class UpdateDutyTable(Table):
    """Catalogue update duties (目录更新任务). Rows carry `state` and `days_left`, set by the view."""

    model = UpdateDuty
    columns = [
        Column("department", order_by="department__name"),
        Column("kind", choices=DutyChangeKindChoices, css_class="nowrap"),
        Column("title"),
        Column("occurred_on", css_class="nowrap"),
        Column("due_on", render=lambda duty: _due(duty), css_class="nowrap"),
        Column("state", label=_("状态"), render=lambda duty: _duty_state(duty), order_by="completed_on",
               css_class="nowrap"),
        Column("actions", label="", render=lambda duty: duty.action_html, order_by=False, css_class="actions"),
    ]
    default_ordering = "due_on"
    empty_message = _("暂无目录更新任务")

    def __init__(self, data, *, request=None, ordering=None):
        super().__init__(list(data), request=request, ordering=ordering)
        self.annotate_rows()

    def annotate_rows(self):
        """Working days left (one calendar for the page) and the 办结 button where the user may complete."""
        from govshare.workdays.services import WorkCalendar

        calendar = WorkCalendar()
        today = timezone.localdate()
        completable = set()
        if self.request is not None and self.data:
            completable = set(
                UpdateDuty.objects.restrict(self.request.user, "change")
                .filter(pk__in=[duty.pk for duty in self.data], completed_on__isnull=True)
                .values_list("pk", flat=True)
            )
        for duty in self.data:
            duty.days_left = None if duty.completed_on else calendar.working_days_between(today, duty.due_on)
            duty.overdue = duty.days_left is not None and duty.days_left < 0
            duty.action_html = _complete_button(self.request, duty) if duty.pk in completable else ""


def _complete_button(request, duty):
    from django.middleware.csrf import get_token

    return format_html(
        '<form method="post" action="{}" class="inline-form" data-confirm="{}">'
        '<input type="hidden" name="csrfmiddlewaretoken" value="{}">'
        '<button type="submit" class="btn btn-sm btn-light">{}</button></form>',
        reverse("catalog:duty_complete", args=[duty.pk]), _("确认目录已按此事项更新完毕？"), get_token(request),
        _("办结"),
    )


def _due(duty):
    if duty.due_is_estimate:
        return format_html(
            '{} <span class="badge badge-yellow" title="{}">{}</span>', duty.due_on.isoformat(),
            _("该年度节假日安排未载入，期限按周末估算"), _("按周末估算"),
        )
    return format_html("{}", duty.due_on.isoformat())


def _duty_state(duty):
    if duty.completed_on:
        return format_html('{} <span class="text-muted">{}</span>', badge_html(_("已完成"), "green"),
                           duty.completed_on.isoformat())
    if duty.overdue:
        return badge_html(_("已逾期 %(days)d 个工作日") % {"days": -duty.days_left}, "red")
    if duty.days_left == 0:
        return badge_html(_("今日到期"), "orange")
    colour = "orange" if duty.days_left <= 3 else "blue"
    return badge_html(_("剩余 %(days)d 个工作日") % {"days": duty.days_left}, colour)

"""Pages of the working-day calendar: the year view with its due-date calculator, and the table's administration.

Anyone logged in reads the calendar; only platform administrators change it (the model's restrict rule), because
every deadline on the platform is counted through it.
"""

import calendar as pycalendar
import datetime

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from govshare.core.views import (
    BaseObjectView,
    ObjectDeleteView,
    ObjectEditView,
    ObjectListView,
    user_has_role,
)
from govshare.users.choices import RoleChoices

from . import services
from .choices import DayStatusSourceChoices
from .filtersets import CalendarDayFilterSet
from .forms import CalendarDayForm, CalendarImportForm, CalendarYearForm, DueDateForm
from .models import CalendarDay, CalendarYear
from .tables import CalendarDayTable

__all__ = [
    "CALENDAR_ADMIN_ROLES",
    "CalendarDayDeleteView",
    "CalendarDayEditView",
    "CalendarDayListView",
    "CalendarImportTemplateView",
    "CalendarImportView",
    "CalendarView",
    "CalendarYearDeleteView",
    "CalendarYearEditView",
    "DueDateView",
    "calendar_url",
]

# Who may change the calendar (superusers always may).
CALENDAR_ADMIN_ROLES = (RoleChoices.PLATFORM_ADMIN,)

WEEKDAYS = [
    gettext_lazy("一"), gettext_lazy("二"), gettext_lazy("三"), gettext_lazy("四"), gettext_lazy("五"),
    gettext_lazy("六"), gettext_lazy("日"),
]
WEEKDAY_NAMES = [
    gettext_lazy("星期一"), gettext_lazy("星期二"), gettext_lazy("星期三"), gettext_lazy("星期四"),
    gettext_lazy("星期五"), gettext_lazy("星期六"), gettext_lazy("星期日"),
]

# What a day looks like on the page; the class is cal-<kind>.
KIND_WORKDAY = "workday"
KIND_WEEKEND = "weekend"
KIND_HOLIDAY = "holiday"
KIND_MAKEUP = "makeup"
KIND_LABELS = {
    KIND_WORKDAY: (gettext_lazy("工作日"), "green"),
    KIND_WEEKEND: (gettext_lazy("周末"), "grey"),
    KIND_HOLIDAY: (gettext_lazy("休息日"), "red"),
    KIND_MAKEUP: (gettext_lazy("调休上班"), "orange"),
}


def calendar_url(year=None, day=None):
    """The year view, at a year and optionally scrolled to a day."""
    url = reverse("workdays:calendar")
    if year is not None:
        url = f"{url}?year={year}"
    if day is not None:
        url = f"{url}#d-{day.isoformat()}"
    return url


def day_kind(day, status):
    """Which of the four colours a day gets: a rest day on a weekday or with a name is a holiday, and so on."""
    weekend = day.weekday() >= 5
    if status.is_working_day:
        return KIND_MAKEUP if weekend else KIND_WORKDAY
    return KIND_HOLIDAY if (status.name or not weekend) else KIND_WEEKEND


def _requested_year(request):
    value = request.GET.get("year", "")
    if value.isdigit() and services.IMPORT_MIN_YEAR <= int(value) <= services.IMPORT_MAX_YEAR:
        return int(value)
    return timezone.localdate().year


def _due_context(form):
    """The due-date result for the page or the HTMX partial; empty when the form is not filled in yet."""
    if not form.is_bound or not form.is_valid():
        return {"due_form": form}
    start, days = form.cleaned_data["start"], form.cleaned_data["days"]
    due = services.add_working_days(start, days)
    return {
        "due_form": form,
        "due": due,
        "due_start": start,
        "due_days": days,
        "due_weekday": WEEKDAY_NAMES[due.date.weekday()],
        "due_span": (due.date - start).days,
        "due_calendar_url": calendar_url(due.date.year, due.date),
    }


class CalendarViewMixin:
    queryset = CalendarDay.objects.all()
    required_roles = CALENDAR_ADMIN_ROLES
    list_url_name = "workdays:calendar"

    def get_return_url(self, instance=None):
        year = getattr(instance, "year", None) or getattr(getattr(instance, "date", None), "year", None)
        return calendar_url(year)

    def get_extra_context(self, request, instance=None):
        year = getattr(instance, "year", None) or getattr(getattr(instance, "date", None), "year", None)
        return {"calendar_url": calendar_url(year), "calendar_year": year}


# --- The year view ----------------------------------------------------------------------------------------------


class CalendarView(BaseObjectView):
    """工作日历: a year of days coloured by status, its holidays and make-up days, and the due-date calculator."""

    queryset = CalendarDay.objects.all()
    template_name = "workdays/calendar.html"

    def get(self, request):
        year = _requested_year(request)
        today = timezone.localdate()
        work_calendar = services.WorkCalendar()
        source = work_calendar.year_source(year)
        special = work_calendar.special_days(year)
        rows = {row.date: row for row in CalendarDay.objects.filter(date__year=year)}
        loaded_year = CalendarYear.objects.filter(year=year).select_related("loaded_by").first()
        is_admin = user_has_role(request.user, CALENDAR_ADMIN_ROLES)

        months, counts = [], dict.fromkeys(KIND_LABELS, 0)
        month_calendar = pycalendar.Calendar(firstweekday=0)
        previous_name = ""
        for month in range(1, 13):
            weeks, working = [], 0
            for week in month_calendar.monthdatescalendar(year, month):
                cells = []
                for day in week:
                    if day.month != month:
                        cells.append(None)
                        continue
                    status = work_calendar.day_status(day)
                    kind = day_kind(day, status)
                    counts[kind] += 1
                    working += status.is_working_day
                    row = rows.get(day)
                    cells.append({
                        "date": day,
                        "kind": kind,
                        "name": status.name,
                        # The holiday's name is written on its first day only, as printed calendars do.
                        "show_name": kind == KIND_HOLIDAY and status.name and status.name != previous_name,
                        "label": KIND_LABELS[kind][0],
                        "weekday": WEEKDAY_NAMES[day.weekday()],
                        "today": day == today,
                        "row": row,
                        "url": _day_admin_url(day, row) if is_admin else None,
                    })
                    previous_name = status.name if kind == KIND_HOLIDAY else ""
                weeks.append(cells)
            months.append({"number": month, "weeks": weeks, "working_days": working})

        special_rows = [
            {
                "date": day,
                "weekday": WEEKDAY_NAMES[day.weekday()],
                "status": status,
                "kind": day_kind(day, status),
                "kind_label": KIND_LABELS[day_kind(day, status)][0],
                "kind_colour": KIND_LABELS[day_kind(day, status)][1],
                "row": rows.get(day),
            }
            for day, status in special
        ]
        plan = holiday_plan(special)
        due_form = DueDateForm(
            request.GET if "start" in request.GET else None,
            initial={"start": today, "days": 15},
        )
        context = {
            **self.base_context(),
            "title": _("工作日历"),
            "year": year,
            "today": today,
            "previous_year": year - 1 if year > services.IMPORT_MIN_YEAR else None,
            "next_year": year + 1 if year < services.IMPORT_MAX_YEAR else None,
            "is_current_year": year == today.year,
            "source": source,
            "source_label": DayStatusSourceChoices.label(source),
            "source_colour": DayStatusSourceChoices.colour(source),
            "is_package": source == DayStatusSourceChoices.PACKAGE,
            "is_fallback": source == DayStatusSourceChoices.WEEKEND_FALLBACK,
            "loaded_year": loaded_year,
            "override_count": len(rows),
            "weekdays": WEEKDAYS,
            "months": months,
            "counts": counts,
            "working_days": counts[KIND_WORKDAY] + counts[KIND_MAKEUP],
            "rest_days": counts[KIND_WEEKEND] + counts[KIND_HOLIDAY],
            "holidays": plan[0],
            "other_working_days": plan[1],
            "special_days": special_rows,
            "is_admin": is_admin,
            "day_add_url": reverse("workdays:day_add") if is_admin else None,
            "import_url": reverse("workdays:import") if is_admin else None,
            "day_list_url": reverse("workdays:day_list"),
            "calendar_url": reverse("workdays:calendar"),
            "due_url": reverse("workdays:due"),
            **_due_context(due_form),
        }
        return render(request, self.template_name, context)


def _day_admin_url(day, row):
    """Where an administrator goes on clicking a day: its table row, or a new row for that date."""
    if row is not None:
        return reverse("workdays:day_edit", args=[row.pk])
    return f"{reverse('workdays:day_add')}?date={day.isoformat()}"


def holiday_plan(special):
    """The year's arrangement as announced: each holiday's days off with its make-up days, then any other rows.

    A make-up day belongs to the holiday whose name starts its own ("春节调休上班" to "春节") within two months.
    """
    holidays, makeup = [], []
    for day, status in special:
        if status.is_working_day:
            makeup.append({"date": day, "name": status.name, "weekday": WEEKDAY_NAMES[day.weekday()]})
            continue
        last = holidays[-1] if holidays else None
        if last is not None and last["name"] == status.name and (day - last["end"]).days == 1:
            last["end"], last["days"] = day, last["days"] + 1
        else:
            holidays.append({"name": status.name, "start": day, "end": day, "days": 1, "makeup": []})
    others = []
    for entry in makeup:
        owner = next(
            (
                holiday for holiday in holidays
                if holiday["name"] and entry["name"].startswith(holiday["name"])
                and abs((holiday["start"] - entry["date"]).days) <= 60
            ),
            None,
        )
        (owner["makeup"] if owner is not None else others).append(entry)
    return holidays, others


class DueDateView(BaseObjectView):
    """期限计算 as an HTMX partial: the due date, and whether it is only estimated."""

    queryset = CalendarDay.objects.all()
    template_name = "workdays/includes/due_result.html"

    def get(self, request):
        form = DueDateForm(request.GET)
        return render(request, self.template_name, _due_context(form))


# --- The table: days and loaded years ------------------------------------------------------------------------


class CalendarDayListView(ObjectListView):
    """日历表记录: every row of the table (corrections and imported years), filterable."""

    queryset = CalendarDay.objects.all()
    filterset = CalendarDayFilterSet
    table = CalendarDayTable
    template_name = "workdays/calendarday_list.html"
    title = gettext_lazy("日历表记录")
    list_url_name = "workdays:day_list"
    add_url_name = "workdays:day_add"
    add_roles = CALENDAR_ADMIN_ROLES
    search_placeholder = gettext_lazy("名称或日期（2027-01-01）")

    def get_extra_context(self, request, instance=None):
        return {"calendar_url": calendar_url()}


class CalendarDayEditView(CalendarViewMixin, ObjectEditView):
    """Add or correct one day of the table; a new day may come with ?date= from the year view."""

    form = CalendarDayForm
    template_name = "workdays/object_edit.html"

    def alter_object(self, instance, request):
        try:
            instance.date = datetime.date.fromisoformat(request.GET.get("date", ""))
        except ValueError:
            return instance
        status = services.day_status(instance.date)
        # Start from the opposite of what the day is now: a correction is why one adds a row.
        instance.is_working_day = not status.is_working_day
        return instance

    def get_success_url(self, instance):
        return calendar_url(instance.date.year, instance.date)

    def get_extra_context(self, request, instance=None):
        context = super().get_extra_context(request, instance)
        if instance is not None and instance.date:
            status = services.day_status(instance.date) if instance.pk is None else None
            context["current_status"] = status
            context["current_status_label"] = (
                KIND_LABELS[day_kind(instance.date, status)][0] if status is not None else None
            )
        return context


class CalendarDayDeleteView(CalendarViewMixin, ObjectDeleteView):
    template_name = "workdays/object_delete.html"

    def get_extra_context(self, request, instance=None):
        return {
            **super().get_extra_context(request, instance),
            "title": _("删除工作日历表记录"),
            "delete_note": _("删除后，该日恢复按节假日数据包或周末计算。"),
        }


class CalendarYearEditView(CalendarViewMixin, ObjectEditView):
    """Mark a year whose holidays are all in the table as loaded (or edit the note of the mark)."""

    queryset = CalendarYear.objects.all()
    form = CalendarYearForm
    template_name = "workdays/object_edit.html"

    def alter_object(self, instance, request):
        year = request.GET.get("year", "")
        if year.isdigit():
            instance.year = int(year)
        return instance

    def save_form(self, form):
        form.instance.loaded_by = self.request.user
        return form.save()

    def get_success_url(self, instance):
        return calendar_url(instance.year)

    def get_extra_context(self, request, instance=None):
        context = super().get_extra_context(request, instance)
        if instance is None or instance.pk is None:
            context["title"] = _("标记整年已载入")
        return context


class CalendarYearDeleteView(CalendarViewMixin, ObjectDeleteView):
    queryset = CalendarYear.objects.all()
    template_name = "workdays/object_delete.html"

    def get_extra_context(self, request, instance=None):
        return {
            **super().get_extra_context(request, instance),
            "title": _("取消整年已载入标记"),
            "delete_note": _("取消后，该年度未列入工作日历表的日期将重新按周末估算。"),
        }


# --- Import -------------------------------------------------------------------------------------------------------


class CalendarImportView(BaseObjectView):
    """Import a year's holidays from CSV or XLSX: all or nothing, errors listed by row and column."""

    queryset = CalendarDay.objects.all()
    required_roles = CALENDAR_ADMIN_ROLES
    template_name = "workdays/calendar_import.html"

    def render_page(self, request, form, result=None):
        context = {
            **self.base_context(),
            "title": _("导入工作日历"),
            "form": form,
            "result": result,
            "calendar_url": calendar_url(),
            "template_url": reverse("workdays:import_template"),
        }
        return render(request, self.template_name, context)

    def get(self, request):
        return self.render_page(request, CalendarImportForm())

    def post(self, request):
        form = CalendarImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render_page(request, form)
        data = form.cleaned_data
        result = services.import_calendar(
            data["file"], user=request.user, mark_years_loaded=data["mark_years_loaded"], note=data["note"]
        )
        if not result.ok:
            return self.render_page(request, form, result)
        years = "、".join(str(year) for year in result.years)
        messages.success(
            request,
            _("已导入 %(years)s 年的工作日历：新增 %(created)d 天，更新 %(updated)d 天，%(unchanged)d 天无变化")
            % {"years": years, "created": result.created, "updated": result.updated, "unchanged": result.unchanged},
        )
        return redirect(calendar_url(result.years[0]))


class CalendarImportTemplateView(BaseObjectView):
    """A CSV to fill in: the header the importer expects and two example rows (UTF-8 with BOM, for Excel)."""

    queryset = CalendarDay.objects.all()

    def get(self, request):
        year = timezone.localdate().year + 1
        lines = [
            "日期,类型,名称",
            f"{year}-01-01,休息日,元旦",
            f"{year}-02-20,调休上班,春节调休上班",
        ]
        response = HttpResponse(
            ("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8"), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = "attachment; filename=\"calendar-template.csv\""
        return response

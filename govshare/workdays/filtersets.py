"""Filters for the calendar table, shared by the list pages and the API."""

import contextlib
import datetime

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .choices import CalendarSourceChoices
from .models import CalendarDay, CalendarYear

__all__ = ["CalendarDayFilterSet", "CalendarYearFilterSet"]


class CalendarDayFilterSet(django_filters.FilterSet):
    """Calendar days by text, year, date range, working or not, and source."""

    q = django_filters.CharFilter(method="search", label=_("搜索"))
    year = django_filters.NumberFilter(field_name="date__year", label=_("年份"))
    date = django_filters.DateFromToRangeFilter(label=_("日期范围"))
    is_working_day = django_filters.BooleanFilter(label=_("是否工作日"))
    source = django_filters.MultipleChoiceFilter(choices=CalendarSourceChoices.choices, label=_("来源"))

    class Meta:
        model = CalendarDay
        fields = ["id", "q", "year", "date", "is_working_day", "source"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        condition = Q(name__icontains=value)
        with contextlib.suppress(ValueError):
            condition |= Q(date=datetime.date.fromisoformat(value))
        return queryset.filter(condition)


class CalendarYearFilterSet(django_filters.FilterSet):
    """Loaded years by year and source."""

    source = django_filters.MultipleChoiceFilter(choices=CalendarSourceChoices.choices, label=_("来源"))
    loaded_by_id = django_filters.NumberFilter(field_name="loaded_by", label=_("载入人（编号）"))

    class Meta:
        model = CalendarYear
        fields = ["id", "year", "source", "loaded_by_id"]

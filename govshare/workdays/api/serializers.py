"""API representations of the calendar table and of a due-date answer."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from ..choices import CalendarSourceChoices
from ..models import CalendarDay, CalendarYear

__all__ = [
    "CalendarDaySerializer",
    "CalendarImportResultSerializer",
    "CalendarImportSerializer",
    "CalendarYearSerializer",
    "DueDateQuerySerializer",
    "DueDateSerializer",
]

# Far enough for any statutory deadline; it keeps a typo from walking the calendar for centuries.
MAX_DUE_DAYS = 3650


class CalendarDaySerializer(serializers.ModelSerializer):
    """A day set by the table. Days written through the API are manual entries, whatever they were before."""

    source = serializers.ChoiceField(choices=CalendarSourceChoices.choices, read_only=True)

    class Meta:
        model = CalendarDay
        fields = ["id", "date", "is_working_day", "name", "source", "created", "last_updated"]
        read_only_fields = ["created", "last_updated"]

    def save(self, **kwargs):
        return super().save(source=CalendarSourceChoices.MANUAL, **kwargs)


class CalendarYearSerializer(serializers.ModelSerializer):
    """A year marked as fully loaded in the table."""

    source = serializers.ChoiceField(choices=CalendarSourceChoices.choices, read_only=True)
    loaded_by = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = CalendarYear
        fields = ["id", "year", "note", "source", "loaded_by", "created", "last_updated"]
        read_only_fields = ["created", "last_updated"]

    def save(self, **kwargs):
        return super().save(source=CalendarSourceChoices.MANUAL, **kwargs)


class DueDateQuerySerializer(serializers.Serializer):
    """The query of GET /api/v1/calendar/due/."""

    start = serializers.DateField(label=_("起始日期"))
    days = serializers.IntegerField(label=_("工作日数"), min_value=0, max_value=MAX_DUE_DAYS)


class DueDateSerializer(serializers.Serializer):
    """The answer of GET /api/v1/calendar/due/."""

    start = serializers.DateField()
    days = serializers.IntegerField()
    due = serializers.DateField()
    estimated = serializers.BooleanField()
    uncovered_years = serializers.ListField(child=serializers.IntegerField())
    note = serializers.CharField()


class CalendarImportSerializer(serializers.Serializer):
    """A calendar file upload (multipart)."""

    file = serializers.FileField(label=_("日历文件"))
    mark_years_loaded = serializers.BooleanField(label=_("标记为整年已载入"), default=True)
    note = serializers.CharField(label=_("备注"), max_length=200, required=False, allow_blank=True, default="")


class CalendarImportResultSerializer(serializers.Serializer):
    """What a successful import did (services.ImportResult)."""

    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    years = serializers.ListField(child=serializers.IntegerField())

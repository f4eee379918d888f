"""Forms for editing the calendar table and importing a calendar file."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .choices import CalendarSourceChoices
from .models import CalendarDay, CalendarYear

__all__ = ["CalendarDayForm", "CalendarImportForm", "CalendarYearForm"]


class CalendarDayForm(forms.ModelForm):
    """One holiday or make-up working day, entered by hand."""

    class Meta:
        model = CalendarDay
        fields = ["date", "is_working_day", "name"]
        widgets = {"date": forms.DateInput(attrs={"type": "date"})}

    def save(self, commit=True):
        # A day edited by hand is no longer what the file or the package said, whatever its origin.
        self.instance.source = CalendarSourceChoices.MANUAL
        return super().save(commit=commit)


class CalendarYearForm(forms.ModelForm):
    """Marks a year as fully entered, so its unlisted days count as ordinary rather than estimated."""

    class Meta:
        model = CalendarYear
        fields = ["year", "note"]

    def save(self, commit=True):
        self.instance.source = CalendarSourceChoices.MANUAL
        return super().save(commit=commit)


class CalendarImportForm(forms.Form):
    """Upload of a calendar file for `services.import_calendar`."""

    file = forms.FileField(
        label=_("日历文件"), help_text=_("CSV（UTF-8 或 GBK）或 XLSX，列：日期、类型（休息日/工作日）、名称")
    )
    mark_years_loaded = forms.BooleanField(
        label=_("标记为整年已载入"), required=False, initial=True,
        help_text=_("文件包含该年全部节假日和调休上班日时勾选；仅为个别更正时取消"),
    )
    note = forms.CharField(label=_("备注"), max_length=200, required=False)

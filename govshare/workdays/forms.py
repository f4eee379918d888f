"""Forms for editing the calendar table and importing a calendar file."""

from django import forms
from django.utils.translation import gettext_lazy as _

from govshare.core.forms import FormStyleMixin

from .api.serializers import MAX_DUE_DAYS
from .choices import CalendarSourceChoices
from .models import CalendarDay, CalendarYear
from .services import IMPORT_MAX_YEAR, IMPORT_MIN_YEAR

__all__ = ["CalendarDayForm", "CalendarImportForm", "CalendarYearForm", "DueDateForm"]


def _is_true(value):
    return value in (True, "True")


class CalendarDayForm(FormStyleMixin, forms.ModelForm):
    """One holiday or make-up working day, entered by hand."""

    # Two named choices read better than a bare checkbox: the row exists to say which of the two the day is.
    is_working_day = forms.TypedChoiceField(
        label=_("类型"),
        choices=[(False, _("休息日（法定节假日放假）")), (True, _("工作日（调休上班）"))],
        coerce=_is_true,
        initial=False,
        widget=forms.RadioSelect,
    )

    class Meta:
        model = CalendarDay
        fields = ["date", "is_working_day", "name"]
        widgets = {"date": forms.DateInput(attrs={"type": "date"})}

    def save(self, commit=True):
        # A day edited by hand is no longer what the file or the package said, whatever its origin.
        self.instance.source = CalendarSourceChoices.MANUAL
        return super().save(commit=commit)


class CalendarYearForm(FormStyleMixin, forms.ModelForm):
    """Marks a year as fully entered, so its unlisted days count as ordinary rather than estimated."""

    class Meta:
        model = CalendarYear
        fields = ["year", "note"]

    def clean_year(self):
        year = self.cleaned_data["year"]
        if not IMPORT_MIN_YEAR <= year <= IMPORT_MAX_YEAR:
            raise forms.ValidationError(
                _("年份应在 %(min)d–%(max)d 之间") % {"min": IMPORT_MIN_YEAR, "max": IMPORT_MAX_YEAR}
            )
        return year

    def save(self, commit=True):
        self.instance.source = CalendarSourceChoices.MANUAL
        return super().save(commit=commit)


class CalendarImportForm(FormStyleMixin, forms.Form):
    """Upload of a calendar file for `services.import_calendar`."""

    file = forms.FileField(
        label=_("日历文件"), help_text=_("CSV（UTF-8 或 GBK）或 XLSX，列：日期、类型（休息日/工作日）、名称")
    )
    mark_years_loaded = forms.BooleanField(
        label=_("标记为整年已载入"), required=False, initial=True,
        help_text=_("文件包含该年全部节假日和调休上班日时勾选；仅为个别更正时取消"),
    )
    note = forms.CharField(label=_("备注"), max_length=200, required=False)


class DueDateForm(FormStyleMixin, forms.Form):
    """期限计算: the day a number of working days after a start date."""

    start = forms.DateField(label=_("起始日期"), help_text=_("起始日当天不计入"))
    days = forms.IntegerField(label=_("工作日数"), min_value=0, max_value=MAX_DUE_DAYS)

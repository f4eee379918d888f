"""Forms of the audit pages: the usage filters and the "who looked at this person" search."""

from django import forms
from django.utils.translation import gettext_lazy as _

from govshare.core.validators import validate_id_number
from govshare.organizations.models import Department

__all__ = ["SubjectSearchForm", "UsageFilterForm"]


class UsageFilterForm(forms.Form):
    """Filters of the usage report; `provider` only for those who see every provider's usage."""

    provider = forms.ModelChoiceField(Department.objects.order_by("name"), label=_("提供部门"), required=False)
    consumer = forms.ModelChoiceField(Department.objects.order_by("name"), label=_("使用部门"), required=False)
    resource = forms.IntegerField(label=_("资源编号"), required=False, min_value=1, widget=forms.HiddenInput)
    date_from = forms.DateField(label=_("起始日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("截止日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, sees_all=False, **kwargs):
        super().__init__(*args, **kwargs)
        if not sees_all:
            del self.fields["provider"]

    def clean(self):
        cleaned = super().clean()
        date_from, date_to = cleaned.get("date_from"), cleaned.get("date_to")
        if date_from and date_to and date_from > date_to:
            self.add_error("date_to", _("截止日期不能早于起始日期"))
        return cleaned


class SubjectSearchForm(forms.Form):
    """An ID number (GB 11643, check character verified) whose accesses are looked up."""

    id_number = forms.CharField(
        label=_("公民身份号码"),
        max_length=30,
        validators=[validate_id_number],
        widget=forms.TextInput(attrs={"autocomplete": "off", "placeholder": _("18 位公民身份号码")}),
    )

    def clean_id_number(self):
        return self.cleaned_data["id_number"].strip().upper()

"""Forms of the organization pages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from govshare.core.forms import FormStyleMixin
from govshare.users.choices import RoleChoices

from .models import Department, Jurisdiction, Office

__all__ = ["DepartmentForm", "JurisdictionForm", "OfficeForm"]


class JurisdictionForm(FormStyleMixin, forms.ModelForm):
    class Meta:
        model = Jurisdiction
        fields = ["name", "level", "division_code", "parent", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class DepartmentForm(FormStyleMixin, forms.ModelForm):
    """A department; its identity (name, credit code, jurisdiction, competent authority) is for platform-wide admins.

    A department admin editing their own department may change its short name, contacts and description only.
    """

    IDENTITY_FIELDS = ("name", "credit_code", "jurisdiction", "is_competent_authority")

    class Meta:
        model = Department
        fields = [
            "name", "short_name", "credit_code", "jurisdiction", "is_competent_authority",
            "contact_name", "contact_phone", "description",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["jurisdiction"].queryset = Jurisdiction.objects.order_by("division_code")
        self.fields["credit_code"].widget.attrs.update(
            {"maxlength": 18, "class": "form-control mono", "spellcheck": "false"}
        )
        self.fields["credit_code"].help_text = _("18位，GB 32100；第3-8位为行政区划代码，末位为校验码")
        if user is not None and not (
            user.is_superuser or user.has_role(*RoleChoices.ORGANIZATION_ADMINS)
        ):
            for name in self.IDENTITY_FIELDS:
                self.fields[name].disabled = True

    def clean_credit_code(self):
        return (self.cleaned_data.get("credit_code") or "").strip().upper()


class OfficeForm(FormStyleMixin, forms.ModelForm):
    class Meta:
        model = Office
        fields = ["department", "name", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, departments=None, **kwargs):
        super().__init__(*args, **kwargs)
        if departments is not None:
            self.fields["department"].queryset = departments

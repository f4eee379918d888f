"""Forms of the inventory pages: a system, the audit-list upload and the usage CSV upload."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from govshare.catalog.models import Resource
from govshare.core.forms import FormStyleMixin
from govshare.organizations.models import Department, Office

from . import services
from .models import InformationSystem

__all__ = ["AuditImportForm", "InformationSystemForm", "UsageImportForm", "apply_service_errors"]

CODE_SEPARATORS = re.compile(r"[\s,，;；、]+")


class InformationSystemForm(FormStyleMixin, forms.ModelForm):
    """Add or edit a system; the department is one the user manages, source resources are catalogue codes."""

    source_codes = forms.CharField(
        label=_("来源资源代码"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("目录资源代码，多个用分号、逗号或换行分隔"),
    )

    class Meta:
        model = InformationSystem
        fields = [
            "number", "name", "owner", "owner_office", "function", "scope_of_use", "frequency_of_use",
            "approving_department", "approval_date", "funding_source", "annual_om_cost", "construction_unit",
            "network", "deployment", "protection_level", "protection_filing_number", "status", "integrated_into",
            "replaced_by", "connected_to_platform", "description",
        ]
        widgets = {"function": forms.Textarea(attrs={"rows": 3}), "approval_date": forms.DateInput()}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        departments = services.manageable_departments(user)
        self.fields["owner"].queryset = departments.order_by("name")
        self.fields["owner_office"].queryset = Office.objects.filter(department__in=departments).select_related(
            "department")
        others = InformationSystem.objects.select_related("owner").order_by("owner__name", "name")
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
            self.fields["source_codes"].initial = "；".join(services._source_codes(self.instance))
        for name in ("integrated_into", "replaced_by"):
            self.fields[name].queryset = others
            self.fields[name].label_from_instance = lambda system: f"{system.owner.name} / {system.name}"
        if departments.count() == 1 and not self.instance.pk:
            self.fields["owner"].initial = departments.first()
        self.fields["protection_level"].widget.attrs.update({"min": 1, "max": 5})

    def clean_source_codes(self):
        codes = [code for code in CODE_SEPARATORS.split(self.cleaned_data.get("source_codes") or "") if code]
        resources = {resource.code: resource for resource in Resource.objects.filter(code__in=codes)}
        missing = [code for code in codes if code not in resources]
        if missing:
            raise ValidationError(_("目录中没有这些资源代码：%(codes)s") % {"codes": "、".join(missing)})
        return list({resources[code].pk: resources[code] for code in codes}.values())

    def clean(self):
        data = super().clean()
        for name, message in services.system_rule_errors(data, instance=self.instance).items():
            if name in self.fields and name not in self.errors:
                self.add_error(name, message)
        return data

    def _post_clean(self):
        # The model's own uniqueness check would say "already exists" in Django's words; the service says it in ours.
        self._validate_unique = False
        super()._post_clean()

    def service_fields(self):
        return {name: self.cleaned_data.get(name) for name in self.Meta.fields}


def apply_service_errors(error, form):
    """Put a services ValidationError back on the form fields it names."""
    if not hasattr(error, "error_dict"):
        for message in error.messages:
            form.add_error(None, message)
        return
    for key, errors in error.error_dict.items():
        for message in (message for err in errors for message in err.messages):
            form.add_error(key if key in form.fields else None, message)


class AuditImportForm(FormStyleMixin, forms.Form):
    """Upload an audit-list workbook; a platform administrator may name the file's department."""

    file = forms.FileField(
        label=_("审计清单文件"), help_text=_("Excel 工作簿（.xlsx），请使用本页提供的模板填写"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )
    department = forms.ModelChoiceField(
        label=_("限定部门"), queryset=Department.objects.none(), required=False,
        help_text=_("选择后，“所属部门”为空的行归入该部门，其他部门的行视为错误"),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        departments = services.manageable_departments(user)
        self.fields["department"].queryset = departments.order_by("name")
        if departments.count() == 1:
            self.fields["department"].initial = departments.first()

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".xlsx"):
            raise ValidationError(_("请上传 .xlsx 格式的 Excel 工作簿（.xls、CSV 请先在 Excel 或 WPS 中另存为 .xlsx）"))
        return upload


class UsageImportForm(FormStyleMixin, forms.Form):
    """Upload monthly usage figures as CSV (UTF-8 or GBK)."""

    file = forms.FileField(
        label=_("使用情况文件"), help_text=_("CSV 文件（UTF-8 或 GBK 编码）"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".csv", ".txt")):
            raise ValidationError(_("请上传 .csv 格式的文件"))
        return upload

"""Forms of the service item pages: the item with its inline materials (a formset), and the Excel upload.

Plain forms, not model forms: saving goes through `services.create_item` / `update_item`, whose ValidationError is
keyed by field and by `materials.<index>.<field>`; `apply_service_errors` puts each message next to its field or
row. A material names the catalogue resource that replaces it by the resource code (one datalist of the shareable
resources serves every row); the formset resolves all codes in one query.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.forms import formset_factory
from django.utils.translation import gettext_lazy as _

from govshare.catalog.models import Resource
from govshare.core.forms import FormStyleMixin
from govshare.organizations.models import Department
from govshare.users.choices import RoleChoices

from . import services
from .choices import MaterialSourceChoices, ServiceItemTypeChoices

__all__ = [
    "MATERIAL_PREFIX",
    "ImportForm",
    "MaterialForm",
    "MaterialFormSet",
    "ServiceItemForm",
    "apply_service_errors",
    "materials_initial",
]

MATERIAL_PREFIX = "materials"
MAX_UPLOAD_BYTES = 10 * 1024 * 1024


class ServiceItemForm(FormStyleMixin, forms.Form):
    """The item's own fields; the department is fixed to the user's own unless the user is a platform admin."""

    name = forms.CharField(label=_("事项名称"), max_length=200)
    item_type = forms.ChoiceField(label=_("事项类型"), choices=[("", _("请选择"))] + ServiceItemTypeChoices.choices)
    department = forms.ModelChoiceField(label=_("实施部门"), queryset=Department.objects.none())
    base_code = forms.CharField(
        label=_("基本编码"), max_length=40, help_text=_("政务服务事项基本目录中的编码，数字或大写字母")
    )
    implementation_code = forms.CharField(
        label=_("实施编码"), max_length=64, required=False, help_text=_("实施清单中的编码，可不填")
    )
    legal_basis = forms.CharField(
        label=_("设定依据"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("法律、法规、规章的名称和条款"),
    )
    description = forms.CharField(label=_("说明"), max_length=500, required=False)

    def __init__(self, *args, user, item=None, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["department"]
        field.queryset = services.managed_departments(user).select_related("jurisdiction").order_by(
            "jurisdiction__division_code", "name"
        )
        if not user.is_superuser and not user.has_role(RoleChoices.PLATFORM_ADMIN):
            # A department admin: its own department only, shown but not editable.
            field.initial = item.department_id if item is not None else user.department_id
            field.disabled = True
            field.help_text = _("只能管理本部门的事项")
        elif not self.initial.get("department") and user.department_id:
            field.initial = user.department_id

    def item_fields(self):
        data = self.cleaned_data
        return {name: data.get(name) for name in services.ITEM_FIELDS}


class MaterialForm(FormStyleMixin, forms.Form):
    """One row of the materials table."""

    name = forms.CharField(label=_("材料名称"), max_length=200)
    source = forms.ChoiceField(label=_("材料来源"), choices=MaterialSourceChoices.choices,
                               initial=MaterialSourceChoices.APPLICANT)
    is_required = forms.BooleanField(label=_("必要"), required=False, initial=True)
    copies = forms.IntegerField(label=_("份数"), min_value=1, max_value=services.MAX_COPIES, initial=1)
    notes = forms.CharField(label=_("备注"), max_length=500, required=False)
    resource_code = forms.CharField(
        label=_("共享替代资源代码"), max_length=40, required=False,
        widget=forms.TextInput(attrs={"list": "shareable-resources", "autocomplete": "off"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["copies"].widget.attrs["class"] += " input-narrow"
        self.fields["name"].widget.attrs["placeholder"] = _("如：居民身份证")
        self.fields["resource_code"].widget.attrs["placeholder"] = _("资源代码，不替代则留空")


class BaseMaterialFormSet(forms.BaseFormSet):
    """Rows in page order; empty and deleted rows are skipped."""

    def add_error(self, message):
        self.non_form_errors()
        self._non_form_errors.append(message)

    def active_forms(self):
        return [
            form for form in self.forms
            if form.has_changed() and not (self.can_delete and self._should_delete_form(form))
        ]

    def materials(self):
        """(forms, materials): the rows to save and their dicts, index for index, with resource codes resolved
        (one query). An unknown code is put on its row and the materials are None."""
        rows = self.active_forms()
        codes = {form.cleaned_data.get("resource_code", "").strip() for form in rows} - {""}
        resources = dict(Resource.objects.filter(code__in=codes).values_list("code", "pk")) if codes else {}
        materials, valid = [], True
        for form in rows:
            data = {name: form.cleaned_data.get(name) for name in ("name", "source", "is_required", "copies", "notes")}
            code = form.cleaned_data.get("resource_code", "").strip()
            data["replaced_by"] = resources.get(code) if code else None
            if code and code not in resources:
                form.add_error("resource_code", _("资源代码“%(code)s”不存在") % {"code": code})
                valid = False
            materials.append(data)
        return rows, (materials if valid else None)


MaterialFormSet = formset_factory(MaterialForm, formset=BaseMaterialFormSet, extra=2, can_delete=True)


def materials_initial(item):
    """Initial rows of the formset from an item's materials (resource by its code)."""
    return [
        {"name": material.name, "source": material.source, "is_required": material.is_required,
         "copies": material.copies, "notes": material.notes,
         "resource_code": material.replaced_by.code if material.replaced_by_id else ""}
        for material in item.materials.select_related("replaced_by")
    ]


MATERIAL_FIELD_MAP = {"replaced_by": "resource_code"}


def apply_service_errors(error: ValidationError, form, formset, material_forms):
    """Put a services ValidationError back on the item's fields and on the material rows it names."""
    if not hasattr(error, "error_dict"):
        for message in error.messages:
            form.add_error(None, message)
        return
    for key, errors in error.error_dict.items():
        messages = [message for err in errors for message in err.messages]
        if key.startswith("materials."):
            index, _dot, field = key[len("materials."):].partition(".")
            field = MATERIAL_FIELD_MAP.get(field, field)
            row = material_forms[int(index)] if index.isdigit() and int(index) < len(material_forms) else None
            for message in messages:
                if row is not None:
                    row.add_error(field if field in row.fields else None, message)
                else:
                    formset.add_error(message)
            continue
        for message in messages:
            form.add_error(key if key in form.fields else None, message)


class ImportForm(FormStyleMixin, forms.Form):
    file = forms.FileField(
        label=_("Excel 文件（.xlsx）"), help_text=_("使用导出的模板填写「事项」和「材料」两个工作表")
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise ValidationError(_("文件不能超过 %(mb)d MB") % {"mb": MAX_UPLOAD_BYTES // (1024 * 1024)})
        return upload

"""Forms of the catalogue pages: the entry with its info item formset, lifecycle reasons, duties and import.

The entry forms are plain forms, not model forms: saving goes through `services.create_entry` / `update_entry`,
which take the `fields` dict and `items` list built here and raise ValidationError keyed by field
(`share_condition`, `items.2.share_type`); `apply_service_errors` puts those messages back next to the fields.
"""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.forms import formset_factory
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from govshare.core.forms import FormStyleMixin
from govshare.organizations.models import Department, Office
from govshare.users.choices import RoleChoices

from . import services
from .choices import (
    DataTypeChoices,
    DutyChangeKindChoices,
    FormatCategoryChoices,
    OpenTypeChoices,
    ShareModeChoices,
    ShareTypeChoices,
    UpdateCycleChoices,
)
from .models import Classification

__all__ = [
    "ApproveForm",
    "InfoItemForm",
    "InfoItemFormSet",
    "ReasonForm",
    "ResourceForm",
    "ResourceImportForm",
    "SubmitForm",
    "UpdateDutyForm",
    "apply_service_errors",
    "classification_choices",
    "entry_initial",
    "items_initial",
]

ITEM_PREFIX = "items"
# Splits the related resource codes typed one per line or separated by commas, semicolons or spaces.
CODE_SEPARATORS = re.compile(r"[\s,，;；、]+")


def is_platform_admin(user):
    return user.is_superuser or user.has_role(RoleChoices.PLATFORM_ADMIN)


def classification_choices():
    """The classification tree as grouped choices: each 类 a group, its 项/目/细目 below it (one query)."""
    nodes = list(Classification.objects.order_by("full_code").values("pk", "parent_id", "level", "full_code", "name"))
    groups, current = [], None
    for node in nodes:
        if node["level"] == 1:
            current = []
            groups.append((f"{node['full_code']} {node['name']}", current))
            continue
        if current is None:
            continue
        indent = "\u3000" * (node["level"] - 2)
        current.append((node["pk"], f"{indent}{node['full_code']} {node['name']}"))
    return [("", _("请选择资源分类")), *groups]


def _blank(label):
    return [("", label)]


class ResourceForm(FormStyleMixin, forms.Form):
    """The entry's core metadata (资源目录核心元数据); the provider is fixed to the user's department unless the
    user is a platform admin."""

    classification = forms.TypedChoiceField(
        label=_("资源分类"), coerce=int, help_text=_("至少选择到“项”一级，资源代码由分类代码和顺序码组成")
    )
    name = forms.CharField(label=_("资源名称"), max_length=200)
    provider = forms.ModelChoiceField(label=_("资源提供方"), queryset=Department.objects.none())
    provider_office = forms.ModelChoiceField(
        label=_("内设机构"), queryset=Office.objects.none(), required=False, empty_label=_("（不指定）")
    )
    source_system = forms.CharField(
        label=_("来源系统"), max_length=200, required=False, help_text=_("产生该资源的政务信息系统名称")
    )
    abstract = forms.CharField(
        label=_("资源摘要"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("简要说明资源的内容、范围和用途"),
    )
    format_category = forms.ChoiceField(
        label=_("资源格式分类"), choices=_blank(_("请选择")) + FormatCategoryChoices.choices
    )
    format_type = forms.CharField(
        label=_("资源格式类型"), max_length=40, required=False, help_text=_("可从建议中选择，也可直接填写")
    )
    share_type = forms.ChoiceField(
        label=_("共享类型"), choices=ShareTypeChoices.choices, widget=forms.RadioSelect,
        initial=ShareTypeChoices.UNCONDITIONAL,
    )
    share_condition = forms.CharField(
        label=_("共享条件"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("有条件共享时必填：使用部门需满足的条件、申请材料等"),
    )
    share_basis = forms.CharField(
        label=_("不予共享依据"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("不予共享时必填：法律、行政法规或党中央、国务院政策依据"),
    )
    share_mode = forms.ChoiceField(
        label=_("共享方式"), choices=_blank(_("（无）")) + ShareModeChoices.choices, required=False
    )
    open_type = forms.ChoiceField(
        label=_("开放属性"), choices=OpenTypeChoices.choices, widget=forms.RadioSelect,
        initial=OpenTypeChoices.NOT_OPEN,
    )
    open_condition = forms.CharField(
        label=_("开放条件"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("有条件开放时必填"),
    )
    update_cycle = forms.ChoiceField(label=_("更新周期"), choices=_blank(_("请选择")) + UpdateCycleChoices.choices)
    related_codes = forms.CharField(
        label=_("关联资源代码"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("每行一个，或用逗号分隔"),
    )
    description = forms.CharField(label=_("备注"), max_length=500, required=False)
    change_summary = forms.CharField(
        label=_("变更说明"), max_length=500, required=False,
        help_text=_("简要说明本次变更的内容和原因，供审核参考"),
    )

    # Grouped on the page in this order, on a three-column grid: (title, [(field, width class)]).
    SECTIONS = (
        (_("基本信息"), (("classification", ""), ("name", "field-span2"), ("abstract", "field-wide"))),
        (_("资源提供方"), (("provider", ""), ("provider_office", ""), ("source_system", ""))),
        (_("资源格式与更新周期"), (("format_category", ""), ("format_type", ""), ("update_cycle", ""))),
        (_("共享属性"), (("share_type", "field-span2"), ("share_mode", ""), ("share_condition", "field-wide"),
                       ("share_basis", "field-wide"))),
        (_("开放属性"), (("open_type", "field-wide"), ("open_condition", "field-wide"))),
        (_("其他"), (("related_codes", "field-span2"), ("description", ""), ("change_summary", "field-wide"))),
    )
    # Shown only when the controlling field has one of the values (progressive enhancement in catalog/entry.js).
    CONDITIONAL_FIELDS = {
        "share_condition": ("share_type", [ShareTypeChoices.CONDITIONAL]),
        "share_basis": ("share_type", [ShareTypeChoices.NOT_SHARED]),
        "open_condition": ("open_type", [OpenTypeChoices.CONDITIONAL]),
    }

    def __init__(self, *args, user, resource=None, is_change=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.resource = resource
        self.is_change = is_change
        self.fields["classification"].choices = classification_choices()
        self.fields["classification"].widget.attrs["class"] += " classification-select"
        self.fields["format_category"].widget.attrs["data-format-category"] = ""
        self.fields["format_type"].widget.attrs.update({"list": "format-types-all", "autocomplete": "off"})
        if not is_change:
            del self.fields["change_summary"]

        provider_field = self.fields["provider"]
        if is_platform_admin(user):
            provider_field.queryset = Department.objects.select_related("jurisdiction").order_by(
                "jurisdiction__division_code", "name"
            )
            # Choosing another provider reloads its offices (HTMX); without JS the offices are checked on save.
            provider_field.widget.attrs.update({
                "hx-get": reverse("catalog:office_options"), "hx-target": "#id_provider_office", "hx-swap": "innerHTML",
                "hx-trigger": "change",
            })
        else:
            fixed = resource.provider_id if resource is not None else user.department_id
            provider_field.queryset = Department.objects.filter(pk=fixed)
            provider_field.initial = fixed
            provider_field.disabled = True
            provider_field.help_text = _("只能为本部门编制目录")
        if not self.initial.get("provider") and not provider_field.disabled:
            provider_field.initial = user.department_id
        office_field = self.fields["provider_office"]
        office_field.queryset = Office.objects.filter(department_id=self.provider_id()).order_by("name")
        office_field.label_from_instance = lambda office: office.name

    def provider_id(self):
        """The provider chosen (bound data, then initial), for filtering the offices."""
        field = self.fields["provider"]
        if self.is_bound and not field.disabled:
            value = self.data.get(self.add_prefix("provider"))
            return int(value) if str(value or "").isdigit() else None
        return self.initial.get("provider") or field.initial

    def clean_related_codes(self):
        text = self.cleaned_data.get("related_codes") or ""
        return [code for code in CODE_SEPARATORS.split(text) if code]

    def entry_fields(self):
        """The `fields` dict for services.create_entry / update_entry."""
        data = self.cleaned_data
        return {name: data.get(name) for name in services.ENTRY_FIELDS}

    def sections(self):
        """[(title, [{field, css, show_when}])] for the template, in page order."""
        sections = []
        for title, layout in self.SECTIONS:
            fields = []
            for name, css in layout:
                if name not in self.fields:
                    continue
                rule = self.CONDITIONAL_FIELDS.get(name)
                show_when = f"{rule[0]}:{' '.join(rule[1])}" if rule else ""
                fields.append({"field": self[name], "css": css, "show_when": show_when})
            sections.append((title, fields))
        return sections


class InfoItemForm(FormStyleMixin, forms.Form):
    """One row of the info item table (信息项). Blank share/open attributes mean "the same as the resource"."""

    name = forms.CharField(label=_("信息项名称"), max_length=100)
    code = forms.CharField(label=_("英文名称/代码"), max_length=64, required=False)
    data_type = forms.ChoiceField(label=_("数据类型"), choices=DataTypeChoices.choices, initial=DataTypeChoices.CHAR)
    length = forms.IntegerField(label=_("长度"), min_value=1, max_value=1_000_000, required=False)
    description = forms.CharField(label=_("说明"), max_length=500, required=False)
    is_sensitive = forms.BooleanField(label=_("敏感"), required=False)
    is_basic = forms.BooleanField(label=_("基本项"), required=False)
    share_type = forms.ChoiceField(
        label=_("共享类型"), choices=_blank(_("同资源")) + ShareTypeChoices.choices, required=False
    )
    share_condition = forms.CharField(label=_("共享条件"), max_length=500, required=False)
    open_type = forms.ChoiceField(
        label=_("开放属性"), choices=_blank(_("同资源")) + OpenTypeChoices.choices, required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["length"].widget.attrs["class"] += " input-narrow"
        self.fields["name"].widget.attrs["placeholder"] = _("如：企业名称")
        self.fields["code"].widget.attrs["placeholder"] = _("如：QYMC")

    def item(self, entry_fields):
        """The dict for services, with "same as the resource" resolved from the entry's fields."""
        data = {name: self.cleaned_data.get(name) for name in services.ITEM_FIELDS}
        data["share_type"] = data["share_type"] or entry_fields.get("share_type")
        data["open_type"] = data["open_type"] or entry_fields.get("open_type")
        return data


class BaseInfoItemFormSet(forms.BaseFormSet):
    """Rows are kept in page order; empty and deleted rows are skipped."""

    def add_error(self, message):
        """A formset-wide message from the services (e.g. "至少需要一个信息项")."""
        self.non_form_errors()  # make sure the list exists
        self._non_form_errors.append(message)

    def active_forms(self):
        return [
            form for form in self.forms
            if form.has_changed() and not (self.can_delete and self._should_delete_form(form))
        ]

    def items(self, entry_fields):
        """(forms, items): the rows to save in order, and their dicts, index for index."""
        forms_in_order = self.active_forms()
        return forms_in_order, [form.item(entry_fields) for form in forms_in_order]


InfoItemFormSet = formset_factory(InfoItemForm, formset=BaseInfoItemFormSet, extra=3, can_delete=True)


def entry_initial(snapshot_fields):
    """Initial data of ResourceForm from a snapshot's fields (ids for foreign keys, related codes as lines)."""
    initial = dict(snapshot_fields)
    initial["related_codes"] = "\n".join(snapshot_fields.get("related_codes") or [])
    return initial


def items_initial(snapshot_items):
    return [dict(item) for item in snapshot_items]


def apply_service_errors(error, form, formset, item_forms):
    """Put a services ValidationError back on the form fields and the info item rows it names."""
    if not hasattr(error, "error_dict"):
        for message in error.messages:
            form.add_error(None, message)
        return
    for key, errors in error.error_dict.items():
        messages = [message for err in errors for message in err.messages]
        if key.startswith("items."):
            index, _dot, field = key[len("items."):].partition(".")
            row = item_forms[int(index)] if index.isdigit() and int(index) < len(item_forms) else None
            if row is not None and field == "share_condition" and "share_condition" in error.error_dict and not (
                row.cleaned_data.get("share_type")
            ):
                continue  # the row inherits the resource's condition: the message on the resource field suffices
            if row is not None:
                for message in messages:
                    row.add_error(field if field in row.fields else None, message)
                continue
            key = "items"
        if key == "items":
            for message in messages:
                formset.add_error(message)
        else:
            for message in messages:
                form.add_error(key if key in form.fields else None, message)


class ReasonForm(FormStyleMixin, forms.Form):
    """A required reason: returning an entry to its department, or withdrawing a published entry."""

    reason = forms.CharField(label=_("理由"), max_length=500, widget=forms.Textarea(attrs={"rows": 3}))


class ApproveForm(FormStyleMixin, forms.Form):
    comment = forms.CharField(
        label=_("审核意见"), max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class SubmitForm(FormStyleMixin, forms.Form):
    change_summary = forms.CharField(label=_("变更说明"), max_length=500, required=False)


class UpdateDutyForm(FormStyleMixin, forms.Form):
    """Record a change of law or duties (services.record_update_duty computes the 15-working-day deadline)."""

    department = forms.ModelChoiceField(label=_("部门"), queryset=Department.objects.none())
    kind = forms.ChoiceField(label=_("变化类型"), choices=DutyChangeKindChoices.choices, widget=forms.RadioSelect,
                             initial=DutyChangeKindChoices.LAW)
    title = forms.CharField(label=_("变化事项"), max_length=200,
                            help_text=_("如：《某某条例》修订施行；机构改革职能划转"))
    occurred_on = forms.DateField(label=_("发生日期"), widget=forms.DateInput,
                                  help_text=_("法律法规施行或职能调整生效之日"))
    description = forms.CharField(label=_("说明"), max_length=500, required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["department"]
        if is_platform_admin(user):
            field.queryset = Department.objects.order_by("jurisdiction__division_code", "name")
        else:
            field.queryset = Department.objects.filter(pk=user.department_id)
            field.initial = user.department_id
            field.disabled = True


class ResourceImportForm(FormStyleMixin, forms.Form):
    file = forms.FileField(
        label=_("目录文件"), help_text=_("Excel 工作簿（.xlsx），请使用本页提供的模板填写"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".xlsx"):
            raise ValidationError(_("请上传 .xlsx 格式的 Excel 工作簿"))
        return upload

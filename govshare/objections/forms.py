"""Forms of the objection pages. Plain forms: saving goes through `services`, whose ValidationErrors (keyed by
field) are put back on the form by `apply_service_errors`. A required reason's message is the services' own, so the
UI and the API say the same."""

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from govshare.catalog.choices import EntryStatusChoices
from govshare.catalog.models import InfoItem, Resource
from govshare.core.forms import FormStyleMixin
from govshare.organizations.models import Department

from .choices import ObjectionKindChoices

__all__ = [
    "AttachmentsForm",
    "CorrectForm",
    "MultipleFileField",
    "ObjectionForm",
    "RateForm",
    "RejectForm",
    "StartForm",
    "TransferForm",
    "apply_service_errors",
]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; the list may be empty when not required."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


def apply_service_errors(error, form):
    """Put a services ValidationError back on the form's fields (unknown keys become form errors)."""
    if not hasattr(error, "error_dict"):
        for message in error.messages:
            form.add_error(None, message)
        return
    for key, errors in error.error_dict.items():
        for err in errors:
            for message in err.messages:
                form.add_error(key if key in form.fields else None, message)


class ObjectionForm(FormStyleMixin, forms.Form):
    """Raise an objection: the resource (fixed when reached from its page), what is wrong, the evidence."""

    resource = forms.ModelChoiceField(label=_("资源"), queryset=Resource.objects.none(), empty_label=_("请选择资源"))
    kind = forms.ChoiceField(label=_("疑义类型"), choices=[("", _("请选择疑义类型")), *ObjectionKindChoices.choices])
    record_key = forms.CharField(
        label=_("记录标识"), required=False, max_length=100,
        help_text=_("有疑义的记录的主键值，如公民身份号码或统一社会信用代码；针对整个资源时留空"),
    )
    field = forms.ModelChoiceField(
        label=_("信息项"), required=False, queryset=InfoItem.objects.none(), empty_label=_("（不指定）")
    )
    description = forms.CharField(label=_("疑义描述"), max_length=4000, widget=forms.Textarea(attrs={"rows": 5}))
    business_continues = forms.BooleanField(
        label=_("核查期间凭合法证明继续办理业务"), required=False,
        help_text=_("群众或企业持有合法证明的，核查期间业务不中断"),
    )
    business_note = forms.CharField(
        label=_("业务办理情况"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )
    attachments = MultipleFileField(label=_("佐证材料"), required=False)

    def __init__(self, *args, user, resource=None, **kwargs):
        super().__init__(*args, **kwargs)
        from django.conf import settings

        resources = Resource.objects.restrict(user, "view").filter(status=EntryStatusChoices.PUBLISHED)
        if user.department_id:
            resources = resources.exclude(provider_id=user.department_id)
        self.fields["resource"].queryset = resources.order_by("name")
        self.fields["resource"].widget.attrs.update({
            # Choosing another resource reloads its info items (HTMX); without JS the item is checked on save.
            "hx-get": reverse("objections:field_options"), "hx-target": "#id_field", "hx-swap": "innerHTML",
            "hx-trigger": "change",
        })
        chosen = self.data.get("resource") if self.is_bound else (resource.pk if resource else None)
        if resource is not None and not self.is_bound:
            self.initial["resource"] = resource.pk
        items = InfoItem.objects.filter(resource_id=chosen) if str(chosen or "").isdigit() else InfoItem.objects.none()
        self.fields["field"].queryset = items.order_by("position", "id")
        limit_mb = settings.GOVSHARE_OBJECTION_ATTACHMENT_MAX_BYTES / 1024 / 1024
        self.fields["attachments"].help_text = _("可选多个文件，每个不超过 %(mb).0f MB") % {"mb": limit_mb}


class StartForm(FormStyleMixin, forms.Form):
    note = forms.CharField(label=_("说明"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))


class CorrectForm(FormStyleMixin, forms.Form):
    correction_note = forms.CharField(
        label=_("更正说明"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("请说明更正的内容")},
    )
    response = forms.CharField(
        label=_("答复意见"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 2})
    )


class RejectForm(FormStyleMixin, forms.Form):
    reasons = forms.CharField(
        label=_("不予更正理由"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("不予更正必须说明理由")},
    )


class TransferForm(FormStyleMixin, forms.Form):
    department = forms.ModelChoiceField(
        label=_("转办部门"), queryset=Department.objects.none(), empty_label=_("请选择部门"),
        error_messages={"required": _("请选择转办的部门")},
    )
    reason = forms.CharField(label=_("转办理由"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2}),
                             error_messages={"required": _("转办必须说明理由")})

    def __init__(self, *args, objection=None, **kwargs):
        super().__init__(*args, **kwargs)
        departments = Department.objects.select_related("jurisdiction").order_by("jurisdiction__division_code", "name")
        if objection is not None:
            departments = departments.exclude(pk__in=[objection.handler_id, objection.consumer_id])
        self.fields["department"].queryset = departments


class RateForm(FormStyleMixin, forms.Form):
    rating = forms.TypedChoiceField(
        label=_("评价"), coerce=int, empty_value=None, error_messages={"required": _("评价应为1到5分")},
        choices=[(5, _("5 非常满意")), (4, _("4 满意")), (3, _("3 一般")), (2, _("2 不满意")), (1, _("1 非常不满意"))],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(label=_("评价意见"), required=False, max_length=1000,
                              widget=forms.Textarea(attrs={"rows": 2}))
    business_continues = forms.BooleanField(label=_("核查期间业务已继续办理"), required=False)
    business_note = forms.CharField(label=_("业务办理情况"), required=False, max_length=1000)


class AttachmentsForm(forms.Form):
    attachments = MultipleFileField(label=_("补充佐证材料"), required=False)

"""Forms of the sharing pages. They check types; the rules live in services, whose errors `apply_service_errors`
puts back next to the fields."""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from govshare.catalog.choices import ShareTypeChoices
from govshare.core.forms import FormStyleMixin

from .models import ConsumerSystem, Grant

__all__ = [
    "ApproveForm",
    "DecideForm",
    "GrantEditForm",
    "MessageForm",
    "ReasonForm",
    "ShareRequestForm",
    "SystemForm",
    "apply_service_errors",
    "end_of_day",
]


def end_of_day(day):
    """A grant valid "until" a date ends when that date ends (local time)."""
    if day is None:
        return None
    return timezone.make_aware(datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min))


def apply_service_errors(error: ValidationError, form):
    """Put a service's ValidationError on the form: keyed messages on their fields, the rest on the form."""
    if hasattr(error, "error_dict"):
        for key, messages in error.message_dict.items():
            for message in messages:
                form.add_error(key if key in form.fields else None, message)
    else:
        for message in error.messages:
            form.add_error(None, message)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django's documented pattern)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []


def _item_label(item):
    label = f"{item.name}（{item.code}）" if item.code else item.name
    if item.is_sensitive:
        label += str(_("【敏感】"))
    if item.share_type == ShareTypeChoices.NOT_SHARED:
        label += str(_("【不予共享】"))
    return label


class ItemChoiceField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj):
        return _item_label(obj)


class ShareRequestForm(FormStyleMixin, forms.Form):
    """A share request for one resource; the consumer is the user's department."""

    system = forms.ModelChoiceField(
        label=_("应用系统"), queryset=ConsumerSystem.objects.none(), required=False,
        empty_label=_("（不限，本部门使用）"),
        help_text=_("选择后，仅该应用系统可凭授权调用数据"),
    )
    items = ItemChoiceField(label=_("申请信息项"), queryset=None)
    purpose = forms.CharField(label=_("使用用途"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
                              help_text=_("数据仅可用于此处申明的用途，不得转提供给第三方"))
    legal_basis = forms.CharField(label=_("申请依据"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}),
                                  help_text=_("法律法规依据或履行职责的需要"))
    use_scenario = forms.CharField(label=_("应用场景"), max_length=2000, required=False,
                                   widget=forms.Textarea(attrs={"rows": 2}))
    period_start = forms.DateField(label=_("使用开始日期"), widget=forms.DateInput)
    period_end = forms.DateField(label=_("使用截止日期"), widget=forms.DateInput)
    attachments = MultipleFileField(label=_("附件"), required=False,
                                    help_text=_("批准文件、业务依据等，可多选"))

    def __init__(self, *args, resource, user, **kwargs):
        super().__init__(*args, **kwargs)
        items = resource.items.all()
        if resource.share_type != ShareTypeChoices.NOT_SHARED:
            items = items.exclude(share_type=ShareTypeChoices.NOT_SHARED)
        self.fields["items"].queryset = items
        self.fields["system"].queryset = ConsumerSystem.objects.filter(department_id=user.department_id,
                                                                       is_active=True)
        today = timezone.localdate()
        self.fields["period_start"].initial = today
        self.fields["period_end"].initial = today.replace(year=today.year + 1) if not (
            today.month == 2 and today.day == 29) else today + datetime.timedelta(days=365)


class ReasonForm(FormStyleMixin, forms.Form):
    """A required reason: refusal, escalation, revocation."""

    reason = forms.CharField(label=_("理由"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class MessageForm(FormStyleMixin, forms.Form):
    """A message on the negotiation thread."""

    body = forms.CharField(label=_("内容"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class GrantTermsMixin(forms.Form):
    """Validity and limits of the grant an approval or a decision gives."""

    valid_until = forms.DateField(label=_("授权有效期至"), required=False, widget=forms.DateInput,
                                  help_text=_("留空则至申请的使用截止日期"))
    rate_limit = forms.IntegerField(label=_("速率上限（次/秒）"), min_value=1,
                                    initial=Grant._meta.get_field("rate_limit").default)
    daily_quota = forms.IntegerField(label=_("每日调用上限"), min_value=1,
                                     initial=Grant._meta.get_field("daily_quota").default)

    def terms(self):
        data = self.cleaned_data
        return {"valid_until": end_of_day(data.get("valid_until")), "rate_limit": data.get("rate_limit"),
                "daily_quota": data.get("daily_quota")}


class ApproveForm(FormStyleMixin, GrantTermsMixin):
    """The provider's approval: all requested items or some, and which sensitive items are given in clear."""

    items = ItemChoiceField(label=_("同意的信息项"), queryset=None)
    clear_items = ItemChoiceField(label=_("明文提供的敏感信息项"), queryset=None, required=False,
                                  help_text=_("未勾选的敏感信息项将脱敏提供"))
    comment = forms.CharField(label=_("答复意见"), max_length=2000, required=False,
                              widget=forms.Textarea(attrs={"rows": 2}),
                              help_text=_("部分同意时必填：说明其余信息项不予共享的理由"))
    field_order = ["items", "clear_items", "valid_until", "rate_limit", "daily_quota", "comment"]

    def __init__(self, *args, share_request, **kwargs):
        super().__init__(*args, **kwargs)
        requested = share_request.items.all()
        self.fields["items"].queryset = requested
        self.fields["items"].initial = [item.pk for item in requested]
        self.fields["clear_items"].queryset = requested.filter(is_sensitive=True)


class DecideForm(FormStyleMixin, GrantTermsMixin):
    """The competent authority's binding decision."""

    DECISIONS = [("grant", _("决定共享")), ("refuse", _("决定不予共享"))]

    decision = forms.ChoiceField(label=_("决定"), choices=DECISIONS, widget=forms.RadioSelect, initial="grant")
    reason = forms.CharField(label=_("决定理由"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    items = ItemChoiceField(label=_("共享的信息项"), queryset=None, required=False,
                            help_text=_("决定共享时适用；留空则为申请的全部信息项"))
    clear_items = ItemChoiceField(label=_("明文提供的敏感信息项"), queryset=None, required=False)
    field_order = ["decision", "reason", "items", "clear_items", "valid_until", "rate_limit", "daily_quota"]

    def __init__(self, *args, share_request, **kwargs):
        super().__init__(*args, **kwargs)
        items = share_request.resource.items.all()
        self.fields["items"].queryset = items
        self.fields["items"].initial = [item.pk for item in share_request.items.all()]
        self.fields["clear_items"].queryset = items.filter(is_sensitive=True)


class GrantEditForm(FormStyleMixin, forms.Form):
    """The provider adjusts a grant's validity and limits."""

    valid_until = forms.DateField(label=_("授权有效期至"), required=False, widget=forms.DateInput,
                                  help_text=_("留空为长期有效"))
    rate_limit = forms.IntegerField(label=_("速率上限（次/秒）"), min_value=1)
    daily_quota = forms.IntegerField(label=_("每日调用上限"), min_value=1)


class SystemForm(FormStyleMixin, forms.Form):
    """Register a consumer system."""

    name = forms.CharField(label=_("系统名称"), max_length=200)
    description = forms.CharField(label=_("说明"), max_length=500, required=False,
                                  widget=forms.Textarea(attrs={"rows": 2}))

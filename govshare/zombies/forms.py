"""Forms of the zombie pages. Plain forms: saving goes through `services`, whose ValidationErrors (keyed by field)
are put back on the form by `apply_service_errors`; required notes carry the services' own message, so the UI and
the API say the same."""

from django import forms
from django.utils.translation import gettext_lazy as _

from govshare.core.forms import FormStyleMixin
from govshare.inventory.choices import SystemStatusChoices
from govshare.inventory.models import InformationSystem
from govshare.organizations.models import Jurisdiction

from . import services
from .choices import CleanupActionChoices
from .models import authority_jurisdiction_ids, system_scope

__all__ = [
    "AcceptCandidateForm",
    "CancelPlanForm",
    "DecisionForm",
    "FinishPlanForm",
    "PlanForm",
    "ProgressForm",
    "RuleForm",
    "apply_service_errors",
]

DATE = forms.DateInput(format="%Y-%m-%d")


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


def _system_label(system):
    return f"{system.owner.name} / {system.name}"


class _SystemChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return _system_label(obj)


def running_systems_for(user, action="view"):
    """Running systems a user may pick (as a plan's system: those it decides on; as a target: those it sees)."""
    queryset = InformationSystem.objects.filter(status__in=SystemStatusChoices.RUNNING).select_related("owner")
    condition = system_scope(user, action, prefix="")
    if condition is not None:
        queryset = queryset.filter(condition)
    return queryset.order_by("owner__name", "name")


class DecisionForm(FormStyleMixin, forms.Form):
    """Confirm or dismiss a flag or a duplicate pair; the note is required to dismiss (checked by the service)."""

    note = forms.CharField(label=_("处理意见"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 2}))


class PlanForm(FormStyleMixin, forms.Form):
    """Set or change a cleanup plan: the system (fixed when reached from a flag), the action, the target, the
    deadline and the requirements."""

    system = _SystemChoiceField(label=_("信息系统"), queryset=InformationSystem.objects.none())
    action = forms.ChoiceField(label=_("清理方式"), choices=CleanupActionChoices.choices, widget=forms.RadioSelect)
    target = _SystemChoiceField(
        label=_("目标系统"), queryset=InformationSystem.objects.none(), required=False,
        help_text=_("整合至或替代它的在运行系统；关停时留空"),
    )
    deadline = forms.DateField(label=_("完成期限"), widget=DATE)
    instructions = forms.CharField(label=_("工作要求"), required=False, max_length=4000,
                                   widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, user, system=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["system"].queryset = running_systems_for(user, "decide")
        self.fields["target"].queryset = running_systems_for(user, "view")
        if system is not None:
            self.fields["system"].queryset = InformationSystem.objects.filter(pk=system.pk).select_related("owner")
            self.fields["system"].initial = system.pk
            self.fields["system"].disabled = True


class ProgressForm(FormStyleMixin, forms.Form):
    text = forms.CharField(label=_("进展情况"), required=False, max_length=4000,
                           widget=forms.Textarea(attrs={"rows": 2}))
    evidence_file = forms.FileField(label=_("佐证材料（可选）"), required=False)


class FinishPlanForm(FormStyleMixin, forms.Form):
    evidence_text = forms.CharField(label=_("完成情况说明"), required=False, max_length=4000,
                                    widget=forms.Textarea(attrs={"rows": 3}))
    evidence_file = forms.FileField(label=_("佐证材料"), required=False,
                                    help_text=_("关停通知、数据迁移报告、验收材料等，不超过 20 MB"))


class CancelPlanForm(FormStyleMixin, forms.Form):
    reason = forms.CharField(label=_("撤销理由"), required=False, max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 2}))


class AcceptCandidateForm(FormStyleMixin, forms.Form):
    """Accept a duplicate pair: which system stays (the other is integrated into it), and by when."""

    keep = forms.TypedChoiceField(label=_("保留的系统"), coerce=int, widget=forms.RadioSelect,
                                  help_text=_("另一个系统整合至该系统"))
    deadline = forms.DateField(label=_("完成期限"), widget=DATE)
    note = forms.CharField(label=_("工作要求"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, candidate, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["keep"].choices = [
            (system.pk, _system_label(system)) for system in (candidate.system_a, candidate.system_b)
        ]


class RuleForm(FormStyleMixin, forms.Form):
    """The thresholds of one rule row; the jurisdiction only when adding a row."""

    jurisdiction = forms.ModelChoiceField(
        label=_("行政区域"), queryset=Jurisdiction.objects.none(), required=False,
        help_text=_("留空为全平台默认规则（仅平台管理员）"),
    )
    unused_enabled = forms.BooleanField(label=_("启用：长期无人使用"), required=False)
    unused_months = forms.IntegerField(label=_("无人使用月数阈值"), min_value=1, max_value=120)
    unmaintained_enabled = forms.BooleanField(label=_("启用：长期停止运维"), required=False)
    unmaintained_months = forms.IntegerField(label=_("停止运维月数阈值"), min_value=1, max_value=120)
    utilisation_enabled = forms.BooleanField(label=_("启用：资源利用率低"), required=False)
    utilisation_percent = forms.DecimalField(label=_("资源利用率阈值（%）"), min_value=0, max_value=100,
                                             max_digits=5, decimal_places=2)
    users_enabled = forms.BooleanField(label=_("启用：用户数少"), required=False)
    min_monthly_users = forms.IntegerField(label=_("月活跃用户数阈值"), min_value=0)
    duplicate_enabled = forms.BooleanField(label=_("启用：功能重复"), required=False)
    duplicate_similarity = forms.DecimalField(label=_("功能相似度阈值（0–1）"), min_value=0.01, max_value=1,
                                              max_digits=3, decimal_places=2)
    no_data_enabled = forms.BooleanField(
        label=_("启用：无使用数据"), required=False,
        help_text=_("登记满“无人使用月数阈值”仍从未报送使用情况的系统，标记为“无使用数据”"),
    )

    def __init__(self, *args, user, rule=None, **kwargs):
        if rule is not None:
            kwargs.setdefault("initial", {name: getattr(rule, name) for name in services.RULE_FIELDS})
        super().__init__(*args, **kwargs)
        if rule is not None and rule.pk:
            del self.fields["jurisdiction"]
        else:
            jurisdictions = Jurisdiction.objects.order_by("division_code")
            if not (user.is_superuser or user.has_role("platform_admin")):
                jurisdictions = jurisdictions.filter(pk__in=authority_jurisdiction_ids(user) or [])
                self.fields["jurisdiction"].required = True
            self.fields["jurisdiction"].queryset = jurisdictions

    def rule_values(self):
        return {name: self.cleaned_data[name] for name in services.RULE_FIELDS}

"""Forms of the project filing pages. Plain forms: saving goes through `services`, whose ValidationErrors (keyed by
field) are put back on the form by `apply_service_errors`; a required reason's message is the services' own, so the
UI and the API say the same."""

from django import forms
from django.utils.translation import gettext_lazy as _

from govshare.catalog.choices import EntryStatusChoices
from govshare.catalog.models import Resource
from govshare.core.forms import FormStyleMixin
from govshare.inventory.models import InformationSystem
from govshare.objections.forms import MultipleFileField, apply_service_errors

from .choices import FundingChannelChoices, OpinionChoices, ReviewDecisionChoices
from .models import ReviewerDepartment
from .services import PROJECT_FIELDS, attachment_max_bytes, filing_departments

__all__ = [
    "AcceptanceRequestForm",
    "AcceptanceReviewForm",
    "AttachmentsForm",
    "DecisionForm",
    "OpinionForm",
    "ProjectForm",
    "ReviewerDepartmentForm",
    "apply_service_errors",
]

LEVEL_CHOICES = [("", _("未定级")), *[(str(level), _("第%(n)d级") % {"n": level}) for level in range(1, 6)]]


class ProjectForm(FormStyleMixin, forms.Form):
    """The filing: what is built or maintained, by whom, with what money, on which data and systems."""

    name = forms.CharField(label=_("项目名称"), max_length=200)
    construction_unit = forms.ModelChoiceField(label=_("建设单位"), queryset=None, empty_label=_("请选择部门"))
    construction_unit_detail = forms.CharField(
        label=_("承建处室/单位"), max_length=200, required=False, help_text=_("具体负责建设的内设机构或承建单位")
    )
    funding_channel = forms.ChoiceField(
        label=_("经费渠道"), choices=[("", _("请选择")), *FundingChannelChoices.choices],
        help_text=_("升级改造和运维资金项目须选择现有的应用系统"),
    )
    investment = forms.DecimalField(label=_("投资额度（万元）"), min_value=0, max_digits=12, decimal_places=2,
                                    initial=0)
    annual_om_cost = forms.DecimalField(label=_("年运维费用（万元）"), min_value=0, max_digits=12, decimal_places=2,
                                        initial=0)
    function = forms.CharField(
        label=_("建设内容及主要功能"), max_length=4000, widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("用于与现有信息系统比对，检查是否重复建设"),
    )
    planned_resources = forms.ModelMultipleChoiceField(
        label=_("数据资源"), queryset=None, required=False, widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("项目将产生或使用的信息资源目录；新的资源请先在资源目录中编目并提交审核"),
    )
    systems = forms.ModelMultipleChoiceField(
        label=_("应用系统"), queryset=None, required=False, widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text=_("建设单位信息系统清单中的系统"),
    )
    plans_to_connect = forms.BooleanField(label=_("计划接入共享平台"), required=False)
    protection_level = forms.ChoiceField(label=_("等级保护级别"), choices=LEVEL_CHOICES, required=False)
    protection_filing_number = forms.CharField(
        label=_("等保备案号"), max_length=100, required=False, help_text=_("第二级及以上须填写")
    )
    description = forms.CharField(
        label=_("说明"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    attachments = MultipleFileField(label=_("附件"), required=False)

    def __init__(self, *args, user, project=None, **kwargs):
        super().__init__(*args, **kwargs)
        departments = filing_departments(user).order_by("jurisdiction__division_code", "name")
        self.fields["construction_unit"].queryset = departments
        resources = Resource.objects.restrict(user, "view").exclude(status=EntryStatusChoices.WITHDRAWN)
        self.fields["planned_resources"].queryset = resources.select_related("provider").order_by("name")
        self.fields["systems"].queryset = InformationSystem.objects.filter(owner__in=departments).order_by("name")
        self.fields["attachments"].help_text = _("可选多个文件，每个不超过 %(mb)d MB") % {
            "mb": attachment_max_bytes() // (1024 * 1024) or 1}
        if project is not None and project.pk and not self.is_bound:
            self.initial.update({name: getattr(project, name) for name in PROJECT_FIELDS})
            self.initial["construction_unit"] = project.construction_unit_id
            self.initial["protection_level"] = str(project.protection_level or "")
            self.initial["planned_resources"] = list(project.planned_resources.values_list("pk", flat=True))
            self.initial["systems"] = list(project.systems.values_list("pk", flat=True))
        elif not self.is_bound and departments.count() == 1:
            self.initial["construction_unit"] = departments.first().pk
        self.fields["planned_resources"].label_from_instance = (
            lambda r: f"{r.name}（{r.provider.name}，{EntryStatusChoices.label(r.status)}）"
        )

    def service_fields(self) -> dict:
        data = self.cleaned_data
        return {name: data.get(name) for name in PROJECT_FIELDS}


class OpinionForm(FormStyleMixin, forms.Form):
    opinion = forms.ChoiceField(
        label=_("会审意见"), widget=forms.RadioSelect,
        choices=[(OpinionChoices.AGREE, _("同意")), (OpinionChoices.DISAGREE, _("不同意"))],
        error_messages={"required": _("请选择同意或不同意")},
    )
    text = forms.CharField(label=_("意见说明"), required=False, max_length=4000,
                           widget=forms.Textarea(attrs={"rows": 3}), help_text=_("不同意时必须说明理由"))


class DecisionForm(FormStyleMixin, forms.Form):
    decision = forms.ChoiceField(
        label=_("决定"), widget=forms.RadioSelect,
        choices=[(ReviewDecisionChoices.APPROVED, _("批准")), (ReviewDecisionChoices.REFUSED, _("不予批准"))],
        error_messages={"required": _("请选择批准或不予批准")},
    )
    reason = forms.CharField(label=_("理由"), required=False, max_length=4000,
                             widget=forms.Textarea(attrs={"rows": 3}), help_text=_("不予批准必须说明理由"))


class AcceptanceRequestForm(FormStyleMixin, forms.Form):
    note = forms.CharField(label=_("建设完成情况"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 2}))


class AcceptanceReviewForm(FormStyleMixin, forms.Form):
    comment = forms.CharField(label=_("验收意见"), required=False, max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 2}))


class AttachmentsForm(forms.Form):
    attachments = MultipleFileField(label=_("上传附件"), required=False)


class ReviewerDepartmentForm(FormStyleMixin, forms.ModelForm):
    """Name the development-reform or finance department of a jurisdiction (one of each kind per jurisdiction)."""

    class Meta:
        model = ReviewerDepartment
        fields = ["kind", "department"]

    def clean(self):
        data = super().clean()
        kind, department = data.get("kind"), data.get("department")
        if kind and department:
            taken = ReviewerDepartment.objects.filter(
                kind=kind, department__jurisdiction_id=department.jurisdiction_id
            ).exclude(pk=self.instance.pk)
            if taken.exists():
                raise forms.ValidationError(_("%(jurisdiction)s已指定该类会审部门") % {
                    "jurisdiction": department.jurisdiction})
        return data

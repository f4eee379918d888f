"""Forms of the supervision pages; the rules live in services (and deadlines for the 时序进度 text)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from govshare.core.forms import FormStyleMixin
from govshare.objections.forms import MultipleFileField, apply_service_errors
from govshare.organizations.models import Department, Jurisdiction

from .choices import TaskStatusChoices

__all__ = ["PlanForm", "PlanImportForm", "ProgressReportForm", "TaskForm", "TaskStatusForm", "apply_service_errors"]


class PlanForm(FormStyleMixin, forms.Form):
    """A plan's heading: name, issuing body, document number, year (the tasks come from the import or the task
    form)."""

    name = forms.CharField(label=_("计划名称"), max_length=200)
    issuing_body = forms.CharField(label=_("印发机关"), max_length=100, required=False,
                                   help_text=_("如：盐城市人民政府办公室"))
    document_number = forms.CharField(label=_("文号"), max_length=100, required=False,
                                      help_text=_("如：盐政办发〔2018〕57号"))
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100, required=False,
                              help_text=_("时序进度未写年份时（如“6月底前”）按此年度计算"))
    jurisdiction = forms.ModelChoiceField(label=_("所属区域"), queryset=Jurisdiction.objects.all(), required=False)
    description = forms.CharField(label=_("说明"), max_length=500, required=False,
                                  widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, user, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing or user.department_id:
            # The plan belongs to the supervisor's own jurisdiction; only a platform admin without one chooses.
            del self.fields["jurisdiction"]


class PlanImportForm(PlanForm):
    """Upload a task table (.xlsx): a new plan with its tasks."""

    file = forms.FileField(label=_("任务表文件"),
                           help_text=_("Excel 工作簿（.xlsx），列：序号、工作任务、牵头单位、协同单位、时序进度"),
                           widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}))
    strict_units = forms.BooleanField(label=_("单位必须全部匹配到部门"), required=False,
                                      help_text=_("勾选后，任何未匹配到部门的单位都会使整个文件被拒绝"))
    field_order = ["file", "name", "issuing_body", "document_number", "year", "jurisdiction", "strict_units"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].required = False
        self.fields["name"].help_text = _("留空时使用表格标题行或文件名")
        del self.fields["description"]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(_("请上传 .xlsx 格式的 Excel 工作簿"))
        if upload.size > 10 * 1024 * 1024:
            raise forms.ValidationError(_("文件不能超过 10 MB"))
        return upload


class TaskForm(FormStyleMixin, forms.Form):
    """Add or edit one task by hand: the deadline is typed as in the task table and read the same way."""

    number = forms.CharField(label=_("序号"), max_length=20)
    section = forms.CharField(label=_("所属部分"), max_length=200, required=False)
    text = forms.CharField(label=_("工作任务"), widget=forms.Textarea(attrs={"rows": 3}))
    lead_units = forms.ModelMultipleChoiceField(label=_("牵头单位"), queryset=Department.objects.none(),
                                                required=False)
    cooperating_units = forms.ModelMultipleChoiceField(label=_("协同单位"), queryset=Department.objects.none(),
                                                       required=False)
    deadline_text = forms.CharField(
        label=_("时序进度"), max_length=100,
        help_text=_("如：2026年12月底前、2026-12-31、每年12月1日前、每季度末、每月25日前、长期坚持"),
    )

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        units = Department.objects.filter(jurisdiction_id__in=plan.jurisdiction.descendant_ids()).order_by("name")
        self.fields["lead_units"].queryset = units
        self.fields["cooperating_units"].queryset = units


class TaskStatusForm(FormStyleMixin, forms.Form):
    status = forms.ChoiceField(label=_("状态"), choices=TaskStatusChoices.choices)
    completed_on = forms.DateField(label=_("完成日期"), required=False, widget=forms.DateInput)


class ProgressReportForm(FormStyleMixin, forms.Form):
    """A unit's progress report: what was done, how far (%), the evidence."""

    department = forms.ModelChoiceField(label=_("报送单位"), queryset=Department.objects.none())
    text = forms.CharField(label=_("进展情况"), max_length=4000, widget=forms.Textarea(attrs={"rows": 5}))
    percent = forms.IntegerField(label=_("完成进度（%）"), min_value=0, max_value=100,
                                 help_text=_("牵头单位报送100%即完成任务；周期性任务完成本周期后进入下一周期"))
    attachments = MultipleFileField(label=_("附件"), required=False)

    def __init__(self, *args, task, user, supervisor=False, **kwargs):
        super().__init__(*args, **kwargs)
        units = Department.objects.filter(pk__in=[
            *task.lead_units.values_list("pk", flat=True), *task.cooperating_units.values_list("pk", flat=True)
        ])
        if supervisor:
            units = units | Department.objects.filter(pk=user.department_id)
        field = self.fields["department"]
        field.queryset = units.distinct().order_by("name")
        if user.department_id and field.queryset.filter(pk=user.department_id).exists():
            field.initial = user.department_id
        if not supervisor and user.department_id:
            field.queryset = field.queryset.filter(pk=user.department_id)

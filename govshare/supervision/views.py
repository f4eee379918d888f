"""Supervision pages: plans (list, import, detail, edit), tasks (list with HTMX filters, detail with reports, the
report form, the status), the weekly bulletin (page, PDF, DOCX) and the monthly view by unit.

Views stay thin: permissions come from `restrict()` and services.can_manage_plan, rules from services."""

import datetime
import io
import json
import uuid
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from govshare.core.attachments import download_response
from govshare.core.views import BaseObjectView, ObjectDeleteView, ObjectListView, restrict, safe_return_url
from govshare.organizations.models import Department
from govshare.users.choices import RoleChoices

from . import bulletin as bulletins
from . import services
from .choices import DeadlineKindChoices, TaskStateChoices
from .filtersets import WorkPlanFilterSet, WorkTaskFilterSet
from .forms import PlanForm, PlanImportForm, ProgressReportForm, TaskForm, TaskStatusForm, apply_service_errors
from .models import ProgressAttachment, WorkPlan, WorkTask
from .services import Horizon, task_state
from .tables import WorkPlanTable, WorkTaskTable, task_state_badge, units_html

__all__ = [
    "AttachmentDownloadView",
    "BulletinDownloadView",
    "BulletinView",
    "MonthlyView",
    "PlanAddView",
    "PlanDeleteView",
    "PlanDetailView",
    "PlanEditView",
    "PlanImportReportView",
    "PlanImportView",
    "PlanListView",
    "PlanTemplateView",
    "TaskEditView",
    "TaskDetailView",
    "TaskListView",
    "TaskReportView",
    "TaskStatusView",
]

SUPERVISOR_ROLES = (RoleChoices.AUTHORITY_OFFICER, RoleChoices.PLATFORM_ADMIN)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


# ---------------------------------------------------------------------------------------------------------------
# Plans


class PlanListView(ObjectListView):
    """工作计划: the plans the user may read, with their task counts."""

    queryset = WorkPlan.objects.select_related("jurisdiction").annotate(task_count=Count("tasks")).order_by(
        "-year", "-created", "-id"
    )
    filterset = WorkPlanFilterSet
    table = WorkPlanTable
    template_name = "supervision/plan_list.html"
    title = gettext_lazy("督查台账")
    list_url_name = "supervision:plan_list"
    search_placeholder = gettext_lazy("计划名称、文号或印发机关")

    def get_extra_context(self, request, instance=None):
        return {"can_manage": services.can_manage_plan(request.user)}


class PlanAddView(BaseObjectView):
    """Create an empty plan (its tasks are then added one by one); supervisors only."""

    required_roles = SUPERVISOR_ROLES
    queryset = WorkPlan.objects.all()
    template_name = "generic/object_edit.html"
    list_url_name = "supervision:plan_list"

    def render_form(self, form):
        return render(self.request, self.template_name, {
            **self.base_context(), "form": form, "is_new": True, "title": _("新建工作计划"),
            "cancel_url": reverse("supervision:plan_list"),
        })

    def get(self, request):
        return self.render_form(PlanForm(user=request.user))

    def post(self, request):
        form = PlanForm(request.POST, user=request.user)
        if form.is_valid():
            data = form.cleaned_data
            try:
                plan = services.create_plan(
                    user=request.user, name=data["name"], jurisdiction=data.get("jurisdiction"),
                    issuing_body=data["issuing_body"], document_number=data["document_number"], year=data["year"],
                    description=data["description"],
                )
            except ValidationError as error:
                apply_service_errors(error, form)
            else:
                messages.success(request, _("已创建工作计划“%(plan)s”") % {"plan": plan})
                return redirect("supervision:plan_detail", pk=plan.pk)
        return self.render_form(form)


class PlanEditView(BaseObjectView):
    action = "change"
    queryset = WorkPlan.objects.all()
    template_name = "generic/object_edit.html"
    list_url_name = "supervision:plan_list"
    detail_url_name = "supervision:plan_detail"

    def render_form(self, plan, form):
        return render(self.request, self.template_name, {
            **self.base_context(plan), "object": plan, "form": form, "is_new": False,
            "title": _("编辑：%(object)s") % {"object": plan}, "cancel_url": self.get_return_url(plan),
        })

    def get(self, request, pk):
        plan = self.get_object()
        initial = {name: getattr(plan, name) for name in ("name", "issuing_body", "document_number", "year",
                                                          "description")}
        return self.render_form(plan, PlanForm(initial=initial, user=request.user, editing=True))

    def post(self, request, pk):
        plan = self.get_object()
        form = PlanForm(request.POST, user=request.user, editing=True)
        if form.is_valid():
            try:
                services.update_plan(plan, user=request.user, **form.cleaned_data)
            except ValidationError as error:
                apply_service_errors(error, form)
            else:
                messages.success(request, _("已保存工作计划“%(plan)s”") % {"plan": plan})
                return redirect("supervision:plan_detail", pk=plan.pk)
        return self.render_form(plan, form)


class PlanDeleteView(ObjectDeleteView):
    queryset = WorkPlan.objects.all()
    list_url_name = "supervision:plan_list"
    detail_url_name = "supervision:plan_detail"


class PlanDetailView(BaseObjectView):
    """A plan: its heading, counts by state, and its tasks (the task table, filterable)."""

    queryset = WorkPlan.objects.select_related("jurisdiction", "created_by")
    template_name = "supervision/plan_detail.html"
    list_url_name = "supervision:plan_list"

    def get(self, request, pk):
        plan = self.get_object()
        horizon = Horizon.at()
        tasks = list(plan.tasks.prefetch_related("lead_units", "cooperating_units").order_by("sort_key", "pk"))
        counts = dict.fromkeys(TaskStateChoices.values, 0)
        for task in tasks:
            counts[task_state(task, horizon)] += 1
        can_manage = self.can("change", plan)
        return render(request, self.template_name, {
            **self.base_context(plan),
            "object": plan,
            "title": plan.name,
            "table": WorkTaskTable(tasks, request=None, horizon=horizon),
            "state_counts": [(value, TaskStateChoices.label(value), TaskStateChoices.colour(value), counts[value])
                             for value in TaskStateChoices.values],
            "total": len(tasks),
            "can_manage": can_manage,
            "edit_url": reverse("supervision:plan_edit", args=[plan.pk]) if can_manage else None,
            "delete_url": reverse("supervision:plan_delete", args=[plan.pk]) if can_manage else None,
            "soon_days": horizon.soon_days,
        })


# ---------------------------------------------------------------------------------------------------------------
# Import


def _imports_dir():
    return Path(settings.DATA_DIR) / "imports" / "supervision"


class PlanImportView(BaseObjectView):
    """Upload a task table: a new plan with its tasks, or the file's errors (nothing written)."""

    required_roles = SUPERVISOR_ROLES
    queryset = WorkPlan.objects.all()
    template_name = "supervision/plan_import.html"
    list_url_name = "supervision:plan_list"

    def render_page(self, form, result=None, job=None):
        return render(self.request, self.template_name, {
            **self.base_context(), "title": _("导入工作计划"), "form": form, "result": result, "job": job,
        })

    def get(self, request):
        return self.render_page(PlanImportForm(user=request.user))

    def post(self, request):
        from .excel import import_plan

        form = PlanImportForm(request.POST, request.FILES, user=request.user)
        if not form.is_valid():
            return self.render_page(form)
        data = form.cleaned_data
        upload = data["file"]
        job = uuid.uuid4().hex
        job_dir = _imports_dir() / job
        job_dir.mkdir(parents=True, exist_ok=True)
        path = job_dir / "upload.xlsx"
        with path.open("wb") as target:
            for chunk in upload.chunks():
                target.write(chunk)
        (job_dir / "job.json").write_text(json.dumps({"user_id": request.user.pk, "filename": upload.name}),
                                          encoding="utf-8")
        result = import_plan(
            path, user=request.user, name=data["name"], jurisdiction=data.get("jurisdiction"),
            issuing_body=data["issuing_body"], document_number=data["document_number"], year=data["year"],
            strict_units=data["strict_units"], report_path=job_dir / "error-report.xlsx", filename=upload.name,
        )
        if result.ok:
            text = _("已导入工作计划“%(plan)s”，共 %(n)d 项任务") % {"plan": result.plan_name, "n": result.created}
            if result.warnings:
                text += _("；%(n)d 个单位未匹配到部门，已按文本保留") % {"n": len(result.warnings)}
            messages.success(request, text)
            if not result.warnings:
                return redirect("supervision:plan_detail", pk=result.plan_id)
        return self.render_page(PlanImportForm(user=request.user) if result.ok else form, result=result.as_dict(),
                                job=job)


class PlanImportReportView(BaseObjectView):
    """The error report (.xlsx) of a rejected import, for the user who uploaded it."""

    required_roles = SUPERVISOR_ROLES
    queryset = WorkPlan.objects.all()

    def get(self, request, job):
        try:
            job_dir = _imports_dir() / uuid.UUID(str(job)).hex
        except ValueError as exc:
            raise Http404 from exc
        try:
            meta = json.loads((job_dir / "job.json").read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise Http404 from exc
        report = job_dir / "error-report.xlsx"
        if meta.get("user_id") != request.user.pk or not report.exists():
            raise Http404
        return FileResponse(report.open("rb"), as_attachment=True, filename=_("导入错误报告.xlsx"), content_type=XLSX)


class PlanTemplateView(BaseObjectView):
    """The blank task table (header, one example row per deadline form, the 填写说明 sheet)."""

    queryset = WorkPlan.objects.all()

    def get(self, request):
        from .excel import write_workbook

        buffer = io.BytesIO()
        write_workbook(buffer, [
            (1, "（示例）编制完成全市和部门政务信息资源目录", "市经信委", "市级各部门、市信息资源监管中心",
             "2026年12月底前"),
            (2, "（示例）报送年度政务信息资源共享情况", "市级各部门", "", "每年12月1日前"),
            (3, "（示例）报送数据挂接进展", "市经信委", "", "每月25日前"),
        ], title=_("（计划名称）重点工作任务"))
        response = HttpResponse(buffer.getvalue(), content_type=XLSX)
        response["Content-Disposition"] = content_disposition_header(True, _("督查任务表模板.xlsx"))
        return response


# ---------------------------------------------------------------------------------------------------------------
# Tasks


class TaskListView(ObjectListView):
    """督查任务: every task the user may read, filtered by plan, unit, state (on working days) with HTMX."""

    queryset = WorkTask.objects.select_related("plan").prefetch_related("lead_units", "cooperating_units")
    filterset = WorkTaskFilterSet
    table = WorkTaskTable
    template_name = "supervision/task_list.html"
    title = gettext_lazy("督查任务")
    list_url_name = "supervision:task_list"

    def get_extra_context(self, request, instance=None):
        visible_plans = WorkPlan.objects.restrict(request.user, "view").order_by("-year", "name")
        unit_ids = WorkTask.objects.restrict(request.user, "view").values_list("lead_units", flat=True)
        units = Department.objects.filter(pk__in=[pk for pk in unit_ids if pk]).order_by("name")
        return {
            "plans": visible_plans,
            "units": units,
            "state_choices": TaskStateChoices.choices,
            "selected_states": request.GET.getlist("state"),
            "selected_plan": request.GET.get("plan_id", ""),
            "selected_unit": request.GET.get("unit_id", ""),
            "overdue_only": request.GET.get("overdue") == "true",
        }


class TaskDetailView(BaseObjectView):
    """A task: units (matched and kept as text), the deadline rule and current due date, state, reports."""

    queryset = WorkTask.objects.select_related("plan", "plan__jurisdiction").prefetch_related(
        "lead_units", "cooperating_units"
    )
    template_name = "supervision/task_detail.html"
    list_url_name = "supervision:task_list"

    def get(self, request, pk):
        task = self.get_object()
        horizon = Horizon.at()
        state = task_state(task, horizon)
        can_manage = services.can_manage_plan(request.user, task.plan)
        can_report = WorkTask.objects.restrict(request.user, "report").filter(pk=task.pk).exists()
        reports = task.reports.select_related("department", "reported_by").prefetch_related("attachments")
        return render(request, self.template_name, {
            **self.base_context(task),
            "object": task,
            "title": _("第%(number)s项：%(text)s") % {"number": task.number, "text": task.text[:40]},
            "state": state,
            "state_badge": task_state_badge(state),
            "lead_html": units_html(task.lead_units.all(), task.unmatched_lead_units),
            "cooperating_html": units_html(task.cooperating_units.all(), task.unmatched_cooperating_units),
            "deadline_rule": task.deadline.describe(),
            "is_recurring": task.is_recurring,
            "is_ongoing": task.deadline_kind == DeadlineKindChoices.ONGOING,
            "reports": reports,
            "can_manage": can_manage,
            "can_report": can_report,
            "status_form": TaskStatusForm(initial={"status": task.status}) if can_manage else None,
        })


class TaskEditView(BaseObjectView):
    """Add a task to a plan (plan_pk in the URL) or edit one (pk); supervisors only."""

    action = "change"
    queryset = WorkTask.objects.select_related("plan")
    template_name = "generic/object_edit.html"
    list_url_name = "supervision:task_list"
    detail_url_name = "supervision:task_detail"

    def get_task(self):
        if "pk" in self.kwargs:
            return self.get_object()
        plan = get_object_or_404(restrict(WorkPlan.objects.all(), self.request.user, "change"),
                                 pk=self.kwargs["plan_pk"])
        return WorkTask(plan=plan)

    def render_form(self, task, form):
        title = _("编辑：%(object)s") % {"object": task} if task.pk else _("新增督查任务")
        cancel = (reverse("supervision:task_detail", args=[task.pk]) if task.pk
                  else reverse("supervision:plan_detail", args=[task.plan_id]))
        return render(self.request, self.template_name, {
            **self.base_context(task), "object": task, "form": form, "is_new": task.pk is None, "title": title,
            "cancel_url": cancel,
        })

    def get(self, request, **kwargs):
        task = self.get_task()
        initial = {}
        if task.pk:
            initial = {"number": task.number, "section": task.section, "text": task.text,
                       "deadline_text": task.deadline_text, "lead_units": list(task.lead_units.all()),
                       "cooperating_units": list(task.cooperating_units.all())}
        return self.render_form(task, TaskForm(initial=initial, plan=task.plan))

    def post(self, request, **kwargs):
        task = self.get_task()
        form = TaskForm(request.POST, plan=task.plan)
        if form.is_valid():
            data = form.cleaned_data
            keep_text = task.pk is not None and set(data["lead_units"]) == set(task.lead_units.all())
            try:
                services.save_task(
                    task, user=request.user, number=data["number"], text=data["text"], section=data["section"],
                    deadline_text=data["deadline_text"], lead_units=data["lead_units"],
                    cooperating_units=data["cooperating_units"],
                    lead_units_text=task.lead_units_text if keep_text else None,
                )
            except ValidationError as error:
                apply_service_errors(error, form)
            else:
                messages.success(request, _("已保存督查任务“%(task)s”") % {"task": task})
                return redirect("supervision:task_detail", pk=task.pk)
        return self.render_form(task, form)


class TaskStatusView(BaseObjectView):
    """A supervisor confirms a task done, or reopens it."""

    action = "change"
    queryset = WorkTask.objects.select_related("plan")
    http_method_names = ["post"]

    def post(self, request, pk):
        task = self.get_object()
        form = TaskStatusForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("状态无效"))
        else:
            services.set_task_status(task, user=request.user, status=form.cleaned_data["status"],
                                     on=form.cleaned_data["completed_on"])
            messages.success(request, _("任务状态已更新"))
        return redirect(safe_return_url(request, reverse("supervision:task_detail", args=[task.pk])))


class TaskReportView(BaseObjectView):
    """The progress report form of a task, for its units (and the supervisors)."""

    action = "report"
    queryset = WorkTask.objects.select_related("plan")
    template_name = "supervision/report_form.html"
    list_url_name = "supervision:task_list"

    def render_form(self, task, form, status=200):
        return render(self.request, self.template_name, {
            **self.base_context(task), "object": task, "form": form, "title": _("报送进展"),
            "cancel_url": reverse("supervision:task_detail", args=[task.pk]),
        }, status=status)

    def form(self, task, data=None, files=None):
        return ProgressReportForm(data, files, task=task, user=self.request.user,
                                  supervisor=services.can_manage_plan(self.request.user, task.plan))

    def get(self, request, pk):
        task = self.get_object()
        return self.render_form(task, self.form(task))

    def post(self, request, pk):
        task = self.get_object()
        form = self.form(task, request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.report_progress(task, user=request.user, text=data["text"], percent=data["percent"],
                                         files=data["attachments"], department=data["department"])
            except ValidationError as error:
                apply_service_errors(error, form)
            except PermissionDenied as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("进展已报送"))
                return redirect("supervision:task_detail", pk=task.pk)
        return self.render_form(task, form, status=400)


class AttachmentDownloadView(BaseObjectView):
    queryset = ProgressAttachment.objects.all()

    def get(self, request, pk):
        attachment = self.get_object()
        return download_response(attachment.file, attachment.name)


# ---------------------------------------------------------------------------------------------------------------
# Bulletin and monthly view


def _week_param(request):
    week = request.GET.get("week") or bulletins.week_of(timezone.localdate())
    try:
        bulletins.parse_week(week)
    except ValueError as exc:
        raise Http404(str(exc)) from exc
    return week


def _plan_param(request):
    value = request.GET.get("plan", "")
    return [int(value)] if value.isdigit() else None


class BulletinView(BaseObjectView):
    """周通报 on screen, with the previous/next week and the PDF and DOCX downloads."""

    queryset = WorkPlan.objects.all()
    template_name = "supervision/bulletin.html"
    list_url_name = "supervision:plan_list"

    def get(self, request):
        week = _week_param(request)
        bulletin = bulletins.build_bulletin(week, user=request.user, plans=_plan_param(request))
        start, _end = bulletins.parse_week(week)
        query = f"&plan={request.GET['plan']}" if _plan_param(request) else ""
        return render(request, self.template_name, {
            **self.base_context(),
            "title": _("督查周通报"),
            "bulletin": bulletin,
            "week": bulletin.week,
            "previous_week": bulletins.week_of(start - datetime.timedelta(days=7)),
            "next_week": bulletins.week_of(start + datetime.timedelta(days=7)),
            "plan_query": query,
            "plans": WorkPlan.objects.restrict(request.user, "view").order_by("-year", "name"),
            "selected_plan": request.GET.get("plan", ""),
        })


class BulletinDownloadView(BaseObjectView):
    """The bulletin as a document: PDF (WeasyPrint) or DOCX (python-docx)."""

    queryset = WorkPlan.objects.all()

    def get(self, request, fmt):
        week = _week_param(request)
        bulletin = bulletins.build_bulletin(week, user=request.user, plans=_plan_param(request))
        if fmt == "pdf":
            content, content_type = bulletins.render_pdf(bulletin), "application/pdf"
        elif fmt == "docx":
            content, content_type = bulletins.render_docx(bulletin), DOCX
        else:
            raise Http404
        response = HttpResponse(content, content_type=content_type)
        filename = _("督查周通报-%(week)s.%(ext)s") % {"week": bulletin.week, "ext": fmt}
        response["Content-Disposition"] = content_disposition_header(True, filename)
        return response


class MonthlyView(BaseObjectView):
    """月度督查: each unit's tasks and their state at the end of the month."""

    queryset = WorkPlan.objects.all()
    template_name = "supervision/monthly.html"
    list_url_name = "supervision:plan_list"

    def get(self, request):
        today = timezone.localdate()
        month = request.GET.get("month") or f"{today.year}-{today.month:02d}"
        try:
            start, _end = bulletins.parse_month(month)
        except ValueError as exc:
            raise Http404(str(exc)) from exc
        unit = request.GET.get("unit", "")
        department = int(unit) if unit.isdigit() else None
        view = bulletins.build_monthly(month, user=request.user, plans=_plan_param(request), department=department)
        previous = start - datetime.timedelta(days=1)
        following = start + datetime.timedelta(days=32)
        unit_ids = WorkTask.objects.restrict(request.user, "view").values_list("lead_units", flat=True)
        return render(request, self.template_name, {
            **self.base_context(),
            "title": _("月度督查"),
            "view": view,
            "previous_month": f"{previous.year}-{previous.month:02d}",
            "next_month": f"{following.year}-{following.month:02d}",
            "units": Department.objects.filter(pk__in=[pk for pk in unit_ids if pk]).order_by("name"),
            "selected_unit": unit,
            "state_choices": TaskStateChoices,
        })

"""Pages of the inventory: the HTMX list, a system's page (overview with the usage chart, usage, history), add and
edit, the audit-list import/export/template and the usage CSV import. Views are thin: services and excel decide."""

import io
import json
import uuid
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from govshare.core.views import (
    BaseObjectView,
    ObjectDeleteView,
    ObjectEditView,
    ObjectListView,
    user_has_role,
)
from govshare.users.choices import RoleChoices

from . import excel, services
from .filtersets import InformationSystemFilterSet
from .forms import AuditImportForm, InformationSystemForm, UsageImportForm, apply_service_errors
from .models import InformationSystem, SystemUsage
from .tables import InformationSystemTable

__all__ = [
    "AuditImportReportView",
    "AuditImportView",
    "AuditTemplateView",
    "SystemDeleteView",
    "SystemDetailView",
    "SystemEditView",
    "SystemExportView",
    "SystemListView",
    "UsageImportView",
    "UsageTemplateView",
]

# Who registers and imports systems; the department they may touch is decided by services.manageable_departments.
MANAGER_ROLES = (RoleChoices.DEPARTMENT_ADMIN, RoleChoices.AUTHORITY_OFFICER, RoleChoices.PLATFORM_ADMIN)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class SystemListView(ObjectListView):
    """信息系统清单: filter by department, status, network, deployment, connection and text (HTMX partial)."""

    queryset = InformationSystem.objects.select_related("owner")
    filterset = InformationSystemFilterSet
    table = InformationSystemTable
    template_name = "inventory/system_list.html"
    add_url_name = "inventory:system_add"
    add_roles = MANAGER_ROLES
    list_url_name = "inventory:system_list"
    title = gettext_lazy("信息系统清单")
    search_placeholder = gettext_lazy("系统名称、清单编号、功能或建设单位")

    def get_extra_context(self, request, instance=None):
        query = request.GET.copy()
        query.pop("page", None)
        return {
            "can_import": user_has_role(request.user, MANAGER_ROLES),
            "export_query": query.urlencode(),
        }


class SystemDetailView(BaseObjectView):
    """One system: overview with the 12-month usage chart, the usage months, and its change history (tabs)."""

    queryset = InformationSystem.objects.select_related(
        "owner", "owner_office", "integrated_into__owner", "replaced_by__owner"
    )
    template_name = "inventory/system_detail.html"
    list_url_name = "inventory:system_list"
    TABS = ("info", "usage", "history")

    def get(self, request, *args, **kwargs):
        system = self.get_object()
        tab = request.GET.get("tab", "info")
        if tab not in self.TABS:
            tab = "info"
        can_change = self.can("change", system)
        context = {
            **self.base_context(system),
            "object": system,
            "system": system,
            "title": system.name,
            "tab": tab,
            "can_change": can_change,
            "edit_url": self.url_for("inventory:system_edit", system) if can_change else None,
            "delete_url": self.url_for("inventory:system_delete", system) if can_change else None,
            "can_record_usage": services.can_record_usage(request.user, system),
        }
        if tab == "info":
            months = services.last_months(12)
            usages = list(SystemUsage.objects.filter(system=system, month__gte=months[0]))
            context["chart"] = services.usage_chart(system, usages=usages)
            context["latest_usage"] = max(usages, key=lambda usage: usage.month, default=None)
            context["sources"] = list(system.source_resources.select_related("provider").order_by("code"))
            context["integrated"] = list(system.integrated.select_related("owner"))
            context["replaced"] = list(system.replaced.select_related("owner"))
        elif tab == "usage":
            context["usages"] = list(system.usage.order_by("-month")[:60])
        return render(request, self.template_name, context)


class SystemEditView(ObjectEditView):
    """Add a system to a department the user manages, or edit one; the services check the rules."""

    queryset = InformationSystem.objects.select_related("owner")
    form = InformationSystemForm
    template_name = "generic/object_edit.html"
    list_url_name = "inventory:system_list"
    detail_url_name = "inventory:system_detail"
    add_roles = MANAGER_ROLES

    def get_form_kwargs(self, instance):
        return {"user": self.request.user}

    def post(self, request, *args, **kwargs):
        instance = self.get_object()
        is_new = instance.pk is None
        form = self.get_form(instance, request.POST, request.FILES)
        if form.is_valid():
            try:
                saved = self.save_form(form)
            except ValidationError as error:
                apply_service_errors(error, form)
            except PermissionDenied as error:
                form.add_error(None, str(error))
            else:
                text = _("已登记信息系统“%(object)s”") if is_new else _("已保存信息系统“%(object)s”")
                messages.success(request, text % {"object": saved})
                return redirect(self.get_success_url(saved))
        return self.render_form(request, instance, form)

    def save_form(self, form):
        fields = form.service_fields()
        sources = form.cleaned_data.get("source_codes", [])
        if form.instance.pk:
            system = InformationSystem.objects.get(pk=form.instance.pk)
            return services.update_system(system, user=self.request.user, source_resources=sources, **fields)
        return services.create_system(user=self.request.user, source_resources=sources, **fields)


class SystemDeleteView(ObjectDeleteView):
    queryset = InformationSystem.objects.all()
    list_url_name = "inventory:system_list"
    detail_url_name = "inventory:system_detail"

    def get_return_url(self, instance=None):
        if instance is not None and instance.pk is None:
            return self.url_for(self.list_url_name)
        return super().get_return_url(instance)


# ---------------------------------------------------------------------------------------------------------------
# Excel and CSV


def _imports_dir():
    return Path(settings.DATA_DIR) / "imports" / "inventory"


def _job_dir(job):
    try:
        return _imports_dir() / uuid.UUID(str(job)).hex
    except ValueError as exc:
        raise Http404 from exc


def _xlsx_response(buffer, filename):
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def _errors_for_page(errors):
    return [{"sheet": e.sheet, "row": e.row, "column": e.column, "message": e.message} for e in errors]


class AuditImportView(BaseObjectView):
    """Upload the audit list: checked whole, then imported in one go or rejected with the error table."""

    required_roles = MANAGER_ROLES
    queryset = InformationSystem.objects.all()
    template_name = "inventory/system_import.html"
    list_url_name = "inventory:system_list"

    def render_page(self, form, result=None, job=None, usage_form=None, usage_result=None):
        context = {
            **self.base_context(),
            "title": _("导入信息系统清单"),
            "form": form,
            "usage_form": usage_form or UsageImportForm(),
            "result": result,
            "usage_result": usage_result,
            "job": job,
            "size_limit_mb": excel.MAX_IMPORT_BYTES // (1024 * 1024),
        }
        return render(self.request, self.template_name, context)

    def get(self, request):
        return self.render_page(AuditImportForm(user=request.user))

    def post(self, request):
        form = AuditImportForm(request.POST, request.FILES, user=request.user)
        if not form.is_valid():
            return self.render_page(form)
        upload = form.cleaned_data["file"]
        job = uuid.uuid4().hex
        job_dir = _imports_dir() / job
        report_path = job_dir / "error-report.xlsx"
        if upload.size > excel.MAX_IMPORT_BYTES:
            # Refused before it is written anywhere; the importer says why.
            result = excel.import_systems(upload, user=request.user, department=form.cleaned_data["department"])
        else:
            job_dir.mkdir(parents=True, exist_ok=True)
            (job_dir / "job.json").write_text(json.dumps({"user_id": request.user.pk, "filename": upload.name}),
                                              encoding="utf-8")
            result = excel.import_systems(upload, user=request.user, department=form.cleaned_data["department"],
                                          report_path=report_path)
        if result.ok:
            messages.success(request, _("导入完成：新建 %(created)d 个系统，更新 %(updated)d 个系统") % {
                "created": result.created, "updated": result.updated})
            return redirect("inventory:system_list")
        page_result = {"ok": False, "errors": _errors_for_page(result.errors)}
        has_report = report_path.exists()
        return self.render_page(AuditImportForm(user=request.user), result=page_result,
                                job=job if has_report else None)


class AuditImportReportView(BaseObjectView):
    """Download the error report of a rejected audit-list import (only its uploader)."""

    required_roles = MANAGER_ROLES
    queryset = InformationSystem.objects.all()

    def get(self, request, job):
        job_dir = _job_dir(job)
        report = job_dir / "error-report.xlsx"
        try:
            meta = json.loads((job_dir / "job.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            raise Http404 from None
        if meta.get("user_id") != request.user.pk or not report.exists():
            raise Http404
        return FileResponse(report.open("rb"), as_attachment=True, filename=_("导入错误报告.xlsx"), content_type=XLSX)


class SystemExportView(BaseObjectView):
    """The list as filtered (same parameters as the list page) as an .xlsx in the import layout."""

    queryset = InformationSystem.objects.all()

    def get(self, request):
        filterset = InformationSystemFilterSet(request.GET or None, queryset=self.get_queryset(), request=request)
        buffer = io.BytesIO()
        excel.export_systems(filterset.qs, buffer)
        stamp = timezone.localdate().strftime("%Y%m%d")
        return _xlsx_response(buffer, _("信息系统清单-%(date)s.xlsx") % {"date": stamp})


class AuditTemplateView(BaseObjectView):
    """The blank audit-list workbook, with its 填写说明 sheet."""

    queryset = InformationSystem.objects.all()

    def get(self, request):
        buffer = io.BytesIO()
        excel.export_systems(InformationSystem.objects.none(), buffer)
        return _xlsx_response(buffer, _("信息系统清单导入模板.xlsx"))


class UsageImportView(AuditImportView):
    """Upload monthly usage figures as CSV; any user of the owner department (or a platform admin) may."""

    required_roles = ()

    def get(self, request):
        return redirect("inventory:system_import")

    def post(self, request):
        usage_form = UsageImportForm(request.POST, request.FILES)
        audit_form = AuditImportForm(user=request.user)
        if not usage_form.is_valid():
            return self.render_page(audit_form, usage_form=usage_form)
        result = excel.import_usage_csv(usage_form.cleaned_data["file"], user=request.user)
        if result.ok:
            messages.success(request, _("使用情况导入完成：新增 %(created)d 条，更新 %(updated)d 条") % {
                "created": result.created, "updated": result.updated})
            return redirect("inventory:system_list")
        return self.render_page(audit_form, usage_result={"ok": False, "errors": _errors_for_page(result.errors)})


class UsageTemplateView(BaseObjectView):
    queryset = InformationSystem.objects.all()

    def get(self, request):
        response = HttpResponse(excel.usage_template_bytes(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = content_disposition_header(True, _("使用情况导入模板.csv"))
        return response

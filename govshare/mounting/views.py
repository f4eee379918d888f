"""Mounting pages: the provider's overview, one resource's mount page (库表 / 文件 / 接口 / 定时抽取), the load
progress polled by HTMX, downloads, and the competent authority's list of overdue resources.

Views stay thin: who may mount comes from `services.require_mountable`, every change from a service function.
"""

from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from govshare.audit.services import append as audit_append
from govshare.catalog.choices import EntryStatusChoices
from govshare.catalog.models import Resource
from govshare.catalog.semantics import ItemKind
from govshare.core.views import RoleRequiredMixin, is_htmx_partial, user_has_role
from govshare.datastore.choices import LoadStatusChoices
from govshare.datastore.models import TableLoad
from govshare.users.choices import RoleChoices

from . import services
from .choices import TimelinessChoices
from .filtersets import MountOverviewFilterSet
from .forms import ApiEndpointForm, DataFileForm, PullSourceForm, TableUploadForm, apply_errors
from .models import ApiEndpoint, DataFile, PullSource
from .tables import MountOverviewTable, OverdueTable

__all__ = [
    "ApiEndpointDeleteView",
    "ApiEndpointSaveView",
    "DataFileDeleteView",
    "DataFileDownloadView",
    "DataFileUploadView",
    "LoadProgressView",
    "LoadReportView",
    "MountOverviewView",
    "OverdueView",
    "PullSourceDeleteView",
    "PullSourceRunView",
    "PullSourceSaveView",
    "ResourceMountView",
    "TableUploadView",
]

R = RoleChoices
MOUNT_PAGE_ROLES = (R.DATA_PROVIDER, R.DEPARTMENT_ADMIN, R.PLATFORM_ADMIN)
TABS = ("table", "files", "api", "pull")


def _status_counts(rows):
    counts = dict.fromkeys(TimelinessChoices.values, 0)
    for row in rows:
        counts[row.timeliness.status] += 1
    return [
        {"value": value, "label": TimelinessChoices.label(value), "colour": TimelinessChoices.colour(value),
         "count": counts[value]}
        for value in TimelinessChoices.values
    ]


class _TimelinessListView(LoginRequiredMixin, RoleRequiredMixin, View):
    """A paginated table of resources with their computed timeliness (filtered in Python: it depends on now)."""

    table = None
    template_name = "mounting/overview.html"
    title = None
    paginate_by = 50
    only_status = None

    def resources(self, request):
        raise NotImplementedError

    def get(self, request):
        show_provider = user_has_role(request.user, (R.PLATFORM_ADMIN,)) or self.only_status is not None
        filterset = MountOverviewFilterSet(
            request.GET or None, queryset=services.annotate_mounts(self.resources(request)), request=request,
            show_provider=show_provider,
        )
        ordering = self.table.clean_ordering(request.GET.get("sort"))
        rows = list(self.table.order_queryset(filterset.qs, ordering))
        now = timezone.now()
        for row in rows:
            row.timeliness = services.timeliness(row, now)
        summary = _status_counts(rows)
        wanted = self.only_status or request.GET.get("timeliness")
        if wanted in TimelinessChoices.values:
            rows = [row for row in rows if row.timeliness.status == wanted]
        page = Paginator(rows, self.paginate_by).get_page(request.GET.get("page"))
        context = {
            "title": self.title,
            "table": self.table(page.object_list, request=request, ordering=ordering),
            "filter_form": filterset.form,
            "has_filters": any(value for key, value in request.GET.items() if key not in ("page", "sort")),
            "search_placeholder": _("资源名称或代码"),
            "q": request.GET.get("q", ""),
            "page_obj": page,
            "paginator": page.paginator,
            "list_path": request.path,
            "summary": summary,
            "only_status": self.only_status,
        }
        template = "generic/object_list_table.html" if is_htmx_partial(request) else self.template_name
        response = render(request, template, context)
        patch_vary_headers(response, ("HX-Request",))
        return response


class MountOverviewView(_TimelinessListView):
    """数据挂接: the department's published resources with their mounts and timeliness."""

    required_roles = MOUNT_PAGE_ROLES
    table = MountOverviewTable
    title = gettext_lazy("数据挂接")

    def resources(self, request):
        return services.mountable_resources(request.user)


class OverdueView(_TimelinessListView):
    """更新逾期: the competent authority's list of overdue resources across its jurisdiction."""

    required_roles = services.AUTHORITY_ROLES
    table = OverdueTable
    title = gettext_lazy("数据更新逾期")
    template_name = "mounting/overdue.html"
    only_status = TimelinessChoices.OVERDUE

    def resources(self, request):
        return services.authority_resources(request.user)


# ---------------------------------------------------------------------------------------------------------------
# One resource's mount page


def mountable_resource(request, pk):
    """The published resource, if the user may mount it (404 when not published, 403 when not theirs)."""
    resource = get_object_or_404(
        Resource.objects.select_related("provider", "classification"), pk=pk, status=EntryStatusChoices.PUBLISHED
    )
    services.require_mountable(resource, request.user)
    return resource


def _related(resource, name):
    try:
        return getattr(resource, name)
    except Exception:  # a missing reverse one-to-one
        return None


def render_mount_page(request, resource, tab="table", status=200, **forms):
    """The mount page on one tab, with the bound form of a failed POST when given."""
    tab = tab if tab in TABS else "table"
    data_table = _related(resource, "data_table")
    endpoint = _related(resource, "api_endpoint")
    source = _related(resource, "pull_source")
    context = {
        "title": resource.name,
        "resource": resource,
        "tab": tab,
        "data_table": data_table,
        "endpoint": endpoint,
        "source": source,
        "file_count": resource.data_files.count(),
        "timeliness": services.timeliness(resource),
    }
    if tab == "table":
        loads = list(
            TableLoad.objects.filter(data_table=data_table).select_related("user", "key_item")[:30]
        ) if data_table else []
        active = None
        wanted = request.GET.get("load")
        if wanted and wanted.isdigit():
            active = next((load for load in loads if load.pk == int(wanted)), None)
        if active is None and loads and loads[0].status not in LoadStatusChoices.FINISHED:
            active = loads[0]
        headers, rows = services.preview_rows(data_table) if data_table and data_table.version else ([], [])
        if data_table and data_table.version:
            _audit_provider_read(request, resource, "query", len(rows), {"via": "mount_page", "preview": True},
                                 items=[c["column"] for c in data_table.columns],
                                 subjects=_id_numbers(data_table.columns, rows))
        context.update(
            form=forms.get("form") or TableUploadForm(resource=resource),
            loads=loads, active_load=active, preview_headers=headers, preview_rows=rows,
            **(progress_context(active) if active else {}),
        )
    elif tab == "files":
        context.update(
            form=forms.get("form") or DataFileForm(),
            files=list(resource.data_files.select_related("uploaded_by", "duplicate_of")),
            max_bytes=services.file_max_bytes(),
        )
    elif tab == "api":
        context.update(form=forms.get("form") or ApiEndpointForm(endpoint=endpoint))
    elif tab == "pull":
        context.update(form=forms.get("form") or PullSourceForm(resource=resource, source=source))
    response = render(request, "mounting/resource.html", context, status=status)
    add_never_cache_headers(response)
    return response


# Every data access is logged, the provider's own reads of what it mounted too (stored as is, not translated).


def _audit_provider_read(request, resource, action, record_count, detail, items=(), subjects=()):
    audit_append(user=request.user, action=action, resource=resource, items=items, record_count=record_count,
           purpose=services.PROVIDER_CHECK_PURPOSE, detail=detail, subjects=subjects)


def _id_numbers(columns, rows):
    """The ID numbers among the previewed rows (the audit's "who looked at this person")."""
    positions = [i for i, column in enumerate(columns) if column.get("kind") == ItemKind.ID_NUMBER]
    return [str(row[i]) for row in rows for i in positions if i < len(row) and row[i]]


def _tab_url(resource, tab, **params):
    url = f"{reverse('mounting:resource', args=[resource.pk])}?tab={tab}"
    for key, value in params.items():
        url += f"&{key}={value}"
    return url


class ResourceMountView(LoginRequiredMixin, View):
    """挂接数据: one resource's tabs."""

    def get(self, request, pk):
        resource = mountable_resource(request, pk)
        return render_mount_page(request, resource, request.GET.get("tab", "table"))


class TableUploadView(LoginRequiredMixin, View):
    """Upload a file into the resource's table: queue the load, then show its progress."""

    def post(self, request, pk):
        resource = mountable_resource(request, pk)
        form = TableUploadForm(request.POST, request.FILES, resource=resource)
        if form.is_valid():
            try:
                load = services.upload_table_file(
                    resource, form.cleaned_data["file"], user=request.user, mode=form.cleaned_data["mode"],
                    key_item=form.cleaned_data["key_item"],
                )
            except ValidationError as error:
                apply_errors(form, error)
            else:
                if load.status in (LoadStatusChoices.REJECTED, LoadStatusChoices.FAILED):
                    messages.error(request, _("版本 %(n)s 未加载：%(s)s") % {
                        "n": load.number, "s": load.get_status_display()})
                elif load.status == LoadStatusChoices.SUCCEEDED:
                    messages.success(request, _("已加载版本 %(n)s") % {"n": load.number})
                else:
                    messages.success(request, _("已提交加载（版本 %(n)s）") % {"n": load.number})
                return redirect(_tab_url(resource, "table", load=load.pk))
        return render_mount_page(request, resource, "table", status=400, form=form)


def progress_context(load):
    """The progress card's context: the load, with fresher counters from the loader while it runs."""
    from govshare.datastore import services as datastore
    from govshare.datastore.choices import LoadPhaseChoices

    values = datastore.load_progress(load)
    return {"load": load, "progress": values, "phase_label": LoadPhaseChoices.label(values["phase"]) if (
        values["phase"]) else ""}


def _load_for(request, pk):
    load = get_object_or_404(TableLoad.objects.select_related("data_table__resource", "user"), pk=pk)
    services.require_mountable(load.data_table.resource, request.user)
    return load


class LoadProgressView(LoginRequiredMixin, View):
    """The progress card of one load; it polls itself every second until the load is finished."""

    def get(self, request, pk):
        load = _load_for(request, pk)
        response = render(request, "mounting/includes/load_progress.html", progress_context(load))
        add_never_cache_headers(response)
        return response


def _inside_data_dir(path):
    try:
        resolved = Path(path).resolve()
        return resolved.is_file() and resolved.is_relative_to(Path(settings.DATA_DIR).resolve())
    except (OSError, ValueError):
        return False


class LoadReportView(LoginRequiredMixin, View):
    """The error report of a rejected load (written by the loader in the data directory)."""

    def get(self, request, pk):
        load = _load_for(request, pk)
        if not load.error_report_path or not _inside_data_dir(load.error_report_path):
            raise Http404(_("该次加载没有错误报告"))
        path = Path(load.error_report_path)
        filename = f"{Path(load.source_name).stem or 'data'}-{_('错误报告')}{path.suffix}"
        return FileResponse(path.open("rb"), as_attachment=True, filename=filename)


class DataFileUploadView(LoginRequiredMixin, View):
    def post(self, request, pk):
        resource = mountable_resource(request, pk)
        form = DataFileForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                data_file = services.upload_file(
                    resource, form.cleaned_data["file"], user=request.user, name=form.cleaned_data["name"],
                    description=form.cleaned_data["description"],
                )
            except ValidationError as error:
                apply_errors(form, error)
            else:
                if data_file.is_duplicate:
                    messages.warning(request, _("已上传“%(name)s”，但内容与已挂接的“%(other)s”相同") % {
                        "name": data_file, "other": data_file.duplicate_of,
                    })
                else:
                    messages.success(request, _("已上传“%(name)s”") % {"name": data_file})
                return redirect(_tab_url(resource, "files"))
        return render_mount_page(request, resource, "files", status=400, form=form)


def _data_file_for(request, pk):
    data_file = get_object_or_404(DataFile.objects.select_related("resource"), pk=pk)
    services.require_mountable(data_file.resource, request.user)
    return data_file


class DataFileDownloadView(LoginRequiredMixin, View):
    """The provider downloads a file it mounted (consumers download through the data plane's grants)."""

    def get(self, request, pk):
        data_file = _data_file_for(request, pk)
        stream = services.open_file(data_file)
        _audit_provider_read(request, data_file.resource, "download", 1, {
            "file": data_file.pk, "name": data_file.name, "sha256": data_file.sha256, "via": "mount_page"})
        response = FileResponse(
            stream, as_attachment=True, filename=data_file.name,
            content_type=data_file.content_type or "application/octet-stream",
        )
        response["X-Content-SHA256"] = data_file.sha256
        return response


class DataFileDeleteView(LoginRequiredMixin, View):
    def post(self, request, pk):
        data_file = _data_file_for(request, pk)
        resource = data_file.resource
        services.delete_file(data_file, user=request.user)
        messages.success(request, _("已删除文件“%(name)s”") % {"name": data_file})
        return redirect(_tab_url(resource, "files"))


class ApiEndpointSaveView(LoginRequiredMixin, View):
    def post(self, request, pk):
        resource = mountable_resource(request, pk)
        endpoint = ApiEndpoint.objects.filter(resource=resource).first()
        form = ApiEndpointForm(request.POST, endpoint=endpoint)
        if form.is_valid():
            try:
                services.save_api_endpoint(resource, user=request.user, **form.service_arguments())
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, _("已保存接口挂接"))
                return redirect(_tab_url(resource, "api"))
        return render_mount_page(request, resource, "api", status=400, form=form)


class ApiEndpointDeleteView(LoginRequiredMixin, View):
    def post(self, request, pk):
        resource = mountable_resource(request, pk)
        endpoint = get_object_or_404(ApiEndpoint, resource=resource)
        services.delete_api_endpoint(endpoint, user=request.user)
        messages.success(request, _("已删除接口挂接"))
        return redirect(_tab_url(resource, "api"))


class PullSourceSaveView(LoginRequiredMixin, View):
    def post(self, request, pk):
        resource = mountable_resource(request, pk)
        source = PullSource.objects.filter(resource=resource).first()
        form = PullSourceForm(request.POST, resource=resource, source=source)
        if form.is_valid():
            try:
                services.save_pull_source(resource, user=request.user, **form.service_arguments())
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, _("已保存定时抽取设置"))
                return redirect(_tab_url(resource, "pull"))
        return render_mount_page(request, resource, "pull", status=400, form=form)


class PullSourceRunView(LoginRequiredMixin, View):
    """立即抽取: run the pull in a worker now."""

    def post(self, request, pk):
        from .tasks import run_pull_task

        resource = mountable_resource(request, pk)
        source = get_object_or_404(PullSource, resource=resource)
        run_pull_task.delay(source.pk, request.user.pk)
        source.refresh_from_db()
        if source.last_status == "failed":
            messages.error(request, _("抽取失败：%(m)s") % {"m": source.last_message})
        elif source.last_status == "succeeded":
            messages.success(request, _("抽取完成：%(m)s") % {"m": source.last_message})
        else:
            messages.info(request, _("已开始抽取，完成后本页显示结果"))
        return redirect(_tab_url(resource, "pull"))


class PullSourceDeleteView(LoginRequiredMixin, View):
    def post(self, request, pk):
        resource = mountable_resource(request, pk)
        source = get_object_or_404(PullSource, resource=resource)
        services.delete_pull_source(source, user=request.user)
        messages.success(request, _("已删除定时抽取"))
        return redirect(_tab_url(resource, "pull"))

"""Service item pages: the list with HTMX filters and the share of replaced materials, the department summary,
the item with its materials, the form with inline materials, and Excel import and export.

Views stay thin: permissions come from `restrict()`, rules and transactions from `services`, filters from
`filtersets`; this module turns requests into those calls and results into pages.
"""

import io
import json
import uuid
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from govshare.catalog.choices import EntryStatusChoices
from govshare.catalog.models import Resource
from govshare.core.views import (
    BaseObjectView,
    ObjectDeleteView,
    ObjectDetailView,
    ObjectListView,
    safe_return_url,
    user_has_role,
)

from . import services
from .choices import ServiceItemTypeChoices
from .filtersets import ServiceItemFilterSet
from .forms import (
    MATERIAL_PREFIX,
    ImportForm,
    MaterialFormSet,
    ServiceItemForm,
    apply_service_errors,
    materials_initial,
)
from .models import SHAREABLE_TYPES, RequiredMaterial, ServiceItem, share_ratio
from .tables import ServiceItemTable, share_colour, share_percent

__all__ = [
    "DepartmentShareView",
    "ServiceItemDeleteView",
    "ServiceItemDetailView",
    "ServiceItemEditView",
    "ServiceItemExportView",
    "ServiceItemImportReportView",
    "ServiceItemImportView",
    "ServiceItemListView",
    "ServiceItemTemplateView",
]

MANAGER_ROLES = services.MANAGER_ROLES
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _share_context(share, replaced, required):
    return {"percent": share_percent(share), "colour": share_colour(share), "replaced": replaced,
            "required": required}


class ServiceItemListView(ObjectListView):
    """政务服务事项: filter by department, type and share range (HTMX swaps the table), sort by share."""

    # Explicit order: Meta.ordering is not applied to the GROUP BY query of the share annotation.
    queryset = ServiceItem.objects.with_shares().select_related("department").order_by(
        "department__name", "base_code", "pk"
    )
    filterset = ServiceItemFilterSet
    table = ServiceItemTable
    template_name = "serviceitems/item_list.html"
    list_url_name = "serviceitems:item_list"
    add_url_name = "serviceitems:item_add"
    add_roles = MANAGER_ROLES
    title = gettext_lazy("政务服务事项")
    search_placeholder = gettext_lazy("事项名称、编码或部门")
    paginate_by = 30

    def get_extra_context(self, request, instance=None):
        query = request.GET.copy()
        query.pop("page", None)
        suffix = f"?{query.urlencode()}" if query else ""
        return {
            "can_import": user_has_role(request.user, MANAGER_ROLES),
            "export_url": reverse("serviceitems:item_export") + suffix,
        }


class ServiceItemDetailView(ObjectDetailView):
    """One item: its fields, its materials with what sharing replaces, the share, and the change history."""

    queryset = ServiceItem.objects.select_related("department").prefetch_related(
        Prefetch("materials", queryset=RequiredMaterial.objects.select_related("replaced_by__provider"))
    )
    template_name = "serviceitems/item_detail.html"
    list_url_name = "serviceitems:item_list"
    edit_url_name = "serviceitems:item_edit"
    delete_url_name = "serviceitems:item_delete"
    detail_fields = ("item_type", "department", "base_code", "implementation_code", "legal_basis", "description")

    def get_extra_context(self, request, instance=None):
        materials = list(instance.materials.all())
        required = [material for material in materials if material.is_required]
        replaced = sum(1 for material in required if material.replaceable_by_sharing)
        share = share_ratio(replaced, len(required))
        return {
            "materials": materials,
            "share": _share_context(share, replaced, len(required)),
            "optional_count": len(materials) - len(required),
            "optional_replaced": sum(
                1 for material in materials if not material.is_required and material.replaceable_by_sharing
            ),
        }


class ServiceItemEditView(BaseObjectView):
    """New item, or edit: the item's fields and its materials (a formset), saved through the services."""

    queryset = ServiceItem.objects.select_related("department")
    template_name = "serviceitems/item_edit.html"
    list_url_name = "serviceitems:item_list"

    def get_item(self):
        if "pk" not in self.kwargs:
            if not user_has_role(self.request.user, MANAGER_ROLES):
                raise PermissionDenied(_("只有部门管理员或平台管理员可以新建政务服务事项"))
            return None
        item = self.get_object()
        if not self.can("change", item):
            raise PermissionDenied(_("无权修改此政务服务事项：只能管理本部门的事项"))
        return item

    def forms(self, item, data=None):
        user = self.request.user
        if data is not None:
            return (ServiceItemForm(data, user=user, item=item),
                    MaterialFormSet(data, prefix=MATERIAL_PREFIX, form_kwargs={"empty_permitted": True}))
        if item is None:
            return ServiceItemForm(user=user), MaterialFormSet(prefix=MATERIAL_PREFIX)
        initial = services.item_data(item)["fields"]
        return (ServiceItemForm(initial=initial, user=user, item=item),
                MaterialFormSet(prefix=MATERIAL_PREFIX, initial=materials_initial(item)))

    def get(self, request, *args, **kwargs):
        item = self.get_item()
        form, formset = self.forms(item)
        return self.render_form(item, form, formset)

    def post(self, request, *args, **kwargs):
        item = self.get_item()
        form, formset = self.forms(item, request.POST)
        if form.is_valid() and formset.is_valid():
            rows, materials = formset.materials()
            if materials is not None:
                try:
                    with transaction.atomic():
                        if item is None:
                            saved = services.create_item(user=request.user, fields=form.item_fields(),
                                                         materials=materials)
                        else:
                            saved = services.update_item(item, user=request.user, fields=form.item_fields(),
                                                         materials=materials)
                except ValidationError as error:
                    apply_service_errors(error, form, formset, rows)
                else:
                    text = _("已创建政务服务事项“%(name)s”") if item is None else _("已保存政务服务事项“%(name)s”")
                    messages.success(request, text % {"name": saved.name})
                    return redirect("serviceitems:item_detail", pk=saved.pk)
        return self.render_form(item, form, formset)

    def render_form(self, item, form, formset):
        has_material_errors = bool(formset.non_form_errors()) or any(row.errors for row in formset.forms)
        shareable = Resource.objects.filter(
            status=EntryStatusChoices.PUBLISHED, share_type__in=SHAREABLE_TYPES
        ).exclude(code=None).order_by("code").values_list("code", "name", "provider__name")
        context = {
            **self.base_context(item),
            "object": item,
            "item": item,
            "is_new": item is None,
            "title": _("新建政务服务事项") if item is None else _("编辑：%(name)s") % {"name": item.name},
            "form": form,
            "formset": formset,
            "has_errors": bool(form.errors) or has_material_errors,
            "shareable_resources": shareable,
            "cancel_url": safe_return_url(
                self.request,
                reverse("serviceitems:item_detail", args=[item.pk]) if item else reverse("serviceitems:item_list"),
            ),
        }
        return render(self.request, self.template_name, context)


class ServiceItemDeleteView(ObjectDeleteView):
    """Confirm, then delete the item and its materials through the service."""

    queryset = ServiceItem.objects.all()
    list_url_name = "serviceitems:item_list"
    detail_url_name = "serviceitems:item_detail"

    def post(self, request, *args, **kwargs):
        item = self.get_object()
        name = item.name
        services.delete_item(item, user=request.user)
        messages.success(request, _("已删除政务服务事项“%(name)s”") % {"name": name})
        return redirect("serviceitems:item_list")


class DepartmentShareView(BaseObjectView):
    """各部门材料共享替代情况: per department, the required materials sharing replaces, highest share first."""

    queryset = ServiceItem.objects.all()
    template_name = "serviceitems/department_shares.html"
    list_url_name = "serviceitems:item_list"

    def get(self, request):
        queryset = self.get_queryset()
        item_type = request.GET.get("item_type", "")
        if item_type in ServiceItemTypeChoices.values:
            queryset = queryset.filter(item_type=item_type)
        else:
            item_type = ""
        rows = services.department_shares(queryset)
        list_url = reverse("serviceitems:item_list")
        for row in rows:
            row.bar = _share_context(row.share, row.replaced, row.required)
            row.url = f"{list_url}?department_id={row.department_id}" + (
                f"&item_type={item_type}" if item_type else "")
        required = sum(row.required for row in rows)
        replaced = sum(row.replaced for row in rows)
        context = {
            **self.base_context(),
            "title": _("各部门材料共享替代情况"),
            "rows": rows,
            "total": _share_context(share_ratio(replaced, required), replaced, required),
            "item_count": sum(row.items for row in rows),
            "type_choices": ServiceItemTypeChoices.choices,
            "item_type": item_type,
        }
        return render(request, self.template_name, context)


# ---------------------------------------------------------------------------------------------------------------
# Excel

def _imports_dir():
    return Path(settings.DATA_DIR) / "imports" / "serviceitems"


def _xlsx_response(content, filename):
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


class ServiceItemImportView(BaseObjectView):
    """Upload a workbook of items and materials; all or nothing, with the errors listed by sheet, row and column."""

    required_roles = MANAGER_ROLES
    queryset = ServiceItem.objects.all()
    template_name = "serviceitems/item_import.html"
    list_url_name = "serviceitems:item_list"

    def render_page(self, form, result=None, job=None):
        context = {**self.base_context(), "title": _("导入政务服务事项"), "form": form, "result": result, "job": job}
        return render(self.request, self.template_name, context)

    def get(self, request):
        return self.render_page(ImportForm())

    def post(self, request):
        from .excel import import_items

        form = ImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render_page(form)
        upload = form.cleaned_data["file"]
        job = uuid.uuid4().hex
        job_dir = _imports_dir() / job
        job_dir.mkdir(parents=True, exist_ok=True)
        meta = {"user_id": request.user.pk, "filename": upload.name, "created": timezone.now().isoformat()}
        (job_dir / "job.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
        result = import_items(upload, user=request.user, report_path=job_dir / "error-report.xlsx").as_dict()
        if result["ok"]:
            text = _("导入完成：新增 %(created)d 个事项，更新 %(updated)d 个事项，共 %(materials)d 份材料")
            messages.success(request, text % result)
        return self.render_page(ImportForm(), result=result, job=job)


class ServiceItemImportReportView(BaseObjectView):
    """Download the error report of a rejected import (only its uploader may)."""

    required_roles = MANAGER_ROLES
    queryset = ServiceItem.objects.all()

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
        if (meta.get("user_id") != request.user.pk and not request.user.is_superuser) or not report.exists():
            raise Http404
        return FileResponse(report.open("rb"), as_attachment=True, filename=_("事项导入错误报告.xlsx"),
                            content_type=XLSX)


class ServiceItemExportView(BaseObjectView):
    """The list as filtered (the list page's parameters) as a workbook in the import layout."""

    queryset = ServiceItem.objects.with_shares()

    def get(self, request):
        from .excel import export_items

        filterset = ServiceItemFilterSet(request.GET or None, queryset=self.get_queryset(), request=request)
        buffer = io.BytesIO()
        export_items(filterset.qs, buffer)
        stamp = timezone.localdate().strftime("%Y%m%d")
        return _xlsx_response(buffer.getvalue(), _("政务服务事项-%(date)s.xlsx") % {"date": stamp})


class ServiceItemTemplateView(BaseObjectView):
    """The blank import workbook with its 填写说明 sheet."""

    queryset = ServiceItem.objects.all()

    def get(self, request):
        from .excel import export_items

        buffer = io.BytesIO()
        export_items(ServiceItem.objects.none(), buffer)
        return _xlsx_response(buffer.getvalue(), _("政务服务事项导入模板.xlsx"))

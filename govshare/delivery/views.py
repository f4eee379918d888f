"""The consumer's data page: a preview of the granted records (masked as granted), filters, download buttons, and
the resource's mounted files (each downloaded through the data plane with the purpose typed on the page).

Every preview is an audited query like an API call; nothing is shown before the user states a purpose.
"""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from . import files, query
from .access import DeliveryError, check_rate, resolve
from .api.views import Call, fetch_page, purpose_of

__all__ = ["ResourceDataView"]

PREVIEW_ROWS = 20


class ResourceDataView(LoginRequiredMixin, View):
    """delivery:resource_data — for a signed-in user whose department holds a grant in force on the resource."""

    template_name = "delivery/resource_data.html"

    def get(self, request, pk):
        call = Call(request, "query", pk)
        try:
            # A resource may carry files without a table: the page then lists the files alone.
            resolve(request, pk, call.access, need_table=False)
        except DeliveryError as exc:
            call.audit(result=exc.result, detail={"status": exc.status, "code": exc.code, "via": "web"})
            if exc.status == 404 and exc.code == "not_found":
                raise Http404(exc.message) from None
            raise PermissionDenied(exc.message) from None
        access = call.access
        context = {
            "resource": access.resource,
            "grant": access.grant,
            "columns": access.columns,
            "purpose": request.GET.get("purpose", ""),
            "formats": [("csv", _("CSV（UTF-8）")), ("csv-gbk", _("CSV（GBK，适用于旧版 Excel）")),
                        ("xlsx", _("Excel（xlsx）")), ("jsonl", _("JSON Lines")), ("parquet", _("Parquet"))],
            "download_url": reverse("delivery-api:download", args=[pk]),
            "has_table": access.data_table is not None,
            "files": files.list_files(access.resource.pk),
            "records": None,
            "errors": {},
        }
        if access.data_table is not None and request.GET.get("preview"):
            context.update(self._preview(request, call))
        context["fields"] = [
            {"column": c, "value": request.GET.get(c.column, ""), "error": context["errors"].get(c.column)}
            for c in access.columns
        ]
        return render(request, self.template_name, context)

    def _preview(self, request, call):
        try:
            call.purpose = purpose_of(request)
            check_rate(call.access.grant)
            params = request.GET.copy()
            params["limit"] = str(PREVIEW_ROWS)
            for name in ("preview", "after", "sort"):
                params.pop(name, None)
            spec = query.parse_query(params, call.access.columns)
            call.items = [c.column for c in spec.columns]
            call.filter = query.audit_filter(spec.filters) or None
            records, _cursor, subjects = fetch_page(call.access, spec)
        except DeliveryError as exc:
            call.audit(result=exc.result, detail={"status": exc.status, "code": exc.code, "via": "web"})
            return {"error": exc.message, "errors": exc.fields}
        call.audit(record_count=len(records), subjects=subjects, detail={"via": "web"})
        names = [c.column for c in call.access.columns]
        return {"records": [[record.get(name) for name in names] for record in records]}



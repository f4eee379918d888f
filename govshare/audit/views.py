"""Audit pages: usage of a provider's data, the log itself with "verify now", and "who looked at this person".

Nobody edits or deletes entries here (nor anywhere in the platform): every view reads, except the subject search,
which appends its own audit entry, and "verify now", which chains pending entries before checking.
"""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from govshare.core.views import AUDIT_ROLES, ObjectDetailView, ObjectListView, RoleRequiredMixin, is_htmx_partial
from govshare.users.choices import RoleChoices

from . import services
from .choices import AuditActionChoices
from .filtersets import AuditEntryListFilterSet
from .forms import SubjectSearchForm, UsageFilterForm
from .models import AuditEntry
from .tables import AuditEntryTable
from .verify import verify_database

__all__ = ["EntryDetailView", "EntryListView", "SubjectSearchView", "UsageView", "VerifyNowView"]

SUBJECT_SEARCH_ROLES = (RoleChoices.AUDIT_ADMIN, RoleChoices.AUTHORITY_OFFICER)
USAGE_ROWS = 200


class UsageView(LoginRequiredMixin, View):
    """Who used a provider department's data: by consumer department and system, resource and action, with calls,
    records, purposes and the last time. Providers see their own resources; the competent authority and the audit
    and platform admins see every provider's."""

    template_name = "audit/usage.html"
    partial_template_name = "audit/usage_table.html"

    def get(self, request):
        user = request.user
        sees_all = services.sees_all_usage(user)
        form = UsageFilterForm(request.GET or None, sees_all=sees_all)
        filters = form.cleaned_data if form.is_valid() else {}
        q = request.GET.get("q", "").strip()
        entries = services.usage_entries(
            user=user,
            provider=filters.get("provider"),
            resource=filters.get("resource"),
            consumer=filters.get("consumer"),
            date_from=filters.get("date_from"),
            date_to=filters.get("date_to"),
            q=q,
        )
        rows = services.usage_summary(entries, limit=USAGE_ROWS)
        context = {
            "title": _("数据使用情况"),
            "rows": rows,
            "rows_capped": len(rows) >= USAGE_ROWS,
            "sees_all": sees_all,
            "no_department": not sees_all and not user.department_id,
            "filter_form": form,
            "q": q,
            "search_placeholder": _("资源代码、资源名称或应用系统"),
            "has_filters": any(value for key, value in request.GET.items() if key != "page"),
            "list_path": request.path,
        }
        template = self.partial_template_name if is_htmx_partial(request) else self.template_name
        response = render(request, template, context)
        patch_vary_headers(response, ("HX-Request",))
        return response


class EntryListView(ObjectListView):
    """The audit log, newest first, for the audit admin and the platform admin; with "verify now"."""

    required_roles = AUDIT_ROLES
    queryset = AuditEntry.objects.all()
    filterset = AuditEntryListFilterSet
    table = AuditEntryTable
    title = gettext_lazy("审计日志")
    template_name = "audit/entry_list.html"
    list_url_name = "audit:entry_list"
    search_placeholder = gettext_lazy("用户名、应用系统、资源代码、用途或序号")


class EntryDetailView(ObjectDetailView):
    """One entry with everything it holds, including its place in the chain."""

    required_roles = AUDIT_ROLES
    queryset = AuditEntry.objects.all()
    template_name = "audit/entry_detail.html"
    list_url_name = "audit:entry_list"

    def get_extra_context(self, request, instance=None):
        return {
            "title": _("审计条目 #%(seq)s") % {"seq": instance.seq or "—"},
            "subject_count": instance.subjects.count(),
        }


class VerifyNowView(LoginRequiredMixin, RoleRequiredMixin, View):
    """Chain what is pending and verify the whole log and its seals; returns the result panel (HTMX) or page."""

    required_roles = AUDIT_ROLES

    def post(self, request):
        result = verify_database()
        return render(request, "audit/verify_result.html", {"result": result, "title": _("校验结果")})


class SubjectSearchView(LoginRequiredMixin, RoleRequiredMixin, View):
    """ "Who looked at this person": the entries whose access touched an ID number, found by its HMAC. Each search
    is itself audited, with the person as its subject, so it shows up in the next search for them."""

    required_roles = SUBJECT_SEARCH_ROLES
    template_name = "audit/subject_search.html"
    paginate_by = 50

    def has_required_role(self):
        user = self.request.user
        if user.is_superuser or user.has_role(RoleChoices.AUDIT_ADMIN):
            return True
        # An authority officer of the competent authority, not of any department.
        department = user.department if user.department_id else None
        return bool(department and department.is_competent_authority and user.has_role(RoleChoices.AUTHORITY_OFFICER))

    def get(self, request):
        return render(request, self.template_name, {"title": _("个人数据查询记录"), "form": SubjectSearchForm()})

    def post(self, request):
        form = SubjectSearchForm(request.POST)
        context = {"title": _("个人数据查询记录"), "form": form}
        if form.is_valid():
            id_number = form.cleaned_data["id_number"]
            entries = AuditEntry.objects.filter(subjects__subject_mac=services.subject_mac(id_number)).order_by("-id")
            page = Paginator(entries, self.paginate_by).get_page(request.POST.get("page"))
            services.append(
                user=request.user,
                action=AuditActionChoices.OTHER,
                purpose=_("查询个人数据被访问记录"),
                record_count=page.paginator.count,
                detail={"kind": "subject_search"},
                subjects=[id_number],
            )
            context.update({"page_obj": page, "searched": True, "masked": id_number[:6] + "********" + id_number[-4:]})
        template = "audit/subject_results.html" if is_htmx_partial(request, "subject-results") else self.template_name
        return render(request, template, context)

"""Catalogue pages: browse and search, the entry with its versions, the entry form, the lifecycle actions, the review
queue, update duties, and Excel import and export.

Views stay thin: permissions come from `restrict()`, domain rules and transactions from `services`, matching from
`search`, filters from `filtersets`; this module only turns requests into those calls and results into pages.
"""

import io
import json
import uuid
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.humanize.templatetags.humanize import intcomma
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from govshare.core.views import BaseObjectView, ObjectListView, is_htmx_partial, safe_return_url, user_has_role
from govshare.organizations.models import Department, Office
from govshare.users.choices import RoleChoices

from . import services
from .choices import (
    DataTypeChoices,
    DutyChangeKindChoices,
    EntryStatusChoices,
    FormatCategoryChoices,
    OpenTypeChoices,
    ShareModeChoices,
    ShareTypeChoices,
    UpdateCycleChoices,
    VersionStatusChoices,
)
from .filtersets import ResourceFilterSet, UpdateDutyFilterSet
from .forms import (
    ITEM_PREFIX,
    ApproveForm,
    InfoItemFormSet,
    ReasonForm,
    ResourceForm,
    ResourceImportForm,
    SubmitForm,
    UpdateDutyForm,
    apply_service_errors,
    entry_initial,
    items_initial,
)
from .models import Classification, InfoItem, Resource, ResourceVersion, UpdateDuty
from .search import RELEVANCE, SearchResult, facet_counts, search
from .tables import ResourceTable, ReviewQueueTable, UpdateDutyTable

__all__ = [
    "ImportReportView",
    "OfficeOptionsView",
    "ResourceActionView",
    "ResourceApproveView",
    "ResourceDetailView",
    "ResourceDiscardChangeView",
    "ResourceEditView",
    "ResourceExportView",
    "ResourceImportStatusView",
    "ResourceImportView",
    "ResourceListView",
    "ResourceReturnView",
    "ResourceSearchView",
    "ResourceSubmitView",
    "ResourceTemplateView",
    "ResourceWithdrawView",
    "ReviewQueueView",
    "UpdateDutyAddView",
    "UpdateDutyCompleteView",
    "UpdateDutyListView",
]

R = RoleChoices
CATALOGUER_ROLES = (R.CATALOGUER, R.DEPARTMENT_ADMIN, R.PLATFORM_ADMIN)
REVIEWER_ROLES = (R.REVIEWER, R.AUTHORITY_OFFICER, R.PLATFORM_ADMIN)
RESULTS_TARGET = "catalog-results"


# ---------------------------------------------------------------------------------------------------------------
# Browse and search

# (facet of search.facet_counts, filter parameter, heading, ChoiceSet for colours, comma-separated parameter)
FACETS = (
    ("provider", "provider_id", gettext_lazy("资源提供方"), None, False),
    ("classification", "classification", gettext_lazy("资源分类"), None, True),
    ("share_type", "share_type", gettext_lazy("共享类型"), ShareTypeChoices, False),
    ("open_type", "open_type", gettext_lazy("开放属性"), OpenTypeChoices, False),
    ("format_category", "format_category", gettext_lazy("资源格式"), FormatCategoryChoices, False),
    ("update_cycle", "update_cycle", gettext_lazy("更新周期"), UpdateCycleChoices, False),
    ("status", "status", gettext_lazy("目录状态"), EntryStatusChoices, False),
)
FACET_VISIBLE = 8  # options shown before "更多"
SORTS = (
    (RELEVANCE, gettext_lazy("相关度")),
    ("", gettext_lazy("最近更新")),
    ("-published_on", gettext_lazy("最新发布")),
    ("name", gettext_lazy("名称")),
    ("code", gettext_lazy("资源代码")),
)


def _selected(request, param, csv):
    if csv:
        return [value for value in request.GET.get(param, "").split(",") if value]
    return [value for value in request.GET.getlist(param) if value]


def _url_with(request, **changes):
    """This page's URL with parameters replaced (None removes; lists set all values); the page number is reset."""
    params = request.GET.copy()
    params.pop("page", None)
    for name, value in changes.items():
        if value is None or value == [] or value == "":
            params.pop(name, None)
        elif isinstance(value, list):
            params.setlist(name, value)
        else:
            params[name] = value
    query = params.urlencode()
    return f"{request.path}?{query}" if query else request.path


def _toggle_url(request, param, value, csv):
    selected = _selected(request, param, csv)
    chosen = [v for v in selected if v != value] if value in selected else [*selected, value]
    if csv:
        return _url_with(request, **{param: ",".join(chosen) or None})
    return _url_with(request, **{param: chosen})


def _status_counts(queryset):
    counts = queryset.order_by().values("status").annotate(n=Count("pk")).values_list("status", "n")
    rows = [(value, str(EntryStatusChoices.label(value)), count) for value, count in counts]
    return sorted(rows, key=lambda row: EntryStatusChoices.values.index(row[0]))


class ResourceListView(ObjectListView):
    """资源目录: faceted browse and Chinese full-text search. HTMX requests get only the results (and facets)."""

    queryset = Resource.objects.select_related("provider", "classification")
    filterset = ResourceFilterSet
    table = ResourceTable
    template_name = "catalog/resource_list.html"
    partial_template_name = "catalog/includes/resource_results.html"
    paginate_by = 25
    add_url_name = "catalog:resource_add"
    add_roles = CATALOGUER_ROLES
    list_url_name = "catalog:resource_list"
    title = gettext_lazy("资源目录")
    search_page = False

    def get(self, request, *args, **kwargs):
        restricted = self.get_queryset()
        data = request.GET.copy()
        q = data.pop("q", [""])[-1].strip()
        filterset = self.filterset(data or None, queryset=restricted, request=request)
        filtered = filterset.qs

        ordering = ResourceTable.clean_ordering(request.GET.get("sort"))
        if q and not ordering:
            result = search(filtered, q)
            matched, rows, current_sort = result.queryset, result, RELEVANCE
        else:
            total = None
            if q:
                result = search(filtered, q, order="pk")
                matched, total = result.queryset, result.total
            else:
                matched = filtered
            # Without a choice, the model's order (latest first).
            rows = ResourceTable.order_queryset(matched, ordering) if ordering else matched.order_by(
                *Resource._meta.ordering
            )
            if total is not None:
                rows = SearchResult(q, rows, total)  # the count is known: the paginator need not ask again
            current_sort = ordering or ""

        paginator = Paginator(rows, self.paginate_by)
        page = paginator.get_page(request.GET.get("page"))
        table = ResourceTable(page.object_list, request=request, ordering=current_sort)

        counts = facet_counts(matched)
        counts["status"] = _status_counts(matched)
        facets, chips = self.facets(request, counts)
        if q:
            chips.insert(0, {"label": _("关键词：%(q)s") % {"q": q}, "url": _url_with(request, q=None)})

        add_url = None
        if user_has_role(request.user, self.add_roles):
            add_url = self.url_for(self.add_url_name)
        # With a query the default order is relevance, without one the latest updated first.
        sorts = [
            {"label": label, "url": _url_with(request, sort=key if key not in (RELEVANCE, "") else None),
             "active": key == current_sort}
            for key, label in SORTS
            if (key != RELEVANCE or q) and (key != "" or not q)
        ]
        context = {
            **self.base_context(),
            "title": _("目录检索") if self.search_page else self.title,
            "search_page": self.search_page,
            "table": table,
            "filterset": filterset,
            "q": q,
            "page_obj": page,
            "paginator": paginator,
            # A relevance search stops counting at search.COUNT_CAP: the count then reads "1,000+".
            "result_count": intcomma(paginator.count) + ("+" if getattr(rows, "total_is_capped", False) else ""),
            "facets": facets,
            "chips": chips,
            "clear_url": request.path,
            "sorts": sorts,
            "hidden_params": [
                (name, value) for name in request.GET for value in request.GET.getlist(name)
                if name not in ("q", "page")
            ],
            "add_url": add_url,
            "import_url": reverse("catalog:resource_import") if user_has_role(request.user, CATALOGUER_ROLES)
            else None,
            "export_url": _url_with(request, sort=None).replace(request.path, reverse("catalog:resource_export"), 1),
            "list_path": request.path,
            "results_target": RESULTS_TARGET,
        }
        partial = is_htmx_partial(request, RESULTS_TARGET)
        context["partial"] = partial
        template = self.partial_template_name if partial else self.template_name
        response = render(request, template, context)
        patch_vary_headers(response, ("HX-Request",))
        return response

    def facets(self, request, counts):
        facets, chips = [], []
        for key, param, heading, choices, csv in FACETS:
            selected = _selected(request, param, csv)
            options = []
            for value, label, count in counts.get(key, []):
                value = str(value)
                if key == "classification":
                    label = f"{value} {label}"
                options.append({
                    "label": label, "count": count, "selected": value in selected,
                    "url": _toggle_url(request, param, value, csv),
                    "colour": choices.colour(value) if choices else None,
                })
                if value in selected:
                    chips.append({"label": f"{heading}：{label}", "url": options[-1]["url"]})
            if not options:
                continue
            # The chosen options first, so they never hide behind "更多".
            options.sort(key=lambda option: not option["selected"])
            facets.append({
                "key": key, "heading": heading, "options": options[:FACET_VISIBLE],
                "more": options[FACET_VISIBLE:], "active": bool(selected),
                "clear_url": _url_with(request, **{param: None}) if selected else None,
            })
        return facets, chips


class ResourceSearchView(ResourceListView):
    """目录检索: the same page with the search box first."""

    search_page = True


# ---------------------------------------------------------------------------------------------------------------
# Detail: metadata, items, versions with diffs, change log

FIELD_CHOICES = {
    "share_type": ShareTypeChoices,
    "open_type": OpenTypeChoices,
    "share_mode": ShareModeChoices,
    "format_category": FormatCategoryChoices,
    "update_cycle": UpdateCycleChoices,
}
ITEM_CHOICES = {"data_type": DataTypeChoices, "share_type": ShareTypeChoices, "open_type": OpenTypeChoices}


def _field_label(model, name):
    try:
        return str(model._meta.get_field(name).verbose_name)
    except Exception:  # noqa: BLE001 - a field no longer on the model keeps its stored name
        return name


class DiffPresenter:
    """Turns services.diff_snapshots results into rows of Chinese labels and readable values.

    Foreign keys in snapshots are ids; their names are read once per model for all the diffs on the page.
    """

    FOREIGN = {"classification": Classification, "provider": Department, "provider_office": Office}

    def __init__(self, diffs):
        wanted = {name: set() for name in self.FOREIGN}
        for diff in diffs:
            for name, pair in diff["fields"].items():
                if name in wanted:
                    wanted[name].update(value for value in pair if value)
        self.names = {}
        for name, ids in wanted.items():
            if not ids:
                self.names[name] = {}
            elif name == "classification":
                self.names[name] = {
                    pk: f"{code} {label}"
                    for pk, code, label in Classification.objects.filter(pk__in=ids).values_list(
                        "pk", "full_code", "name"
                    )
                }
            else:
                self.names[name] = dict(self.FOREIGN[name].objects.filter(pk__in=ids).values_list("pk", "name"))

    def value(self, name, value, choices):
        if value is None or value == "" or value == []:
            return "—"
        if name in self.FOREIGN and name in self.names:
            return self.names[name].get(value, f"#{value}")
        if name in choices:
            return str(choices[name].label(value))
        if isinstance(value, bool):
            return _("是") if value else _("否")
        if isinstance(value, list):
            return "、".join(str(v) for v in value)
        return str(value)

    def rows(self, diff):
        fields = [
            (_field_label(Resource, name), self.value(name, before, FIELD_CHOICES),
             self.value(name, after, FIELD_CHOICES))
            for name, (before, after) in diff["fields"].items()
        ]
        changed = [
            (item, [
                (_field_label(InfoItem, key), self.value(key, before, ITEM_CHOICES),
                 self.value(key, after, ITEM_CHOICES))
                for key, (before, after) in delta.items()
            ])
            for item, delta in diff["items_changed"].items()
        ]
        return {
            "fields": fields,
            "items_added": diff["items_added"],
            "items_removed": diff["items_removed"],
            "items_changed": changed,
            "empty": not (fields or diff["items_added"] or diff["items_removed"] or changed),
        }


class ResourceDetailView(BaseObjectView):
    """One entry: its published content, the pending change (banner and diff), versions and change log."""

    queryset = Resource.objects.select_related(
        "classification__parent__parent__parent", "provider", "provider_office"
    ).prefetch_related("items")
    template_name = "catalog/resource_detail.html"
    list_url_name = "catalog:resource_list"
    TABS = ("info", "history", "changelog", "change")

    def get(self, request, *args, **kwargs):
        resource = self.get_object()
        user = request.user
        can_change = self.can("change", resource)
        can_review = self.can("review", resource)
        pending = services.pending_version(resource)
        tab = request.GET.get("tab", "info")
        if tab not in self.TABS or (tab == "change" and not (pending and (can_change or can_review))):
            tab = "info"
        context = {
            **self.base_context(resource),
            "object": resource,
            "resource": resource,
            "title": resource.name,
            "tab": tab,
            "classification_path": resource.classification.path(),
            "items": list(resource.items.all()),
            "pending": pending,
            "show_pending": bool(pending) and (can_change or can_review),
            "can_change": can_change,
            "can_review": can_review,
            "actions": self.actions(resource, pending, can_change, can_review, user),
            "exchange": self.exchange_actions(resource, user),
            "version_count": resource.versions.count(),
            "reason_form": ReasonForm(),
            "approve_form": ApproveForm(),
            "submit_form": SubmitForm(),
        }
        if tab == "history":
            context["versions"] = self.versions(resource)
        elif tab == "change":
            current = services.entry_snapshot(resource) if resource.status == EntryStatusChoices.PUBLISHED else None
            diff = services.diff_snapshots(current, pending.snapshot)
            context["change_diff"] = DiffPresenter([diff]).rows(diff)
            context["change_is_new"] = current is None
        return render(request, self.template_name, context)

    @staticmethod
    def actions(resource, pending, can_change, can_review, user):
        """Which lifecycle buttons to show; the services check again when they are pressed."""
        status = resource.status
        in_review = pending is not None and pending.status == VersionStatusChoices.SUBMITTED
        editable = status in EntryStatusChoices.EDITABLE or (status == EntryStatusChoices.PUBLISHED and not in_review)
        own_submission = in_review and pending.created_by_id == user.pk and not user.is_superuser
        return {
            "edit": can_change and editable,
            "submit": can_change and (
                status in EntryStatusChoices.EDITABLE
                or (status == EntryStatusChoices.PUBLISHED and pending is not None and not in_review)
            ),
            "submit_is_change": status == EntryStatusChoices.PUBLISHED,
            "review": can_review and in_review and not own_submission,
            "own_submission": can_review and own_submission,
            "withdraw": can_change and status == EntryStatusChoices.PUBLISHED,
            "discard": can_change and status == EntryStatusChoices.PUBLISHED and pending is not None and not in_review,
            "view_change": pending is not None and (can_change or can_review),
        }

    @staticmethod
    def exchange_actions(resource, user):
        """The sharing buttons of a published entry: mount (provider), subscribe or request (another department),
        use the data (a grant in force), raise an objection. The target pages check again."""
        from govshare.sharing.models import Grant

        if resource.status != EntryStatusChoices.PUBLISHED:
            return {}
        own = user.department_id == resource.provider_id
        provider_roles = (RoleChoices.DATA_PROVIDER, RoleChoices.DEPARTMENT_ADMIN)
        consumer_roles = (RoleChoices.DATA_CONSUMER, RoleChoices.DEPARTMENT_ADMIN)
        consumer = bool(user.department_id) and not own and user_has_role(user, consumer_roles)
        grants = Grant.objects.active().filter(resource=resource, consumer_id=user.department_id)
        granted = consumer and grants.exists()
        return {
            "mount": (own and user_has_role(user, provider_roles)) or user_has_role(user, [RoleChoices.PLATFORM_ADMIN]),
            "subscribe": consumer and not granted and resource.share_type == ShareTypeChoices.UNCONDITIONAL,
            "request": consumer and not granted and resource.share_type != ShareTypeChoices.UNCONDITIONAL,
            "use": granted,
            "objection": consumer,
        }

    @staticmethod
    def versions(resource):
        versions = list(resource.versions.select_related("created_by", "reviewed_by").order_by("number"))
        diffs = []
        previous = None
        for version in versions:
            diffs.append(services.diff_snapshots(previous, version.snapshot) if previous else None)
            if version.status in (VersionStatusChoices.PUBLISHED, VersionStatusChoices.SUPERSEDED):
                previous = version.snapshot
        presenter = DiffPresenter([diff for diff in diffs if diff])
        rows = [
            {"version": version, "diff": presenter.rows(diff) if diff else None}
            for version, diff in zip(versions, diffs, strict=True)
        ]
        return list(reversed(rows))


# ---------------------------------------------------------------------------------------------------------------
# Create and edit


class ResourceEditView(BaseObjectView):
    """New entry, or edit: a draft or returned entry in place; a published entry by a pending change."""

    queryset = Resource.objects.select_related("provider", "classification")
    template_name = "catalog/resource_edit.html"
    list_url_name = "catalog:resource_list"

    def get_resource(self):
        if "pk" not in self.kwargs:
            if not user_has_role(self.request.user, CATALOGUER_ROLES):
                raise PermissionDenied(_("只有编目员或部门管理员可以编制目录"))
            return None
        resource = self.get_object()  # 404 when the user may not even see it
        if not self.can("change", resource):
            raise PermissionDenied(_("无权修改此目录：只能修改本部门的资源目录"))
        return resource

    def editing_blocked(self, resource):
        """A message when the entry cannot be edited now (in review or withdrawn), else None."""
        if resource is None:
            return None
        if resource.status == EntryStatusChoices.SUBMITTED:
            return _("目录正在审核中，审核完成前不能修改")
        if resource.status == EntryStatusChoices.WITHDRAWN:
            return _("已注销的目录不能修改")
        pending = services.pending_version(resource) if resource.status == EntryStatusChoices.PUBLISHED else None
        if pending is not None and pending.status == VersionStatusChoices.SUBMITTED:
            return _("变更正在审核中，审核完成前不能再修改")
        return None

    def forms(self, resource, data=None):
        is_change = resource is not None and resource.status == EntryStatusChoices.PUBLISHED
        kwargs = {"user": self.request.user, "resource": resource, "is_change": is_change}
        if data is not None:
            form = ResourceForm(data, **kwargs)
            # Every row may be left empty: empty rows are skipped, whatever their place after reordering.
            formset = InfoItemFormSet(data, prefix=ITEM_PREFIX, form_kwargs={"empty_permitted": True})
            return form, formset
        if resource is None:
            return ResourceForm(**kwargs), InfoItemFormSet(prefix=ITEM_PREFIX)
        snapshot = services.entry_data(resource)
        initial = entry_initial(snapshot["fields"])
        if is_change:
            pending = services.pending_version(resource)
            initial["change_summary"] = pending.change_summary if pending else ""
        return (
            ResourceForm(initial=initial, **kwargs),
            InfoItemFormSet(prefix=ITEM_PREFIX, initial=items_initial(snapshot["items"])),
        )

    def get(self, request, *args, **kwargs):
        resource = self.get_resource()
        blocked = self.editing_blocked(resource)
        if blocked:
            messages.warning(request, blocked)
            return redirect("catalog:resource_detail", pk=resource.pk)
        form, formset = self.forms(resource)
        return self.render_form(resource, form, formset)

    def post(self, request, *args, **kwargs):
        resource = self.get_resource()
        blocked = self.editing_blocked(resource)
        if blocked:
            messages.error(request, blocked)
            return redirect("catalog:resource_detail", pk=resource.pk)
        form, formset = self.forms(resource, request.POST)
        submit = request.POST.get("action") == "submit"
        if form.is_valid() and formset.is_valid():
            fields = form.entry_fields()
            item_forms, items = formset.items(fields)
            summary = form.cleaned_data.get("change_summary", "")
            try:
                with transaction.atomic():
                    if resource is None:
                        saved = services.create_entry(user=request.user, fields=fields, items=items)
                    else:
                        saved = services.update_entry(
                            resource, user=request.user, fields=fields, items=items, change_summary=summary
                        )
                    if submit:
                        services.submit_entry(saved, user=request.user, change_summary=summary)
            except ValidationError as error:
                apply_service_errors(error, form, formset, item_forms)
            else:
                messages.success(request, self.success_message(resource, saved, submit))
                return redirect("catalog:resource_detail", pk=saved.pk)
        return self.render_form(resource, form, formset, status=200)

    @staticmethod
    def success_message(resource, saved, submit):
        if resource is not None and resource.status == EntryStatusChoices.PUBLISHED:
            if submit:
                return _("变更已提交审核，审核通过前仍显示现行内容")
            return _("变更已保存（修改中），提交审核并通过后生效")
        if submit:
            return _("资源目录“%(name)s”已保存并提交审核") % {"name": saved.name}
        return _("资源目录“%(name)s”已保存为草稿") % {"name": saved.name}

    def render_form(self, resource, form, formset, status=200):
        is_change = resource is not None and resource.status == EntryStatusChoices.PUBLISHED
        pending = services.pending_version(resource) if resource is not None else None
        has_item_errors = bool(formset.non_form_errors()) or any(f.errors for f in formset.forms)
        context = {
            **self.base_context(resource),
            "object": resource,
            "resource": resource,
            "is_new": resource is None,
            "is_change": is_change,
            "pending": pending,
            "title": _("新建资源目录") if resource is None else _("编辑：%(name)s") % {"name": resource.name},
            "form": form,
            "formset": formset,
            "has_errors": bool(form.errors) or has_item_errors,
            "format_types": [
                (value, FormatCategoryChoices.TYPES.get(value, [])) for value in FormatCategoryChoices.values
            ],
            "all_format_types": sorted({t for types in FormatCategoryChoices.TYPES.values() for t in types},
                                       key=str.lower),
            "office_options_url": reverse("catalog:office_options"),
            "cancel_url": safe_return_url(
                self.request,
                reverse("catalog:resource_detail", args=[resource.pk]) if resource else reverse(
                    "catalog:resource_list"
                ),
            ),
        }
        return render(self.request, self.template_name, context, status=status)


class OfficeOptionsView(BaseObjectView):
    """The <option>s of a department's internal offices, for the entry form's office select (HTMX)."""

    queryset = Office.objects.all()

    def get(self, request):
        department = request.GET.get("provider", "")
        offices = Office.objects.filter(department_id=department) if department.isdigit() else Office.objects.none()
        return render(request, "catalog/includes/office_options.html", {"offices": offices})


# ---------------------------------------------------------------------------------------------------------------
# Lifecycle actions (POST only): thin calls to the services


class ResourceActionView(BaseObjectView):
    """Base of the lifecycle buttons: find the entry the user may see, call the service, report, go back."""

    queryset = Resource.objects.all()
    http_method_names = ["post"]
    form_class = None

    def post(self, request, pk):
        resource = self.get_object()
        form = self.form_class(request.POST) if self.form_class else None
        if form is not None and not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, self.invalid_message(error))
            return self.back(resource)
        try:
            message = self.perform(resource, request.user, form.cleaned_data if form else {})
        except ValidationError as error:
            for text in error.messages:
                messages.error(request, text)
        else:
            messages.success(request, message)
        return self.back(resource)

    def invalid_message(self, error):
        return error

    def back(self, resource):
        fallback = reverse("catalog:resource_detail", args=[resource.pk])
        return redirect(safe_return_url(self.request, fallback))

    def perform(self, resource, user, data):
        raise NotImplementedError


class ResourceSubmitView(ResourceActionView):
    form_class = SubmitForm

    def perform(self, resource, user, data):
        services.submit_entry(resource, user=user, change_summary=data.get("change_summary", ""))
        return _("已提交审核，请等待共享主管部门审核")


class ResourceReturnView(ResourceActionView):
    form_class = ReasonForm

    def invalid_message(self, error):
        return _("退回必须填写理由")

    def perform(self, resource, user, data):
        services.return_entry(resource, user=user, reason=data["reason"])
        return _("已退回，提供部门将看到退回理由")


class ResourceApproveView(ResourceActionView):
    form_class = ApproveForm

    def perform(self, resource, user, data):
        services.approve_entry(resource, user=user, comment=data.get("comment", ""))
        resource.refresh_from_db(fields=["code"])
        return _("审核通过，资源目录已发布，资源代码：%(code)s") % {"code": resource.code}


class ResourceWithdrawView(ResourceActionView):
    form_class = ReasonForm

    def invalid_message(self, error):
        return _("注销必须填写原因")

    def perform(self, resource, user, data):
        services.withdraw_entry(resource, user=user, reason=data["reason"])
        return _("资源目录已注销，其资源代码不再分配")


class ResourceDiscardChangeView(ResourceActionView):
    def perform(self, resource, user, data):
        services.discard_change(resource, user=user)
        return _("已放弃变更，目录保持现行版本")


# ---------------------------------------------------------------------------------------------------------------
# Review queue


class ReviewQueueView(ObjectListView):
    """审核队列: submitted entries and changes in the reviewer's jurisdiction, oldest first."""

    required_roles = REVIEWER_ROLES
    queryset = ResourceVersion.objects.select_related("resource__provider", "created_by")
    table = ReviewQueueTable
    search_fields = ("resource__name", "resource__code", "resource__provider__name")
    template_name = "catalog/review_queue.html"
    title = gettext_lazy("审核队列")
    list_url_name = "catalog:review_queue"

    def get_queryset(self):
        reviewable = Resource.objects.restrict(self.request.user, "review")
        return self.queryset.filter(status=VersionStatusChoices.SUBMITTED, resource__in=reviewable)


# ---------------------------------------------------------------------------------------------------------------
# Update duties


class UpdateDutyListView(ObjectListView):
    """目录更新任务: changes of law or duties, each to be reflected in the catalogue within 15 working days."""

    queryset = UpdateDuty.objects.select_related("department")
    filterset = UpdateDutyFilterSet
    table = UpdateDutyTable
    template_name = "catalog/duty_list.html"
    title = gettext_lazy("目录更新任务")
    list_url_name = "catalog:duty_list"
    add_url_name = "catalog:duty_add"
    add_roles = (R.DEPARTMENT_ADMIN, R.PLATFORM_ADMIN)

    # The page's one 办理状态 select, as the filterset's parameters.
    STATES = {
        "": ((gettext_lazy("全部")), {}),
        "open": (gettext_lazy("未完成"), {"completed": "false"}),
        "overdue": (gettext_lazy("已逾期"), {"overdue": "true"}),
        "done": (gettext_lazy("已完成"), {"completed": "true"}),
    }

    def get(self, request, *args, **kwargs):
        state = request.GET.get("state", "")
        if state in self.STATES and self.STATES[state][1]:
            params = request.GET.copy()
            params.update(self.STATES[state][1])
            request.GET = params
        return super().get(request, *args, **kwargs)

    def get_extra_context(self, request, instance=None):
        return {
            "update_days": settings.GOVSHARE_CATALOG_UPDATE_DAYS,
            "kind_choices": DutyChangeKindChoices.choices,
            "selected_kinds": request.GET.getlist("kind"),
            "state_choices": [(key, label) for key, (label, _params) in self.STATES.items()],
            "state": request.GET.get("state", ""),
        }


class UpdateDutyAddView(BaseObjectView):
    """Record a change of law or duties (department administrators, for their own department)."""

    required_roles = (R.DEPARTMENT_ADMIN, R.PLATFORM_ADMIN)
    queryset = UpdateDuty.objects.all()
    template_name = "generic/object_edit.html"
    list_url_name = "catalog:duty_list"

    def render_form(self, form):
        context = {
            **self.base_context(),
            "form": form,
            "is_new": True,
            "title": _("登记目录更新事项"),
            "cancel_url": reverse("catalog:duty_list"),
        }
        return render(self.request, self.template_name, context)

    def get(self, request):
        return self.render_form(UpdateDutyForm(user=request.user))

    def post(self, request):
        form = UpdateDutyForm(request.POST, user=request.user)
        if form.is_valid():
            data = form.cleaned_data
            try:
                duty = services.record_update_duty(
                    user=request.user, department=data["department"], kind=data["kind"], title=data["title"],
                    occurred_on=data["occurred_on"], description=data["description"],
                )
            except ValidationError as error:
                apply_service_errors(error, form, None, [])
            else:
                messages.success(request, _("已登记，须在 %(due)s 前完成目录更新") % {"due": duty.due_on.isoformat()})
                return redirect("catalog:duty_list")
        return self.render_form(form)


class UpdateDutyCompleteView(BaseObjectView):
    queryset = UpdateDuty.objects.all()
    http_method_names = ["post"]

    def post(self, request, pk):
        duty = self.get_object()
        services.complete_update_duty(duty, user=request.user)
        messages.success(request, _("“%(title)s”已办结") % {"title": duty.title})
        return redirect(safe_return_url(request, reverse("catalog:duty_list")))


# ---------------------------------------------------------------------------------------------------------------
# Excel import and export

SYNC_IMPORT_LIMIT = 2 * 1024 * 1024  # bigger files go to the background worker
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _imports_dir():
    return Path(settings.DATA_DIR) / "imports" / "catalog"


def _job_dir(job):
    try:
        return _imports_dir() / uuid.UUID(str(job)).hex
    except ValueError as exc:
        raise Http404 from exc


def _read_json(path):
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _report_errors(path):
    """The rows of an error report .xlsx (sheet, row, column, message), when a background import only left that."""
    from openpyxl import load_workbook

    workbook = load_workbook(path, read_only=True)
    try:
        rows = list(workbook.worksheets[0].iter_rows(min_row=2, values_only=True))
    finally:
        workbook.close()
    return [
        {"sheet": sheet or "", "row": row, "column": column or "", "message": message or ""}
        for sheet, row, column, message, *_rest in rows
    ]


class ResourceImportView(BaseObjectView):
    """Upload a catalogue workbook: small files are imported at once, big ones by the background worker."""

    required_roles = CATALOGUER_ROLES
    queryset = Resource.objects.all()
    template_name = "catalog/resource_import.html"
    list_url_name = "catalog:resource_list"

    def render_page(self, form, result=None, job=None, status=200):
        context = {
            **self.base_context(),
            "title": _("导入资源目录"),
            "form": form,
            "result": result,
            "job": job,
            "size_limit_mb": SYNC_IMPORT_LIMIT // (1024 * 1024),
        }
        return render(self.request, self.template_name, context, status=status)

    def get(self, request):
        return self.render_page(ResourceImportForm())

    def post(self, request):
        form = ResourceImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render_page(form)
        upload = form.cleaned_data["file"]
        job = uuid.uuid4().hex
        job_dir = _imports_dir() / job
        job_dir.mkdir(parents=True, exist_ok=True)
        path = job_dir / "upload.xlsx"
        with path.open("wb") as target:
            for chunk in upload.chunks():
                target.write(chunk)
        report_path = job_dir / "error-report.xlsx"
        meta = {
            "user_id": request.user.pk, "filename": upload.name, "size": upload.size,
            "created": timezone.now().isoformat(), "background": upload.size > SYNC_IMPORT_LIMIT,
        }
        (job_dir / "job.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
        if meta["background"]:
            # The configured Celery app must be the current one before sending (govshare/__init__.py does not
            # load it), or the task would go to Celery's default broker.
            import govshare.celery  # noqa: F401

            from .tasks import import_catalog_task

            # Task results are not kept: the worker writes result.json into the job directory for the status page.
            import_catalog_task.delay(str(path), request.user.pk, str(report_path), str(job_dir / "result.json"))
            return redirect("catalog:resource_import_status", job=job)

        from .excel import import_catalog

        result = import_catalog(path, user=request.user, report_path=report_path).as_dict()
        _write_result(job_dir, result)
        if result["ok"]:
            messages.success(request, _import_summary(result))
        return self.render_page(ResourceImportForm(), result=result, job=job)


def _write_result(job_dir, result):
    (job_dir / "result.json").write_text(json.dumps(result, ensure_ascii=False, default=str), encoding="utf-8")


def _import_summary(result):
    return _("导入完成：新建 %(created)d 条，更新 %(updated)d 条，未变化 %(unchanged)d 条") % result


class ResourceImportStatusView(BaseObjectView):
    """A background import: "后台导入中" until the worker is done, then its counts or its errors (HTMX polling)."""

    required_roles = CATALOGUER_ROLES
    queryset = Resource.objects.all()
    template_name = "catalog/resource_import_status.html"
    list_url_name = "catalog:resource_list"

    def get(self, request, job):
        job_dir = _job_dir(job)
        meta = _read_json(job_dir / "job.json")
        if meta is None or (meta.get("user_id") != request.user.pk and not request.user.is_superuser):
            raise Http404
        result = _read_json(job_dir / "result.json")
        report = job_dir / "error-report.xlsx"
        if result is None and report.exists():
            errors = _report_errors(report)
            result = {"ok": False, "errors": errors, "created": 0, "updated": 0, "unchanged": 0}
        context = {
            **self.base_context(),
            "title": _("导入资源目录"),
            "meta": meta,
            "job": uuid.UUID(str(job)).hex,
            "result": result,
            "pending": result is None,
        }
        template = self.template_name
        if getattr(request, "htmx", None) and request.htmx.target == "import-status":
            template = "catalog/includes/import_status_card.html"
        return render(request, template, context)


class ImportReportView(BaseObjectView):
    """Download the error report of a rejected import."""

    required_roles = CATALOGUER_ROLES
    queryset = Resource.objects.all()

    def get(self, request, job):
        job_dir = _job_dir(job)
        meta = _read_json(job_dir / "job.json")
        report = job_dir / "error-report.xlsx"
        if meta is None or (meta.get("user_id") != request.user.pk and not request.user.is_superuser):
            raise Http404
        if not report.exists():
            raise Http404
        return FileResponse(report.open("rb"), as_attachment=True, filename=_("导入错误报告.xlsx"), content_type=XLSX)


def _xlsx_response(buffer, filename):
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


class ResourceExportView(BaseObjectView):
    """The list as filtered (same parameters as the list page) as an .xlsx in the import layout."""

    queryset = Resource.objects.all()

    def get(self, request):
        from .excel import export_catalog

        filterset = ResourceFilterSet(request.GET or None, queryset=self.get_queryset(), request=request)
        buffer = io.BytesIO()
        export_catalog(filterset.qs, buffer)
        stamp = timezone.localdate().strftime("%Y%m%d")
        return _xlsx_response(buffer, _("资源目录-%(date)s.xlsx") % {"date": stamp})


class ResourceTemplateView(BaseObjectView):
    """The blank import workbook, with its 填写说明 sheet."""

    queryset = Resource.objects.all()

    def get(self, request):
        from .excel import export_catalog

        buffer = io.BytesIO()
        export_catalog(Resource.objects.none(), buffer)
        return _xlsx_response(buffer, _("资源目录导入模板.xlsx"))


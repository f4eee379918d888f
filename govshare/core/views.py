"""Generic views configured by attributes, the home dashboard and the change log.

Every generic view narrows its queryset with `restrict(queryset, user, action)`, so a page cannot forget the
permission check; pages that really differ override a hook (`get_queryset`, `get_extra_context`, `get_form_kwargs`).

    class DepartmentListView(ObjectListView):
        queryset = Department.objects.select_related("jurisdiction")
        filterset = DepartmentFilterSet
        table = DepartmentTable
        add_url_name = "organizations:department_add"
        add_roles = (RoleChoices.PLATFORM_ADMIN, RoleChoices.SYSTEM_ADMIN)
"""

import django_filters
from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, ProtectedError, Q, RestrictedError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from govshare.users.choices import RoleChoices

from .attachments import download_response
from .models import ObjectChange, RestrictedQuerySet
from .tables import ObjectChangeTable

__all__ = [
    "AUDIT_ROLES",
    "BaseObjectView",
    "ChangeLogDetailView",
    "ChangeLogView",
    "HomeView",
    "ObjectChangeFilterSet",
    "ObjectDeleteView",
    "ObjectDetailView",
    "ObjectEditView",
    "ObjectListView",
    "RoleRequiredMixin",
    "is_htmx_partial",
    "restrict",
    "safe_return_url",
    "safe_reverse",
    "user_has_role",
]

# Who may read the platform-wide change log (三员分立: the audit admin, plus the platform admin).
AUDIT_ROLES = (RoleChoices.AUDIT_ADMIN, RoleChoices.PLATFORM_ADMIN)


def restrict(queryset, user, action="view"):
    """`queryset.restrict(user, action)`; models without a RestrictedQuerySet manager get the same rule."""
    if hasattr(queryset, "restrict"):
        return queryset.restrict(user, action)
    return RestrictedQuerySet.restrict(queryset, user, action)


def safe_reverse(name, *args, default="#", **kwargs):
    """reverse(), or `default` when the URL name does not exist (yet)."""
    try:
        return reverse(name, args=args or None, kwargs=kwargs or None)
    except NoReverseMatch:
        return default


def user_has_role(user, roles):
    """Superusers pass every role check; an empty role list means any logged-in user."""
    if not user.is_authenticated:
        return False
    return user.is_superuser or not roles or user.has_role(*roles)


def is_htmx_partial(request, target="object-list"):
    """True for an HTMX request that swaps only the list (not a boosted page or a history restore)."""
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.boosted and not htmx.history_restore_request and htmx.target == target


class RoleRequiredMixin:
    """Refuse (403) users holding none of `required_roles`; superusers always pass. Place after LoginRequiredMixin."""

    required_roles: tuple = ()

    def has_required_role(self):
        return user_has_role(self.request.user, self.required_roles)

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not self.has_required_role():
            raise PermissionDenied(_("您没有访问此页面的权限"))
        return super().dispatch(request, *args, **kwargs)


class BaseObjectView(LoginRequiredMixin, RoleRequiredMixin, View):
    """Attributes shared by the object views: the queryset, the action it is restricted for, the URL names."""

    queryset = None
    action = "view"
    template_name = None
    title = None
    list_url_name = None
    detail_url_name = None
    edit_url_name = None
    delete_url_name = None

    @property
    def model(self):
        return self.queryset.model

    def restrict(self, queryset, action):
        """Hook for models whose rule cannot live on the model yet; by default the model's own rule."""
        return restrict(queryset, self.request.user, action)

    def get_queryset(self):
        return self.restrict(self.queryset.all(), self.action)

    def get_object(self):
        return get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])

    def url_for(self, name, instance=None):
        if not name:
            return None
        if instance is not None:
            return safe_reverse(name, instance.pk, default=None)
        return safe_reverse(name, default=None)

    def get_return_url(self, instance=None):
        """Where to go back to: the object's page while it exists, else the list."""
        if instance is not None and instance.pk is not None:
            url = self.url_for(self.detail_url_name, instance)
            if url:
                return url
        return self.url_for(self.list_url_name) or reverse("home")

    def can(self, action, instance):
        """Whether the user may do `action` to this instance (one query)."""
        return self.restrict(self.queryset.model._default_manager.all(), action).filter(pk=instance.pk).exists()

    def get_extra_context(self, request, instance=None):
        return {}

    def base_context(self, instance=None):
        meta = self.model._meta
        return {
            "model_verbose_name": meta.verbose_name,
            "model_verbose_name_plural": meta.verbose_name_plural,
            "list_url": self.url_for(self.list_url_name),
        }


class ObjectListView(BaseObjectView):
    """A filterable, searchable, sortable, paginated table; returns only the table to HTMX requests."""

    filterset = None
    table = None
    # Used for `q` when the filterset does not define its own `q` filter.
    search_fields: tuple = ()
    template_name = "generic/object_list.html"
    partial_template_name = "generic/object_list_table.html"
    paginate_by = 50
    add_url_name = None
    add_roles: tuple | None = None
    search_placeholder = None

    def search(self, queryset, q):
        if not q or not self.search_fields:
            return queryset
        condition = Q()
        for field in self.search_fields:
            condition |= Q(**{f"{field}__icontains": q})
        return queryset.filter(condition)

    def get(self, request, *args, **kwargs):
        queryset = self.get_queryset()
        filterset = None
        if self.filterset is not None:
            filterset = self.filterset(request.GET or None, queryset=queryset, request=request)
            queryset = filterset.qs
        q = request.GET.get("q", "").strip()
        if filterset is None or "q" not in filterset.filters:
            queryset = self.search(queryset, q)
        ordering = self.table.clean_ordering(request.GET.get("sort"))
        queryset = self.table.order_queryset(queryset, ordering)

        paginator = Paginator(queryset, self.paginate_by)
        page = paginator.get_page(request.GET.get("page"))
        table = self.table(page.object_list, request=request, ordering=ordering)

        add_url = None
        if self.add_url_name and user_has_role(request.user, self.add_roles or self.required_roles):
            add_url = self.url_for(self.add_url_name)
        context = {
            **self.base_context(),
            "title": self.title or self.model._meta.verbose_name_plural,
            "table": table,
            "filterset": filterset,
            "filter_form": filterset.form if filterset is not None else None,
            "has_filters": any(value for key, value in request.GET.items() if key not in ("page", "sort")),
            "search_placeholder": self.search_placeholder,
            "q": q,
            "page_obj": page,
            "paginator": paginator,
            "add_url": add_url,
            "list_path": request.path,
            **self.get_extra_context(request),
        }
        template = self.partial_template_name if is_htmx_partial(request) else self.template_name
        response = render(request, template, context)
        patch_vary_headers(response, ("HX-Request",))
        return response


class ObjectDetailView(BaseObjectView):
    """One object; the template gets `object`, `can_change`, `can_delete` and the edit/delete URLs."""

    template_name = "generic/object_detail.html"
    # Shown by the generic template as a two-column list: field names of the model.
    detail_fields: tuple = ()

    def get(self, request, *args, **kwargs):
        instance = self.get_object()
        can_change = bool(self.edit_url_name) and self.can("change", instance)
        can_delete = bool(self.delete_url_name) and self.can("delete", instance)
        context = {
            **self.base_context(instance),
            "object": instance,
            "title": str(instance),
            "fields": [
                (self.model._meta.get_field(name).verbose_name, _display(instance, name))
                for name in self.detail_fields
            ],
            "can_change": can_change,
            "can_delete": can_delete,
            "edit_url": self.url_for(self.edit_url_name, instance) if can_change else None,
            "delete_url": self.url_for(self.delete_url_name, instance) if can_delete else None,
            **self.get_extra_context(request, instance),
        }
        return render(request, self.template_name, context)



class AttachmentDownloadView(BaseObjectView):
    """An attachment of a parent object (URL kwargs `pk` of the parent, `attachment_id`), to whoever may see it
    under the attachment model's restrict_for; always as a download, never rendered inline."""

    parent_field = ""  # the attachment's foreign key to its parent, e.g. "objection_id"

    def get(self, request, pk, attachment_id):
        attachment = get_object_or_404(
            restrict(self.queryset.all(), request.user, "view"), pk=attachment_id, **{self.parent_field: pk}
        )
        return download_response(attachment.file, attachment.name)

def _display(instance, name):
    display = getattr(instance, f"get_{name}_display", None)
    return display() if display else getattr(instance, name)


def safe_return_url(request, fallback):
    """`return_url` from the request if it points at this site, else the fallback."""
    url = request.POST.get("return_url") or request.GET.get("return_url")
    if url and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}, require_https=False):
        return url
    return fallback


class ObjectEditView(BaseObjectView):
    """Create (no pk in the URL) or edit an object with `form`; editing needs the "change" action."""

    action = "change"
    form = None
    template_name = "generic/object_edit.html"
    # Who may create; None means required_roles.
    add_roles: tuple | None = None

    def get_object(self):
        if "pk" in self.kwargs:
            return super().get_object()
        return self.alter_object(self.model(), self.request)

    def alter_object(self, instance, request):
        """Hook to prefill a new object (e.g. its parent from the query string)."""
        return instance

    def dispatch(self, request, *args, **kwargs):
        if "pk" not in kwargs and request.user.is_authenticated and not user_has_role(
            request.user, self.add_roles if self.add_roles is not None else self.required_roles
        ):
            raise PermissionDenied(_("您没有新建该对象的权限"))
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self, instance):
        return {}

    def get_form(self, instance, data=None, files=None):
        return self.form(data, files, instance=instance, **self.get_form_kwargs(instance))

    def save_form(self, form):
        """Hook to call a service instead of form.save(); returns the saved object."""
        return form.save()

    def get_success_url(self, instance):
        return safe_return_url(self.request, self.get_return_url(instance))

    def render_form(self, request, instance, form):
        is_new = instance.pk is None
        meta = self.model._meta
        context = {
            **self.base_context(instance),
            "object": instance,
            "form": form,
            "is_new": is_new,
            "title": self.title
            or (_("新建%(model)s") % {"model": meta.verbose_name} if is_new else _("编辑：%(object)s") % {
                "object": instance
            }),
            "cancel_url": safe_return_url(request, self.get_return_url(instance)),
            "return_url": request.GET.get("return_url", ""),
            **self.get_extra_context(request, instance),
        }
        return render(request, self.template_name, context)

    def get(self, request, *args, **kwargs):
        instance = self.get_object()
        return self.render_form(request, instance, self.get_form(instance))

    def post(self, request, *args, **kwargs):
        instance = self.get_object()
        is_new = instance.pk is None
        form = self.get_form(instance, request.POST, request.FILES)
        if form.is_valid():
            with transaction.atomic():
                saved = self.save_form(form)
            meta = self.model._meta
            text = _("已创建%(model)s“%(object)s”") if is_new else _("已保存%(model)s“%(object)s”")
            messages.success(request, text % {"model": meta.verbose_name, "object": saved})
            return redirect(self.get_success_url(saved))
        return self.render_form(request, instance, form)


class ObjectDeleteView(BaseObjectView):
    """Confirm, then delete; objects still referenced elsewhere are refused with a message."""

    action = "delete"
    template_name = "generic/object_delete.html"

    def get(self, request, *args, **kwargs):
        instance = self.get_object()
        context = {
            **self.base_context(instance),
            "object": instance,
            "title": _("删除：%(object)s") % {"object": instance},
            "cancel_url": safe_return_url(request, self.get_return_url(instance)),
            **self.get_extra_context(request, instance),
        }
        return render(request, self.template_name, context)

    def post(self, request, *args, **kwargs):
        instance = self.get_object()
        name = str(instance)
        try:
            with transaction.atomic():
                instance.delete()
        except (ProtectedError, RestrictedError):
            messages.error(request, _("“%(object)s”仍被其他数据引用，不能删除") % {"object": name})
            return redirect(self.get_return_url(instance))
        messages.success(
            request, _("已删除%(model)s“%(object)s”") % {"model": self.model._meta.verbose_name, "object": name}
        )
        # The object is gone (its pk is None now), so this is the list or the parent's page.
        return redirect(self.get_return_url(instance))


# --- Change log ---------------------------------------------------------------------------------------------


DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ObjectChangeFilterSet(django_filters.FilterSet):
    """Filters of the change log. (Belongs in core/filtersets.py once that module exists.)"""

    q = django_filters.CharFilter(method="search", label=gettext_lazy("搜索"))
    action = django_filters.ChoiceFilter(
        choices=ObjectChange.ACTION_CHOICES, label=gettext_lazy("操作"), empty_label=gettext_lazy("全部操作")
    )
    object_type_id = django_filters.ModelChoiceFilter(
        field_name="object_type",
        queryset=ContentType.objects.filter(app_label__in=["organizations", "users", "catalog", "workdays", "core"]),
        label=gettext_lazy("对象类型"),
        empty_label=gettext_lazy("全部类型"),
    )
    user_name = django_filters.CharFilter(lookup_expr="iexact", label=gettext_lazy("用户名"))
    time_after = django_filters.DateFilter(
        field_name="time", lookup_expr="date__gte", label=gettext_lazy("起始日期"), widget=DATE_INPUT
    )
    time_before = django_filters.DateFilter(
        field_name="time", lookup_expr="date__lte", label=gettext_lazy("截止日期"), widget=DATE_INPUT
    )
    request_id = django_filters.UUIDFilter(label=gettext_lazy("请求编号"))

    class Meta:
        model = ObjectChange
        fields = ["q", "action", "object_type_id", "user_name", "time_after", "time_before", "request_id"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(object_repr__icontains=value) | Q(user_name__icontains=value))


class ChangeLogView(ObjectListView):
    """The platform-wide change log, read-only, for the audit admin and the platform admin."""

    search_placeholder = gettext_lazy("对象名称或用户名")
    required_roles = AUDIT_ROLES
    queryset = ObjectChange.objects.select_related("object_type")
    filterset = ObjectChangeFilterSet
    table = ObjectChangeTable
    title = gettext_lazy("变更记录")
    list_url_name = "changelog"


class ChangeLogDetailView(ObjectDetailView):
    required_roles = AUDIT_ROLES
    queryset = ObjectChange.objects.select_related("object_type", "user")
    template_name = "core/objectchange_detail.html"
    list_url_name = "changelog"

    def get_extra_context(self, request, instance=None):
        related = (
            ObjectChange.objects.filter(request_id=instance.request_id).exclude(pk=instance.pk).select_related(
                "object_type"
            )[:50]
            if instance.request_id
            else []
        )
        return {"title": str(instance), "diff": instance.diff, "related_changes": related}


# --- Home dashboard -----------------------------------------------------------------------------------------


def _percentages(counts):
    """Whole percentages of the counts that add up to exactly 100 (largest remainder), for the CSS bar chart."""
    total = sum(counts)
    if not total:
        return [0 for _count in counts]
    raw = [count * 100 / total for count in counts]
    whole = [int(value) for value in raw]
    order = sorted(range(len(raw)), key=lambda i: raw[i] - whole[i], reverse=True)
    for i in order[: 100 - sum(whole)]:
        whole[i] += 1
    return whole


class HomeView(LoginRequiredMixin, View):
    """The dashboard: counts, the share-type split, my tasks and recent changes, in a constant number of queries."""

    template_name = "core/home.html"

    def get(self, request):
        from govshare.catalog.choices import EntryStatusChoices, ShareTypeChoices
        from govshare.catalog.models import InfoItem, Resource, UpdateDuty
        from govshare.organizations.models import Department

        user = request.user
        visible = Resource.objects.restrict(user, "view")
        status = EntryStatusChoices
        share = ShareTypeChoices
        published = Q(status=status.PUBLISHED)
        stats = visible.aggregate(
            total=Count("pk"),
            **{f"status_{value}": Count("pk", filter=Q(status=value)) for value in status.values},
            **{f"share_{value}": Count("pk", filter=published & Q(share_type=value)) for value in share.values},
        )
        share_counts = [stats[f"share_{value}"] for value in share.values]
        share_split = [
            {"value": value, "label": share.label(value), "colour": share.colour(value), "count": count, "percent": pct}
            for value, count, pct in zip(share.values, share_counts, _percentages(share_counts), strict=True)
        ]
        status_counts = [stats[f"status_{value}"] for value in status.values]
        biggest = max(status_counts) if any(status_counts) else 1
        status_bars = [
            {
                "value": value,
                "label": status.label(value),
                "colour": status.colour(value),
                "count": count,
                "percent": round(count * 100 / biggest),
                "url": _catalog_url("catalog:resource_list", status=value),
            }
            for value, count in zip(status.values, status_counts, strict=True)
        ]

        is_reviewer = user_has_role(user, (RoleChoices.REVIEWER, RoleChoices.AUTHORITY_OFFICER))
        review_items = []
        if is_reviewer:
            review_items = list(
                Resource.objects.restrict(user, "review")
                .filter(status=status.SUBMITTED)
                .select_related("provider")
                .order_by("last_updated")[:8]
            )
        returned_items = []
        if user.department_id:
            returned_items = list(
                visible.filter(provider_id=user.department_id, status=status.RETURNED)
                .select_related("provider")
                .order_by("-last_updated")[:8]
            )
        duties = list(
            UpdateDuty.objects.restrict(user, "view")
            .filter(completed_on__isnull=True)
            .select_related("department")
            .order_by("due_on")[:5]
        )
        sees_all_changes = user_has_role(user, AUDIT_ROLES)
        changes = ObjectChange.objects.select_related("object_type")
        if not sees_all_changes:
            changes = changes.filter(user=user)
        recent_changes = list(changes[:8])

        context = {
            "title": _("首页"),
            "department_count": Department.objects.count(),
            "info_item_count": InfoItem.objects.filter(resource__in=visible).count(),
            "stats": stats,
            "published_count": stats[f"status_{status.PUBLISHED}"],
            "submitted_count": stats[f"status_{status.SUBMITTED}"],
            "draft_count": stats[f"status_{status.DRAFT}"],
            "returned_count": stats[f"status_{status.RETURNED}"],
            "share_split": share_split,
            "share_total": sum(share_counts),
            "status_bars": status_bars,
            "status_url": {bar["value"]: bar["url"] for bar in status_bars},
            "is_reviewer": is_reviewer,
            "review_items": review_items,
            "returned_items": returned_items,
            "duties": duties,
            "recent_changes": recent_changes,
            "sees_all_changes": sees_all_changes,
            "resource_list_url": _catalog_url("catalog:resource_list"),
            "review_queue_url": _catalog_url("catalog:review_queue"),
            "duty_list_url": _catalog_url("catalog:duty_list"),
        }
        response = render(request, self.template_name, context)
        add_never_cache_headers(response)
        return response


def _catalog_url(name, **params):
    url = safe_reverse(name)
    if url != "#" and params:
        url = f"{url}?{urlencode(params)}"
    return url


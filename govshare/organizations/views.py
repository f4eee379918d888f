"""Pages of jurisdictions, departments and their offices."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from govshare.core.views import (
    ObjectDeleteView,
    ObjectDetailView,
    ObjectEditView,
    ObjectListView,
    restrict,
    safe_reverse,
    user_has_role,
)
from govshare.users.choices import RoleChoices
from govshare.users.models import User

from .filtersets import DepartmentFilterSet, JurisdictionFilterSet
from .forms import DepartmentForm, JurisdictionForm, OfficeForm
from .models import Department, Jurisdiction, Office
from .tables import DepartmentTable, JurisdictionTable

__all__ = [
    "DepartmentDeleteView",
    "DepartmentDetailView",
    "DepartmentEditView",
    "DepartmentListView",
    "JurisdictionDetailView",
    "JurisdictionEditView",
    "JurisdictionListView",
    "MyDepartmentView",
    "OfficeDeleteView",
    "OfficeEditView",
]

# Who defines jurisdictions and departments platform-wide.
ORG_ADMIN_ROLES = RoleChoices.ORGANIZATION_ADMINS
PUBLISHED = "published"


# --- Jurisdictions ------------------------------------------------------------------------------------------


class JurisdictionViewMixin:
    list_url_name = "organizations:jurisdiction_list"
    detail_url_name = "organizations:jurisdiction_detail"
    edit_url_name = "organizations:jurisdiction_edit"


class JurisdictionListView(JurisdictionViewMixin, ObjectListView):
    table = JurisdictionTable
    queryset = Jurisdiction.objects.select_related("parent").annotate(department_count=Count("departments"))
    filterset = JurisdictionFilterSet
    add_url_name = "organizations:jurisdiction_add"
    add_roles = ORG_ADMIN_ROLES
    search_placeholder = gettext_lazy("名称或行政区划代码")


class JurisdictionDetailView(JurisdictionViewMixin, ObjectDetailView):
    queryset = Jurisdiction.objects.select_related("parent")
    template_name = "organizations/jurisdiction_detail.html"

    def can(self, action, instance):
        # Jurisdictions have no per-object rule: editing them is a platform-wide admin task.
        return user_has_role(self.request.user, ORG_ADMIN_ROLES)

    def get_extra_context(self, request, instance=None):
        return {
            "children": instance.children.annotate(department_count=Count("departments")).order_by("division_code"),
            "departments": instance.departments.annotate(
                published_count=Count("resources", filter=Q(resources__status=PUBLISHED))
            ).order_by("-is_competent_authority", "name"),
            "department_add_url": safe_reverse("organizations:department_add", default=None)
            if user_has_role(request.user, ORG_ADMIN_ROLES)
            else None,
        }


class JurisdictionEditView(JurisdictionViewMixin, ObjectEditView):
    queryset = Jurisdiction.objects.all()
    form = JurisdictionForm
    required_roles = ORG_ADMIN_ROLES


# --- Departments ----------------------------------------------------------------------------------------------


class DepartmentViewMixin:
    list_url_name = "organizations:department_list"
    detail_url_name = "organizations:department_detail"
    edit_url_name = "organizations:department_edit"
    delete_url_name = "organizations:department_delete"


class DepartmentListView(DepartmentViewMixin, ObjectListView):
    table = DepartmentTable
    queryset = Department.objects.select_related("jurisdiction").annotate(
        published_count=Count("resources", filter=Q(resources__status=PUBLISHED))
    )
    filterset = DepartmentFilterSet
    add_url_name = "organizations:department_add"
    add_roles = ORG_ADMIN_ROLES
    search_placeholder = gettext_lazy("部门名称、简称或统一社会信用代码")


class DepartmentDetailView(DepartmentViewMixin, ObjectDetailView):
    """A department with its offices, its users (those the viewer may see) and its catalogue in numbers."""

    queryset = Department.objects.select_related("jurisdiction")
    template_name = "organizations/department_detail.html"

    def get_extra_context(self, request, instance=None):
        from govshare.catalog.choices import EntryStatusChoices
        from govshare.catalog.models import Resource

        user = request.user
        can_change = self.can("change", instance)
        users = User.objects.filter(department=instance).restrict(user, "view").select_related("office")
        counts = (
            Resource.objects.restrict(user, "view")
            .filter(provider=instance)
            .aggregate(
                total=Count("pk"),
                **{value: Count("pk", filter=Q(status=value)) for value in EntryStatusChoices.values},
            )
        )
        resource_list_url = safe_reverse("catalog:resource_list")
        return {
            "offices": instance.offices.annotate(user_count=Count("users")).order_by("name"),
            "can_manage_offices": can_change,
            "office_add_url": safe_reverse("organizations:office_add") + f"?department={instance.pk}"
            if can_change
            else None,
            "users": users[:50],
            "user_count": users.count(),
            "can_add_user": user_has_role(
                user, (RoleChoices.SYSTEM_ADMIN, RoleChoices.PLATFORM_ADMIN, RoleChoices.DEPARTMENT_ADMIN)
            )
            and (user.is_superuser or user.has_role(*ORG_ADMIN_ROLES) or user.department_id == instance.pk),
            "resource_counts": counts,
            "resource_status": [
                (value, EntryStatusChoices.label(value), EntryStatusChoices.colour(value), counts[value])
                for value in EntryStatusChoices.values
            ],
            "resource_list_url": f"{resource_list_url}?provider_id={instance.pk}" if resource_list_url != "#" else "#",
            # Deleting a department is a platform-wide admin task, even where the model would allow more.
            "delete_url": self.url_for(self.delete_url_name, instance)
            if user_has_role(user, ORG_ADMIN_ROLES)
            else None,
        }


class DepartmentEditView(DepartmentViewMixin, ObjectEditView):
    queryset = Department.objects.select_related("jurisdiction")
    form = DepartmentForm
    add_roles = ORG_ADMIN_ROLES

    def get_form_kwargs(self, instance):
        return {"user": self.request.user}

    def alter_object(self, instance, request):
        jurisdiction = request.GET.get("jurisdiction")
        if jurisdiction and jurisdiction.isdigit():
            instance.jurisdiction_id = int(jurisdiction)
        return instance


class DepartmentDeleteView(DepartmentViewMixin, ObjectDeleteView):
    queryset = Department.objects.all()
    required_roles = ORG_ADMIN_ROLES


class MyDepartmentView(LoginRequiredMixin, View):
    """我的部门: the signed-in user's own department."""

    def get(self, request):
        if not request.user.department_id:
            messages.warning(request, _("您的账号尚未分配部门，请联系系统管理员"))
            return redirect("home")
        return redirect("organizations:department_detail", pk=request.user.department_id)


# --- Offices ----------------------------------------------------------------------------------------------------


class OfficeViewMixin:
    """An office is managed by whoever may change its department."""

    queryset = Office.objects.select_related("department")
    required_roles = (*RoleChoices.ORGANIZATION_ADMINS, RoleChoices.DEPARTMENT_ADMIN)

    def get_return_url(self, instance=None):
        if instance is not None and instance.department_id:
            return safe_reverse("organizations:department_detail", instance.department_id)
        return safe_reverse("organizations:department_list")


class OfficeEditView(OfficeViewMixin, ObjectEditView):
    form = OfficeForm

    def get_form_kwargs(self, instance):
        return {"departments": restrict(Department.objects.all(), self.request.user, "change")}

    def alter_object(self, instance, request):
        department = request.GET.get("department")
        if department and department.isdigit():
            instance.department = get_object_or_404(
                restrict(Department.objects.all(), request.user, "change"), pk=int(department)
            )
        return instance


class OfficeDeleteView(OfficeViewMixin, ObjectDeleteView):
    pass

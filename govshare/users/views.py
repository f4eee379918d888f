"""Account pages: login and logout, password, personal API tokens, users and their roles."""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.cache import add_never_cache_headers
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.decorators.http import require_POST

from govshare.core.views import (
    ObjectDetailView,
    ObjectEditView,
    ObjectListView,
    RoleRequiredMixin,
)

from . import services
from .choices import RoleChoices
from .filtersets import UserFilterSet
from .forms import (
    LoginForm,
    PasswordChangeStyledForm,
    RoleAssignmentForm,
    TokenCreateForm,
    UserForm,
    manages_all_users,
)
from .models import APIToken, User
from .tables import RoleAssignmentTable, UserTable

__all__ = [
    "LoginView",
    "LogoutView",
    "PasswordChangeView",
    "RoleAssignmentListView",
    "TokenListView",
    "TokenRevokeView",
    "UserDetailView",
    "UserEditView",
    "UserListView",
    "UserRolesView",
]

USER_ADMIN_ROLES = (RoleChoices.SYSTEM_ADMIN, RoleChoices.PLATFORM_ADMIN, RoleChoices.DEPARTMENT_ADMIN)




class UserViewMixin:
    """Users: the model's own rule (User.restrict_for) and the user-admin roles."""

    queryset = User.objects.select_related("department", "office")
    required_roles = USER_ADMIN_ROLES
    list_url_name = "user_list"
    detail_url_name = "user_detail"
    edit_url_name = "user_edit"


# --- Authentication -----------------------------------------------------------------------------------------


class LoginView(auth_views.LoginView):
    template_name = "users/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    """POST only (Django refuses GET with 405), so a link or an image cannot sign a user out."""


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "users/password_change.html"
    form_class = PasswordChangeStyledForm
    success_url = reverse_lazy("home")

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, _("密码已修改"))
        return response


# --- Personal API tokens ------------------------------------------------------------------------------------


class TokenListView(LoginRequiredMixin, View):
    """The user's own tokens. A new key is shown once, in the response to its creation, and never again."""

    template_name = "users/token_list.html"

    def render_page(self, request, form, new_key=None, new_token=None):
        tokens = APIToken.objects.filter(user=request.user).order_by("-created")
        response = render(
            request,
            self.template_name,
            {
                "title": _("个人API令牌"),
                "tokens": tokens,
                "form": form,
                "new_key": new_key,
                "new_token": new_token,
            },
        )
        # The page may carry a secret: never cache it.
        add_never_cache_headers(response)
        return response

    def get(self, request):
        return self.render_page(request, TokenCreateForm())

    def post(self, request):
        form = TokenCreateForm(request.POST)
        if not form.is_valid():
            return self.render_page(request, form)
        token, key = APIToken.issue(request.user, form.cleaned_data["name"], expires=form.cleaned_data["expires"])
        messages.success(
            request, _("已创建令牌“%(name)s”。请立即复制保存，关闭页面后将无法再次查看。") % {"name": token.name}
        )
        return self.render_page(request, TokenCreateForm(), new_key=key, new_token=token)


@method_decorator(require_POST, name="dispatch")
class TokenRevokeView(LoginRequiredMixin, View):
    def post(self, request, pk):
        # Only one's own tokens: someone else's token is "not found", not "forbidden".
        token = get_object_or_404(APIToken, pk=pk, user=request.user)
        services.revoke_token(token)
        messages.success(request, _("已撤销令牌“%(name)s”") % {"name": token.name})
        return redirect("token_list")


# --- Users ----------------------------------------------------------------------------------------------------


class UserListView(UserViewMixin, ObjectListView):
    queryset = User.objects.select_related("department").prefetch_related("role_assignments")
    filterset = UserFilterSet
    table = UserTable
    title = gettext_lazy("用户")
    add_url_name = "user_add"
    search_placeholder = gettext_lazy("用户名、姓名、邮箱或电话")


class UserDetailView(UserViewMixin, ObjectDetailView):
    template_name = "users/user_detail.html"

    def get_extra_context(self, request, instance=None):
        can_assign = request.user.is_superuser or request.user.has_role(RoleChoices.SECURITY_ADMIN)
        return {
            "roles_url": reverse("user_roles", args=[instance.pk]) if can_assign and instance != request.user else None,
            "tokens": instance.api_tokens.order_by("-created")[:20],
        }


class UserEditView(UserViewMixin, ObjectEditView):
    form = UserForm
    template_name = "users/user_edit.html"

    def get_form_kwargs(self, instance):
        return {"user": self.request.user}

    def alter_object(self, instance, request):
        if not manages_all_users(request.user):
            instance.department_id = request.user.department_id
        return instance


# --- Role assignment (security admin) ----------------------------------------------------------------------------


class RoleAssignmentListView(UserViewMixin, ObjectListView):
    """Accounts and their roles, for the security admin."""

    queryset = User.objects.select_related("department").prefetch_related("role_assignments")
    required_roles = (RoleChoices.SECURITY_ADMIN,)
    filterset = UserFilterSet
    table = RoleAssignmentTable
    title = gettext_lazy("角色分配")
    list_url_name = "role_assignment_list"
    search_placeholder = gettext_lazy("用户名、姓名、邮箱或电话")


class UserRolesView(LoginRequiredMixin, RoleRequiredMixin, View):
    """Set the roles of one account through users.services.set_roles, which enforces 三员分立."""

    required_roles = (RoleChoices.SECURITY_ADMIN,)
    template_name = "users/user_roles.html"

    def get_user(self, request, pk):
        visible = User.objects.select_related("department").restrict(request.user, "view")
        target = get_object_or_404(visible, pk=pk)
        if target == request.user and not request.user.is_superuser:
            raise PermissionDenied(_("不能修改自己的角色"))
        return target

    def render_form(self, request, target, form):
        return render(
            request,
            self.template_name,
            {
                "title": _("分配角色：%(user)s") % {"user": target},
                "object": target,
                "form": form,
                "separated_duties": [RoleChoices.label(role) for role in RoleChoices.SEPARATED_DUTIES],
            },
        )

    def get(self, request, pk):
        target = self.get_user(request, pk)
        form = RoleAssignmentForm(initial={"roles": sorted(target.role_set)})
        return self.render_form(request, target, form)

    def post(self, request, pk):
        target = self.get_user(request, pk)
        form = RoleAssignmentForm(request.POST)
        if form.is_valid():
            try:
                services.set_roles(target, form.cleaned_data["roles"])
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("已更新“%(user)s”的角色") % {"user": target})
                return redirect("role_assignment_list")
        return self.render_form(request, target, form)

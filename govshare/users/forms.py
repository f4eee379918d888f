"""Forms of the account pages: login, users, role assignment and personal API tokens."""

import datetime

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from govshare.core.forms import FormStyleMixin
from govshare.organizations.models import Department, Office

from .choices import RoleChoices
from .models import User

__all__ = [
    "LoginForm",
    "PasswordChangeStyledForm",
    "RoleAssignmentForm",
    "TokenCreateForm",
    "UserForm",
    "manages_all_users",
]


class LoginForm(FormStyleMixin, AuthenticationForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs.update({"autocomplete": "username", "placeholder": _("请输入用户名")})
        self.fields["password"].widget.attrs.update(
            {"autocomplete": "current-password", "placeholder": _("请输入密码")}
        )


class PasswordChangeStyledForm(FormStyleMixin, PasswordChangeForm):
    pass


class UserForm(FormStyleMixin, forms.ModelForm):
    """Create or edit an account. A new account needs a password; on edit a password given here replaces it.

    A department admin (`user` without platform-wide rights) can only place accounts in their own department.
    """

    password1 = forms.CharField(
        label=_("密码"), required=False, strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    password2 = forms.CharField(
        label=_("确认密码"), required=False, strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    class Meta:
        model = User
        fields = ["username", "full_name", "department", "office", "phone", "email", "is_active"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.acting_user = user
        self.fields["department"].queryset = Department.objects.select_related("jurisdiction")
        self.fields["office"].queryset = Office.objects.select_related("department")
        self.fields["office"].label_from_instance = str
        if user is not None and not manages_all_users(user):
            # A department admin only places accounts in their own department.
            self.fields["department"].queryset = Department.objects.filter(pk=user.department_id)
            self.fields["department"].required = True
            self.fields["department"].empty_label = None
            self.fields["office"].queryset = Office.objects.filter(department_id=user.department_id)
        is_new = self.instance.pk is None
        self.fields["password1"].required = is_new
        self.fields["password2"].required = is_new
        if is_new:
            self.fields["password1"].help_text = password_validation.password_validators_help_text_html()
        else:
            self.fields["password1"].label = _("新密码")
            self.fields["password1"].help_text = _("留空则不修改密码")
            self.fields["username"].disabled = True

    def clean(self):
        cleaned = super().clean()
        department, office = cleaned.get("department"), cleaned.get("office")
        if office is not None and office.department_id != getattr(department, "pk", None):
            self.add_error("office", _("所选处室不属于所选部门"))
        password1, password2 = cleaned.get("password1"), cleaned.get("password2")
        if password1 or password2:
            if password1 != password2:
                self.add_error("password2", _("两次输入的密码不一致"))
            else:
                self.instance.username = cleaned.get("username") or self.instance.username
                try:
                    password_validation.validate_password(password1, self.instance)
                except forms.ValidationError as error:
                    self.add_error("password1", error)
        return cleaned

    def save(self, commit=True):
        user = super().save(commit=False)
        if self.cleaned_data.get("password1"):
            user.set_password(self.cleaned_data["password1"])
        if commit:
            user.save()
        return user


def manages_all_users(user):
    """Platform-wide user administration (not limited to one department)."""
    return user.is_superuser or user.has_role(*RoleChoices.ACCOUNT_MANAGERS)


class RoleAssignmentForm(FormStyleMixin, forms.Form):
    """The full set of roles of one account; saving goes through users.services.set_roles (三员分立 checked there)."""

    roles = forms.MultipleChoiceField(
        label=_("角色"), required=False, choices=RoleChoices.choices, widget=forms.CheckboxSelectMultiple
    )


class TokenCreateForm(FormStyleMixin, forms.Form):
    name = forms.CharField(label=_("令牌名称"), max_length=100, help_text=_("用于区分不同用途，例如“数据同步脚本”"))
    expires = forms.DateField(
        label=_("有效期至"), required=False, widget=forms.DateInput, help_text=_("留空表示长期有效；到期当日24时失效")
    )

    def clean_expires(self):
        value = self.cleaned_data.get("expires")
        if value is None:
            return None
        if value <= timezone.localdate():
            raise forms.ValidationError(_("有效期须晚于今天"))
        # Valid through the whole chosen day, local time.
        return timezone.make_aware(datetime.datetime.combine(value + datetime.timedelta(days=1), datetime.time.min))

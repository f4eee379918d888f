"""Account pages: login, lockout, logout, tokens, users and role assignment."""

import pytest
from django.urls import reverse
from rest_framework import exceptions
from rest_framework.test import APIRequestFactory

from govshare.core.testing import make_department, make_jurisdiction, make_user
from govshare.core.tests.test_views import PASSWORD
from govshare.users.authentication import APITokenAuthentication
from govshare.users.models import APIToken, User


@pytest.fixture
def city():
    return make_jurisdiction()


@pytest.fixture
def department(city):
    return make_department("市大数据局", city)


@pytest.fixture
def other_department(city):
    return make_department("市公安局", city)


# --- login, lockout, logout ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_login_success_redirects_home(client, department):
    make_user("zhang", department)
    response = client.post(reverse("login"), {"username": "zhang", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert client.get(reverse("home")).status_code == 200


@pytest.mark.django_db
def test_login_failure_shows_error(client, department):
    make_user("zhang", department)
    response = client.post(reverse("login"), {"username": "zhang", "password": "wrong"})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert 'class="alert alert-danger"' in response.content.decode()
    assert client.get(reverse("home")).status_code == 302


@pytest.mark.django_db
def test_lockout_after_five_failures_shows_chinese_message(client, department):
    make_user("zhang", department)
    for _attempt in range(5):
        client.post(reverse("login"), {"username": "zhang", "password": "wrong"})
    # Even the right password is refused now.
    response = client.post(reverse("login"), {"username": "zhang", "password": PASSWORD})
    html = response.content.decode()
    assert response.status_code == 429
    assert "账号已锁定" in html
    assert "连续5次登录失败" in html and "30分钟后再试" in html
    assert client.get(reverse("home")).status_code == 302


@pytest.mark.django_db
def test_logout_requires_post(client, department):
    client.force_login(make_user("zhang", department))
    assert client.get(reverse("logout")).status_code == 405
    assert client.get(reverse("home")).status_code == 200
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert response["Location"] == reverse("login")
    assert client.get(reverse("home")).status_code == 302


@pytest.mark.django_db
def test_password_change(client, department):
    user = make_user("zhang", department)
    client.force_login(user)
    new = "N3w!Password2026"
    response = client.post(
        reverse("password_change"), {"old_password": PASSWORD, "new_password1": new, "new_password2": new}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(new)


# --- personal API tokens -------------------------------------------------------------------------------------------


def _authenticate(key):
    request = APIRequestFactory().get("/api/v1/", HTTP_AUTHORIZATION=f"Token {key}")
    return APITokenAuthentication().authenticate(request)


@pytest.mark.django_db
def test_token_key_is_shown_once_and_stored_hashed(client, department):
    user = make_user("zhang", department)
    client.force_login(user)
    response = client.post(reverse("token_list"), {"name": "同步脚本", "expires": ""})
    assert response.status_code == 200
    key = response.context["new_key"]
    assert key.startswith("gs_") and key in response.content.decode()
    assert "no-store" in response["Cache-Control"]

    token = APIToken.objects.get(user=user)
    assert token.key_hash == APIToken.hash_key(key)
    assert key not in {token.key_hash, token.prefix, token.name}

    again = client.get(reverse("token_list")).content.decode()
    assert "同步脚本" in again
    assert key not in again


@pytest.mark.django_db
def test_token_expiry_must_be_in_the_future(client, department):
    client.force_login(make_user("zhang", department))
    response = client.post(reverse("token_list"), {"name": "旧令牌", "expires": "2000-01-01"})
    assert response.context["form"].errors["expires"]
    assert not APIToken.objects.exists()


@pytest.mark.django_db
def test_revoked_token_no_longer_authenticates(client, department):
    user = make_user("zhang", department)
    client.force_login(user)
    key = client.post(reverse("token_list"), {"name": "脚本"}).context["new_key"]
    token = APIToken.objects.get(user=user)
    assert _authenticate(key)[0] == user

    assert client.get(reverse("token_revoke", args=[token.pk])).status_code == 405
    response = client.post(reverse("token_revoke", args=[token.pk]))
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    with pytest.raises(exceptions.AuthenticationFailed):
        _authenticate(key)


@pytest.mark.django_db
def test_cannot_revoke_someone_elses_token(client, department):
    token, _key = APIToken.issue(make_user("owner", department), "别人的令牌")
    client.force_login(make_user("zhang", department))
    assert client.post(reverse("token_revoke", args=[token.pk])).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


# --- role assignment (三员分立) --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_role_form_shows_separation_of_duties_error(client, department):
    security = make_user("security", department, roles=["security_admin"])
    target = make_user("target", department, roles=["cataloguer"])
    client.force_login(security)
    response = client.post(reverse("user_roles", args=[target.pk]), {"roles": ["system_admin", "audit_admin"]})
    assert response.status_code == 200
    html = response.content.decode()
    assert "三员分立" in html and "不能由同一账号兼任" in html
    assert set(target.role_assignments.values_list("role", flat=True)) == {"cataloguer"}


@pytest.mark.django_db
def test_security_admin_sets_roles(client, department):
    security = make_user("security", department, roles=["security_admin"])
    target = make_user("target", department, roles=["cataloguer"])
    client.force_login(security)
    response = client.post(reverse("user_roles", args=[target.pk]), {"roles": ["reviewer", "system_admin"]})
    assert response.status_code == 302
    assert set(target.role_assignments.values_list("role", flat=True)) == {"reviewer", "system_admin"}


@pytest.mark.django_db
def test_role_assignment_needs_security_admin_and_not_self(client, department):
    target = make_user("target", department)
    client.force_login(make_user("sysadmin", department, roles=["system_admin"]))
    assert client.get(reverse("user_roles", args=[target.pk])).status_code == 403
    assert client.get(reverse("role_assignment_list")).status_code == 403

    security = make_user("security", department, roles=["security_admin"])
    client.force_login(security)
    assert client.get(reverse("role_assignment_list")).status_code == 200
    assert client.get(reverse("user_roles", args=[security.pk])).status_code == 403


# --- users --------------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_department_admin_cannot_edit_users_of_another_department(client, department, other_department):
    admin = make_user("deptadmin", department, roles=["department_admin"])
    colleague = make_user("colleague", department)
    stranger = make_user("stranger", other_department)
    client.force_login(admin)

    assert client.get(reverse("user_edit", args=[stranger.pk])).status_code == 404
    response = client.post(reverse("user_edit", args=[stranger.pk]), {"full_name": "改名", "department": department.pk})
    assert response.status_code == 404
    stranger.refresh_from_db()
    assert stranger.full_name == "" and stranger.department == other_department
    assert client.get(reverse("user_detail", args=[stranger.pk])).status_code == 404

    listed = {user.username for user in client.get(reverse("user_list")).context["table"].data}
    assert listed == {"deptadmin", "colleague"}

    response = client.post(
        reverse("user_edit", args=[colleague.pk]),
        {"full_name": "同事", "department": department.pk, "is_active": "on"},
    )
    assert response.status_code == 302
    colleague.refresh_from_db()
    assert colleague.full_name == "同事"


@pytest.mark.django_db
def test_department_admin_creates_users_only_in_own_department(client, department, other_department):
    client.force_login(make_user("deptadmin", department, roles=["department_admin"]))
    data = {"username": "newbie", "department": other_department.pk, "password1": "G00d!Passw0rd",
            "password2": "G00d!Passw0rd", "is_active": "on"}
    response = client.post(reverse("user_add"), data)
    assert response.status_code == 200
    assert response.context["form"].errors["department"]
    assert not User.objects.filter(username="newbie").exists()

    response = client.post(reverse("user_add"), {**data, "department": department.pk})
    assert response.status_code == 302
    assert User.objects.get(username="newbie").department == department


@pytest.mark.django_db
def test_department_admin_cannot_edit_privileged_accounts(client, department):
    client.force_login(make_user("deptadmin", department, roles=["department_admin"]))
    boss = make_user("boss", department, roles=["platform_admin"])
    assert client.get(reverse("user_edit", args=[boss.pk])).status_code == 404


@pytest.mark.django_db
def test_system_admin_creates_user_with_password_policy(client, department):
    client.force_login(make_user("sysadmin", department, roles=["system_admin"]))
    data = {"username": "newbie", "full_name": "新人", "department": department.pk, "is_active": "on"}
    response = client.post(reverse("user_add"), {**data, "password1": "abcdefghij", "password2": "abcdefghij"})
    assert response.status_code == 200
    assert "至少3类" in response.content.decode()

    response = client.post(reverse("user_add"), {**data, "password1": "G00d!Passw0rd", "password2": "G00d!Passw0rd"})
    assert response.status_code == 302
    user = User.objects.get(username="newbie")
    assert user.check_password("G00d!Passw0rd")
    assert response["Location"] == reverse("user_detail", args=[user.pk])


@pytest.mark.django_db
def test_user_pages_need_an_admin_role(client, department):
    client.force_login(make_user("plain", department, roles=["cataloguer"]))
    assert client.get(reverse("user_list")).status_code == 403
    assert client.get(reverse("user_add")).status_code == 403


@pytest.mark.django_db
def test_passwords_are_stored_with_argon2(settings):
    from govshare import settings as project_settings

    # The project's configured hasher, not the fast one the test suite switches to.
    settings.PASSWORD_HASHERS = project_settings.PASSWORD_HASHERS
    from govshare.core.testing import make_user

    user = make_user("hashcheck")
    assert user.password.startswith("argon2$")
    assert user.check_password("Govshare#2026")

"""Users API: account management by level, roles under 三员分立, personal tokens, and the caller's own account."""

import pytest
from rest_framework.test import APIClient

from govshare.core.testing import api_client, make_department, make_user
from govshare.users.models import APIToken, User

pytestmark = pytest.mark.django_db



USERS = "/api/v1/users/users/"
TOKENS = "/api/v1/users/tokens/"
ME = "/api/v1/users/me/"
STRONG_PASSWORD = "Zhengwu#Share2026"




@pytest.fixture
def people():
    police = make_department("市公安局")
    market = make_department("市市场监管局")
    return {
        "police": police,
        "market": market,
        "cataloguer": make_user("bianmu", police, roles=["cataloguer"]),
        "other": make_user("bianmu2", market, roles=["cataloguer"]),
        "dept_admin": make_user("bumen", police, roles=["department_admin"]),
        "system_admin": make_user("xitong", roles=["system_admin"]),
        "security_admin": make_user("anquan", roles=["security_admin"]),
        "platform_admin": make_user("pingtai", roles=["platform_admin"]),
        "root": make_user("root", is_superuser=True),
    }


def assert_error(response, status_code, *fields):
    assert response.status_code == status_code, response.content
    error = response.json()["error"]
    assert set(error) == {"code", "message", "fields"}
    for name in fields:
        assert name in error["fields"], error["fields"]
    return error


def usernames(response):
    assert response.status_code == 200, response.content
    return sorted(row["username"] for row in response.json()["results"])


# --- Me and listing -----------------------------------------------------------------------------------------------


def test_me_shows_roles_and_department(people):
    body = api_client(people["cataloguer"]).get(ME).json()
    assert body["username"] == "bianmu"
    assert body["department"]["id"] == people["police"].pk
    assert body["roles"] == [{"value": "cataloguer", "label": "编目员"}]
    assert "password" not in body
    assert_error(APIClient().get(ME), 401)


def test_who_sees_which_users(people):
    everyone = sorted(user.username for user in User.objects.all())
    assert usernames(api_client(people["system_admin"]).get(USERS)) == everyone
    assert usernames(api_client(people["security_admin"]).get(USERS)) == everyone
    assert usernames(api_client(people["dept_admin"]).get(USERS)) == ["bianmu", "bumen"]
    assert usernames(api_client(people["cataloguer"]).get(USERS)) == ["bianmu"]
    assert_error(api_client(people["cataloguer"]).get(f"{USERS}{people['other'].pk}/"), 404)
    assert usernames(api_client(people["system_admin"]).get(USERS, {"role": "cataloguer"})) == ["bianmu", "bianmu2"]
    client = api_client(people["system_admin"])
    assert usernames(client.get(USERS, {"department_id": people["market"].pk})) == ["bianmu2"]


def test_user_list_queries_do_not_grow_with_rows(people, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = api_client(people["system_admin"])
    client.get(USERS)
    with CaptureQueriesContext(connection) as few:
        client.get(USERS)
    for index in range(20):
        make_user(f"extra{index}", people["police"], roles=["cataloguer", "data_consumer"])
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(USERS, {"page_size": 100}).json()["count"] == 27


# --- Managing accounts --------------------------------------------------------------------------------------------


def test_system_admin_creates_and_edits_accounts(people):
    client = api_client(people["system_admin"])
    data = {"username": "xinren", "full_name": "新人", "department": people["police"].pk, "password": "123"}
    error = assert_error(client.post(USERS, data, format="json"), 400, "password")
    assert error["code"] == "invalid"

    response = client.post(USERS, {**data, "password": STRONG_PASSWORD}, format="json")
    assert response.status_code == 201, response.json()
    created = User.objects.get(username="xinren")
    assert created.check_password(STRONG_PASSWORD)
    assert response.json()["roles"] == []

    assert_error(client.post(USERS, {**data, "password": STRONG_PASSWORD}, format="json"), 400, "username")
    response = client.patch(f"{USERS}{created.pk}/", {"is_active": False, "phone": "0515-1"}, format="json")
    assert response.status_code == 200
    created.refresh_from_db()
    assert created.is_active is False and created.check_password(STRONG_PASSWORD)


def test_office_must_belong_to_the_department(people):
    from govshare.organizations.models import Office

    office = Office.objects.create(department=people["market"], name="登记处")
    data = {"username": "xinren", "department": people["police"].pk, "office": office.pk}
    assert_error(api_client(people["system_admin"]).post(USERS, data, format="json"), 400, "office")


def test_others_cannot_manage_accounts(people):
    data = {"username": "xinren", "password": STRONG_PASSWORD}
    for name in ("dept_admin", "cataloguer", "security_admin"):
        assert_error(api_client(people[name]).post(USERS, data, format="json"), 403)
    own_colleague = f"{USERS}{people['cataloguer'].pk}/"
    assert_error(api_client(people["dept_admin"]).patch(own_colleague, {"full_name": "x"}, format="json"), 403)
    assert_error(api_client(people["cataloguer"]).patch(own_colleague, {"full_name": "x"}, format="json"), 403)
    # A system administrator does not manage superuser accounts.
    assert_error(api_client(people["system_admin"]).patch(f"{USERS}{people['root'].pk}/", {"full_name": "x"},
                                                   format="json"), 403)
    assert not User.objects.filter(username="xinren").exists()


# --- Roles --------------------------------------------------------------------------------------------------------


def roles_url(user):
    return f"{USERS}{user.pk}/roles/"


def test_security_admin_sets_roles(people):
    client = api_client(people["security_admin"])
    response = client.put(roles_url(people["cataloguer"]), {"roles": ["cataloguer", "data_consumer"]}, format="json")
    assert response.status_code == 200, response.json()
    assert [role["value"] for role in response.json()["roles"]] == ["cataloguer", "data_consumer"]
    assert people["cataloguer"].__class__.objects.get(pk=people["cataloguer"].pk).role_set == {
        "cataloguer", "data_consumer"
    }
    response = client.put(roles_url(people["cataloguer"]), {"roles": []}, format="json")
    assert response.json()["roles"] == []


def test_separation_of_admin_duties_is_a_400_on_roles(people):
    client = api_client(people["security_admin"])
    error = assert_error(
        client.put(roles_url(people["system_admin"]), {"roles": ["system_admin", "audit_admin"]}, format="json"),
        400, "roles",
    )
    assert "三员分立" in error["fields"]["roles"][0]
    assert User.objects.get(pk=people["system_admin"].pk).role_set == {"system_admin"}
    assert_error(client.put(roles_url(people["cataloguer"]), {"roles": ["emperor"]}, format="json"), 400, "roles.0")


def test_only_the_security_admin_sets_roles_and_not_their_own(people):
    for name in ("system_admin", "platform_admin", "dept_admin"):
        assert_error(api_client(people[name]).put(roles_url(people["cataloguer"]), {"roles": ["reviewer"]},
                                           format="json"), 403)
    assert_error(api_client(people["security_admin"]).put(roles_url(people["security_admin"]),
                                                   {"roles": ["security_admin", "platform_admin"]},
                                                   format="json"), 403)
    response = api_client(people["root"]).put(roles_url(people["cataloguer"]), {"roles": ["reviewer"]}, format="json")
    assert response.status_code == 200
    assert User.objects.get(pk=people["cataloguer"].pk).role_set == {"reviewer"}


# --- Tokens -------------------------------------------------------------------------------------------------------


def test_token_create_shows_the_key_once_then_list_and_revoke(people):
    client = api_client(people["cataloguer"])
    response = client.post(TOKENS, {"name": "数据同步脚本"}, format="json")
    assert response.status_code == 201, response.json()
    created = response.json()
    key = created["key"]
    assert key.startswith("gs_") and created["prefix"] == key[3:11]
    assert created["is_active"] is True

    listed = client.get(TOKENS).json()
    assert listed["count"] == 1
    assert "key" not in listed["results"][0]
    assert "key" not in client.get(f"{TOKENS}{created['id']}/").json()
    assert not APIToken.objects.filter(key_hash=key).exists()  # only the hash is stored

    with_token = APIClient()
    with_token.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert with_token.get(ME).json()["username"] == "bianmu"

    response = client.post(f"{TOKENS}{created['id']}/revoke/", format="json")
    assert response.status_code == 200
    assert response.json()["is_active"] is False
    assert response.json()["revoked_at"]
    assert_error(with_token.get(ME), 401)


def test_tokens_are_private_and_expiry_must_be_in_the_future(people):
    token, _key = APIToken.issue(people["other"], "别人的令牌")
    client = api_client(people["cataloguer"])
    assert client.get(TOKENS).json()["count"] == 0
    assert_error(client.get(f"{TOKENS}{token.pk}/"), 404)
    assert_error(client.post(f"{TOKENS}{token.pk}/revoke/", format="json"), 404)
    assert_error(client.post(TOKENS, {"name": "x", "expires": "2000-01-01T00:00:00Z"}, format="json"), 400, "expires")
    assert_error(client.post(TOKENS, {}, format="json"), 400, "name")
    assert_error(APIClient().post(TOKENS, {"name": "x"}, format="json"), 401)

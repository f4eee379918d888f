"""The API's common ground: authentication (session, token, bearer), one error shape, status, schema and docs."""

import datetime

import pytest
import yaml
from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import override_settings
from django.utils import timezone
from rest_framework.test import APIClient

from govshare.core.testing import make_department, make_user
from govshare.users.models import APIToken

pytestmark = pytest.mark.django_db



ME = "/api/v1/users/me/"


@pytest.fixture
def user():
    return make_user("zhangsan", make_department("市公安局"), roles=["cataloguer"])


def token_client(key, keyword="Token"):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"{keyword} {key}")
    return client


def assert_error_shape(response, status_code):
    assert response.status_code == status_code, response.content
    body = response.json()
    assert list(body) == ["error"]
    assert set(body["error"]) == {"code", "message", "fields"}
    assert isinstance(body["error"]["code"], str)
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    assert isinstance(body["error"]["fields"], dict)
    return body["error"]


# --- Authentication -----------------------------------------------------------------------------------------------


def test_anonymous_requests_get_401_with_a_token_challenge():
    response = APIClient().get(ME)
    error = assert_error_shape(response, 401)
    assert error["code"] == "not_authenticated"
    assert response["WWW-Authenticate"] == "Token"


def test_session_authentication(user):
    client = APIClient()
    client.force_login(user)
    response = client.get(ME)
    assert response.status_code == 200
    assert response.json()["username"] == "zhangsan"


def test_session_writes_need_the_csrf_token(user):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(user)
    response = client.post("/api/v1/users/tokens/", {"name": "x"}, format="json")
    assert_error_shape(response, 403)


@pytest.mark.parametrize("keyword", ["Token", "Bearer", "bearer"])
def test_token_authentication_with_either_keyword(user, keyword):
    token, key = APIToken.issue(user, "脚本")
    response = token_client(key, keyword).get(ME)
    assert response.status_code == 200
    assert response.json()["username"] == "zhangsan"
    token.refresh_from_db()
    assert token.last_used is not None


def test_revoked_expired_and_unknown_tokens_get_401(user):
    revoked, revoked_key = APIToken.issue(user, "已撤销")
    revoked.revoked_at = timezone.now()
    revoked.save()
    _expired, expired_key = APIToken.issue(user, "已过期", expires=timezone.now() - datetime.timedelta(minutes=1))
    for key in (revoked_key, expired_key, "gs_not-a-real-key"):
        error = assert_error_shape(token_client(key).get(ME), 401)
        assert error["code"] == "authentication_failed"
    assert_error_shape(token_client("").get(ME), 401)


def test_token_of_a_deactivated_user_gets_401(user):
    _token, key = APIToken.issue(user, "脚本")
    user.is_active = False
    user.save()
    assert_error_shape(token_client(key).get(ME), 401)


# --- One error shape ----------------------------------------------------------------------------------------------


def test_error_shape_is_the_same_for_404_403_400_405(user):
    client = APIClient()
    client.force_authenticate(user)
    not_found = assert_error_shape(client.get("/api/v1/organizations/departments/999999/"), 404)
    assert not_found["code"] == "not_found"
    forbidden = assert_error_shape(client.post("/api/v1/organizations/jurisdictions/", {}, format="json"), 403)
    assert forbidden["code"] == "permission_denied"
    invalid = assert_error_shape(client.post("/api/v1/users/tokens/", {}, format="json"), 400)
    assert invalid["code"] == "invalid"
    assert list(invalid["fields"]) == ["name"]
    assert isinstance(invalid["fields"]["name"], list)
    assert_error_shape(client.delete("/api/v1/catalog/classifications/1/"), 405)


# --- Status, root, schema, docs -----------------------------------------------------------------------------------


def test_status_reports_version_and_user(user):
    import govshare

    anonymous = APIClient().get("/api/v1/status/")
    assert anonymous.status_code == 200
    assert anonymous.json() == {"version": govshare.__version__, "api_version": "v1", "user": None}
    client = APIClient()
    client.force_authenticate(user)
    assert client.get("/api/v1/status/").json()["user"] == "zhangsan"


def test_api_root_links_every_app():
    from govshare.core.api.views import ROOT_LINKS

    links = APIClient().get("/api/v1/").json()
    # A link whose URL name no longer resolves is silently left out; every declared one must be there.
    for name in (*ROOT_LINKS, "schema", "docs"):
        assert links[name].startswith("http://testserver/"), name
    assert {"sharing-grants", "objections", "inventory-systems", "supervision-plans", "service-items"} <= set(links)


def test_schema_is_served_and_valid():
    from drf_spectacular.validation import validate_schema

    response = APIClient().get("/api/schema/")
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    validate_schema(schema)
    paths = schema["paths"]
    for path in (
        "/api/v1/catalog/resources/", "/api/v1/catalog/resources/{id}/approve/",
        "/api/v1/catalog/resources/{id}/versions/", "/api/v1/catalog/review-queue/",
        "/api/v1/users/users/{id}/roles/", "/api/v1/users/tokens/{id}/revoke/", "/api/v1/status/",
    ):
        assert path in paths, path
    assert "tokenAuth" in schema["components"]["securitySchemes"]
    # Choices are written as plain values and read as {value, label}.
    resource = schema["components"]["schemas"]["ResourceDetail"]["properties"]
    assert set(resource["share_type"]["properties"]) == {"value", "label"}


def test_schema_generates_without_warnings():
    from drf_spectacular.drainage import GENERATOR_STATS
    from drf_spectacular.generators import SchemaGenerator

    GENERATOR_STATS.reset()
    SchemaGenerator().get_schema(request=None, public=True)
    assert not GENERATOR_STATS._warn_cache, list(GENERATOR_STATS._warn_cache)
    assert not GENERATOR_STATS._error_cache, list(GENERATOR_STATS._error_cache)


def test_swagger_ui_is_served_from_local_assets():
    apps = settings.INSTALLED_APPS
    if "drf_spectacular_sidecar" not in apps:
        apps = [*apps, "drf_spectacular_sidecar"]
    with override_settings(INSTALLED_APPS=apps):
        response = APIClient().get("/api/docs/")
        assert response.status_code == 200
        html = response.content.decode()
        assert "swagger-ui" in html
        assert "cdn" not in html.lower()
        assert finders.find("drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js")

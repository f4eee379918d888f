"""The provider's API (接口挂接): the secret header value is write-only everywhere — pages, API, change history."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from govshare.core.models import ObjectChange
from govshare.core.testing import api_client, login_client
from govshare.mounting import services
from govshare.mounting.models import ApiEndpoint

pytestmark = pytest.mark.django_db

SECRET = "Bearer s3cr3t-令牌-0f9e8d7c"
OTHER_SECRET = "Bearer another-7a6b5c"


def form(**overrides):
    data = {
        "base_url": "https://api.market.example.gov.cn/v1/enterprises", "allowed_methods": ["GET", "POST"],
        "auth_header_name": "Authorization", "auth_header_value": SECRET, "timeout_seconds": 15, "is_active": "on",
        "description": "企业信息查询接口",
    }
    data.update(overrides)
    return data


def assert_secret_nowhere(text):
    assert SECRET not in text
    assert "s3cr3t" not in text


def test_register_edit_keep_replace_and_clear_the_secret_on_the_page(world):
    client = login_client(world["provider"])
    resource = world["resource"]
    save_url = reverse("mounting:api_save", args=[resource.pk])
    page_url = reverse("mounting:resource", args=[resource.pk]) + "?tab=api"

    assert client.post(save_url, form()).status_code == 302
    endpoint = ApiEndpoint.objects.get(resource=resource)
    assert endpoint.auth_header_value == SECRET
    assert endpoint.methods == ["GET", "POST"]
    page = client.get(page_url).content.decode()
    assert "https://api.market.example.gov.cn/v1/enterprises" in page
    assert "已设置（不显示）" in page
    assert_secret_nowhere(page)

    # Left blank: the stored secret is kept.
    assert client.post(save_url, form(auth_header_value="", timeout_seconds=20)).status_code == 302
    endpoint.refresh_from_db()
    assert (endpoint.auth_header_value, endpoint.timeout_seconds) == (SECRET, 20)
    # A new value replaces it; "clear" removes it.
    client.post(save_url, form(auth_header_value=OTHER_SECRET))
    endpoint.refresh_from_db()
    assert endpoint.auth_header_value == OTHER_SECRET
    client.post(save_url, form(auth_header_value="", clear_secret="on"))
    endpoint.refresh_from_db()
    assert endpoint.auth_header_value == ""

    # A failed form does not echo the secret back either.
    response = client.post(save_url, form(base_url="not a url"))
    assert response.status_code == 400
    assert_secret_nowhere(response.content.decode())

    # The change history never holds it.
    for change in ObjectChange.objects.filter(object_id=endpoint.pk):
        assert "auth_header_value" not in (change.prechange_data or {})
        assert "auth_header_value" not in (change.postchange_data or {})
    assert_secret_nowhere(str(list(ObjectChange.objects.values_list("prechange_data", "postchange_data"))))


def test_api_accepts_the_secret_and_never_returns_it(world):
    client = api_client(world["provider"])
    response = client.post("/api/v1/mounting/api-endpoints/", {
        "resource": world["resource"].pk, "base_url": "https://api.example.gov.cn/q", "allowed_methods": "GET",
        "auth_header_name": "X-Api-Key", "auth_header_value": SECRET,
    }, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["has_secret"] is True
    assert "auth_header_value" not in body
    endpoint_id = body["id"]
    assert_secret_nowhere(client.get("/api/v1/mounting/api-endpoints/").content.decode())
    assert_secret_nowhere(client.get(f"/api/v1/mounting/api-endpoints/{endpoint_id}/").content.decode())
    patched = client.patch(f"/api/v1/mounting/api-endpoints/{endpoint_id}/", {"timeout_seconds": 30}, format="json")
    assert patched.status_code == 200, patched.content
    endpoint = ApiEndpoint.objects.get(pk=endpoint_id)
    assert (endpoint.timeout_seconds, endpoint.auth_header_value) == (30, SECRET)
    assert_secret_nowhere(patched.content.decode())
    # Another department neither sees nor changes it.
    other = api_client(world["other_provider"])
    assert other.get(f"/api/v1/mounting/api-endpoints/{endpoint_id}/").status_code == 404
    assert other.post("/api/v1/mounting/api-endpoints/", {
        "resource": world["resource"].pk, "base_url": "https://evil.example.com/"}, format="json",
    ).status_code in (400, 403)
    assert client.delete(f"/api/v1/mounting/api-endpoints/{endpoint_id}/").status_code == 204
    assert not ApiEndpoint.objects.exists()


def test_rules(world):
    resource = world["resource"]
    with pytest.raises(ValidationError) as error:
        services.save_api_endpoint(
            resource, user=world["provider"], base_url="https://a.example/", allowed_methods="GET,TRACE"
        )
    assert "allowed_methods" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.save_api_endpoint(
            resource, user=world["provider"], base_url="https://a.example/", auth_header_value="x"
        )
    assert "auth_header_name" in error.value.message_dict
    with pytest.raises(PermissionDenied):
        services.save_api_endpoint(resource, user=world["other_provider"], base_url="https://a.example/")
    assert not ApiEndpoint.objects.exists()

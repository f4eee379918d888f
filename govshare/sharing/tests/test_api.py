"""The sharing API: requests and their steps, grants (subscribe, adjust, revoke), systems; permissions, the error
shape, filters and the OpenAPI document."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from govshare.core.testing import api_client
from govshare.sharing import services
from govshare.sharing.models import ConsumerSystem, Grant, ShareRequest

from .conftest import publish

pytestmark = pytest.mark.django_db

REQUESTS = "/api/v1/sharing/requests/"
GRANTS = "/api/v1/sharing/grants/"
SYSTEMS = "/api/v1/sharing/systems/"


def payload(resource, **overrides):
    today = timezone.localdate()
    data = {"resource": resource.pk, "items": [item.pk for item in resource.items.all()], "purpose": "企业登记核验",
            "legal_basis": "《市场主体登记管理条例》", "period_start": today.isoformat(),
            "period_end": (today + datetime.timedelta(days=90)).isoformat()}
    data.update(overrides)
    return data


def assert_error(response, status_code, *fields):
    assert response.status_code == status_code, response.content
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "fields"}
    for field in fields:
        assert field in body["error"]["fields"], body


def create(world, resource, user=None, **overrides):
    response = api_client(user or world["consumer"]).post(REQUESTS, payload(resource, **overrides), format="json")
    assert response.status_code == 201, response.content
    return response.json()


def test_create_request_and_read_it_back(world, conditional):
    body = create(world, conditional)
    assert body["status"]["value"] == "submitted"
    assert body["kind"]["value"] == "provider"
    assert body["consumer"]["name"] == "市市场监管局"
    assert body["due_on"] and body["overdue"] is False
    assert [event["action"]["value"] for event in body["events"]] == ["submitted"]
    assert len(body["items"]) == 3


def test_create_with_attachments_as_multipart(world, conditional):
    data = payload(conditional)
    data["attachments"] = [SimpleUploadedFile("依据.pdf", b"%PDF"), SimpleUploadedFile("说明.docx", b"PK..")]
    response = api_client(world["consumer"]).post(REQUESTS, data, format="multipart")
    assert response.status_code == 201, response.content
    assert sorted(a["name"] for a in response.json()["attachments"]) == ["依据.pdf", "说明.docx"]


def test_create_errors_use_the_error_shape(world, conditional, unconditional):
    client = api_client(world["consumer"])
    assert_error(client.post(REQUESTS, payload(conditional, purpose="  ", items=[999999]), format="json"), 400,
                 "purpose", "items")
    assert_error(client.post(REQUESTS, payload(unconditional), format="json"), 400, "resource")
    assert_error(api_client(world["consumer_plain"]).post(REQUESTS, payload(conditional), format="json"), 403)
    assert not ShareRequest.objects.exists()


def test_lists_by_permission_and_box(world, conditional):
    create(world, conditional)
    for user, count in ((world["consumer"], 1), (world["provider_plain"], 1), (world["officer"], 1),
                        (world["other_officer"], 0), (world["reviewer"], 0)):
        assert api_client(user).get(REQUESTS).json()["count"] == count, user
    provider = api_client(world["provider"])
    assert provider.get(REQUESTS, {"box": "todo"}).json()["count"] == 1
    assert provider.get(REQUESTS, {"box": "mine"}).json()["count"] == 0
    assert provider.get(REQUESTS, {"status": "refused"}).json()["count"] == 0
    assert provider.get(REQUESTS, {"overdue": "true"}).json()["count"] == 0


def test_list_query_count_does_not_grow(world, conditional):
    client = api_client(world["officer"])
    create(world, conditional)
    with CaptureQueriesContext(connection) as few:
        assert client.get(REQUESTS).status_code == 200
    for index in range(4):
        create(world, publish(world, "conditional", name=f"资源{index}"))
    with CaptureQueriesContext(connection) as many:
        assert client.get(REQUESTS).json()["count"] == 5
    assert len(many) == len(few)


def test_steps_refuse_negotiate_escalate_decide(world, conditional):
    body = create(world, conditional)
    url = f"{REQUESTS}{body['id']}/"
    provider, consumer, officer = api_client(world["provider"]), api_client(world["consumer"]), api_client(
        world["officer"])
    assert_error(provider.post(url + "refuse/", {"reason": ""}, format="json"), 400, "reason")
    assert_error(consumer.post(url + "refuse/", {"reason": "不同意"}, format="json"), 403)
    assert provider.post(url + "refuse/", {"reason": "用途不符"}, format="json").json()["status"]["value"] == "refused"
    assert consumer.post(url + "negotiate/", {"body": "请重新考虑"}, format="json").status_code == 200
    assert provider.post(url + "comment/", {"body": "维持"}, format="json").status_code == 200
    assert consumer.post(url + "escalate/", {"reason": "协商未果"}, format="json").json()["status"]["value"] == (
        "escalated")
    assert_error(api_client(world["other_officer"]).post(url + "decide/", {"grant": True, "reason": "x"},
                                                         format="json"), 404)
    assert_error(provider.post(url + "decide/", {"grant": True, "reason": "x"}, format="json"), 403)
    decided = officer.post(url + "decide/", {"grant": True, "reason": "依法共享", "rate_limit": 3}, format="json")
    assert decided.status_code == 200, decided.content
    assert decided.json()["status"]["value"] == "authority_granted"
    grant = Grant.objects.get(pk=decided.json()["grant"])
    assert grant.basis == "authority" and grant.rate_limit == 3
    assert_error(consumer.post(url + "withdraw/", format="json"), 400)


def test_approve_part_through_api(world, conditional):
    body = create(world, conditional)
    url = f"{REQUESTS}{body['id']}/approve/"
    name = conditional.items.get(name="姓名")
    client = api_client(world["provider_admin"])
    assert_error(client.post(url, {"items": [name.pk]}, format="json"), 400, "comment")
    assert_error(client.post(url, {"items": [name.pk], "comment": "x", "clear_items": [conditional.items.get(
        name="身份证号").pk]}, format="json"), 400, "clear_items")
    response = client.post(url, {"items": [name.pk], "clear_items": [name.pk], "comment": "其余不予共享",
                                 "valid_until": "2027-01-31T00:00:00+08:00", "daily_quota": 10}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["status"]["value"] == "partially_approved"
    grant = api_client(world["consumer"]).get(f"{GRANTS}{response.json()['grant']}/").json()
    assert [item["name"] for item in grant["items"]] == ["姓名"]
    assert grant["clear_items"] == [name.pk]
    assert grant["daily_quota"] == 10 and grant["active"] is True


def test_not_shared_only_the_authority(world, not_shared):
    body = create(world, not_shared)
    assert body["kind"]["value"] == "authority" and body["status"]["value"] == "escalated"
    url = f"{REQUESTS}{body['id']}/"
    assert_error(api_client(world["provider"]).post(url + "approve/", {}, format="json"), 400)
    response = api_client(world["officer"]).post(url + "decide/", {"grant": False, "reason": "涉密"}, format="json")
    assert response.json()["status"]["value"] == "authority_refused"
    assert not Grant.objects.exists()


def test_subscribe_patch_and_revoke_grants(world, unconditional):
    response = api_client(world["consumer"]).post(GRANTS + "subscribe/", {"resource": unconditional.pk},
                                                  format="json")
    assert response.status_code == 201, response.content
    url = f"{GRANTS}{response.json()['id']}/"
    assert response.json()["basis"]["value"] == "subscription"
    assert_error(api_client(world["consumer"]).patch(url, {"rate_limit": 999}, format="json"), 403)
    patched = api_client(world["provider"]).patch(url, {"rate_limit": 7}, format="json")
    assert patched.status_code == 200 and patched.json()["rate_limit"] == 7
    assert_error(api_client(world["provider"]).post(url + "revoke/", {"reason": " "}, format="json"), 400, "reason")
    revoked = api_client(world["provider"]).post(url + "revoke/", {"reason": "停止"}, format="json")
    assert revoked.json()["active"] is False and revoked.json()["revoke_reason"] == "停止"
    client = api_client(world["consumer"])
    assert client.get(GRANTS, {"active": "true"}).json()["count"] == 0
    assert client.get(GRANTS, {"active": "false"}).json()["count"] == 1
    assert api_client(world["other_officer"]).get(GRANTS).json()["count"] == 0


def test_systems_secret_once_reset_disable(world):
    admin = api_client(world["consumer_admin"])
    response = admin.post(SYSTEMS, {"name": "企业开办系统"}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    secret = body["app_secret"]
    assert services.verify_secret(body["app_key"], secret) is not None
    detail = admin.get(f"{SYSTEMS}{body['id']}/").json()
    assert "app_secret" not in detail and "secret_hash" not in detail
    new = admin.post(f"{SYSTEMS}{body['id']}/reset-secret/").json()["app_secret"]
    assert new != secret and services.verify_secret(body["app_key"], secret) is None
    assert admin.post(f"{SYSTEMS}{body['id']}/disable/").json()["is_active"] is False
    assert services.verify_secret(body["app_key"], new) is None
    assert_error(api_client(world["consumer"]).post(SYSTEMS, {"name": "x"}, format="json"), 403)
    assert_error(api_client(world["consumer"]).post(f"{SYSTEMS}{body['id']}/enable/"), 403)
    assert api_client(world["provider"]).get(SYSTEMS).json()["count"] == 0
    assert_error(admin.post(SYSTEMS, {"name": "企业开办系统"}, format="json"), 400, "name")
    assert ConsumerSystem.objects.count() == 1


def test_openapi_document_lists_the_sharing_endpoints(world):
    response = api_client(world["consumer"]).get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in ("/api/v1/sharing/requests/{id}/approve/", "/api/v1/sharing/requests/{id}/decide/",
                 "/api/v1/sharing/grants/{id}/revoke/", "/api/v1/sharing/grants/subscribe/",
                 "/api/v1/sharing/systems/{id}/reset-secret/"):
        assert path in paths, path

"""The objections API: list with filters, raise (JSON and multipart), detail, the workflow actions and their error
shape, who sees what, and the OpenAPI document."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from govshare.core.testing import api_client
from govshare.objections import services
from govshare.objections.models import Objection

from .conftest import VALID_ID

pytestmark = pytest.mark.django_db

LIST = reverse("objections-api:objection-list")


def url(name, objection, **kwargs):
    return reverse(f"objections-api:objection-{name}", args=[objection.pk], **kwargs)


def raise_via_api(world, **data):
    payload = {"resource": world["resource"].pk, "kind": "data_quality", "description": "出生日期有误",
               "record_key": VALID_ID, **data}
    return api_client(world["consumer"]).post(LIST, payload, format="json")


def test_raise_and_full_workflow(world):
    response = raise_via_api(world, business_continues=True, business_note="凭出生医学证明继续办理")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["number"].startswith("YY-")
    assert body["status"] == {"value": "submitted", "label": "已提交"}
    assert body["handler"]["id"] == world["police"].pk
    assert body["business_continues"] is True
    assert body["deadline_estimated"] in (True, False) and body["deadline"]
    assert [event["step"]["value"] for event in body["events"]] == ["raised"]
    objection = Objection.objects.get(pk=body["id"])

    provider = api_client(world["provider"])
    assert provider.post(url("start-verification", objection), {}, format="json").status_code == 200
    response = provider.post(url("correct", objection), {"correction_note": "出生日期已更正"}, format="json")
    assert response.status_code == 200
    assert response.json()["status"]["value"] == "corrected"

    response = api_client(world["consumer"]).post(url("rate", objection), {"rating": 4, "comment": "及时"},
                                                  format="json")
    assert response.status_code == 200
    assert response.json()["status"]["value"] == "closed"
    assert response.json()["rating"] == 4


def test_refusals_use_the_error_shape(world):
    objection = Objection.objects.get(pk=raise_via_api(world).json()["id"])
    provider = api_client(world["provider"])
    consumer = api_client(world["consumer"])

    response = consumer.post(url("rate", objection), {"rating": 5}, format="json")  # before the answer
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid"

    response = consumer.post(url("start-verification", objection), {}, format="json")
    assert response.status_code == 403
    assert "error" in response.json()

    provider.post(url("start-verification", objection), {}, format="json")
    response = provider.post(url("reject", objection), {"reasons": ""}, format="json")
    assert response.status_code == 400
    assert "reasons" in response.json()["error"]["fields"]
    assert provider.post(url("reject", objection), {"reasons": "数据无误"}, format="json").status_code == 200

    response = provider.post(url("rate", objection), {"rating": 5}, format="json")  # the provider may not rate
    assert response.status_code == 403


def test_bad_id_number_refused(world):
    response = raise_via_api(world, record_key=VALID_ID[:-1] + ("1" if VALID_ID[-1] != "1" else "2"))
    assert response.status_code == 400
    assert "record_key" in response.json()["error"]["fields"]
    assert not Objection.objects.exists()


def test_multipart_attachments_and_size_limit(world, settings):
    settings.GOVSHARE_OBJECTION_ATTACHMENT_MAX_BYTES = 2048
    client = api_client(world["consumer"])
    data = {"resource": world["resource"].pk, "kind": "catalogue", "description": "信息项说明有误",
            "attachments": [SimpleUploadedFile("证明.pdf", b"%PDF evidence")]}
    response = client.post(LIST, data, format="multipart")
    assert response.status_code == 201, response.json()
    attachment = response.json()["attachments"][0]
    assert attachment["name"] == "证明.pdf"
    download = client.get(attachment["download_url"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"%PDF evidence"
    assert api_client(world["outsider"]).get(attachment["download_url"]).status_code == 404

    data["attachments"] = [SimpleUploadedFile("大文件.pdf", b"x" * 4096)]
    response = client.post(LIST, data, format="multipart")
    assert response.status_code == 400
    assert "attachments" in response.json()["error"]["fields"]
    assert Objection.objects.count() == 1


def test_transfer_via_api_keeps_the_chain(world):
    objection = Objection.objects.get(pk=raise_via_api(world).json()["id"])
    provider = api_client(world["provider"])
    provider.post(url("start-verification", objection), {}, format="json")
    response = provider.post(url("transfer", objection), {"department": world["civil"].pk, "reason": "归民政"},
                             format="json")
    assert response.status_code == 200
    body = response.json()
    assert body["handler"]["id"] == world["civil"].pk
    transfers = [event for event in body["events"] if event["step"]["value"] == "transferred"]
    assert transfers[0]["to_department"]["id"] == world["civil"].pk
    assert transfers[0]["text"] == "归民政"


def test_list_visibility_and_filters(world):
    first = services.raise_objection(user=world["consumer"], resource=world["resource"], kind="data_quality",
                                     description="甲")
    services.raise_objection(user=world["consumer"], resource=world["resource"], kind="catalogue", description="乙")
    services.start_verification(first, user=world["provider"])

    def numbers(user, **params):
        response = api_client(world[user]).get(LIST, params)
        assert response.status_code == 200
        return {row["number"] for row in response.json()["results"]}

    assert len(numbers("consumer")) == 2
    assert len(numbers("provider")) == 2
    assert len(numbers("officer")) == 2
    assert numbers("other_officer") == set()
    assert numbers("outsider") == set()
    assert numbers("consumer", status="verifying") == {first.number}
    assert numbers("consumer", kind="catalogue") == {Objection.objects.exclude(pk=first.pk).get().number}
    assert numbers("consumer", overdue="true") == set()
    assert len(numbers("consumer", resource_id=world["resource"].pk)) == 2
    assert api_client(world["outsider"]).get(url("detail", first)).status_code == 404


def test_raise_refused_for_provider_role(world):
    response = api_client(world["provider"]).post(
        LIST, {"resource": world["resource"].pk, "kind": "usage", "description": "x"}, format="json"
    )
    assert response.status_code == 403


def test_openapi_document_lists_the_actions(world):
    response = api_client(world["platform_admin"]).get(reverse("api-schema"), {"format": "json"})
    assert response.status_code == 200
    paths = response.json()["paths"]
    base = "/api/v1/objections/objections/"
    for suffix in ("", "{id}/", "{id}/start-verification/", "{id}/correct/", "{id}/reject/", "{id}/transfer/",
                   "{id}/rate/", "{id}/attachments/"):
        assert base + suffix in paths

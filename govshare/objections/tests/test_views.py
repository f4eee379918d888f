"""The objection pages: the list and its HTMX filters, the authority's deadline page, the detail with its timeline
and the forms each role gets, the raise form from a resource's page, the workflow buttons and evidence downloads."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from govshare.core.testing import login_client
from govshare.objections import services
from govshare.objections.models import Objection

from .conftest import VALID_ID

pytestmark = pytest.mark.django_db

LIST = reverse("objections:objection_list")
DEADLINES = reverse("objections:objection_deadlines")
ADD = reverse("objections:objection_add")


def raise_one(world, description="地址有误", **extra):
    return services.raise_objection(user=world["consumer"], resource=world["resource"], kind="data_quality",
                                    description=description, **extra)


def detail(objection):
    return reverse("objections:objection_detail", args=[objection.pk])


def action(name, objection):
    return reverse(f"objections:objection_{name}", args=[objection.pk])


def test_list_shows_own_objections_and_filters_with_htmx(world):
    first = raise_one(world)
    second = raise_one(world, description="姓名有误")
    services.start_verification(second, user=world["provider"])
    client = login_client(world["consumer"])
    page = client.get(LIST).content.decode()
    assert first.number in page and second.number in page
    assert 'hx-get="/objections/"' in page
    assert ADD in page  # the consumer may raise

    partial = client.get(LIST, {"status": "verifying"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="object-list")
    body = partial.content.decode()
    assert second.number in body and first.number not in body
    assert "<html" not in body

    assert first.number not in login_client(world["outsider"]).get(LIST).content.decode()
    assert first.number not in login_client(world["other_officer"]).get(LIST).content.decode()
    # A provider does not get the raise button.
    assert ADD not in login_client(world["provider"]).get(LIST).content.decode()


def test_list_query_count_does_not_grow(world):
    raise_one(world)
    client = login_client(world["officer"])
    with CaptureQueriesContext(connection) as few:
        assert client.get(LIST).status_code == 200
    for index in range(5):
        raise_one(world, description=f"第{index}条")
    with CaptureQueriesContext(connection) as many:
        assert client.get(LIST).status_code == 200
    assert len(many) == len(few)


def test_deadline_page_for_the_authority_only(world, frozen_now):
    frozen_now(2026, 12, 29, 10, 0)
    open_one = raise_one(world)
    closed = raise_one(world, description="已答复")
    services.start_verification(closed, user=world["provider"])
    services.reject(closed, user=world["provider"], reasons="无误")
    page = login_client(world["officer"]).get(DEADLINES)
    assert page.status_code == 200
    body = page.content.decode()
    assert open_one.number in body and closed.number not in body
    assert "估算" in body  # the deadline falls in 2027, whose holidays are not loaded
    assert login_client(world["consumer"]).get(DEADLINES).status_code == 403
    assert login_client(world["provider"]).get(DEADLINES).status_code == 403


def test_detail_timeline_and_forms_by_role(world):
    objection = raise_one(world, business_continues=True)
    consumer_page = login_client(world["consumer"]).get(detail(objection)).content.decode()
    assert "凭合法证明继续办理" in consumer_page
    assert action("start", objection) not in consumer_page
    assert action("attach", objection) in consumer_page  # more evidence while open

    provider = login_client(world["provider"])
    assert action("start", objection) in provider.get(detail(objection)).content.decode()
    response = provider.post(action("start", objection), {"note": "调取底册"})
    assert response.status_code == 302
    page = provider.get(detail(objection)).content.decode()
    assert action("correct", objection) in page and action("reject", objection) in page
    assert action("transfer", objection) in page
    assert "调取底册" in page

    # Rejecting without reasons is refused with the service's message; nothing changes.
    response = provider.post(action("reject", objection), {"reasons": ""}, follow=True)
    assert "不予更正必须说明理由" in response.content.decode()
    objection.refresh_from_db()
    assert objection.status == "verifying"

    provider.post(action("correct", objection), {"correction_note": "已更正地址"})
    objection.refresh_from_db()
    assert objection.status == "corrected"

    # The provider cannot rate (the form is not offered and the POST is refused).
    assert action("rate", objection) not in provider.get(detail(objection)).content.decode()
    assert provider.post(action("rate", objection), {"rating": "5"}).status_code == 403

    consumer = login_client(world["consumer"])
    assert action("rate", objection) in consumer.get(detail(objection)).content.decode()
    consumer.post(action("rate", objection), {"rating": "4", "comment": "满意", "business_continues": "on"})
    objection.refresh_from_db()
    assert objection.status == "closed" and objection.rating == 4
    page = consumer.get(detail(objection)).content.decode()
    assert "4/5" in page and "已更正地址" in page


def test_other_departments_cannot_open_the_detail(world):
    objection = raise_one(world)
    assert login_client(world["outsider"]).get(detail(objection)).status_code == 404
    assert login_client(world["other_officer"]).get(detail(objection)).status_code == 404
    assert login_client(world["officer"]).get(detail(objection)).status_code == 200


def test_raise_form_from_the_resource_page(world):
    client = login_client(world["consumer"])
    page = client.get(ADD, {"resource": world["resource"].pk}).content.decode()
    assert world["resource"].name in page
    assert "户籍地址" in page  # the resource's items are offered
    assert 'enctype="multipart/form-data"' in page

    field = world["resource"].items.get(name="户籍地址")
    response = client.post(f"{ADD}?resource={world['resource'].pk}", {
        "resource": world["resource"].pk, "kind": "data_quality", "record_key": VALID_ID, "field": field.pk,
        "description": "地址与实际不符", "business_continues": "on",
        "attachments": [SimpleUploadedFile("证明.pdf", b"%PDF proof")],
    })
    objection = Objection.objects.get()
    assert response.status_code == 302 and response.url == detail(objection)
    assert objection.field == field and objection.business_continues
    attachment = objection.attachments.get()
    download = reverse("objections:attachment_download", args=[objection.pk, attachment.pk])
    got = client.get(download)
    assert got.status_code == 200 and b"".join(got.streaming_content) == b"%PDF proof"
    assert login_client(world["outsider"]).get(download).status_code == 404


def test_raise_form_shows_service_errors(world, settings):
    settings.GOVSHARE_OBJECTION_ATTACHMENT_MAX_BYTES = 10
    client = login_client(world["consumer"])
    response = client.post(ADD, {
        "resource": world["resource"].pk, "kind": "data_quality", "record_key": "320902198506150350",
        "description": "地址有误", "attachments": [SimpleUploadedFile("big.pdf", b"x" * 100)],
    })
    assert response.status_code == 200
    body = response.content.decode()
    assert "公民身份号码" in body and "超过" in body
    assert not Objection.objects.exists()


def test_raise_form_refused_to_providers(world):
    assert login_client(world["provider"]).get(ADD).status_code == 403


def test_field_options(world):
    client = login_client(world["consumer"])
    body = client.get(reverse("objections:field_options"), {"resource": world["resource"].pk}).content.decode()
    assert "公民身份号码" in body and "户籍地址" in body
    assert "<option" in client.get(reverse("objections:field_options"), {"resource": "x"}).content.decode()

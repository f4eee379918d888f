"""The sharing pages: lists per box with HTMX filters, the request form, the detail and its step forms, grants,
systems (secret shown once), attachments and permissions; query counts on the lists."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from govshare.core.testing import login_client
from govshare.sharing import services
from govshare.sharing.models import ConsumerSystem, Grant, ShareRequest

from .conftest import publish

pytestmark = pytest.mark.django_db


def submit(world, resource, **overrides):
    today = timezone.localdate()
    arguments = {"items": list(resource.items.all()), "purpose": "企业登记核验",
                 "legal_basis": "《市场主体登记管理条例》", "period_start": today,
                 "period_end": today + datetime.timedelta(days=30)}
    arguments.update(overrides)
    return services.submit_request(resource, world["market"], user=world["consumer"], **arguments)


def form_data(resource, **overrides):
    today = timezone.localdate()
    data = {"resource": resource.pk, "items": [item.pk for item in resource.items.all()], "purpose": "企业开办核验",
            "legal_basis": "《优化营商环境条例》", "use_scenario": "一网通办",
            "period_start": today.isoformat(), "period_end": (today + datetime.timedelta(days=60)).isoformat()}
    data.update(overrides)
    return data


def test_request_form_submits_with_attachment_and_shows_deadline(world, conditional):
    client = login_client(world["consumer"])
    url = reverse("sharing:request_add") + f"?resource={conditional.pk}"
    page = client.get(url)
    assert page.status_code == 200
    assert "10 个工作日" in page.content.decode()
    upload = SimpleUploadedFile("依据.pdf", b"%PDF test", content_type="application/pdf")
    response = client.post(url, {**form_data(conditional), "attachments": [upload]})
    share_request = ShareRequest.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("sharing:request_detail", args=[share_request.pk])
    detail = client.get(response.url).content.decode()
    assert "企业开办核验" in detail and "依据.pdf" in detail and "待答复" in detail
    attachment = share_request.attachments.get()
    download = client.get(reverse("sharing:attachment_download", args=[share_request.pk, attachment.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"%PDF test"
    # Someone who cannot see the request cannot fetch its files.
    stranger = login_client(world["other_officer"])
    assert stranger.get(reverse("sharing:attachment_download", args=[share_request.pk, attachment.pk])).status_code \
        == 404


def test_request_form_shows_errors_and_stores_nothing(world, conditional):
    client = login_client(world["consumer"])
    url = reverse("sharing:request_add") + f"?resource={conditional.pk}"
    response = client.post(url, form_data(conditional, purpose="", items=[]))
    assert response.status_code == 400
    body = response.content.decode()
    assert "field-error" in body
    assert not ShareRequest.objects.exists()


def test_request_form_needs_a_consumer_role_and_a_published_resource(world, conditional):
    url = reverse("sharing:request_add") + f"?resource={conditional.pk}"
    assert login_client(world["consumer_plain"]).get(url).status_code == 403
    assert login_client(world["consumer"]).get(reverse("sharing:request_add") + "?resource=abc").status_code == 404


def test_unconditional_resource_offers_subscription(world, unconditional):
    client = login_client(world["consumer"])
    page = client.get(reverse("sharing:request_add") + f"?resource={unconditional.pk}").content.decode()
    assert reverse("sharing:subscribe") in page
    response = client.post(reverse("sharing:subscribe"), {"resource": unconditional.pk})
    grant = Grant.objects.get()
    assert response.status_code == 302 and response.url == reverse("sharing:grant_detail", args=[grant.pk])
    assert client.get(reverse("sharing:subscribe")).status_code == 405


def test_subscribe_to_conditional_resource_is_refused_with_message(world, conditional):
    client = login_client(world["consumer"])
    response = client.post(reverse("sharing:subscribe"), {"resource": conditional.pk}, follow=True)
    assert "请提交共享申请" in response.content.decode()
    assert not Grant.objects.exists()


def test_lists_by_box_and_htmx_filters(world, conditional):
    share_request = submit(world, conditional)
    consumer = login_client(world["consumer"])
    mine = consumer.get(reverse("sharing:request_list")).content.decode()
    assert conditional.name in mine and "本部门的申请" in mine
    provider = login_client(world["provider"])
    assert conditional.name in provider.get(reverse("sharing:request_list") + "?box=todo").content.decode()
    assert conditional.name not in provider.get(reverse("sharing:request_list") + "?box=mine").content.decode()
    partial = provider.get(reverse("sharing:request_list") + "?box=todo&status=refused",
                           HTTP_HX_REQUEST="true", HTTP_HX_TARGET="object-list")
    assert "<html" not in partial.content.decode()
    assert conditional.name not in partial.content.decode()
    ShareRequest.objects.filter(pk=share_request.pk).update(due_on=datetime.date(2026, 1, 5))
    overdue = provider.get(reverse("sharing:request_list") + "?box=todo&overdue=true").content.decode()
    assert "逾期" in overdue and conditional.name in overdue
    assert conditional.name not in login_client(world["other_officer"]).get(
        reverse("sharing:request_list") + "?box=all").content.decode()


def test_request_list_query_count_does_not_grow(world, conditional):
    client = login_client(world["provider"])
    url = reverse("sharing:request_list") + "?box=todo"
    submit(world, conditional)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for index in range(5):
        submit(world, publish(world, "conditional", name=f"资源{index}"))
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(few)


def test_estimate_flag_shown_for_deadline_in_an_uncovered_year(world, conditional):
    share_request = submit(world, conditional)
    _days, due = services.answer_due(conditional, datetime.date(2026, 12, 24))
    ShareRequest.objects.filter(pk=share_request.pk).update(due_on=due.date, due_is_estimate=due.estimated)
    page = login_client(world["provider"]).get(reverse("sharing:request_detail", args=[share_request.pk]))
    assert "估算" in page.content.decode()


def test_detail_shows_only_the_steps_the_user_may_take(world, conditional):
    share_request = submit(world, conditional)
    url = reverse("sharing:request_detail", args=[share_request.pk])
    provider_page = login_client(world["provider"]).get(url).content.decode()
    assert reverse("sharing:request_approve", args=[share_request.pk]) in provider_page
    assert reverse("sharing:request_refuse", args=[share_request.pk]) in provider_page
    consumer_page = login_client(world["consumer"]).get(url).content.decode()
    assert reverse("sharing:request_approve", args=[share_request.pk]) not in consumer_page
    assert reverse("sharing:request_withdraw", args=[share_request.pk]) in consumer_page
    assert login_client(world["other_officer"]).get(url).status_code == 404


def test_refuse_without_reason_is_rejected_then_full_escalation_path(world, conditional):
    share_request = submit(world, conditional)
    provider = login_client(world["provider"])
    response = provider.post(reverse("sharing:request_refuse", args=[share_request.pk]), {"reason": ""}, follow=True)
    assert "理由" in response.content.decode()
    share_request.refresh_from_db()
    assert share_request.status == "submitted"
    provider.post(reverse("sharing:request_refuse", args=[share_request.pk]), {"reason": "用途不符"})
    consumer = login_client(world["consumer"])
    consumer.post(reverse("sharing:request_negotiate", args=[share_request.pk]), {"body": "请重新考虑"})
    provider.post(reverse("sharing:request_comment", args=[share_request.pk]), {"body": "维持原意见"})
    consumer.post(reverse("sharing:request_escalate", args=[share_request.pk]), {"reason": "协商未果"})
    share_request.refresh_from_db()
    assert share_request.status == "escalated"
    officer = login_client(world["officer"])
    page = officer.get(reverse("sharing:request_list") + "?box=authority").content.decode()
    assert conditional.name in page
    detail = officer.get(reverse("sharing:request_detail", args=[share_request.pk])).content.decode()
    assert "维持原意见" in detail and reverse("sharing:request_decide", args=[share_request.pk]) in detail
    response = officer.post(reverse("sharing:request_decide", args=[share_request.pk]),
                            {"decision": "grant", "reason": "依法应当共享", "rate_limit": 20, "daily_quota": 5000})
    assert response.status_code == 302
    share_request.refresh_from_db()
    assert share_request.status == "authority_granted"
    assert share_request.grant.basis == "authority" and share_request.grant.rate_limit == 20
    # A consumer POSTing the decision is refused.
    assert consumer.post(reverse("sharing:request_decide", args=[share_request.pk]),
                         {"decision": "refuse", "reason": "x", "rate_limit": 1, "daily_quota": 1}).status_code == 403
    share_request.refresh_from_db()
    assert share_request.status == "authority_granted"


def test_partial_approval_form(world, conditional):
    share_request = submit(world, conditional)
    name = conditional.items.get(name="姓名")
    client = login_client(world["provider"])
    url = reverse("sharing:request_approve", args=[share_request.pk])
    client.post(url, {"items": [name.pk], "rate_limit": 50, "daily_quota": 100000})
    share_request.refresh_from_db()
    assert share_request.status == "submitted"  # reasons missing
    client.post(url, {"items": [name.pk], "clear_items": [name.pk], "rate_limit": 50, "daily_quota": 100000,
                      "comment": "身份证号不予提供", "valid_until": "2027-06-30"})
    share_request.refresh_from_db()
    assert share_request.status == "partially_approved"
    grant = share_request.grant
    assert list(grant.clear_items.all()) == [name]
    assert timezone.localtime(grant.valid_until).date() == datetime.date(2027, 7, 1)


def test_grant_pages_revoke_and_edit(world, unconditional):
    grant = services.subscribe(unconditional, world["market"], user=world["consumer"])
    consumer = login_client(world["consumer"])
    assert unconditional.name in consumer.get(reverse("sharing:grant_list")).content.decode()
    page = consumer.get(reverse("sharing:grant_detail", args=[grant.pk])).content.decode()
    assert reverse("sharing:grant_revoke", args=[grant.pk]) not in page
    consumer.post(reverse("sharing:grant_revoke", args=[grant.pk]), {"reason": "x"})
    grant.refresh_from_db()
    assert grant.revoked_at is None
    provider = login_client(world["provider"])
    assert consumer.get(reverse("sharing:grant_edit", args=[grant.pk])).status_code == 404
    response = provider.post(reverse("sharing:grant_edit", args=[grant.pk]),
                             {"valid_until": "2027-12-31", "rate_limit": 9, "daily_quota": 99})
    assert response.status_code == 302
    grant.refresh_from_db()
    assert (grant.rate_limit, grant.daily_quota) == (9, 99)
    provider.post(reverse("sharing:grant_revoke", args=[grant.pk]), {"reason": "停止共享"})
    grant.refresh_from_db()
    assert grant.revoked_at is not None and grant.revoke_reason == "停止共享"
    assert "已撤销" in provider.get(reverse("sharing:grant_detail", args=[grant.pk])).content.decode()


def test_system_pages_show_secret_once(world):
    admin = login_client(world["consumer_admin"])
    response = admin.post(reverse("sharing:system_add"), {"name": "企业开办系统"})
    system = ConsumerSystem.objects.get()
    body = response.content.decode()
    assert response.status_code == 200 and system.app_key in body
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    secret = body.split('id="system-secret" class="key-value">')[1].split("<")[0]
    assert services.verify_secret(system.app_key, secret) == system
    detail = admin.get(reverse("sharing:system_detail", args=[system.pk])).content.decode()
    assert secret not in detail
    reset = admin.post(reverse("sharing:system_reset", args=[system.pk])).content.decode()
    assert services.verify_secret(system.app_key, secret) is None
    assert "密钥已重置" in reset
    admin.post(reverse("sharing:system_disable", args=[system.pk]))
    system.refresh_from_db()
    assert not system.is_active
    # Other departments' users do not see it; a plain user of the department cannot change it.
    assert login_client(world["provider_admin"]).get(reverse("sharing:system_detail", args=[system.pk])).status_code \
        == 404
    assert login_client(world["consumer"]).post(reverse("sharing:system_enable", args=[system.pk])).status_code \
        == 403
    assert login_client(world["consumer"]).get(reverse("sharing:system_add")).status_code == 403


def test_system_list(world):
    services.create_system(world["market"], user=world["consumer_admin"], name="企业开办系统")
    page = login_client(world["consumer"]).get(reverse("sharing:system_list")).content.decode()
    assert "企业开办系统" in page
    assert "企业开办系统" not in login_client(world["provider"]).get(reverse("sharing:system_list")).content.decode()

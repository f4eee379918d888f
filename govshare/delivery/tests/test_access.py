"""Tokens, grants, revocation, rate limits and quotas, purpose, and who may call at all."""

import datetime as dt
from types import SimpleNamespace

import pytest
from django.test import Client
from django.utils import timezone

from govshare.audit.models import AuditEntry
from govshare.core.testing import login_client
from govshare.sharing.models import AccessToken

from .conftest import SECRET, make_grant, make_system
from .helpers import BASE, ConsumerClient, assert_error, consumer, last_entries, token_for

pytestmark = pytest.mark.django_db


def records_path(world):
    return f"resources/{world['resource'].pk}/records"


def test_token_is_issued_and_stored_only_as_its_hash(world):
    response = Client().post(f"{BASE}/token", {"app_key": world["system"].app_key, "app_secret": SECRET},
                             content_type="application/json")
    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "Bearer" and body["expires_in"] == 7200
    stored = AccessToken.objects.get(system=world["system"])
    assert body["access_token"] not in stored.token_hash and len(stored.token_hash) == 64
    assert abs((stored.expires_at - timezone.now()).total_seconds() - 7200) < 60


@pytest.mark.parametrize("case", ["wrong_secret", "unknown_key", "disabled"])
def test_token_refused(world, case):
    system = world["system"]
    data = {"app_key": system.app_key, "app_secret": SECRET}
    if case == "wrong_secret":
        data["app_secret"] = "not-the-secret"
    elif case == "unknown_key":
        data["app_key"] = "nope"
    else:
        system.is_active = False
        system.save()
    response = Client().post(f"{BASE}/token", data)  # a form post works too
    assert_error(response, 401, "invalid_client")
    assert not AccessToken.objects.exists()


def test_no_credentials_and_bad_token_are_refused_and_audited(world, grant):
    assert_error(Client().get(f"{BASE}/{records_path(world)}"), 401)
    assert_error(ConsumerClient("forged").get(records_path(world)), 401, "invalid_token")
    entry = last_entries()[0]
    assert entry.result == "denied" and entry.action == "query" and entry.resource_id == world["resource"].pk


def test_expired_and_revoked_tokens_are_refused(world, grant):
    client = consumer(world["system"])
    assert client.get(records_path(world)).status_code == 200
    AccessToken.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert_error(client.get(records_path(world)), 401, "invalid_token")
    client = consumer(world["system"])
    AccessToken.objects.filter(expires_at__gt=timezone.now()).update(revoked_at=timezone.now())
    assert_error(client.get(records_path(world)), 401, "invalid_token")


def test_disabled_system_token_stops_working(world, grant):
    client = consumer(world["system"])
    world["system"].is_active = False
    world["system"].save()
    assert_error(client.get(records_path(world)), 401)


def test_without_grant_403(world):
    client = consumer(world["system"])
    body = assert_error(client.get(records_path(world)), 403, "no_grant")
    assert "申请" in body["error"]["message"]
    entry = last_entries()[0]
    assert entry.result == "denied" and entry.system == world["system"].name
    assert entry.department_id == world["civil"].pk and entry.purpose


def test_grant_of_another_system_or_department_does_not_count(world):
    other_system = make_system(world["civil"], name="另一个系统")
    make_grant(world["resource"], world["civil"], system=other_system)
    make_grant(world["resource"], world["other"])
    assert_error(consumer(world["system"]).get(records_path(world)), 403, "no_grant")
    # A department-wide grant covers every system of the department.
    make_grant(world["resource"], world["civil"])
    assert consumer(world["system"]).get(records_path(world)).status_code == 200


def test_expired_grant_403(world):
    make_grant(world["resource"], world["civil"], system=world["system"],
               valid_from=timezone.now() - dt.timedelta(days=30), valid_until=timezone.now() - dt.timedelta(days=1))
    body = assert_error(consumer(world["system"]).get(records_path(world)), 403, "no_grant")
    assert "过期" in body["error"]["message"]


def test_revocation_stops_the_next_call(world, grant):
    client = consumer(world["system"])
    assert client.get(records_path(world)).status_code == 200
    grant.revoked_at = timezone.now()
    grant.revoke_reason = "用途已完成"
    grant.save()
    body = assert_error(client.get(records_path(world)), 403, "no_grant")
    assert "撤销" in body["error"]["message"] and "用途已完成" in body["error"]["message"]
    assert_error(client.get(f"resources/{world['resource'].pk}/lookup", {"sfzh": "x"}), 403)


def test_withdrawn_resource_is_not_served(world, grant):
    world["resource"].status = "withdrawn"
    world["resource"].save()
    assert_error(consumer(world["system"]).get(records_path(world)), 403, "unavailable")


def test_unknown_resource_404(world, grant):
    assert_error(consumer(world["system"]).get("resources/999999/records"), 404)


def test_purpose_is_required_and_may_come_as_parameter(world, grant):
    token = token_for(world["system"])
    body = assert_error(ConsumerClient(token, purpose=None).get(records_path(world)), 400, "purpose_required",
                        "purpose")
    assert body["error"]["fields"]["purpose"]
    assert last_entries()[0].result == "denied"
    response = ConsumerClient(token, purpose=None).get(records_path(world), {"purpose": "核对户籍"})
    assert response.status_code == 200
    assert last_entries()[0].purpose == "核对户籍"
    ConsumerClient(token, purpose="为办理“低保”审核 100%").get(records_path(world))
    assert last_entries()[0].purpose == "为办理“低保”审核 100%"


def test_over_rate_429_with_retry_after(world, monkeypatch):
    make_grant(world["resource"], world["civil"], system=world["system"], rate_limit=3)
    client = consumer(world["system"])
    # The clock stands still inside one second, so a slow machine cannot spread the calls over two windows.
    from govshare.delivery import access

    monkeypatch.setattr(access, "time", SimpleNamespace(time=lambda: 1_800_000_000.25))
    statuses = [client.get(records_path(world)).status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 429, 429]
    response = client.get(records_path(world))
    assert_error(response, 429, "rate_limited")
    assert response["Retry-After"] == "1"
    assert AuditEntry.objects.filter(result="denied", detail__code="rate_limited").exists()


def test_over_daily_quota_429_until_midnight(world):
    make_grant(world["resource"], world["civil"], system=world["system"], daily_quota=2)
    client = consumer(world["system"])
    assert [client.get(records_path(world)).status_code for _ in range(2)] == [200, 200]
    response = client.get(records_path(world))
    assert_error(response, 429, "quota_exceeded")
    now = timezone.localtime()
    midnight = (now + dt.timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    assert abs(int(response["Retry-After"]) - (midnight - now).total_seconds()) <= 2


def test_session_user_of_the_consumer_department(world):
    make_grant(world["resource"], world["civil"])  # department-wide: usable by its signed-in users
    client = login_client(world["consumer_user"])
    response = client.get(f"{BASE}/{records_path(world)}", {"purpose": "窗口办件核对"})
    assert response.status_code == 200
    entry = last_entries()[0]
    assert entry.user_id == world["consumer_user"].pk and entry.system == "" and entry.result == "success"
    # A user of another department holds nothing.
    assert_error(login_client(world["outsider"]).get(f"{BASE}/{records_path(world)}", {"purpose": "x"}), 403)


def test_session_user_does_not_use_a_system_grant(world, grant):
    client = login_client(world["consumer_user"])
    assert_error(client.get(f"{BASE}/{records_path(world)}", {"purpose": "x"}), 403, "no_grant")


def test_session_post_needs_csrf(world):
    make_grant(world["resource"], world["civil"])
    client = Client(enforce_csrf_checks=True)
    client.force_login(world["consumer_user"])
    response = client.post(f"{BASE}/resources/{world['resource'].pk}/verify", {"xm": "王小明", "purpose": "核验"},
                           content_type="application/json")
    assert_error(response, 403, "csrf_failed")

"""The demo city: `govshare demo --quick` loads a valid, realistic catalogue and its sharing and exchange, once."""

import io
from collections import Counter

import pytest
from django.core.management import call_command
from django.utils import timezone

from govshare.catalog.choices import EntryStatusChoices, VersionStatusChoices
from govshare.catalog.models import Resource, ResourceVersion, UpdateDuty
from govshare.catalog.rules import entry_rule_errors
from govshare.catalog.services import entry_snapshot
from govshare.core.validators import credit_code_error
from govshare.demo.loader import DEFAULT_PASSWORD
from govshare.demo.plan import build_plan
from govshare.organizations.models import Department, Jurisdiction
from govshare.users.choices import RoleChoices
from govshare.users.models import RoleAssignment, User


def test_full_plan_follows_the_rules():
    plan = build_plan()
    assert 280 <= len(plan) <= 340
    assert {entry.category for entry in plan} == {"1", "2", "3"}
    for entry in plan:
        assert entry_rule_errors(entry.fields, entry.items, entry.category) == {}, entry.fields["name"]
        assert 5 <= len(entry.items) <= 15, entry.fields["name"]
    shares = Counter(entry.fields["share_type"] for entry in plan)
    assert 0.5 < shares["unconditional"] / len(plan) < 0.75
    assert 0.02 < shares["not_shared"] / len(plan) < 0.08
    assert all(entry.fields["share_type"] != "not_shared" for entry in plan if entry.category == "1")
    # Deterministic: the same plan every time.
    again = build_plan()
    assert [(e.fields["name"], e.fields["share_type"], e.fields["abstract"]) for e in again] == [
        (e.fields["name"], e.fields["share_type"], e.fields["abstract"]) for e in plan
    ]


@pytest.mark.django_db
def test_quick_demo_loads_a_valid_city_once():
    out = io.StringIO()
    call_command("demo", "--quick", stdout=out)
    report = out.getvalue()
    assert "演示数据已载入" in report and DEFAULT_PASSWORD in report

    # Departments: 30+, valid credit codes, exactly one competent authority per jurisdiction.
    departments = Department.objects.all()
    assert departments.count() >= 30
    assert departments.filter(jurisdiction__division_code="320900").count() >= 30
    for department in departments:
        assert credit_code_error(department.credit_code) is None, department.name
    for jurisdiction in Jurisdiction.objects.filter(departments__isnull=False).distinct():
        assert jurisdiction.departments.filter(is_competent_authority=True).count() == 1, jurisdiction.name
    assert Department.objects.get(is_competent_authority=True, jurisdiction__division_code="320900").short_name == (
        "市经信委"
    )

    # Entries: all three 类, every one valid, some in review, codes unique.
    resources = Resource.objects.select_related("classification")
    assert 50 <= resources.count() <= 90
    assert {resource.category for resource in resources} == {"1", "2", "3"}
    for resource in resources:
        snapshot = entry_snapshot(resource)
        assert entry_rule_errors(snapshot["fields"], snapshot["items"], resource.category) == {}, resource.name
    statuses = Counter(resources.values_list("status", flat=True))
    assert statuses[EntryStatusChoices.SUBMITTED] >= 2
    assert statuses[EntryStatusChoices.RETURNED] >= 1
    assert statuses[EntryStatusChoices.DRAFT] >= 1
    assert statuses[EntryStatusChoices.WITHDRAWN] == 2
    assert statuses[EntryStatusChoices.PUBLISHED] > resources.count() * 0.7
    codes = [code for code in resources.values_list("code", flat=True) if code]
    assert len(codes) == len(set(codes)) == resources.exclude(code=None).count()
    assert ResourceVersion.objects.filter(status=VersionStatusChoices.SUPERSEDED).count() >= 2
    assert ResourceVersion.objects.filter(
        status=VersionStatusChoices.SUBMITTED, resource__status=EntryStatusChoices.PUBLISHED
    ).count() >= 2
    returned = ResourceVersion.objects.filter(status=VersionStatusChoices.RETURNED)
    assert all(version.review_comment for version in returned)
    assert all(version.reviewed_by.username == "shenhe" for version in returned)

    # Users: every role held; 三员分立; the demo password works.
    held = set(RoleAssignment.objects.values_list("role", flat=True))
    assert held == set(RoleChoices.values)
    for user in User.objects.all():
        separated = [role for role in user.role_set if role in RoleChoices.SEPARATED_DUTIES]
        assert len(separated) <= 1, user.username
    assert User.objects.get(username="bianmu").check_password(DEFAULT_PASSWORD)
    assert not User.objects.filter(is_superuser=True).exists()
    assert UpdateDuty.objects.count() == 3

    # A second run changes nothing.
    counts = (Department.objects.count(), Resource.objects.count(), User.objects.count())
    out = io.StringIO()
    call_command("demo", "--quick", stdout=out)
    assert "演示数据已存在" in out.getvalue()
    assert (Department.objects.count(), Resource.objects.count(), User.objects.count()) == counts


@pytest.mark.django_db
def test_quick_demo_shares_and_exchanges():
    from pathlib import Path

    from django.test import Client

    from govshare.audit.models import AuditEntry, AuditSubject
    from govshare.audit.services import DATA_ACTIONS
    from govshare.core.validators import id_number_error
    from govshare.datastore.models import DataTable, TableLoad
    from govshare.demo.exchange import API_BASE_URL, demo_app_key, demo_secret
    from govshare.mounting.models import ApiEndpoint, DataFile
    from govshare.objections.models import Objection
    from govshare.sharing.models import ConsumerSystem, Grant, ShareRequest
    from govshare.sharing.services import reminder_days, verify_secret
    from govshare.workdays.services import working_days_between

    out = io.StringIO()
    call_command("demo", "--quick", stdout=out)
    report = out.getvalue()

    # Six mounted tables on published entries, small in quick mode; every key is a valid ID number or credit code.
    tables = {table.resource.name: table for table in DataTable.objects.select_related("resource")}
    assert set(tables) == {"居民身份证签发信息", "户籍人口信息", "企业登记信息", "纳税人登记信息", "持证残疾人基本信息",
                           "最低生活保障对象信息"}
    assert all(table.resource.status == EntryStatusChoices.PUBLISHED for table in tables.values())
    assert all(0 < table.row_count <= 200 and table.key_item is not None for table in tables.values())
    id_cards = tables["居民身份证签发信息"]
    assert id_cards.row_count == 200 and id_cards.version == 2
    assert list(id_cards.loads.order_by("number").values_list("mode", "status")) == [
        ("replace", "succeeded"), ("upsert", "succeeded")]
    rejected = TableLoad.objects.get(status="rejected")
    assert rejected.data_table.resource.name == "户籍人口信息" and rejected.encoding == "gb18030"
    assert "校验位" in rejected.message and Path(rejected.error_report_path).exists()
    assert tables["户籍人口信息"].row_count == 200  # the rejected file changed nothing; the corrected one loaded
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT gmsfhm FROM {id_cards.table_name}")  # noqa: S608 - our own table name
        numbers = [row[0] for row in cursor.fetchall()]
    assert len(numbers) == len(set(numbers)) == 200
    assert all(id_number_error(number) is None for number in numbers)
    assert ApiEndpoint.objects.get().base_url == API_BASE_URL
    assert DataFile.objects.count() == 1

    # Two consumer systems whose keys come from the demo password, and work.
    systems = {system.department.short_name: system for system in ConsumerSystem.objects.select_related("department")}
    assert set(systems) == {"市人社局", "市民政局"}
    social = systems["市人社局"]
    assert social.app_key == demo_app_key(DEFAULT_PASSWORD, social.name)
    secret = demo_secret(DEFAULT_PASSWORD, social.name)
    assert verify_secret(social.app_key, secret) == social
    assert social.app_key in report and secret in report and "curl" in report

    # Grants: subscriptions, approvals, an authority decision, one revoked.
    grants = Grant.objects.all()
    active = Counter(grants.filter(revoked_at__isnull=True).values_list("basis", flat=True))
    assert active == {"subscription": 10, "request": 2, "authority": 1}
    assert grants.filter(revoked_at__isnull=False, revoke_reason__gt="").count() == 1

    # Requests in every state.
    requests = ShareRequest.objects.select_related("resource")
    assert Counter(requests.values_list("status", flat=True)) == {
        "submitted": 2, "approved": 1, "partially_approved": 1, "refused": 1, "negotiating": 1, "escalated": 2,
        "authority_granted": 1, "authority_refused": 1,
    }
    pending = list(requests.filter(status="submitted"))
    overdue = [request for request in pending if request.is_overdue()]
    assert len(overdue) == 1
    (soon,) = [request for request in pending if not request.is_overdue()]
    assert working_days_between(timezone.localdate(), soon.due_on) <= reminder_days()
    partial = requests.get(status="partially_approved")
    assert partial.answer and partial.grant.items.count() < partial.items.count()
    assert list(partial.grant.clear_items.values_list("name", flat=True)) == ["姓名"]
    assert all(request.answer for request in requests.filter(status__in=["refused", "negotiating"]))
    assert all(request.decision for request in requests.filter(status__startswith="authority_"))

    # Objections in every state.
    assert Counter(Objection.objects.values_list("status", flat=True)) == {
        "submitted": 1, "verifying": 1, "corrected": 1, "rejected": 1, "transferred": 1, "closed": 1,
    }
    assert Objection.objects.get(status="closed").rating == 5

    # A history of data use by the systems, with the people looked up, and a refused call.
    usage = AuditEntry.objects.filter(action__in=DATA_ACTIONS)
    assert usage.filter(result="success").count() >= 30
    assert set(usage.values_list("system", flat=True)) == {"社保经办系统", "社会救助系统"}
    assert usage.filter(result="denied").count() == 1
    assert AuditSubject.objects.exists()

    # The social security system reads the ID card table through the data plane: ID numbers masked.
    client = Client()
    response = client.post("/api/v1/exchange/token", {"app_key": social.app_key, "app_secret": secret},
                           content_type="application/json")
    assert response.status_code == 200, response.content
    headers = {"HTTP_AUTHORIZATION": f"Bearer {response.json()['access_token']}", "HTTP_X_PURPOSE": "test"}
    number = numbers[0]
    response = client.get(f"/api/v1/exchange/resources/{id_cards.resource_id}/lookup", {"gmsfhm": number},
                          **headers)
    assert response.status_code == 200, response.content
    (record,) = response.json()["records"]
    assert record["gmsfhm"] == number[:6] + "*" * 8 + number[-4:]
    assert "hjdz" not in record  # a conditional item: not in a subscription
    # Its partially approved request: only the approved items, the name in clear, the ID number masked.
    response = client.get(f"/api/v1/exchange/resources/{partial.resource_id}/records", {"limit": 5}, **headers)
    assert response.status_code == 200, response.content
    body = response.json()
    assert {column["name"] for column in body["columns"]} == set(partial.grant.items.values_list("name", flat=True))
    assert {column["name"]: column["masked"] for column in body["columns"]}["姓名"] is False
    assert all("*" in row["gmsfhm"] and "*" not in row["xm"] for row in body["records"])

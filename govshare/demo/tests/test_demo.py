"""The demo city: `govshare demo --quick` loads a valid, realistic catalogue, once."""

import io
from collections import Counter

import pytest
from django.core.management import call_command

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
    assert 50 <= resources.count() <= 80
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

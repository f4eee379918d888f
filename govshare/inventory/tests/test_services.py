"""Inventory services: who may register and change systems, the rules, usage recording and the chart figures."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from govshare.inventory import services
from govshare.inventory.models import InformationSystem, SystemUsage

pytestmark = pytest.mark.django_db


def fields(owner, name="警务平台", **extra):
    return {"name": name, "function": "办案", "network": "external", "deployment": "gov_cloud", "owner": owner,
            **extra}


def test_department_admin_registers_own_systems_only(world):
    system = services.create_system(user=world["dept_admin"], **fields(world["police"]))
    assert system.pk and system.status == "in_use"
    with pytest.raises(PermissionDenied):
        services.create_system(user=world["dept_admin"], **fields(world["market"]))
    with pytest.raises(PermissionDenied):
        services.create_system(user=world["colleague"], **fields(world["police"], name="其他"))
    with pytest.raises(PermissionDenied):
        services.update_system(system, user=world["market_admin"], name="改名")
    # Moving a system to a department the user does not manage is refused too.
    with pytest.raises(PermissionDenied):
        services.update_system(system, user=world["dept_admin"], owner=world["market"])


def test_authority_officer_manages_its_jurisdiction_and_platform_admin_all(world):
    assert services.create_system(user=world["officer"], **fields(world["market"]))
    with pytest.raises(PermissionDenied):
        services.create_system(user=world["officer"], **fields(world["other_department"]))
    assert services.create_system(user=world["platform_admin"], **fields(world["other_department"]))


def test_rules(world):
    admin = world["dept_admin"]
    with pytest.raises(ValidationError) as raised:
        services.create_system(user=admin, **fields(world["police"], protection_level=6))
    assert "protection_level" in raised.value.message_dict
    with pytest.raises(ValidationError) as raised:
        services.create_system(user=admin, **fields(world["police"], status="integrated"))
    assert "integrated_into" in raised.value.message_dict
    with pytest.raises(ValidationError) as raised:
        services.create_system(user=admin, **fields(world["police"], annual_om_cost=Decimal("-1")))
    assert "annual_om_cost" in raised.value.message_dict
    system = services.create_system(user=admin, **fields(world["police"]))
    with pytest.raises(ValidationError) as raised:
        services.create_system(user=admin, **fields(world["police"]))
    assert "已有名为" in raised.value.message_dict["name"][0]
    with pytest.raises(ValidationError):
        services.update_system(system, user=admin, replaced_by=system, status="replaced")
    system.refresh_from_db()
    assert system.status == "in_use"


def test_source_resource_changes_are_in_the_history(world, published_resource):
    from django.contrib.contenttypes.models import ContentType

    from govshare.core.models import ObjectChange

    system = services.create_system(user=world["dept_admin"], source_resources=[published_resource],
                                    **fields(world["police"]))
    services.update_system(system, user=world["dept_admin"], source_resources=[])
    changes = ObjectChange.objects.filter(object_type=ContentType.objects.get_for_model(InformationSystem),
                                          object_id=system.pk, postchange_data__has_key="source_resources")
    assert [c.postchange_data["source_resources"] for c in changes.order_by("id")][-1] == []
    assert all(c.user_name == "bumen" for c in changes)


def test_record_usage_by_the_owner_department_replaces_the_month(world):
    system = services.create_system(user=world["dept_admin"], **fields(world["police"]))
    usage = services.record_usage(system, user=world["colleague"], month="2025-03", visits=10,
                                  monthly_active_users=3)
    assert usage.month == datetime.date(2025, 3, 1)
    services.record_usage(system, user=world["colleague"], month=datetime.date(2025, 3, 17), visits=20)
    usage = SystemUsage.objects.get()
    assert (usage.visits, usage.monthly_active_users) == (20, 3)
    with pytest.raises(PermissionDenied):
        services.record_usage(system, user=world["market_admin"], month="2025-03", visits=1)
    assert services.record_usage(system, user=world["platform_admin"], month="2025-04", visits=1)
    with pytest.raises(ValidationError):
        services.record_usage(system, user=world["colleague"], month="2025-13")
    with pytest.raises(ValidationError):
        services.record_usage(system, user=world["colleague"], month="2999-01")
    with pytest.raises(ValidationError):
        services.record_usage(system, user=world["colleague"], month="2025-01", resource_utilisation=Decimal(101))


@pytest.mark.parametrize("text,expected", [
    ("2025-03", datetime.date(2025, 3, 1)), ("2025/3", datetime.date(2025, 3, 1)),
    ("2025年3月", datetime.date(2025, 3, 1)), ("2025-03-31", datetime.date(2025, 3, 1)),
])
def test_month_start(text, expected):
    assert services.month_start(text) == expected


@pytest.mark.parametrize("text", ["2025", "25-03", "2025-02-30", "三月", ""])
def test_month_start_rejects(text):
    with pytest.raises(ValidationError):
        services.month_start(text)


def test_usage_chart_covers_twelve_months_and_scales_each_series(world):
    system = services.create_system(user=world["dept_admin"], **fields(world["police"]))
    today = datetime.date(2025, 6, 15)
    SystemUsage.objects.create(system=system, month=datetime.date(2025, 6, 1), monthly_active_users=50, visits=1000,
                               source="api")
    SystemUsage.objects.create(system=system, month=datetime.date(2025, 1, 1), monthly_active_users=100, visits=10,
                               source="api")
    SystemUsage.objects.create(system=system, month=datetime.date(2024, 6, 1), monthly_active_users=999,
                               source="api")  # 13 months ago: outside the chart
    chart = services.usage_chart(system, today=today)
    assert [m["month"] for m in chart["months"]][0] == datetime.date(2024, 7, 1)
    assert len(chart["months"]) == 12 and chart["months"][-1]["month"] == datetime.date(2025, 6, 1)
    assert chart["peaks"] == {"monthly_active_users": 100, "visits": 1000}
    june_users, june_visits = chart["months"][-1]["bars"]
    january_users = chart["months"][6]["bars"][0]
    assert june_visits["y"] + june_visits["height"] == chart["baseline"]
    assert january_users["height"] == 2 * june_users["height"]  # 100 vs 50 users on the same scale
    assert chart["months"][0]["bars"][0]["value"] is None

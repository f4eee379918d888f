"""Shared data for the zombie tests: a city with its competent authority and two departments (plus a district
below it), another city with its own authority, a user per role, and helpers that register systems and usage."""

import datetime

import pytest

from govshare.core.testing import make_department, make_jurisdiction, make_user
from govshare.inventory.models import InformationSystem, SystemUsage

# Detection runs "on" this day in the tests, so month counts do not depend on the calendar.
TODAY = datetime.date(2030, 6, 15)


def make_system(owner, name, function="业务办理", **extra):
    values = {"network": "external", "deployment": "gov_cloud", "status": "in_use"}
    values.update(extra)
    return InformationSystem.objects.create(owner=owner, name=name, function=function, **values)


def usage(system, month, **figures):
    """One month's usage row (month as "YYYY-MM")."""
    year, number = (int(part) for part in month.split("-"))
    return SystemUsage.objects.create(system=system, month=datetime.date(year, number, 1), source="api", **figures)


@pytest.fixture
def world():
    city = make_jurisdiction("盐城市", "320900")
    district = make_jurisdiction("亭湖区", "320902", level="district", parent=city)
    other_city = make_jurisdiction("南京市", "320100", level="city")
    authority = make_department("市大数据管理局", city, competent=True)
    police = make_department("市公安局", city)
    market = make_department("市市场监管局", city)
    district_office = make_department("亭湖区行政审批局", district)
    other_authority = make_department("南京市大数据管理局", other_city, competent=True)
    return {
        "city": city,
        "district": district,
        "other_city": other_city,
        "authority": authority,
        "police": police,
        "market": market,
        "district_office": district_office,
        "officer": make_user("zhuguan", authority, roles=["authority_officer"]),
        "police_admin": make_user("gaj_admin", police, roles=["department_admin"]),
        "market_admin": make_user("scjg_admin", market, roles=["department_admin"]),
        "colleague": make_user("tongshi", police),
        "platform_admin": make_user("pingtai", roles=["platform_admin"]),
        "other_officer": make_user("nanjing", other_authority, roles=["authority_officer"]),
        "plain_officer": make_user("gaj_officer", police, roles=["authority_officer"]),
    }

"""Shared data for the mounting tests: a city with its competent authority, a provider department with a
published resource, a second department that must not mount it."""

import pytest

from govshare.catalog import services as catalog
from govshare.core.testing import catalog_fields, make_department, make_jurisdiction, make_user


def publish(provider, cataloguer, reviewer, items=None, **overrides):
    """A published resource of the provider (created, submitted and approved through the catalogue services)."""
    items = items or [
        {"name": "统一社会信用代码", "code": "TYSHXYDM", "data_type": "C", "length": 18,
         "share_type": "unconditional", "open_type": "not_open"},
        {"name": "企业名称", "code": "QYMC", "data_type": "C", "length": 200,
         "share_type": "unconditional", "open_type": "not_open"},
        {"name": "注册资本", "code": "ZCZB", "data_type": "N", "length": 20,
         "share_type": "unconditional", "open_type": "not_open"},
    ]
    resource = catalog.create_entry(user=cataloguer, fields=catalog_fields(provider, **overrides), items=items)
    catalog.submit_entry(resource, user=cataloguer)
    catalog.approve_entry(resource, user=reviewer)
    resource.refresh_from_db()
    return resource


@pytest.fixture
def world():
    city = make_jurisdiction("盐城市", "320900")
    authority = make_department("市大数据管理局", city, competent=True)
    market = make_department("市市场监管局", city)
    police = make_department("市公安局", city)
    cataloguer = make_user("bianmu", market, roles=["cataloguer"])
    reviewer = make_user("shenhe", authority, roles=["reviewer"])
    world = {
        "city": city,
        "authority": authority,
        "market": market,
        "police": police,
        "cataloguer": cataloguer,
        "reviewer": reviewer,
        "provider": make_user("tigong", market, roles=["data_provider"]),
        "dept_admin": make_user("bumen", market, roles=["department_admin"]),
        "colleague": make_user("tongshi", market),
        "other_provider": make_user("tigong2", police, roles=["data_provider"]),
        "officer": make_user("zhuguan", authority, roles=["authority_officer"]),
        "platform_admin": make_user("pingtai", roles=["platform_admin"]),
    }
    world["resource"] = publish(market, cataloguer, reviewer)
    return world

"""Shared data for the inventory tests: a city with its competent authority, two departments, a user per role,
and a published catalogue resource that systems can name as their source."""

import pytest

from govshare.core.testing import catalog_fields, catalog_items, make_department, make_jurisdiction, make_user


@pytest.fixture
def world():
    city = make_jurisdiction("盐城市", "320900")
    other_city = make_jurisdiction("南京市", "320100", level="city")
    authority = make_department("市大数据管理局", city, competent=True)
    police = make_department("市公安局", city)
    market = make_department("市市场监管局", city)
    other_department = make_department("南京市公安局", other_city)
    return {
        "city": city,
        "authority": authority,
        "police": police,
        "market": market,
        "other_department": other_department,
        "dept_admin": make_user("bumen", police, roles=["department_admin"]),
        "market_admin": make_user("shichang", market, roles=["department_admin"]),
        "colleague": make_user("tongshi", police),
        "officer": make_user("zhuguan", authority, roles=["authority_officer"]),
        "platform_admin": make_user("pingtai", roles=["platform_admin"]),
        "outsider": make_user("waiyuan", other_department, roles=["department_admin"]),
    }


@pytest.fixture
def published_resource(world):
    """A published catalogue entry of the police (it has a code)."""
    from govshare.catalog import services as catalog

    reviewer = make_user("shenhe", world["authority"], roles=["reviewer"])
    cataloguer = make_user("bianmu", world["police"], roles=["cataloguer"])
    resource = catalog.create_entry(user=cataloguer, fields=catalog_fields(world["police"]), items=catalog_items())
    catalog.submit_entry(resource, user=cataloguer)
    catalog.approve_entry(resource, user=reviewer)
    resource.refresh_from_db()
    return resource

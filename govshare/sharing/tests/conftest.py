"""Shared data for the sharing tests: a city with its competent authority, a provider and a consumer department with
a user per role, and a second city whose authority must not see the first city's requests."""

import pytest

from govshare.catalog import services as catalog
from govshare.core.testing import catalog_fields, make_department, make_jurisdiction, make_user


@pytest.fixture
def world():
    city = make_jurisdiction("盐城市", "320900")
    county = make_jurisdiction("东台市", "320981", level="county", parent=city)
    other_city = make_jurisdiction("南京市", "320100")
    authority = make_department("市大数据管理局", city, competent=True)
    police = make_department("市公安局", city)
    market = make_department("市市场监管局", city)
    county_office = make_department("东台市民政局", county)
    other_authority = make_department("南京市大数据管理局", other_city, competent=True)
    return {
        "city": city,
        "county": county,
        "authority": authority,
        "police": police,
        "market": market,
        "county_office": county_office,
        "cataloguer": make_user("bianmu", police, roles=["cataloguer"]),
        "reviewer": make_user("shenhe", authority, roles=["reviewer"]),
        "provider": make_user("tigong", police, roles=["data_provider"]),
        "provider_admin": make_user("gongan_admin", police, roles=["department_admin"]),
        "provider_plain": make_user("gongan_user", police),
        "consumer": make_user("shiyong", market, roles=["data_consumer"]),
        "consumer_admin": make_user("shijian_admin", market, roles=["department_admin"]),
        "consumer_plain": make_user("shijian_user", market),
        "officer": make_user("zhuguan", authority, roles=["authority_officer"]),
        "other_officer": make_user("zhuguan_nj", other_authority, roles=["authority_officer"]),
        "platform_admin": make_user("pingtai", roles=["platform_admin"]),
    }


ITEMS = [
    {"name": "身份证号", "code": "SFZH", "data_type": "C", "length": 18, "is_sensitive": True},
    {"name": "姓名", "code": "XM", "data_type": "C", "length": 50, "is_sensitive": True},
    {"name": "户籍地址", "code": "HJDZ", "data_type": "C", "length": 200},
]


def publish(world, share_type="conditional", name="人口基本信息", item_share=None):
    """A published resource of the police department with three items (two sensitive)."""
    item_share = item_share or share_type
    extra = {"share_mode": "api"}
    if share_type == "conditional":
        extra["share_condition"] = "仅限履行法定职责使用"
    if share_type == "not_shared":
        extra = {"share_basis": "《中华人民共和国居民身份证法》第六条", "share_mode": ""}
    items = [{**item, "share_type": item_share, "open_type": "not_open"} for item in ITEMS]
    resource = catalog.create_entry(
        user=world["cataloguer"],
        fields=catalog_fields(world["police"], name=name, share_type=share_type, **extra),
        items=items,
    )
    catalog.submit_entry(resource, user=world["cataloguer"])
    catalog.approve_entry(resource, user=world["reviewer"])
    resource.refresh_from_db()
    return resource


@pytest.fixture
def conditional(world):
    return publish(world, "conditional")


@pytest.fixture
def unconditional(world):
    return publish(world, "unconditional", name="企业登记信息")


@pytest.fixture
def not_shared(world):
    return publish(world, "not_shared", name="户籍档案")

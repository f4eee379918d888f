"""Shared data for the catalogue tests: a city with its competent authority, departments and a user per role,
and a second city whose reviewer must not see the first city's entries."""

import pytest

from govshare.core.testing import make_department, make_jurisdiction, make_user


@pytest.fixture
def world():
    city = make_jurisdiction("盐城市", "320900")
    other_city = make_jurisdiction("南京市", "320100", level="city")
    authority = make_department("市大数据管理局", city, competent=True)
    police = make_department("市公安局", city)
    market = make_department("市市场监管局", city)
    other_authority = make_department("南京市大数据管理局", other_city, competent=True)
    return {
        "police": police,
        "market": market,
        "cataloguer": make_user("bianmu", police, roles=["cataloguer"]),
        "colleague": make_user("tongshi", police),
        "other_cataloguer": make_user("bianmu2", market, roles=["cataloguer"]),
        "dept_admin": make_user("bumen", police, roles=["department_admin"]),
        "reviewer": make_user("shenhe", authority, roles=["reviewer"]),
        "other_reviewer": make_user("shenhe_nj", other_authority, roles=["reviewer"]),
        "platform_admin": make_user("pingtai", roles=["platform_admin"]),
    }

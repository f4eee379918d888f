"""Shared data for the objection tests: a city with its competent authority, a provider (police) whose published
resource is keyed by ID number, a consumer (market regulation), a third department to transfer to, and a second
city whose authority must not see the first city's objections."""

import datetime

import pytest
from django.utils import timezone

from govshare.catalog import services as catalog
from govshare.core.testing import catalog_fields, catalog_items, make_department, make_jurisdiction, make_user
from govshare.demo.exchange_data import id_number

VALID_ID = id_number("320902", datetime.date(1985, 6, 15), 17, True)


@pytest.fixture
def world():
    city = make_jurisdiction("盐城市", "320900")
    other_city = make_jurisdiction("南京市", "320100", level="city")
    authority = make_department("市大数据管理局", city, competent=True)
    police = make_department("市公安局", city)
    market = make_department("市市场监管局", city)
    civil = make_department("市民政局", city)
    other_authority = make_department("南京市大数据管理局", other_city, competent=True)
    cataloguer = make_user("bianmu", police, roles=["cataloguer"])
    reviewer = make_user("shenhe", authority, roles=["reviewer"])
    resource = catalog.create_entry(
        user=cataloguer,
        fields=catalog_fields(police, name="人口基本信息", classification_code="101"),
        items=catalog_items("公民身份号码", "姓名", "户籍地址"),
    )
    catalog.submit_entry(resource, user=cataloguer)
    catalog.approve_entry(resource, user=reviewer)
    resource.refresh_from_db()
    return {
        "authority": authority,
        "police": police,
        "market": market,
        "civil": civil,
        "resource": resource,
        "cataloguer": cataloguer,
        "reviewer": reviewer,
        "consumer": make_user("shiyong", market, roles=["data_consumer"]),
        "consumer_colleague": make_user("shiyong2", market, roles=["data_consumer"]),
        "market_admin": make_user("scjg_admin", market, roles=["department_admin"]),
        "provider": make_user("tigong", police, roles=["data_provider"]),
        "police_admin": make_user("gaj_admin", police, roles=["department_admin"]),
        "civil_provider": make_user("minzheng", civil, roles=["data_provider"]),
        "officer": make_user("zhuguan", authority, roles=["authority_officer"]),
        "other_officer": make_user("zhuguan_nj", other_authority, roles=["authority_officer"]),
        "platform_admin": make_user("pingtai", roles=["platform_admin"]),
        "outsider": make_user("waibu", civil, roles=["data_consumer"]),
    }


@pytest.fixture
def frozen_now(monkeypatch):
    """Set the clock Django reads (timezone.now / localdate) to a given local time."""

    def freeze(*args):
        moment = timezone.make_aware(datetime.datetime(*args))
        monkeypatch.setattr(timezone, "now", lambda: moment)
        return moment

    return freeze

"""Shared data for the service item tests: a city with departments, an admin per department, a platform admin, a
reader without roles, and catalogue resources in every state that matters for linking (published unconditional
and conditional, published but not shared, draft, withdrawn)."""

import pytest

from govshare.catalog import services as catalog
from govshare.core.testing import catalog_fields, catalog_items, make_department, make_jurisdiction, make_user


def publish(fields, items, cataloguer, reviewer):
    resource = catalog.create_entry(user=cataloguer, fields=fields, items=items)
    catalog.submit_entry(resource, user=cataloguer)
    catalog.approve_entry(resource, user=reviewer)
    resource.refresh_from_db()
    return resource


@pytest.fixture
def world():
    city = make_jurisdiction("盐城市", "320900")
    authority = make_department("市大数据管理局", city, competent=True)
    police = make_department("市公安局", city)
    civil = make_department("市民政局", city)
    cataloguer = make_user("bianmu", police, roles=["cataloguer"])
    reviewer = make_user("shenhe", authority, roles=["reviewer"])
    id_cards = publish(catalog_fields(police, "201", name="居民身份证信息"), catalog_items(), cataloguer, reviewer)
    households = publish(
        catalog_fields(police, "201", name="户籍人口信息", share_type="conditional", share_condition="仅限核验"),
        catalog_items(share_type="conditional"), cataloguer, reviewer,
    )
    secret = publish(
        catalog_fields(police, "201", name="视频监控点位信息", share_type="not_shared", share_mode="",
                       share_basis="《中华人民共和国反恐怖主义法》第三十七条"),
        catalog_items(share_type="not_shared"), cataloguer, reviewer,
    )
    draft = catalog.create_entry(user=cataloguer, fields=catalog_fields(police, "201", name="暂住登记信息"),
                                 items=catalog_items())
    withdrawn = publish(catalog_fields(police, "201", name="旧版人口信息"), catalog_items(), cataloguer, reviewer)
    catalog.withdraw_entry(withdrawn, user=cataloguer, reason="已整合至户籍人口信息")
    withdrawn.refresh_from_db()
    return {
        "city": city,
        "police": police,
        "civil": civil,
        "police_admin": make_user("ga_admin", police, roles=["department_admin"]),
        "civil_admin": make_user("mz_admin", civil, roles=["department_admin"]),
        "platform_admin": make_user("pingtai", roles=["platform_admin"]),
        "reader": make_user("reader", police),
        "cataloguer": cataloguer,
        "reviewer": reviewer,
        "id_cards": id_cards,
        "households": households,
        "secret": secret,
        "draft": draft,
        "withdrawn": withdrawn,
    }


def item_fields(department, **overrides):
    fields = {
        "name": "最低生活保障审批",
        "item_type": "benefit",
        "legal_basis": "《社会救助暂行办法》第十一条",
        "base_code": "000105001000",
        "implementation_code": "",
        "department": department,
        "description": "",
    }
    fields.update(overrides)
    return fields


def material(name, source="applicant", is_required=True, copies=1, replaced_by=None, notes=""):
    return {"name": name, "source": source, "is_required": is_required, "copies": copies, "notes": notes,
            "replaced_by": replaced_by}

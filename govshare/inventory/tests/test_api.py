"""Inventory API: systems within the user's scope, writes through the services, usage pushed by the systems."""

import datetime

import pytest

from govshare.core.testing import api_client
from govshare.inventory.models import InformationSystem, SystemUsage

pytestmark = pytest.mark.django_db

URL = "/api/v1/inventory/systems/"


@pytest.fixture
def systems(world):
    make = InformationSystem.objects.create
    return {
        "police": make(name="警务平台", function="办案", network="external", deployment="gov_cloud",
                       owner=world["police"]),
        "market": make(name="市场平台", function="登记", network="internet", deployment="own_room",
                       owner=world["market"]),
    }


def payload(world, **extra):
    return {"name": "新系统", "function": "办公", "network": "external", "deployment": "gov_cloud",
            "owner": world["police"].pk, **extra}


def test_list_is_restricted_and_filterable(world, systems):
    names = [row["name"] for row in api_client(world["dept_admin"]).get(URL).json()["results"]]
    assert names == ["警务平台"]
    body = api_client(world["platform_admin"]).get(URL, {"network": "internet"}).json()
    assert [row["name"] for row in body["results"]] == ["市场平台"]
    assert body["results"][0]["network"] == {"value": "internet", "label": "互联网"}
    assert api_client(world["dept_admin"]).get(f"{URL}{systems['market'].pk}/").status_code == 404
    assert api_client().get(URL).status_code in (401, 403)


def test_create_and_update_through_the_services(world, systems, published_resource):
    client = api_client(world["dept_admin"])
    response = client.post(URL, payload(world, source_resource_codes=[published_resource.code]), format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["source_resource_codes"] == [published_resource.code]
    pk = response.json()["id"]
    response = client.patch(f"{URL}{pk}/", {"protection_level": 3}, format="json")
    assert response.status_code == 200 and response.json()["protection_level"] == 3
    # Rules and permissions answer in the standard error shape.
    response = client.patch(f"{URL}{pk}/", {"protection_level": 6}, format="json")
    assert response.status_code == 400 and "protection_level" in response.json()["error"]["fields"]
    response = client.post(URL, payload(world, owner=world["market"].pk), format="json")
    assert response.status_code == 403
    response = client.post(URL, payload(world, name="警务平台"), format="json")
    assert response.status_code == 400 and "name" in response.json()["error"]["fields"]
    response = client.post(URL, payload(world, name="再一个", source_resource_codes=["NOPE"]), format="json")
    assert response.status_code == 400 and "source_resource_codes" in response.json()["error"]["fields"]
    assert api_client(world["colleague"]).patch(f"{URL}{pk}/", {"name": "x"}, format="json").status_code == 403


def test_usage_pushed_by_a_user_of_the_owner_department(world, systems):
    url = f"{URL}{systems['police'].pk}/usage/"
    client = api_client(world["colleague"])
    response = client.post(url, {"month": "2025-02", "monthly_active_users": 40, "visits": 900,
                                 "resource_utilisation": "55.5", "last_used_on": "2025-02-27"}, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["month"] == "2025-02"
    response = client.post(url, {"month": "2025-02", "visits": 950}, format="json")
    assert response.status_code == 200
    usage = SystemUsage.objects.get()
    assert (usage.month, usage.visits, usage.monthly_active_users, usage.source) == (
        datetime.date(2025, 2, 1), 950, 40, "api")
    assert [row["visits"] for row in client.get(url).json()] == [950]


def test_usage_refused_for_other_departments_and_bad_figures(world, systems):
    url = f"{URL}{systems['police'].pk}/usage/"
    assert api_client(world["market_admin"]).post(url, {"month": "2025-02"}, format="json").status_code == 404
    # The competent authority sees the system but does not report its usage.
    assert api_client(world["officer"]).post(url, {"month": "2025-02"}, format="json").status_code == 403
    assert api_client(world["platform_admin"]).post(url, {"month": "2025-02", "visits": 1},
                                                    format="json").status_code == 201
    client = api_client(world["colleague"])
    for body, field in (({"month": "2025-13"}, "month"), ({"month": "2999-01"}, "month"),
                        ({"month": "2025-01", "visits": -1}, "visits"),
                        ({"month": "2025-01", "resource_utilisation": "120"}, "resource_utilisation")):
        response = client.post(url, body, format="json")
        assert response.status_code == 400, body
        assert field in response.json()["error"]["fields"], response.json()


def test_openapi_documents_the_inventory(world):
    from drf_spectacular.generators import SchemaGenerator

    paths = SchemaGenerator().get_schema(request=None, public=True)["paths"]
    assert "/api/v1/inventory/systems/{id}/usage/" in paths
    assert "post" in paths["/api/v1/inventory/systems/{id}/usage/"]

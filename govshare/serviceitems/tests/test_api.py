"""The service item API: read by everyone, written by department admins for their department through the same
services, with the platform's error shape; the department shares; the OpenAPI document."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from govshare.core.testing import api_client
from govshare.serviceitems import services
from govshare.serviceitems.models import ServiceItem

from .conftest import item_fields, material

pytestmark = pytest.mark.django_db

URL = "/api/v1/service-items/items/"


def payload(world, department="civil", **overrides):
    data = {
        "name": "最低生活保障审批", "item_type": "benefit", "legal_basis": "《社会救助暂行办法》第十一条",
        "base_code": "000105001000", "department": world[department].pk,
        "materials": [
            {"name": "申请书", "source": "applicant"},
            {"name": "居民身份证", "source": "government", "replaced_by": world["id_cards"].pk},
        ],
    }
    data.update(overrides)
    return data


def test_create_read_and_patch(world):
    client = api_client(world["civil_admin"])
    response = client.post(URL, payload(world), format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["item_type"] == {"value": "benefit", "label": "行政给付"}
    assert body["department"]["id"] == world["civil"].pk
    assert [m["name"] for m in body["materials"]] == ["申请书", "居民身份证"]
    assert body["materials"][1]["replaced_by"]["code"] == world["id_cards"].code
    assert body["materials"][1]["replaceable_by_sharing"] is True
    assert (body["required_count"], body["replaced_required_count"], body["share"]) == (2, 1, 0.5)

    url = f"{URL}{body['id']}/"
    response = client.patch(url, {"name": "低保审批"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["name"] == "低保审批" and len(response.json()["materials"]) == 2  # materials kept
    response = client.patch(url, {"materials": []}, format="json")
    assert response.json()["share"] is None and response.json()["material_count"] == 0


def test_errors_use_the_platform_shape_and_keep_row_keys(world):
    client = api_client(world["civil_admin"])
    data = payload(world, base_code="bad code")
    data["materials"][1]["replaced_by"] = world["secret"].pk
    response = client.post(URL, data, format="json")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert set(error["fields"]) == {"base_code", "materials.1.replaced_by"}
    assert "不予共享" in error["fields"]["materials.1.replaced_by"][0]
    data = payload(world)
    data["materials"][1]["replaced_by"] = world["draft"].pk
    response = client.post(URL, data, format="json")
    assert "已发布" in response.json()["error"]["fields"]["materials.1.replaced_by"][0]
    assert not ServiceItem.objects.exists()


def test_permissions(world):
    item = services.create_item(user=world["civil_admin"], fields=item_fields(world["civil"]), materials=[])
    url = f"{URL}{item.pk}/"
    reader = api_client(world["reader"])
    assert reader.get(url).status_code == 200
    assert reader.post(URL, payload(world, "police"), format="json").status_code == 403
    other = api_client(world["police_admin"])
    assert other.patch(url, {"name": "x"}, format="json").status_code == 403
    assert other.delete(url).status_code == 403
    assert other.post(URL, payload(world, "civil"), format="json").status_code == 403
    response = other.post(URL, payload(world, "police"), format="json")
    assert response.status_code == 201
    assert api_client().get(URL).status_code in (401, 403)
    assert api_client(world["civil_admin"]).delete(url).status_code == 204


def test_list_filters_and_department_shares(world):
    for n, replaced in ((1, None), (2, world["id_cards"])):
        services.create_item(
            user=world["civil_admin"], fields=item_fields(world["civil"], name=f"事项{n}", base_code=f"{n:012d}"),
            materials=[material("材料", replaced_by=replaced)],
        )
    client = api_client(world["reader"])
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL, {"share_min": 50, "ordering": "-share"})
    assert [row["name"] for row in response.json()["results"]] == ["事项2"]
    assert len(queries) <= 6
    response = client.get(f"{URL}departments/")
    assert response.json() == [{"department_id": world["civil"].pk, "name": "市民政局", "items": 2, "required": 2,
                                "replaced": 1, "share": 0.5}]


def test_openapi_document_describes_the_endpoints(world):
    response = api_client(world["reader"]).get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert "/api/v1/service-items/items/" in paths and "/api/v1/service-items/items/departments/" in paths

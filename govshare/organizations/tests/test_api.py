"""Organizations API: everyone logged in reads; administrators write; a department admin edits the own department."""

import pytest
from rest_framework.test import APIClient

from govshare.core.testing import api_client, make_department, make_jurisdiction, make_user
from govshare.core.validators import make_credit_code
from govshare.organizations.models import Department, Jurisdiction, Office

pytestmark = pytest.mark.django_db



JURISDICTIONS = "/api/v1/organizations/jurisdictions/"
DEPARTMENTS = "/api/v1/organizations/departments/"
OFFICES = "/api/v1/organizations/offices/"




@pytest.fixture
def org():
    city = make_jurisdiction("盐城市", "320900")
    police = make_department("市公安局", city)
    market = make_department("市市场监管局", city)
    return {
        "city": city,
        "police": police,
        "market": market,
        "cataloguer": make_user("bianmu", police, roles=["cataloguer"]),
        "dept_admin": make_user("bumen", police, roles=["department_admin"]),
        "platform_admin": make_user("pingtai", roles=["platform_admin"]),
        "system_admin": make_user("xitong", roles=["system_admin"]),
    }


def assert_error(response, status_code, *fields):
    assert response.status_code == status_code, response.content
    error = response.json()["error"]
    assert set(error) == {"code", "message", "fields"}
    for name in fields:
        assert name in error["fields"], error["fields"]
    return error


def test_everyone_logged_in_reads_anonymous_does_not(org):
    assert_error(APIClient().get(DEPARTMENTS), 401)
    body = api_client(org["cataloguer"]).get(DEPARTMENTS).json()
    assert body["count"] == 2
    row = next(row for row in body["results"] if row["id"] == org["police"].pk)
    assert row["jurisdiction"]["division_code"] == "320900"
    assert row["credit_code"] == org["police"].credit_code
    assert api_client(org["cataloguer"]).get(JURISDICTIONS).json()["count"] == 1
    assert api_client(org["cataloguer"]).get(DEPARTMENTS, {"q": "公安"}).json()["count"] == 1
    assert api_client(org["cataloguer"]).get(DEPARTMENTS, {"jurisdiction_id": org["city"].pk}).json()["count"] == 2


def test_credit_code_errors_come_back_in_the_standard_shape(org):
    client = api_client(org["platform_admin"])
    data = {"name": "市民政局", "jurisdiction": org["city"].pk, "credit_code": "11320900MB0000000X"}
    error = assert_error(client.post(DEPARTMENTS, data, format="json"), 400, "credit_code")
    assert error["code"] == "invalid"
    assert "校验位" in error["fields"]["credit_code"][0]
    assert_error(client.post(DEPARTMENTS, {**data, "credit_code": "123"}, format="json"), 400, "credit_code")
    # Duplicates are refused as field errors, not database errors.
    duplicate = {**data, "credit_code": org["police"].credit_code}
    assert_error(client.post(DEPARTMENTS, duplicate, format="json"), 400, "credit_code")

    good = make_credit_code("320900", 4242)
    response = client.post(DEPARTMENTS, {**data, "credit_code": good.lower()}, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["credit_code"] == good


def test_one_competent_authority_per_jurisdiction(org):
    client = api_client(org["system_admin"])
    data = {"name": "市大数据局", "jurisdiction": org["city"].pk, "credit_code": make_credit_code("320900", 77),
            "is_competent_authority": True}
    assert client.post(DEPARTMENTS, data, format="json").status_code == 201
    second = {**data, "name": "另一个主管部门", "credit_code": make_credit_code("320900", 78)}
    response = client.post(DEPARTMENTS, second, format="json")
    assert response.status_code in (400, 409), response.content
    assert set(response.json()["error"]) == {"code", "message", "fields"}
    assert Department.objects.filter(is_competent_authority=True).count() == 1


def test_only_administrators_create_departments_and_jurisdictions(org):
    data = {"name": "市民政局", "jurisdiction": org["city"].pk, "credit_code": make_credit_code("320900", 4243)}
    assert_error(api_client(org["cataloguer"]).post(DEPARTMENTS, data, format="json"), 403)
    assert_error(api_client(org["dept_admin"]).post(DEPARTMENTS, data, format="json"), 403)
    assert not Department.objects.filter(name="市民政局").exists()

    county = {"name": "亭湖区", "level": "county", "division_code": "320902", "parent": org["city"].pk}
    assert_error(api_client(org["dept_admin"]).post(JURISDICTIONS, county, format="json"), 403)
    response = api_client(org["system_admin"]).post(JURISDICTIONS, county, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["parent"]["id"] == org["city"].pk
    client = api_client(org["system_admin"])
    assert_error(client.post(JURISDICTIONS, {**county, "division_code": "990000"}, format="json"),
                 400, "division_code")
    # A jurisdiction cannot become its own ancestor.
    city_url = f"{JURISDICTIONS}{org['city'].pk}/"
    county_id = response.json()["id"]
    assert_error(api_client(org["platform_admin"]).patch(city_url, {"parent": county_id}, format="json"), 400, "parent")


def test_department_admin_edits_own_department_only(org):
    client = api_client(org["dept_admin"])
    own = f"{DEPARTMENTS}{org['police'].pk}/"
    response = client.patch(own, {"contact_name": "李四", "contact_phone": "0515-8888"}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["contact_name"] == "李四"
    # ... but not its place or standing.
    assert_error(client.patch(own, {"is_competent_authority": True}, format="json"), 400, "is_competent_authority")
    error = assert_error(client.patch(f"{DEPARTMENTS}{org['market'].pk}/", {"contact_name": "x"}, format="json"), 403)
    assert error["code"] == "permission_denied"
    assert_error(api_client(org["cataloguer"]).patch(own, {"contact_name": "x"}, format="json"), 403)
    assert_error(client.delete(own), 403)


def test_department_admin_manages_own_offices(org):
    client = api_client(org["dept_admin"])
    response = client.post(OFFICES, {"department": org["police"].pk, "name": "户籍管理处"}, format="json")
    assert response.status_code == 201, response.json()
    office_url = f"{OFFICES}{response.json()['id']}/"
    assert_error(client.post(OFFICES, {"department": org["market"].pk, "name": "登记处"}, format="json"), 403)
    assert not Office.objects.filter(name="登记处").exists()
    # Moving an own office to another department is refused and rolled back.
    assert_error(client.patch(office_url, {"department": org["market"].pk}, format="json"), 403)
    assert Office.objects.get(name="户籍管理处").department_id == org["police"].pk
    assert_error(api_client(org["cataloguer"]).patch(office_url, {"name": "x"}, format="json"), 403)
    assert api_client(org["cataloguer"]).get(OFFICES, {"department_id": org["police"].pk}).json()["count"] == 1
    assert client.delete(office_url).status_code == 204


def test_deleting_a_department_in_use_is_a_conflict(org):
    error = assert_error(api_client(org["platform_admin"]).delete(f"{DEPARTMENTS}{org['police'].pk}/"), 409)
    assert error["code"] == "protected"
    assert Department.objects.filter(pk=org["police"].pk).exists()
    empty = make_department("临时部门", org["city"])
    assert api_client(org["platform_admin"]).delete(f"{DEPARTMENTS}{empty.pk}/").status_code == 204
    assert Jurisdiction.objects.count() == 1


def test_department_list_queries_do_not_grow_with_rows(org, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = api_client(org["cataloguer"])
    client.get(DEPARTMENTS)
    with CaptureQueriesContext(connection) as few:
        client.get(DEPARTMENTS)
    for _index in range(20):
        make_department(jurisdiction=org["city"])
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(DEPARTMENTS, {"page_size": 100}).json()["count"] == 22

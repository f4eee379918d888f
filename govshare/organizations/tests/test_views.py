"""Jurisdiction, department and office pages."""

import pytest
from django.urls import reverse

from govshare.core.testing import make_department, make_jurisdiction, make_user
from govshare.core.tests.test_views import make_resource
from govshare.core.validators import make_credit_code
from govshare.organizations.models import Department, Office


@pytest.fixture
def province():
    return make_jurisdiction("江苏省", "320000", "province")


@pytest.fixture
def city(province):
    return make_jurisdiction("盐城市", "320900", "city", parent=province)


@pytest.fixture
def county(city):
    return make_jurisdiction("亭湖区", "320902", "county", parent=city)


@pytest.fixture
def department(city):
    return make_department("市大数据局", city, competent=True)


@pytest.fixture
def other_department(city):
    return make_department("市公安局", city)


def _department_data(jurisdiction, **overrides):
    data = {
        "name": "市民政局",
        "short_name": "民政局",
        "credit_code": make_credit_code(jurisdiction.division_code, 77),
        "jurisdiction": jurisdiction.pk,
        "contact_name": "赵六",
        "contact_phone": "0515-0000000",
        "description": "",
    }
    data.update(overrides)
    return data


# --- jurisdictions ----------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_jurisdiction_list_and_detail(client, city, county, department):
    client.force_login(make_user("viewer", department))
    response = client.get(reverse("organizations:jurisdiction_list"), {"level": "county"})
    assert [j.name for j in response.context["table"].data] == ["亭湖区"]
    html = client.get(reverse("organizations:jurisdiction_detail", args=[city.pk])).content.decode()
    assert "市大数据局" in html and "亭湖区" in html


@pytest.mark.django_db
def test_jurisdiction_edit_needs_platform_role(client, city, department):
    client.force_login(make_user("viewer", department, roles=["department_admin"]))
    assert client.get(reverse("organizations:jurisdiction_edit", args=[city.pk])).status_code == 403
    client.force_login(make_user("platform", department, roles=["platform_admin"]))
    assert client.get(reverse("organizations:jurisdiction_edit", args=[city.pk])).status_code == 200


# --- departments ----------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_department_list_filters(client, city, county, department, other_department):
    make_department("区数据局", county, competent=True)
    client.force_login(make_user("viewer", department))
    url = reverse("organizations:department_list")

    def names(params):
        return sorted(d.name for d in client.get(url, params).context["table"].data)

    assert names({"jurisdiction_id": county.pk}) == ["区数据局"]
    assert names({"level": "city"}) == ["市公安局", "市大数据局"]
    assert names({"is_competent_authority": "true"}) == ["区数据局", "市大数据局"]
    assert names({"q": other_department.credit_code.lower()}) == ["市公安局"]
    assert names({"q": "公安"}) == ["市公安局"]


@pytest.mark.django_db
def test_department_create_validates_credit_code(client, city, department):
    client.force_login(make_user("platform", department, roles=["platform_admin"]))
    bad = make_credit_code("320900", 77)[:-1] + "0"
    if bad == make_credit_code("320900", 77):
        bad = bad[:-1] + "1"
    response = client.post(reverse("organizations:department_add"), _department_data(city, credit_code=bad))
    assert response.status_code == 200
    html = response.content.decode()
    assert "统一社会信用代码校验位错误" in html
    assert 'class="field-error"' in html
    assert not Department.objects.filter(name="市民政局").exists()

    response = client.post(reverse("organizations:department_add"), _department_data(city))
    assert response.status_code == 302
    created = Department.objects.get(name="市民政局")
    assert response["Location"] == reverse("organizations:department_detail", args=[created.pk])


@pytest.mark.django_db
def test_second_competent_authority_is_refused(client, city, department):
    client.force_login(make_user("platform", department, roles=["platform_admin"]))
    response = client.post(
        reverse("organizations:department_add"), _department_data(city, is_competent_authority="on")
    )
    assert response.status_code == 200
    assert "每个行政区域只能有一个共享主管部门" in response.content.decode()


@pytest.mark.django_db
def test_department_create_needs_platform_role(client, city, department):
    client.force_login(make_user("deptadmin", department, roles=["department_admin"]))
    assert client.get(reverse("organizations:department_add")).status_code == 403
    assert client.post(reverse("organizations:department_add"), _department_data(city)).status_code == 403


@pytest.mark.django_db
def test_department_admin_edits_only_contacts_of_own_department(client, city, department, other_department):
    client.force_login(make_user("deptadmin", department, roles=["department_admin"]))
    assert client.get(reverse("organizations:department_edit", args=[other_department.pk])).status_code == 404

    data = _department_data(city, name="改名", credit_code=department.credit_code, contact_name="新联系人")
    response = client.post(reverse("organizations:department_edit", args=[department.pk]), data)
    assert response.status_code == 302
    department.refresh_from_db()
    assert department.contact_name == "新联系人"
    assert department.name == "市大数据局"  # identity fields are disabled for a department admin


@pytest.mark.django_db
def test_department_detail_shows_offices_users_and_resource_count(client, department):
    Office.objects.create(department=department, name="数据资源处")
    make_user("member", department, full_name="成员甲")
    make_resource(department, 1)
    make_resource(department, 2)
    make_resource(department, 3, status="draft")
    client.force_login(make_user("viewer", department, roles=["department_admin"]))
    response = client.get(reverse("organizations:department_detail", args=[department.pk]))
    html = response.content.decode()
    assert "数据资源处" in html and "成员甲" in html
    assert response.context["resource_counts"]["total"] == 3
    assert response.context["resource_counts"]["published"] == 2


@pytest.mark.django_db
def test_department_detail_hides_users_from_outsiders(client, department, other_department):
    make_user("member", department, full_name="成员甲")
    client.force_login(make_user("outsider", other_department))
    html = client.get(reverse("organizations:department_detail", args=[department.pk])).content.decode()
    assert "成员甲" not in html


@pytest.mark.django_db
def test_department_delete_is_protected(client, department):
    make_user("member", department)
    platform_department = make_department(jurisdiction=department.jurisdiction)
    client.force_login(make_user("platform", platform_department, roles=["platform_admin"]))
    response = client.post(reverse("organizations:department_delete", args=[department.pk]))
    assert response.status_code == 302
    assert Department.objects.filter(pk=department.pk).exists()


@pytest.mark.django_db
def test_my_department_redirects(client, department):
    client.force_login(make_user("member", department))
    response = client.get(reverse("organizations:my_department"))
    assert response["Location"] == reverse("organizations:department_detail", args=[department.pk])

    client.force_login(make_user("nobody"))
    response = client.get(reverse("organizations:my_department"))
    assert response["Location"] == reverse("home")


# --- offices --------------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_department_admin_manages_offices_of_own_department(client, department, other_department):
    client.force_login(make_user("deptadmin", department, roles=["department_admin"]))
    url = reverse("organizations:office_add") + f"?department={department.pk}"
    response = client.post(url, {"department": department.pk, "name": "综合处"})
    assert response.status_code == 302
    assert response["Location"] == reverse("organizations:department_detail", args=[department.pk])
    assert Office.objects.filter(department=department, name="综合处").exists()

    response = client.post(reverse("organizations:office_add"), {"department": other_department.pk, "name": "越权处"})
    assert response.status_code == 200
    assert not Office.objects.filter(name="越权处").exists()

    foreign = Office.objects.create(department=other_department, name="他处")
    assert client.get(reverse("organizations:office_edit", args=[foreign.pk])).status_code == 404
    assert client.post(reverse("organizations:office_delete", args=[foreign.pk])).status_code == 404

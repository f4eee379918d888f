"""Shared data for the project filing tests: a city with its competent authority, its development-reform and finance
departments (the reviewer departments), a construction unit (police) with a published and a draft catalogue entry
and a connected, graded information system, a county below the city, and a second city whose officers must see
nothing of the first."""

import pytest

from govshare.catalog import services as catalog
from govshare.core.testing import catalog_fields, catalog_items, make_department, make_jurisdiction, make_user
from govshare.inventory.models import InformationSystem
from govshare.projects import services
from govshare.projects.models import ReviewerDepartment


def make_system(owner, name="警务综合平台", **extra):
    values = {
        "function": "接处警、案件办理和人口管理的综合业务平台", "network": "external", "deployment": "gov_cloud",
        "connected_to_platform": True, "protection_level": 3, "protection_filing_number": "32090013001-00001",
        "status": "in_use",
    }
    values.update(extra)
    return InformationSystem.objects.create(owner=owner, name=name, **values)


@pytest.fixture
def world():
    city = make_jurisdiction("盐城市", "320900")
    county = make_jurisdiction("亭湖区", "320902", level="county", parent=city)
    other_city = make_jurisdiction("南京市", "320100", level="city")
    authority = make_department("市大数据管理局", city, competent=True)
    reform = make_department("市发展改革委", city)
    finance = make_department("市财政局", city)
    police = make_department("市公安局", city)
    civil = make_department("市民政局", city)
    county_unit = make_department("亭湖区民政局", county)
    other_authority = make_department("南京市大数据管理局", other_city, competent=True)
    ReviewerDepartment.objects.create(kind="development_reform", department=reform)
    ReviewerDepartment.objects.create(kind="finance", department=finance)

    cataloguer = make_user("bianmu", police, roles=["cataloguer"])
    catalogue_reviewer = make_user("shenhe", authority, roles=["reviewer"])
    resource = catalog.create_entry(
        user=cataloguer, fields=catalog_fields(police, name="警情数据"), items=catalog_items("警情编号", "警情类别"),
    )
    catalog.submit_entry(resource, user=cataloguer)
    catalog.approve_entry(resource, user=catalogue_reviewer)
    resource.refresh_from_db()
    draft = catalog.create_entry(
        user=cataloguer, fields=catalog_fields(police, name="案件数据（编目中）"), items=catalog_items("案件编号"),
    )
    return {
        "city": city,
        "county": county,
        "authority": authority,
        "reform": reform,
        "finance": finance,
        "police": police,
        "civil": civil,
        "county_unit": county_unit,
        "resource": resource,
        "draft_resource": draft,
        "system": make_system(police),
        "cataloguer": cataloguer,
        "catalogue_reviewer": catalogue_reviewer,
        "admin": make_user("gaj_admin", police, roles=["department_admin"], full_name="孙填报"),
        "colleague": make_user("gaj_staff", police),
        "officer": make_user("zhuguan", authority, roles=["authority_officer"], full_name="钱主管"),
        "reform_reviewer": make_user("fagai", reform, roles=["reviewer"], full_name="李发改"),
        "finance_reviewer": make_user("caizheng", finance, roles=["reviewer"], full_name="周财政"),
        "civil_admin": make_user("mz_admin", civil, roles=["department_admin"]),
        "county_admin": make_user("th_admin", county_unit, roles=["department_admin"]),
        "other_officer": make_user("zhuguan_nj", other_authority, roles=["authority_officer"]),
        "platform_admin": make_user("pingtai", roles=["platform_admin"]),
    }


def project_fields(world, **overrides):
    """Fields of a compliant construction project of the police."""
    fields = {
        "name": "智慧警务二期", "construction_unit": world["police"], "construction_unit_detail": "科技信息化处",
        "funding_channel": "construction", "investment": "380.50", "annual_om_cost": "25",
        "function": "建设视频图像解析与警情研判模块，向共享平台提供警情数据接口",
        "plans_to_connect": True, "protection_level": 3, "protection_filing_number": "32090013002-00002",
        "description": "",
    }
    fields.update(overrides)
    return fields


def file_project(world, *, resources=None, systems=None, **overrides):
    """A draft filed by the police department admin; links default to the published resource and the system."""
    return services.create_project(
        user=world["admin"], fields=project_fields(world, **overrides),
        planned_resources=[world["resource"]] if resources is None else resources,
        systems=[world["system"]] if systems is None else systems,
    )


def review_to_decision(world, project):
    """Submit and let both reviewer departments agree: the project waits for the authority."""
    services.submit_project(project, user=world["admin"])
    services.give_opinion(project, user=world["reform_reviewer"], opinion="agree", text="符合投资计划")
    services.give_opinion(project, user=world["finance_reviewer"], opinion="agree")
    project.refresh_from_db()
    return project


def results(checklist):
    return {item["key"]: item["result"] for item in checklist}

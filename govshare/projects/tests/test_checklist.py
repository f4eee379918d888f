"""The compliance checklist: a compliant filing passes every item, and each item fails alone on its own edge case
(the others still pass or do not apply), with a reason that names what is wrong."""

import pytest

from govshare.catalog import services as catalog
from govshare.projects import services

from .conftest import file_project, make_system, results

pytestmark = pytest.mark.django_db

ALL_PASS = {"catalogue": "pass", "connection": "pass", "protection": "pass", "om_funding": "na"}


def only_failing(checklist, key):
    found = results(checklist)
    assert found[key] == "fail", checklist
    others = {k: v for k, v in found.items() if k not in (key, "duplication")}
    assert "fail" not in others.values(), checklist
    return next(item for item in checklist if item["key"] == key)


def test_compliant_filing_passes_every_item(world):
    checklist = services.compliance_checklist(file_project(world))
    found = results(checklist)
    assert {k: found[k] for k in ALL_PASS} == ALL_PASS
    assert found["duplication"] in ("pass", "na")
    assert services.check_passes(checklist)
    assert all(item["reason"] for item in checklist)


def test_catalogue_fails_without_resources(world):
    item = only_failing(services.compliance_checklist(file_project(world, resources=[])), "catalogue")
    assert "未关联" in item["reason"]


def test_catalogue_fails_on_a_draft_entry_and_passes_once_submitted(world):
    draft = world["draft_resource"]
    project = file_project(world, resources=[world["resource"], draft])
    item = only_failing(services.compliance_checklist(project), "catalogue")
    assert draft.name in item["reason"] and item["details"][0]["id"] == draft.pk
    catalog.submit_entry(draft, user=world["cataloguer"])  # submitted for review is enough
    assert results(services.compliance_checklist(project))["catalogue"] == "pass"


def test_catalogue_fails_on_a_withdrawn_entry(world):
    resource = world["resource"]
    project = file_project(world)
    catalog.withdraw_entry(resource, user=world["cataloguer"], reason="职能调整")
    only_failing(services.compliance_checklist(project), "catalogue")


def test_connection_fails_when_not_planned_and_a_system_is_not_connected(world):
    system = make_system(world["police"], name="旧版户籍系统", connected_to_platform=False)
    project = file_project(world, systems=[system], plans_to_connect=False)
    item = only_failing(services.compliance_checklist(project), "connection")
    assert system.name in item["reason"]


def test_connection_fails_when_not_planned_without_systems(world):
    only_failing(services.compliance_checklist(file_project(world, systems=[], plans_to_connect=False)),
                 "connection")


def test_connection_passes_when_every_system_is_already_connected(world):
    project = file_project(world, plans_to_connect=False)
    assert results(services.compliance_checklist(project))["connection"] == "pass"


def test_protection_fails_without_a_level(world):
    project = file_project(world, protection_level=None, protection_filing_number="")
    item = only_failing(services.compliance_checklist(project), "protection")
    assert "等级保护级别" in item["reason"]


def test_protection_level_two_needs_a_filing_number_level_one_does_not(world):
    project = file_project(world, protection_level=2, protection_filing_number="")
    item = only_failing(services.compliance_checklist(project), "protection")
    assert "备案号" in item["reason"]
    level_one = file_project(world, name="内部办公小程序", protection_level=1, protection_filing_number="")
    assert results(services.compliance_checklist(level_one))["protection"] == "pass"


def test_protection_fails_on_a_linked_system_of_level_two_without_filing(world):
    system = make_system(world["police"], name="出入境预约系统", protection_level=2, protection_filing_number="")
    item = only_failing(services.compliance_checklist(file_project(world, systems=[system])), "protection")
    assert system.name in item["reason"]


def test_om_funding_not_applicable_to_construction(world):
    item = next(i for i in services.compliance_checklist(file_project(world)) if i["key"] == "om_funding")
    assert item["result"] == "na" and item["reason"]


def test_om_funding_fails_for_an_unconnected_system(world):
    system = make_system(world["police"], name="交通违法处理系统", connected_to_platform=False)
    project = file_project(world, funding_channel="om", systems=[system], plans_to_connect=True)
    item = only_failing(services.compliance_checklist(project), "om_funding")
    assert system.name in item["reason"] and "未接入共享平台" in item["reason"]


def test_om_funding_fails_for_a_shut_down_system(world):
    system = make_system(world["police"], name="已关停系统", status="shut_down")
    project = file_project(world, funding_channel="om", systems=[system])
    item = only_failing(services.compliance_checklist(project), "om_funding")
    assert "已关停" in item["reason"]


def test_om_funding_passes_for_connected_systems(world):
    project = file_project(world, funding_channel="om")
    assert results(services.compliance_checklist(project))["om_funding"] == "pass"


def test_om_funding_fails_for_a_zombie_system(world):
    from govshare.zombies.models import ZombieFlag
    from govshare.zombies.services import is_zombie

    system = world["system"]
    ZombieFlag.objects.create(system=system, status="open", reasons=[{"rule": "unused", "text": "7 个月无人使用"}])
    assert is_zombie(system)
    project = file_project(world, funding_channel="om")
    item = only_failing(services.compliance_checklist(project), "om_funding")
    assert "僵尸" in item["reason"]


def test_duplication_fails_listing_similar_systems_and_scores(world):
    existing = make_system(
        world["civil"], name="社会救助管理系统",
        function="社会救助对象申请、审核、审批、资金发放和动态管理，低保、特困人员供养、临时救助业务办理",
    )
    project = file_project(
        world, name="社会救助管理系统建设", systems=[],
        function="社会救助对象申请、审核、审批、资金发放和动态管理，低保、特困人员供养、临时救助业务办理",
    )
    item = only_failing(services.compliance_checklist(project), "duplication")
    assert existing.name in item["reason"]
    assert item["details"][0]["id"] == existing.pk and item["details"][0]["score"]


def test_duplication_ignores_the_projects_own_systems(world):
    project = file_project(world, funding_channel="upgrade", function=world["system"].function,
                           name=world["system"].name)
    assert results(services.compliance_checklist(project))["duplication"] == "pass"

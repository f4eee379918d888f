"""A department files an IT project without its resource catalogue; the development-reform and finance reviewers
give their opinions; the competent authority cannot approve the non-compliant filing and refuses it with reasons;
the department links its catalogue and resubmits; after a second round the authority approves, and the built
project passes acceptance. In a real browser."""

import re

import pytest
from playwright.sync_api import expect

from govshare.catalog import services as catalog
from govshare.core.testing import (
    catalog_fields,
    catalog_items,
    ensure_seed_data,
    make_department,
    make_jurisdiction,
    make_user,
)
from govshare.inventory.models import InformationSystem
from govshare.mounting import services as mounting
from govshare.projects.models import Project, ReviewerDepartment

from .conftest import screenshot

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def city():
    # Transactional tests flush every table, the classification seeded by the migrations included.
    ensure_seed_data()
    jurisdiction = make_jurisdiction()
    authority = make_department("盐城市大数据管理局", jurisdiction, competent=True)
    reform = make_department("盐城市发展和改革委员会", jurisdiction)
    finance = make_department("盐城市财政局", jurisdiction)
    police = make_department("盐城市公安局", jurisdiction)
    ReviewerDepartment.objects.create(kind="development_reform", department=reform)
    ReviewerDepartment.objects.create(kind="finance", department=finance)
    cataloguer = make_user("bianmu", police, roles=["cataloguer"])
    reviewer = make_user("shenhe", authority, roles=["reviewer"])
    resource = catalog.create_entry(
        user=cataloguer, fields=catalog_fields(police, name="警情统计数据"),
        items=catalog_items("警情编号", "警情类别"),
    )
    catalog.submit_entry(resource, user=cataloguer)
    catalog.approve_entry(resource, user=reviewer)
    system = InformationSystem.objects.create(
        owner=police, name="警务综合平台", function="接处警与案件办理", network="external", deployment="gov_cloud",
        connected_to_platform=True, protection_level=3, protection_filing_number="32090013001-00001",
    )
    return {
        "resource": resource,
        "system": system,
        "admin": make_user("gaj_admin", police, roles=["department_admin"], full_name="孙填报"),
        "provider": make_user("tigong", police, roles=["data_provider"]),
        "reform_reviewer": make_user("fagai", reform, roles=["reviewer"], full_name="李发改"),
        "finance_reviewer": make_user("caizheng", finance, roles=["reviewer"], full_name="周财政"),
        "officer": make_user("zhuguan", authority, roles=["authority_officer"], full_name="钱主管"),
    }


def log_in(page, live_server, username):
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "Govshare#2026")
    page.click("form:has(input[name=password]) button[type=submit]")
    expect(page).not_to_have_url(re.compile(r"/login/"))


def give_opinions(page, live_server, detail_url, texts):
    for username, text in texts:
        log_in(page, live_server, username)
        page.goto(detail_url)
        form = page.locator("form[action$='/opinion/']")
        form.locator("input[name=opinion][value=agree]").check()
        form.locator("textarea[name=text]").fill(text)
        form.locator("button[type=submit]").click()
        expect(page.locator("body")).to_contain_text("已出具会审意见")


def test_file_refuse_fix_resubmit_approve_accept(page, live_server, city):
    # The department files the project, forgetting its resource catalogue.
    log_in(page, live_server, "gaj_admin")
    page.goto(f"{live_server.url}/projects/")
    page.get_by_role("link", name="填报项目备案").click()
    page.fill("input[name=name]", "智慧警务二期")
    page.select_option("select[name=funding_channel]", "construction")
    page.fill("input[name=investment]", "380.5")
    page.fill("input[name=annual_om_cost]", "25")
    page.fill("textarea[name=function]", "建设视频图像解析与警情研判模块，向共享平台提供警情数据接口")
    page.select_option("select[name=systems]", [str(city["system"].pk)])
    page.check("input[name=plans_to_connect]")
    page.select_option("select[name=protection_level]", "3")
    page.fill("input[name=protection_filing_number]", "32090013002-00002")
    screenshot(page, "project-form")
    page.locator("form.project-form button[type=submit]").click()
    expect(page.locator("body")).to_contain_text("已保存项目备案")
    project = Project.objects.get()
    detail_url = f"{live_server.url}/projects/{project.pk}/"
    checklist = page.locator("#compliance")
    expect(checklist.locator("[data-check=catalogue]")).to_contain_text("不符合")
    expect(checklist.locator("[data-check=protection]")).to_contain_text("符合")

    page.once("dialog", lambda dialog: dialog.accept())  # submitting a non-compliant filing asks first
    page.locator("form[action$='/submit/'] button[type=submit]").click()
    expect(page.locator("body")).to_contain_text("会审中")

    # Both reviewer departments agree.
    give_opinions(page, live_server, detail_url, [("fagai", "符合年度投资计划"), ("caizheng", "运维经费已纳入预算")])

    # The authority cannot approve a non-compliant filing: it refuses with reasons.
    log_in(page, live_server, "zhuguan")
    page.goto(f"{live_server.url}/projects/?todo=true")
    expect(page.locator("#object-list")).to_contain_text("智慧警务二期")
    page.goto(detail_url)
    expect(page.locator("body")).to_contain_text("符合年度投资计划")
    expect(page.locator("body")).to_contain_text("存在不符合项，不能批准")
    decide = page.locator("form[action$='/decide/']")
    decide.locator("input[name=decision][value=approved]").check()
    decide.locator("button[type=submit]").click()
    expect(page.locator("body")).to_contain_text("不能批准")
    decide = page.locator("form[action$='/decide/']")
    decide.locator("input[name=decision][value=refused]").check()
    decide.locator("textarea[name=reason]").fill("未预编项目信息资源目录，请补充后重新提交")
    screenshot(page, "project-refuse")
    decide.locator("button[type=submit]").click()
    expect(page.locator("body")).to_contain_text("已不予批准")
    project.refresh_from_db()
    assert project.status == "refused"

    # The department links its catalogue entry and submits again (a second round).
    log_in(page, live_server, "gaj_admin")
    page.goto(detail_url)
    expect(page.locator("body")).to_contain_text("未预编项目信息资源目录")
    page.locator(".page-actions").get_by_role("link", name="修改").click()
    page.select_option("select[name=planned_resources]", [str(city["resource"].pk)])
    page.locator("form.project-form button[type=submit]").click()
    expect(page.locator("#compliance [data-check=catalogue]")).to_contain_text("符合")
    expect(page.locator("#compliance .card-meta")).not_to_contain_text("不符合")
    page.locator("form[action$='/submit/'] button[type=submit]").click()
    expect(page.locator("body")).to_contain_text("已提交第 2 轮审查")

    give_opinions(page, live_server, detail_url, [("fagai", "同意"), ("caizheng", "同意")])

    log_in(page, live_server, "zhuguan")
    page.goto(detail_url)
    decide = page.locator("form[action$='/decide/']")
    decide.locator("input[name=decision][value=approved]").check()
    decide.locator("textarea[name=reason]").fill("符合共享要求，同意备案")
    decide.locator("button[type=submit]").click()
    expect(page.locator("body")).to_contain_text("已批准")
    expect(page.locator("body")).to_contain_text("第 1 轮审查")  # the refused round is kept
    project.refresh_from_db()
    assert project.status == "approved" and project.reviews.count() == 2
    screenshot(page, "project-approved")

    # Built: the resource is mounted behind an API; the department asks for acceptance and it passes.
    mounting.save_api_endpoint(city["resource"], user=city["provider"], base_url="https://api.example.gov.cn/jq")
    log_in(page, live_server, "gaj_admin")
    page.goto(detail_url)
    page.locator("form[action$='/request-acceptance/'] button[type=submit]").click()
    expect(page.locator("body")).to_contain_text("已申请验收")
    log_in(page, live_server, "zhuguan")
    page.goto(detail_url)
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("form[action$='/accept/'] button[type=submit]").click()
    expect(page.locator("body")).to_contain_text("验收通过")
    project.refresh_from_db()
    assert project.status == "accepted"
    assert not [e for e in page.console_errors if "Content Security Policy" in e], page.console_errors

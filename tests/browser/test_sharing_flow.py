"""A consumer applies for a conditional resource, the provider refuses, the consumer negotiates and escalates, and
the competent authority decides to share: a grant is issued. In a real browser."""

import re

import pytest
from playwright.sync_api import expect

from govshare.catalog import services as catalog
from govshare.core.testing import catalog_fields, ensure_seed_data, make_department, make_jurisdiction, make_user
from govshare.sharing.models import Grant, ShareRequest

from .conftest import screenshot

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def city():
    # Transactional tests flush every table, the classification seeded by the migrations included.
    ensure_seed_data()
    jurisdiction = make_jurisdiction()
    authority = make_department("盐城市经济和信息化委员会", jurisdiction, competent=True)
    police = make_department("盐城市公安局", jurisdiction)
    market = make_department("盐城市市场监督管理局", jurisdiction)
    cataloguer = make_user("bianmu", police, roles=["cataloguer"])
    reviewer = make_user("shenhe", authority, roles=["reviewer"])
    items = [
        {"name": "身份证号", "code": "SFZH", "data_type": "C", "length": 18, "is_sensitive": True,
         "share_type": "conditional", "open_type": "not_open"},
        {"name": "户籍地址", "code": "HJDZ", "data_type": "C", "length": 200, "share_type": "conditional",
         "open_type": "not_open"},
    ]
    resource = catalog.create_entry(
        user=cataloguer,
        fields=catalog_fields(police, name="常住人口基本信息", share_type="conditional",
                              share_condition="仅限履行法定职责使用", share_mode="api"),
        items=items,
    )
    catalog.submit_entry(resource, user=cataloguer)
    catalog.approve_entry(resource, user=reviewer)
    return {
        "resource": resource,
        "consumer": make_user("shiyong", market, roles=["data_consumer"], full_name="王使用"),
        "provider": make_user("tigong", police, roles=["data_provider"], full_name="赵提供"),
        "officer": make_user("zhuguan", authority, roles=["authority_officer"], full_name="钱主管"),
    }


def log_in(page, live_server, username):
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "Govshare#2026")
    page.click("form:has(input[name=password]) button[type=submit]")
    expect(page).not_to_have_url(re.compile(r"/login/"))


def log_out(page):
    page.context.clear_cookies()


def test_request_refuse_negotiate_escalate_authority_grants(page, live_server, city):
    resource = city["resource"]

    # The consumer applies for both items.
    log_in(page, live_server, "shiyong")
    page.goto(f"{live_server.url}/sharing/requests/add/?resource={resource.pk}")
    expect(page.locator("body")).to_contain_text("10 个工作日")
    for checkbox in page.locator("input[name=items]").all():
        checkbox.check()
    page.fill("textarea[name=purpose]", "企业开办时核验法定代表人身份")
    page.fill("textarea[name=legal_basis]", "《优化营商环境条例》第十九条")
    screenshot(page, "sharing-request-form")
    page.locator("form.form-card button[type=submit]").click()
    expect(page.locator("body")).to_contain_text("申请已提交")
    share_request = ShareRequest.objects.get()
    detail_url = f"{live_server.url}/sharing/requests/{share_request.pk}/"
    assert share_request.status == "submitted" and share_request.items.count() == 2

    # The provider finds it in its list and refuses with a reason.
    log_out(page)
    log_in(page, live_server, "tigong")
    page.goto(f"{live_server.url}/sharing/requests/?box=todo")
    expect(page.locator("#object-list")).to_contain_text("常住人口基本信息")
    page.goto(detail_url)
    page.fill("form[action$='/refuse/'] textarea[name=reason]", "身份证号属于个人敏感信息，用途不充分")
    page.locator("form[action$='/refuse/'] button[type=submit]").click()
    expect(page.locator("body")).to_contain_text("已拒绝")
    share_request.refresh_from_db()
    assert share_request.status == "refused"

    # The consumer negotiates, then takes it to the competent authority.
    log_out(page)
    log_in(page, live_server, "shiyong")
    page.goto(detail_url)
    expect(page.locator("body")).to_contain_text("身份证号属于个人敏感信息")
    page.fill("form[action$='/negotiate/'] textarea[name=body]", "仅核验一致性，不留存数据")
    page.locator("form[action$='/negotiate/'] button[type=submit]").click()
    expect(page.locator("body")).to_contain_text("协商中")
    page.once("dialog", lambda dialog: dialog.accept())
    page.fill("form[action$='/escalate/'] textarea[name=reason]", "协商未果，请主管部门协调")
    page.locator("form[action$='/escalate/'] button[type=submit]").click()
    expect(page.locator("body")).to_contain_text("主管部门协调中")
    share_request.refresh_from_db()
    assert share_request.status == "escalated"

    # The competent authority decides to share; the grant is issued.
    log_out(page)
    log_in(page, live_server, "zhuguan")
    page.goto(f"{live_server.url}/sharing/requests/?box=authority")
    expect(page.locator("#object-list")).to_contain_text("常住人口基本信息")
    page.goto(detail_url)
    expect(page.locator("body")).to_contain_text("仅核验一致性，不留存数据")
    decide = page.locator("form[action$='/decide/']")
    decide.locator("input[name=decision][value=grant]").check()
    decide.locator("textarea[name=reason]").fill("依法履职需要，决定共享")
    screenshot(page, "sharing-decide")
    decide.locator("button[type=submit]").click()
    expect(page.locator("body")).to_contain_text("主管部门决定共享")
    share_request.refresh_from_db()
    assert share_request.status == "authority_granted"
    grant = Grant.objects.get()
    assert grant.basis == "authority" and grant.is_active() and grant.items.count() == 2
    page.goto(f"{live_server.url}/sharing/grants/{grant.pk}/")
    expect(page.locator("body")).to_contain_text("主管部门决定")
    expect(page.locator("body")).to_contain_text("有效")
    screenshot(page, "sharing-grant")
    assert not [e for e in page.console_errors if "Content Security Policy" in e], page.console_errors

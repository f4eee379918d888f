"""A cataloguer and a reviewer work an entry through its whole life in a real browser."""

import re

import pytest
from playwright.sync_api import expect

from govshare.catalog.models import Resource
from govshare.core.testing import ensure_seed_data, make_department, make_jurisdiction, make_user

from .conftest import screenshot

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def city():
    # Transactional tests flush every table, the classification seeded by the migrations included.
    ensure_seed_data()
    jurisdiction = make_jurisdiction()
    authority = make_department("盐城市经济和信息化委员会", jurisdiction, competent=True)
    police = make_department("盐城市公安局", jurisdiction)
    return {
        "cataloguer": make_user("bianmu", police, roles=["cataloguer"], full_name="张编目"),
        "reviewer": make_user("shenhe", authority, roles=["reviewer"], full_name="李审核"),
        "police": police,
    }


def log_in(page, live_server, username):
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "Govshare#2026")
    page.click("form:has(input[name=password]) button[type=submit]")
    expect(page).not_to_have_url(re.compile(r"/login/"))


def log_out(page):
    page.context.clear_cookies()


def test_login_create_submit_return_resubmit_approve_and_search(page, live_server, city):
    # The cataloguer logs in and creates an entry with three info items.
    log_in(page, live_server, "bianmu")
    expect(page.locator("body")).to_contain_text("张编目")
    page.goto(f"{live_server.url}/catalog/add/")
    option = page.locator("select[name=classification] option", has_text="法人单位").first
    page.select_option("select[name=classification]", option.get_attribute("value"))
    page.fill("input[name=name]", "危险化学品经营许可信息")
    page.fill("textarea[name=abstract]", "记录本市危险化学品经营许可证的核发、变更和注销信息。")
    page.select_option("select[name=format_category]", "database")
    page.fill("input[name=format_type]", "KingbaseES")
    page.select_option("select[name=update_cycle]", "daily")
    page.check("input[name=share_type][value=conditional]")
    page.select_option("select[name=share_mode]", "api")
    # The condition field is shown only for conditional sharing (progressive enhancement).
    expect(page.locator("textarea[name=share_condition]")).to_be_visible()
    page.fill("textarea[name=share_condition]", "仅限安全生产监管业务使用")
    rows = [("许可证编号", "XKZBH", "C", "30"), ("企业名称", "QYMC", "C", "200"), ("有效期至", "YXQZ", "D", "")]
    for index, (name, code, data_type, length) in enumerate(rows):
        page.fill(f"input[name=items-{index}-name]", name)
        page.fill(f"input[name=items-{index}-code]", code)
        page.select_option(f"select[name=items-{index}-data_type]", data_type)
        if length:
            page.fill(f"input[name=items-{index}-length]", length)
        page.select_option(f"select[name=items-{index}-share_type]", "conditional")
    screenshot(page, "catalog-create")
    page.click("button[name=action][value=submit]")
    expect(page.locator("body")).to_contain_text("待审核")
    expect(page.locator("body")).to_contain_text("许可证编号")
    resource = Resource.objects.get(name="危险化学品经营许可信息")
    assert resource.status == "submitted"
    assert resource.items.count() == 3
    detail_url = f"{live_server.url}/catalog/{resource.pk}/"

    # The reviewer returns it with a reason.
    log_out(page)
    log_in(page, live_server, "shenhe")
    page.goto(f"{live_server.url}/catalog/review/")
    expect(page.locator("body")).to_contain_text("危险化学品经营许可信息")
    page.goto(detail_url)
    page.once("dialog", lambda dialog: dialog.accept())
    page.fill("textarea[name=reason]", "摘要未说明数据覆盖的时间范围")
    page.locator("form[action$='/return/'] button[type=submit]").click()
    expect(page.locator("body")).to_contain_text("摘要未说明数据覆盖的时间范围")
    resource.refresh_from_db()
    assert resource.status == "returned"

    # The cataloguer sees the reason, fixes the abstract and resubmits.
    log_out(page)
    log_in(page, live_server, "bianmu")
    page.goto(detail_url)
    expect(page.locator("body")).to_contain_text("摘要未说明数据覆盖的时间范围")
    page.goto(f"{detail_url}edit/")
    page.fill("textarea[name=abstract]", "记录本市2015年以来危险化学品经营许可证的核发、变更和注销信息。")
    page.click("button[name=action][value=submit]")
    expect(page.locator("body")).to_contain_text("待审核")

    # The reviewer approves; the entry is published with a code.
    log_out(page)
    log_in(page, live_server, "shenhe")
    page.goto(detail_url)
    page.fill("textarea[name=comment]", "同意发布")
    page.locator("form[action$='/approve/'] button[type=submit]").click()
    expect(page.locator("body")).to_contain_text("已发布")
    resource.refresh_from_db()
    assert resource.status == "published"
    assert resource.code == "102/000001"
    expect(page.locator("body")).to_contain_text("102/000001")

    # Anyone logged in finds it by a Chinese word inside the name.
    page.goto(f"{live_server.url}/catalog/search/")
    page.fill("input[name=q]", "化学品经营")
    page.keyboard.press("Enter")
    expect(page.locator("#object-list, main").first).to_contain_text("危险化学品经营许可信息")
    screenshot(page, "catalog-search")
    assert not [e for e in page.console_errors if "Content Security Policy" in e], page.console_errors

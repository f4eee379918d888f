"""A provider mounts a table in a real browser: a GBK CSV loads with its progress card, a bad file is rejected with
its error report link."""

import re

import pytest
from playwright.sync_api import expect

from govshare.catalog import services as catalog
from govshare.core.testing import catalog_fields, ensure_seed_data, make_department, make_jurisdiction, make_user

from .conftest import screenshot

pytestmark = pytest.mark.django_db(transaction=True)

ITEMS = [
    {"name": "统一社会信用代码", "code": "TYSHXYDM", "data_type": "C", "length": 18, "share_type": "unconditional",
     "open_type": "not_open"},
    {"name": "企业名称", "code": "QYMC", "data_type": "C", "length": 200, "share_type": "unconditional",
     "open_type": "not_open"},
    {"name": "注册资本", "code": "ZCZB", "data_type": "N", "length": 20, "share_type": "unconditional",
     "open_type": "not_open"},
]
GOOD = (
    "统一社会信用代码,企业名称,注册资本\n"
    "11320900000000019K,盐城市甲贸易有限公司,100.5\n"
    "11320900000000027E,盐城市乙科技有限公司,2000\n"
    "113209000000000359,盐城市丙食品有限公司,30\n"
)
BAD = "统一社会信用代码,企业名称,注册资本\n11320900000000019K,盐城市甲贸易有限公司,一百万\n"


@pytest.fixture
def provider():
    ensure_seed_data()
    city = make_jurisdiction()
    authority = make_department("盐城市大数据管理局", city, competent=True)
    market = make_department("盐城市市场监督管理局", city)
    cataloguer = make_user("bianmu", market, roles=["cataloguer"])
    reviewer = make_user("shenhe", authority, roles=["reviewer"])
    resource = catalog.create_entry(user=cataloguer, fields=catalog_fields(market), items=ITEMS)
    catalog.submit_entry(resource, user=cataloguer)
    catalog.approve_entry(resource, user=reviewer)
    make_user("tigong", market, roles=["data_provider"], full_name="王提供")
    return resource


def log_in(page, live_server, username):
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "Govshare#2026")
    page.click("form:has(input[name=password]) button[type=submit]")
    expect(page).not_to_have_url(re.compile(r"/login/"))


def upload(page, name, content, mode="replace"):
    page.set_input_files("input[name=file]", files=[{"name": name, "mimeType": "text/csv", "buffer": content}])
    page.select_option("select[name=mode]", mode)
    page.click("button[name=upload]")


def test_provider_uploads_a_gbk_csv_then_a_bad_file(page, live_server, provider):
    log_in(page, live_server, "tigong")
    page.goto(f"{live_server.url}/mounting/")
    page.click(f"a:has-text('{provider.name}')")
    expect(page.locator("nav.tabs")).to_contain_text("库表")

    upload(page, "企业名录-GBK.csv", GOOD.encode("gbk"))
    card = page.locator("#load-progress")
    expect(card).to_have_attribute("data-load-status", "succeeded", timeout=30_000)
    expect(card.locator("progress")).to_have_attribute("value", "100")
    expect(card.locator(".rows-loaded")).to_have_text("3")
    page.click("text=刷新数据预览")
    expect(page.locator(".preview-table")).to_contain_text("盐城市乙科技有限公司")
    expect(page.locator(".table-row-count")).to_have_text("3")
    screenshot(page, "mount-loaded")

    upload(page, "坏数据.csv", BAD.encode("utf-8"))
    card = page.locator("#load-progress")
    expect(card).to_have_attribute("data-load-status", re.compile("rejected|failed"), timeout=30_000)
    expect(card.locator(".error-report-link")).to_be_visible()
    with page.expect_download() as download:
        card.locator(".error-report-link").click()
    assert download.value.suggested_filename
    # The rejected file changed nothing.
    expect(page.locator(".table-row-count")).to_have_text("3")
    screenshot(page, "mount-rejected")
    assert not [error for error in page.console_errors if "Content Security Policy" in error]


def test_provider_mounts_a_file_and_registers_an_api(page, live_server, provider):
    log_in(page, live_server, "tigong")
    page.goto(f"{live_server.url}/mounting/resources/{provider.pk}/?tab=files")
    page.set_input_files("input[name=file]", files=[{"name": "年报.pdf", "mimeType": "application/pdf",
                                                     "buffer": b"%PDF-1.4 annual report"}])
    page.click("form[action$='/files/'] button[type=submit]")
    expect(page.locator(".file-list")).to_contain_text("年报.pdf")
    screenshot(page, "mount-files")

    page.goto(f"{live_server.url}/mounting/resources/{provider.pk}/?tab=api")
    page.fill("input[name=base_url]", "https://api.market.example.gov.cn/enterprises")
    page.fill("input[name=auth_header_name]", "X-Api-Key")
    page.fill("input[name=auth_header_value]", "top-secret-key-123")
    page.click("form[action$='/api/'] button[type=submit]")
    expect(page.locator("body")).to_contain_text("已设置（不显示）")
    assert "top-secret-key-123" not in page.content()
    assert page.input_value("input[name=auth_header_value]") == ""
    screenshot(page, "mount-api")

    page.goto(f"{live_server.url}/mounting/resources/{provider.pk}/?tab=pull")
    expect(page.locator("body")).to_contain_text("列映射")
    screenshot(page, "mount-pull")
    assert not [error for error in page.console_errors if "Content Security Policy" in error]

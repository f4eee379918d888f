"""A consumer requests conditional data, the provider approves part of it, and the consumer downloads the granted
items as CSV with the ID numbers masked; the download is in the audit log. In a real browser."""

import csv
import datetime as dt
import io
import re

import pytest
from playwright.sync_api import expect

from govshare.audit.models import AuditEntry
from govshare.catalog import services as catalog
from govshare.core.testing import catalog_fields, ensure_seed_data, make_department, make_jurisdiction, make_user
from govshare.datastore import services as datastore
from govshare.demo.exchange_data import id_number
from govshare.sharing.models import Grant, ShareRequest

from .conftest import screenshot

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def city(tmp_path):
    ensure_seed_data()
    jurisdiction = make_jurisdiction()
    authority = make_department("盐城市经济和信息化委员会", jurisdiction, competent=True)
    police = make_department("盐城市公安局", jurisdiction)
    civil = make_department("盐城市民政局", jurisdiction)
    cataloguer = make_user("bianmu", police, roles=["cataloguer"])
    reviewer = make_user("shenhe", authority, roles=["reviewer"])
    provider = make_user("tigong", police, roles=["data_provider"])
    items = [
        {"name": "公民身份号码", "code": "GMSFHM", "data_type": "C", "length": 18, "is_sensitive": True,
         "share_type": "conditional", "open_type": "not_open"},
        {"name": "姓名", "code": "XM", "data_type": "C", "length": 50, "share_type": "conditional",
         "open_type": "not_open"},
        {"name": "户籍地址", "code": "HJDZ", "data_type": "C", "length": 200, "share_type": "conditional",
         "open_type": "not_open"},
    ]
    resource = catalog.create_entry(
        user=cataloguer,
        fields=catalog_fields(police, name="户籍人口信息", share_type="conditional",
                              share_condition="仅限履行法定职责使用", share_mode="table"),
        items=items,
    )
    catalog.submit_entry(resource, user=cataloguer)
    catalog.approve_entry(resource, user=reviewer)
    people = [id_number("320902", dt.date(1980, 1, 1) + dt.timedelta(days=n * 97), n, n % 2 == 0) for n in range(30)]
    source = tmp_path / "people.csv"
    source.write_bytes(("公民身份号码,姓名,户籍地址\n" + "".join(
        f"{number},王{n},江苏省盐城市亭湖区人民中路{n}号\n" for n, number in enumerate(people)
    )).encode("gbk"))
    key = resource.items.get(code="GMSFHM")
    table = datastore.ensure_table(resource, key_item=key, user=provider)
    load = datastore.load_file(table, source, mode="replace", key_item=key, user=provider, source_name="people.csv")
    assert load.status == "succeeded", load.message
    return {"resource": resource, "people": people, "consumer": make_user("shiyong", civil, roles=["data_consumer"])}


def log_in(page, live_server, username):
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "Govshare#2026")
    page.click("form:has(input[name=password]) button[type=submit]")
    expect(page).not_to_have_url(re.compile(r"/login/"))


def test_request_approve_part_then_download_masked_csv(page, live_server, city):
    resource = city["resource"]

    # The consumer finds the entry and applies for all three items.
    log_in(page, live_server, "shiyong")
    page.goto(f"{live_server.url}/catalog/{resource.pk}/")
    page.get_by_role("link", name="申请共享").click()
    for checkbox in page.locator("input[name=items]").all():
        checkbox.check()
    page.fill("textarea[name=purpose]", "最低生活保障资格审核，核对申请人户籍")
    page.fill("textarea[name=legal_basis]", "《社会救助暂行办法》第十一条")
    page.locator("form.form-card button[type=submit]").click()
    expect(page.locator("body")).to_contain_text("申请已提交")
    share_request = ShareRequest.objects.get()

    # The provider approves the ID number and the name, not the address, the ID number masked.
    log_in(page, live_server, "tigong")
    page.goto(f"{live_server.url}/sharing/requests/{share_request.pk}/")
    approve = page.locator("form[action$='/approve/']")
    approve.locator("input[name=items]").nth(2).uncheck()
    approve.locator("textarea[name=comment]").fill("户籍地址不在本次核验所需范围内")
    approve.locator("button[type=submit]").click()
    expect(page.locator("body")).to_contain_text("部分同意")
    grant = Grant.objects.get()
    assert sorted(grant.items.values_list("code", flat=True)) == ["GMSFHM", "XM"]

    # The consumer opens the grant, states the purpose, previews and downloads CSV.
    log_in(page, live_server, "shiyong")
    page.goto(f"{live_server.url}/sharing/grants/{grant.pk}/")
    page.get_by_role("link", name="使用数据").click()
    page.fill("input[name=purpose]", "最低生活保障资格审核")
    page.get_by_role("button", name="预览").click()
    first = city["people"][0]
    expect(page.locator("table")).to_contain_text(first[:6] + "********" + first[-4:])
    expect(page.locator("table")).not_to_contain_text(first)
    expect(page.locator("table")).not_to_contain_text("人民中路")
    screenshot(page, "exchange-data-preview")
    with page.expect_download() as download_info:
        page.locator("button[name=format][value=csv]").click()
    body = download_info.value.path().read_bytes()
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert len(rows) == 31 and len(rows[0]) == 2
    numbers = {row[0] for row in rows[1:]}
    assert first[:6] + "********" + first[-4:] in numbers and first not in numbers

    downloads = AuditEntry.objects.filter(action="download", resource=resource, result="success")
    assert downloads.exists()
    assert any(entry.purpose == "最低生活保障资格审核" and entry.username == "shiyong" for entry in downloads)
    assert not [e for e in page.console_errors if "Content Security Policy" in e], page.console_errors

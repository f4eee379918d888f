"""A supervisor imports the seeds' task table, a lead unit reports progress, and the supervisor reads the weekly
bulletin and downloads it. In a real browser."""

import re

import pytest
from playwright.sync_api import expect

from govshare.core.testing import ensure_seed_data, make_department, make_jurisdiction, make_user
from govshare.supervision.excel import write_workbook
from govshare.supervision.models import ProgressReport, WorkPlan
from govshare.supervision.tests.seed_rows import ROWS, TITLE

from .conftest import screenshot

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def city():
    ensure_seed_data()
    jurisdiction = make_jurisdiction()
    authority = make_department("盐城市大数据管理局", jurisdiction, competent=True)
    jxw = make_department("盐城市经济和信息化委员会", jurisdiction, short_name="市经信委")
    make_department("市公安局", jurisdiction)
    make_department("市财政局", jurisdiction)
    return {
        "supervisor": make_user("duban", authority, roles=["authority_officer"], full_name="周督办"),
        "unit": make_user("jxw_admin", jxw, roles=["department_admin"], full_name="吴经信"),
    }


def log_in(page, live_server, username):
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "Govshare#2026")
    page.click("form:has(input[name=password]) button[type=submit]")
    expect(page).not_to_have_url(re.compile(r"/login/"))


def test_import_report_and_bulletin(page, live_server, city, tmp_path):
    workbook = tmp_path / "重点工作任务.xlsx"
    write_workbook(workbook, ROWS, title=TITLE)

    log_in(page, live_server, "duban")
    page.goto(f"{live_server.url}/supervision/")
    page.click("text=导入任务表")
    page.set_input_files("input[name=file]", str(workbook))
    page.fill("input[name=year]", "2018")
    page.click("button:has-text('开始导入')")
    expect(page.locator("#import-result")).to_contain_text("共 18 项任务")
    expect(page.locator(".warning-table")).to_contain_text("市级各部门")
    screenshot(page, "supervision-import")
    plan = WorkPlan.objects.get()

    # The task list narrows with HTMX when a unit is chosen.
    page.goto(f"{live_server.url}/supervision/tasks/")
    page.select_option("select[name=unit_id]", label="市公安局")
    expect(page.locator("#object-list")).to_contain_text("网络安全保障方案")
    expect(page.locator("#object-list tbody tr")).to_have_count(2)  # lead of 3, cooperating on 16
    expect(page).to_have_url(re.compile(r"unit_id="))
    screenshot(page, "supervision-tasks")

    log_in(page, live_server, "jxw_admin")
    task = plan.tasks.get(number="2")
    page.goto(f"{live_server.url}/supervision/tasks/{task.pk}/")
    page.click("text=报送进展")
    page.fill("textarea[name=text]", "管理办法修订稿已完成征求意见")
    page.fill("input[name=percent]", "80")
    page.click("button:has-text('报送')")
    expect(page.locator("#reports")).to_contain_text("管理办法修订稿已完成征求意见")
    assert ProgressReport.objects.get().percent == 80

    log_in(page, live_server, "duban")
    page.goto(f"{live_server.url}/supervision/bulletin/")
    expect(page.locator("#bulletin")).to_contain_text("本周进展报送")
    expect(page.locator("#bulletin")).to_contain_text("管理办法修订稿已完成征求意见")
    expect(page.locator("#bulletin")).to_contain_text("盐城市经济和信息化委员会")
    screenshot(page, "supervision-bulletin")
    with page.expect_download() as download_info:
        page.click("text=下载 PDF")
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf")
    assert not page.console_errors

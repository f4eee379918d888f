"""A department admin imports its audit list; usage makes one system a zombie; the competent authority runs the
detection, confirms the flag and sets a plan to integrate it into another system; the department uploads the
evidence and finishes it: the system shows 已整合 into the target. In a real browser."""

import datetime
import io

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from govshare.core.testing import ensure_seed_data, make_department, make_jurisdiction, make_user
from govshare.inventory.models import InformationSystem, SystemUsage
from govshare.inventory.testing import write_audit_list
from govshare.zombies.models import CleanupPlan, ZombieFlag

from .conftest import screenshot
from .test_sharing_flow import log_in, log_out

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def city():
    # Transactional tests flush every table, the classification seeded by the migrations included.
    ensure_seed_data()
    jurisdiction = make_jurisdiction()
    authority = make_department("盐城市大数据管理局", jurisdiction, competent=True)
    police = make_department("盐城市公安局", jurisdiction)
    return {
        "police": police,
        "admin": make_user("gaj_admin", police, roles=["department_admin"], full_name="孙管理"),
        "officer": make_user("zhuguan", authority, roles=["authority_officer"], full_name="钱主管"),
    }


def audit_list(police):
    buffer = io.BytesIO()
    write_audit_list(buffer, [
        {"清单编号": "GA-01", "系统名称": "公安综合应用平台", "所属部门": police.name, "是否接入共享平台": "是",
         "主要功能": "全市网格化社会治理，网格员巡查上报事件，事件流转处置"},
        {"清单编号": "GA-02", "系统名称": "旧版户籍查询系统", "主要功能": "户籍人口信息查询，户口迁移证明打印",
         "所属部门": police.name},
    ])
    return buffer.getvalue()


def test_import_detect_confirm_plan_and_finish(page, live_server, city):
    page.on("dialog", lambda dialog: dialog.accept())  # the finish form asks before submitting

    # The department admin imports the audit list.
    log_in(page, live_server, "gaj_admin")
    page.goto(f"{live_server.url}/inventory/import/")
    audit_form = page.locator("form:has(input[name=file])").first
    audit_form.locator("input[name=file]").set_input_files(files=[{
        "name": "审计清单.xlsx", "buffer": audit_list(city["police"]),
        "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}])
    audit_form.locator("button[type=submit]").click()
    expect(page.locator("body")).to_contain_text("导入完成")
    hub = InformationSystem.objects.get(name="公安综合应用平台")
    old = InformationSystem.objects.get(name="旧版户籍查询系统")

    # Usage: the platform is busy; the old system has had no users for over a year.
    today = timezone.localdate()
    last_month = (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    SystemUsage.objects.create(system=hub, month=last_month, monthly_active_users=800, source="api",
                               last_used_on=today, last_maintained_on=today, resource_utilisation=45)
    year_ago = (today - datetime.timedelta(days=400)).replace(day=1)
    SystemUsage.objects.create(system=old, month=year_ago, monthly_active_users=0, source="api",
                               last_used_on=year_ago, last_maintained_on=year_ago, resource_utilisation=2)
    log_out(page)

    # The competent authority runs the detection and sees the flag with its reasons.
    log_in(page, live_server, "zhuguan")
    page.goto(f"{live_server.url}/zombies/")
    page.get_by_role("button", name="运行检测").click()
    expect(page.locator("body")).to_contain_text("检测完成")
    row = page.locator("#object-list tr", has_text="旧版户籍查询系统")
    expect(row).to_contain_text("个月无人使用")
    expect(page.locator("#object-list")).not_to_contain_text("公安综合应用平台")
    screenshot(page, "zombies-flag-list")
    row.get_by_role("link", name="旧版户籍查询系统").click()
    expect(page.locator(".zombie-reason-table")).to_contain_text("资源利用率")

    # … confirms it …
    page.locator(".zombie-confirm-form textarea[name=note]").fill("一年多无人使用，功能已由综合平台覆盖")
    page.locator(".zombie-confirm-form button[type=submit]").click()
    expect(page.locator("body")).to_contain_text("已确认为僵尸系统")
    assert ZombieFlag.objects.get(system=old).status == "confirmed"

    # … and sets the plan: integrate into the platform.
    page.get_by_role("link", name="制定清理计划").click()
    page.locator("input[name=action][value=integrate]").check()
    page.locator("select[name=target]").select_option(label="盐城市公安局 / 公安综合应用平台")
    page.fill("input[name=deadline]", (today + datetime.timedelta(days=90)).isoformat())
    page.fill("textarea[name=instructions]", "数据迁入综合平台后下线")
    page.locator("form.form-card button[type=submit]").click()
    expect(page.locator(".page-subtitle")).to_contain_text("整合至“公安综合应用平台”")
    plan = CleanupPlan.objects.get()
    screenshot(page, "zombies-plan")
    log_out(page)

    # The department uploads the evidence and marks it done.
    log_in(page, live_server, "gaj_admin")
    page.goto(f"{live_server.url}/zombies/plans/")
    page.get_by_role("link", name="旧版户籍查询系统").click()
    finish = page.locator(".zombie-finish-form")
    finish.locator("textarea[name=evidence_text]").fill("户籍查询功能已迁入综合平台，旧系统已下线")
    finish.locator("input[name=evidence_file]").set_input_files(files=[{
        "name": "整合验收报告.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4 acceptance"}])
    finish.locator("button[type=submit]").click()
    expect(page.locator("body")).to_contain_text("清理已完成")
    plan.refresh_from_db()
    assert plan.status == "done" and plan.evidence_name == "整合验收报告.pdf"

    # The system now shows 已整合 into the target, on its page and on the department's map.
    page.goto(f"{live_server.url}/inventory/{old.pk}/")
    expect(page.locator(".page-subtitle")).to_contain_text("已整合")
    expect(page.locator("body")).to_contain_text("公安综合应用平台")
    page.goto(f"{live_server.url}/zombies/departments/")
    node = page.locator(f".zombie-node[data-system='{old.pk}']")
    expect(node).to_contain_text("已整合")
    expect(page.locator(f".zombie-node[data-system='{hub.pk}']")).to_contain_text("旧版户籍查询系统")
    screenshot(page, "zombies-department-map")
    assert page.console_errors == []

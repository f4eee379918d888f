"""The supervision pages: lists with HTMX filters, detail, import, report form, bulletin and monthly view."""

import datetime
import io

import pytest
from django.urls import reverse

from govshare.core.testing import login_client
from govshare.supervision.models import ProgressReport, WorkPlan, WorkTask

from .seed_rows import TITLE

pytestmark = pytest.mark.django_db


def test_plan_list_and_detail(world, seed_plan):
    client = login_client(world["jxw_user"])
    page = client.get(reverse("supervision:plan_list"))
    assert page.status_code == 200
    content = page.content.decode()
    assert TITLE in content and "导入任务表" not in content
    detail = client.get(reverse("supervision:plan_detail", args=[seed_plan.pk])).content.decode()
    assert "修订完善《盐城市政务信息资源共享管理暂行办法》" in detail
    assert "unit-unmatched" in detail and "市级各部门" in detail  # units kept as text stay visible
    assert "新增任务" not in detail
    supervisor = login_client(world["supervisor"])
    assert "导入任务表" in supervisor.get(reverse("supervision:plan_list")).content.decode()
    assert "新增任务" in supervisor.get(reverse("supervision:plan_detail", args=[seed_plan.pk])).content.decode()


def test_plans_of_another_city_are_not_found(world, seed_plan):
    client = login_client(world["other_officer"])
    assert client.get(reverse("supervision:plan_detail", args=[seed_plan.pk])).status_code == 404
    task = seed_plan.tasks.first()
    assert client.get(reverse("supervision:task_detail", args=[task.pk])).status_code == 404


def test_task_list_filters_with_htmx(world, seed_plan):
    client = login_client(world["supervisor"])
    url = reverse("supervision:task_list")
    full = client.get(url)
    assert full.status_code == 200 and "仅看逾期" in full.content.decode()
    police = world["units"]["市公安局"]
    partial = client.get(url, {"unit_id": police.pk}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="object-list")
    body = partial.content.decode()
    assert "<html" not in body
    assert "网络安全保障方案" in body and "数据安全管理办法" in body  # lead of 3, cooperating on 16
    assert "采购管理相关办法" not in body
    overdue = client.get(url, {"overdue": "true"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="object-list")
    text = overdue.content.decode()
    assert "已逾期" in text and "报送年度政务信息资源共享情况" not in text  # the yearly task is not overdue
    states = client.get(url, {"state": "done"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="object-list")
    assert "没有符合条件的督查任务" in states.content.decode()


def test_task_list_query_count_does_not_grow_with_rows(world, seed_plan, django_assert_max_num_queries):
    client = login_client(world["supervisor"])
    with django_assert_max_num_queries(20):
        assert client.get(reverse("supervision:task_list")).status_code == 200


def test_task_detail_and_report_form(world, seed_plan):
    task = seed_plan.tasks.get(number="3")
    client = login_client(world["police_admin"])
    detail = client.get(reverse("supervision:task_detail", args=[task.pk])).content.decode()
    assert "报送进展" in detail and "督查确认" not in detail
    url = reverse("supervision:task_report", args=[task.pk])
    assert client.get(url).status_code == 200
    bad = client.post(url, {"department": world["units"]["市公安局"].pk, "text": "", "percent": 150})
    assert bad.status_code == 400 and not ProgressReport.objects.exists()
    attachment = io.BytesIO(b"minutes")
    attachment.name = "纪要.txt"
    response = client.post(url, {"department": world["units"]["市公安局"].pk, "text": "方案已起草",
                                 "percent": 60, "attachments": [attachment]})
    assert response.status_code == 302
    report = ProgressReport.objects.get()
    assert report.attachments.count() == 1
    task.refresh_from_db()
    assert task.percent == 60
    detail = client.get(reverse("supervision:task_detail", args=[task.pk])).content.decode()
    assert "方案已起草" in detail and "纪要.txt" in detail
    download = client.get(reverse("supervision:attachment_download", args=[report.attachments.get().pk]))
    assert b"".join(download.streaming_content) == b"minutes"
    # Another department may read the task but not report on it.
    other = login_client(world["finance_admin"])
    assert other.get(reverse("supervision:task_detail", args=[task.pk])).status_code == 200
    assert other.get(url).status_code == 404


def test_supervisor_status_and_task_edit(world, seed_plan):
    task = seed_plan.tasks.get(number="2")
    client = login_client(world["supervisor"])
    response = client.post(reverse("supervision:task_status", args=[task.pk]),
                           {"status": "done", "completed_on": "2026-10-09"})
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.status == "done" and task.completed_on == datetime.date(2026, 10, 9)
    assert login_client(world["jxw_admin"]).post(
        reverse("supervision:task_status", args=[task.pk]), {"status": "not_started"}).status_code == 404

    edit = reverse("supervision:task_edit", args=[task.pk])
    assert client.get(edit).status_code == 200
    bad = client.post(edit, {"number": "2", "text": "x", "deadline_text": "尽快"})
    assert "无法识别的时序进度" in bad.content.decode()
    client.post(edit, {"number": "2", "text": "修订办法", "deadline_text": "每季度末",
                       "lead_units": [world["units"]["市经信委"].pk]})
    task.refresh_from_db()
    assert task.deadline_kind == "quarterly" and task.text == "修订办法"

    add = reverse("supervision:task_add", args=[seed_plan.pk])
    response = client.post(add, {"number": "19", "text": "新增任务", "deadline_text": "长期坚持"})
    assert response.status_code == 302 and WorkTask.objects.filter(plan=seed_plan, number="19").exists()
    assert login_client(world["jxw_admin"]).get(add).status_code == 404


def test_plan_add_edit_delete(world):
    client = login_client(world["supervisor"])
    response = client.post(reverse("supervision:plan_add"), {"name": "年度督查", "year": "2026"})
    plan = WorkPlan.objects.get()
    assert response.status_code == 302 and plan.jurisdiction == world["city"]
    client.post(reverse("supervision:plan_edit", args=[plan.pk]), {"name": "年度督查（修订）", "year": "2026"})
    plan.refresh_from_db()
    assert plan.name == "年度督查（修订）"
    assert login_client(world["jxw_admin"]).get(reverse("supervision:plan_add")).status_code == 403
    assert login_client(world["jxw_admin"]).get(reverse("supervision:plan_edit", args=[plan.pk])).status_code == 404
    client.post(reverse("supervision:plan_delete", args=[plan.pk]))
    assert not WorkPlan.objects.exists()


def test_import_page(world, seed_workbook, tmp_path):
    client = login_client(world["supervisor"])
    url = reverse("supervision:plan_import")
    assert client.get(url).status_code == 200
    with seed_workbook.open("rb") as handle:
        response = client.post(url, {"file": handle, "name": ""})
    body = response.content.decode()
    assert response.status_code == 200 and "共 18 项任务" in body and "市级各部门" in body  # warnings shown
    assert WorkPlan.objects.get().name == TITLE

    from govshare.supervision.excel import write_workbook

    bad = tmp_path / "bad.xlsx"
    write_workbook(bad, [(1, "任务", "市经信委", "", "尽快")])
    with bad.open("rb") as handle:
        response = client.post(url, {"file": handle})
    body = response.content.decode()
    assert "文件未导入" in body and "尽快" in body and WorkPlan.objects.count() == 1
    report_url = body.split('href="/supervision/plans/import/')[1].split('"')[0]
    report = client.get("/supervision/plans/import/" + report_url)
    assert report.status_code == 200 and report["Content-Type"].startswith("application/vnd.openxmlformats")
    assert login_client(world["jxw_admin"]).get("/supervision/plans/import/" + report_url).status_code == 403
    assert client.get(reverse("supervision:plan_template")).status_code == 200


def test_bulletin_page_and_downloads(world, seed_plan):
    client = login_client(world["jxw_user"])
    page = client.get(reverse("supervision:bulletin"), {"week": "2019-W02"})
    body = page.content.decode()
    assert page.status_code == 200
    assert "2019年第2周" in body and "逾期任务（按牵头单位）" in body and "下载 PDF" in body
    assert "盐城市经济和信息化委员会" in body
    pdf = client.get(reverse("supervision:bulletin_download", args=["pdf"]), {"week": "2019-W02"})
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    docx = client.get(reverse("supervision:bulletin_download", args=["docx"]), {"week": "2019-W02",
                                                                              "plan": seed_plan.pk})
    assert docx.status_code == 200 and docx.content.startswith(b"PK")
    assert client.get(reverse("supervision:bulletin_download", args=["odt"])).status_code == 404
    assert client.get(reverse("supervision:bulletin"), {"week": "2019-99"}).status_code == 404


def test_monthly_page(world, seed_plan):
    client = login_client(world["supervisor"])
    page = client.get(reverse("supervision:monthly"), {"month": "2019-01"})
    body = page.content.decode()
    assert page.status_code == 200 and "盐城市经济和信息化委员会" in body and "市级各部门" in body
    filtered = client.get(reverse("supervision:monthly"), {"month": "2019-01",
                                                           "unit": world["units"]["市财政局"].pk}).content.decode()
    assert "采购管理相关办法" in filtered and "网络安全保障方案" not in filtered
    assert client.get(reverse("supervision:monthly"), {"month": "2019-13"}).status_code == 404


def test_anonymous_is_sent_to_login(client):
    response = client.get(reverse("supervision:plan_list"))
    assert response.status_code == 302 and "login" in response["Location"]

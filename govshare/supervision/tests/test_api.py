"""The supervision API: plans and the import, tasks with state filters, reports, status, bulletin, schema."""

import datetime

import pytest

from govshare.core.testing import api_client
from govshare.supervision.models import ProgressReport, WorkPlan

pytestmark = pytest.mark.django_db
BASE = "/api/v1/supervision"


def test_plans_are_read_within_the_jurisdiction(world, seed_plan):
    data = api_client(world["jxw_user"]).get(f"{BASE}/plans/").json()
    assert data["count"] == 1 and data["results"][0]["task_count"] == 18
    assert api_client(world["other_officer"]).get(f"{BASE}/plans/").json()["count"] == 0
    assert api_client().get(f"{BASE}/plans/").status_code in (401, 403)


def test_plan_create_update_delete_by_supervisors(world):
    client = api_client(world["supervisor"])
    fields = {"name": "年度督查", "year": 2026, "document_number": "盐政办发〔2026〕1号"}
    created = client.post(f"{BASE}/plans/", fields, format="json")
    assert created.status_code == 201, created.json()
    plan_id = created.json()["id"]
    assert created.json()["jurisdiction"]["name"] == "盐城市"
    bad = client.post(f"{BASE}/plans/", {"name": "x", "year": 1990}, format="json")
    assert bad.status_code == 400 and "year" in bad.json()["error"]["fields"]
    patched = client.patch(f"{BASE}/plans/{plan_id}/", {"name": "年度督查（修订）"}, format="json")
    assert patched.status_code == 200 and patched.json()["name"] == "年度督查（修订）"
    denied = api_client(world["jxw_admin"]).post(f"{BASE}/plans/", {"name": "x"}, format="json")
    assert denied.status_code == 403 and denied.json()["error"]["message"]
    assert api_client(world["jxw_admin"]).patch(f"{BASE}/plans/{plan_id}/", {"name": "y"},
                                                format="json").status_code == 403
    assert client.delete(f"{BASE}/plans/{plan_id}/").status_code == 204


def test_import_by_api(world, seed_workbook, tmp_path):
    client = api_client(world["supervisor"])
    with seed_workbook.open("rb") as handle:
        response = client.post(f"{BASE}/plans/import/", {"file": handle, "year": 2018}, format="multipart")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["task_count"] == 18 and body["year"] == 2018
    assert any("市级各部门" in warning["message"] for warning in body["warnings"])

    from govshare.supervision.excel import write_workbook

    bad = tmp_path / "bad.xlsx"
    write_workbook(bad, [(1, "任务", "市经信委", "", "尽快")])
    with bad.open("rb") as handle:
        response = client.post(f"{BASE}/plans/import/", {"file": handle}, format="multipart")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["rows"][0]["row"] == 2 and error["rows"][0]["column"] == "时序进度"
    assert WorkPlan.objects.count() == 1


def test_tasks_with_state_filters_and_units(world, seed_plan):
    client = api_client(world["jxw_user"])
    overdue = client.get(f"{BASE}/tasks/", {"overdue": "true", "page_size": 100}).json()
    assert overdue["count"] == 16  # every dated task of 2018; the two yearly ones are not overdue
    task = next(row for row in overdue["results"] if row["number"] == "3")
    assert task["state"] == {"value": "overdue", "label": "已逾期"}
    assert {unit["name"] for unit in task["lead_units"]} == {"盐城市经济和信息化委员会", "市公安局"}
    assert task["unmatched_cooperating_units"] == ["市各有关部门"]
    police = world["units"]["市公安局"].pk
    assert client.get(f"{BASE}/tasks/", {"unit_id": police}).json()["count"] == 2
    assert client.get(f"{BASE}/tasks/", {"state": "done"}).json()["count"] == 0


def test_report_and_status_by_api(world, seed_plan):
    task = seed_plan.tasks.get(number="10")  # lead 市财政局
    url = f"{BASE}/tasks/{task.pk}/report/"
    assert api_client(world["police_admin"]).post(url, {"text": "x", "percent": 10},
                                                  format="json").status_code == 403
    bad = api_client(world["finance_admin"]).post(url, {"text": "进展", "percent": 101}, format="json")
    assert bad.status_code == 400 and "percent" in bad.json()["error"]["fields"]
    response = api_client(world["finance_admin"]).post(url, {"text": "办法已印发", "percent": 100},
                                                       format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["department"]["name"] == "市财政局"
    detail = api_client(world["finance_admin"]).get(f"{BASE}/tasks/{task.pk}/").json()
    assert detail["status"]["value"] == "done" and detail["state"]["value"] == "done"
    reports = api_client(world["jxw_user"]).get(f"{BASE}/reports/", {"task_id": task.pk}).json()
    assert reports["count"] == 1 and ProgressReport.objects.count() == 1

    status_url = f"{BASE}/tasks/{task.pk}/status/"
    assert api_client(world["finance_admin"]).post(status_url, {"status": "in_progress"},
                                                   format="json").status_code == 403
    reopened = api_client(world["supervisor"]).post(status_url, {"status": "in_progress"}, format="json")
    assert reopened.status_code == 200 and reopened.json()["status"]["value"] == "in_progress"


def test_bulletin_by_api(world, seed_plan):
    data = api_client(world["supervisor"]).get(f"{BASE}/bulletin/", {"week": "2019-W02"}).json()
    assert data["week"] == "2019-W02" and data["start"] == str(datetime.date(2019, 1, 7))
    assert data["counts"]["total"] == 18 and data["counts"]["overdue"] == 16
    assert data["overdue_by_unit"][0]["unit"] == "盐城市经济和信息化委员会"
    bad = api_client(world["supervisor"]).get(f"{BASE}/bulletin/", {"week": "nope"})
    assert bad.status_code == 400 and "week" in bad.json()["error"]["fields"]


def test_openapi_schema_lists_the_endpoints(world):
    schema = api_client(world["supervisor"]).get("/api/schema/", {"format": "json"})
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    for path in ("/api/v1/supervision/plans/", "/api/v1/supervision/plans/import/",
                 "/api/v1/supervision/tasks/{id}/report/", "/api/v1/supervision/bulletin/"):
        assert path in paths, path

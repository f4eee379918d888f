"""The project filing API: file (JSON and multipart), the live checklist, the workflow actions and their error
shape, resubmission history, who sees what, the reviewer departments, and the OpenAPI document."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from govshare.core.testing import api_client
from govshare.projects.models import Project, ReviewerDepartment

from .conftest import file_project

pytestmark = pytest.mark.django_db

LIST = reverse("projects-api:project-list")
REVIEWERS = reverse("projects-api:reviewerdepartment-list")


def url(name, project, **kwargs):
    return reverse(f"projects-api:project-{name}", args=[project.pk], **kwargs)


def payload(world, **overrides):
    data = {
        "name": "智慧警务二期", "construction_unit": world["police"].pk, "funding_channel": "construction",
        "investment": "380.50", "annual_om_cost": "25.00", "function": "警情研判与共享接口",
        "plans_to_connect": True, "protection_level": 3, "protection_filing_number": "32090013002-00002",
        "planned_resources": [world["resource"].pk], "systems": [world["system"].pk],
    }
    data.update(overrides)
    return data


def test_file_refuse_resubmit_approve(world):
    admin = api_client(world["admin"])
    response = admin.post(LIST, payload(world, planned_resources=[]), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["number"].startswith("XM-") and body["status"] == {"value": "draft", "label": "草稿"}
    project = Project.objects.get(pk=body["id"])

    checklist = admin.get(url("compliance", project)).json()
    assert {item["key"]: item["result"] for item in checklist}["catalogue"] == "fail"

    assert admin.post(url("submit", project), format="json").status_code == 200
    for reviewer in ("reform_reviewer", "finance_reviewer"):
        response = api_client(world[reviewer]).post(url("opinion", project), {"opinion": "agree"}, format="json")
        assert response.status_code == 200, response.json()
    officer = api_client(world["officer"])
    response = officer.post(url("decide", project), {"decision": "approved"}, format="json")
    assert response.status_code == 400
    assert "不能批准" in response.json()["error"]["fields"]["decision"][0]
    response = officer.post(url("decide", project), {"decision": "refused", "reason": ""}, format="json")
    assert response.status_code == 400 and "reason" in response.json()["error"]["fields"]
    response = officer.post(url("decide", project), {"decision": "refused", "reason": "未预编目录"}, format="json")
    assert response.json()["status"]["value"] == "refused"

    response = admin.patch(url("detail", project), {"planned_resources": [world["resource"].pk]}, format="json")
    assert response.status_code == 200, response.json()
    assert [r["id"] for r in response.json()["planned_resources"]] == [world["resource"].pk]
    admin.post(url("submit", project), format="json")
    for reviewer in ("reform_reviewer", "finance_reviewer"):
        api_client(world[reviewer]).post(url("opinion", project), {"opinion": "agree"}, format="json")
    response = officer.post(url("decide", project), {"decision": "approved"}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert body["status"]["value"] == "approved" and body["round"] == 2
    assert [(r["round"], r["decision"]["value"]) for r in body["reviews"]] == [(2, "approved"), (1, "refused")]
    assert [step["step"]["value"] for step in body["events"]][-1] == "approved"

    history = admin.get(url("reviews", project)).json()
    assert len(history) == 2 and history[1]["compliant"] is False

    check = admin.get(url("acceptance-check", project)).json()
    assert [item["key"] for item in check] == ["registered", "connected", "mounted"]
    admin.post(url("request-acceptance", project), {"note": "已上线"}, format="json")
    response = officer.post(url("review-acceptance", project), {}, format="json")
    assert response.json()["status"]["value"] == "acceptance_refused"


def test_errors_and_permissions_use_the_error_shape(world):
    project = file_project(world)
    response = api_client(world["colleague"]).post(LIST, payload(world), format="json")
    assert response.status_code == 403 and "error" in response.json()
    response = api_client(world["admin"]).post(LIST, payload(world, funding_channel="om", systems=[]), format="json")
    assert response.status_code == 400 and "systems" in response.json()["error"]["fields"]
    assert api_client(world["civil_admin"]).get(url("detail", project)).status_code == 404
    assert api_client(world["colleague"]).post(url("submit", project), format="json").status_code == 403
    response = api_client(world["reform_reviewer"]).post(url("opinion", project), {"opinion": "agree"},
                                                         format="json")
    assert response.status_code == 404  # not sent to them yet
    assert api_client(world["admin"]).delete(url("detail", project)).status_code == 204


def test_list_visibility_and_filters(world):
    own = file_project(world)
    other = file_project(world, name="另一个项目", funding_channel="om")
    ids = {row["id"] for row in api_client(world["officer"]).get(LIST).json()["results"]}
    assert ids == {own.pk, other.pk}
    assert api_client(world["other_officer"]).get(LIST).json()["count"] == 0
    rows = api_client(world["admin"]).get(LIST, {"funding_channel": "om"}).json()["results"]
    assert [row["id"] for row in rows] == [other.pk]


def test_multipart_filing_with_attachments(world):
    data = payload(world)
    data["attachments"] = [SimpleUploadedFile("可研.pdf", b"%PDF")]
    response = api_client(world["admin"]).post(LIST, data, format="multipart")
    assert response.status_code == 201, response.json()
    attachment = response.json()["attachments"][0]
    assert attachment["name"] == "可研.pdf"
    got = api_client(world["officer"]).get(attachment["download_url"])
    assert got.status_code == 200 and b"".join(got.streaming_content) == b"%PDF"


def test_reviewer_departments_written_by_platform_admins_only(world):
    assert api_client(world["admin"]).get(REVIEWERS).json()["count"] == 2
    body = {"kind": "finance", "department": world["civil"].pk}
    assert api_client(world["admin"]).post(REVIEWERS, body, format="json").status_code == 403
    response = api_client(world["platform_admin"]).post(REVIEWERS, body, format="json")
    assert response.status_code == 400 and "non_field_errors" in response.json()["error"]["fields"]
    ReviewerDepartment.objects.filter(kind="finance").delete()
    response = api_client(world["platform_admin"]).post(REVIEWERS, body, format="json")
    assert response.status_code == 201 and response.json()["department_detail"]["name"] == "市民政局"


def test_openapi_document_lists_the_endpoints(world):
    schema = api_client(world["admin"]).get(reverse("api-schema"), {"format": "json"})
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert "/api/v1/projects/projects/{id}/decide/" in paths
    assert "/api/v1/projects/projects/{id}/compliance/" in paths
    assert "/api/v1/projects/reviewer-departments/" in paths

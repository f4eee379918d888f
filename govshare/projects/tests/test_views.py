"""The project filing pages: the list and its HTMX filters, the detail with the live checklist, review rounds and
the forms each role gets, the filing form, the workflow buttons (refusals without reasons, approval of a
non-compliant filing), documents, and the reviewer departments page."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from govshare.core.testing import login_client
from govshare.projects import services
from govshare.projects.models import Project, ReviewerDepartment

from .conftest import file_project, project_fields, review_to_decision

pytestmark = pytest.mark.django_db

LIST = reverse("projects:project_list")
ADD = reverse("projects:project_add")


def detail(project):
    return reverse("projects:project_detail", args=[project.pk])


def action(name, project):
    return reverse(f"projects:project_{name}", args=[project.pk])


def test_list_shows_visible_projects_and_filters_with_htmx(world):
    draft = file_project(world)
    submitted = file_project(world, name="电子证照共享改造")
    services.submit_project(submitted, user=world["admin"])
    client = login_client(world["admin"])
    page = client.get(LIST).content.decode()
    assert draft.number in page and submitted.number in page
    assert 'hx-get="/projects/"' in page and ADD in page

    partial = client.get(LIST, {"status": "submitted"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="object-list")
    body = partial.content.decode()
    assert submitted.number in body and draft.number not in body and "<html" not in body

    # The reviewer's "waiting for me" list holds the submitted one only.
    reviewer = login_client(world["reform_reviewer"])
    body = reviewer.get(LIST, {"todo": "true"}).content.decode()
    assert submitted.number in body and draft.number not in body
    assert ADD not in body
    assert draft.number not in login_client(world["civil_admin"]).get(LIST).content.decode()


def test_list_query_count_does_not_grow(world):
    file_project(world)
    client = login_client(world["officer"])
    with CaptureQueriesContext(connection) as few:
        assert client.get(LIST).status_code == 200
    for index in range(5):
        file_project(world, name=f"项目{index}")
    with CaptureQueriesContext(connection) as many:
        assert client.get(LIST).status_code == 200
    assert len(many) == len(few)


def test_file_a_project_with_the_form(world):
    client = login_client(world["admin"])
    page = client.get(ADD).content.decode()
    assert world["resource"].name in page and world["system"].name in page
    assert world["draft_resource"].name in page  # a draft entry of the department may be linked
    assert 'enctype="multipart/form-data"' in page

    response = client.post(ADD, {
        "name": "智慧警务二期", "construction_unit": world["police"].pk, "funding_channel": "construction",
        "investment": "100", "annual_om_cost": "10", "function": "警情研判",
        "planned_resources": [world["resource"].pk], "systems": [world["system"].pk], "plans_to_connect": "on",
        "protection_level": "3",
        "protection_filing_number": "32090013002-00002", "attachments": [SimpleUploadedFile("方案.pdf", b"%PDF")],
    })
    project = Project.objects.get()
    assert response.status_code == 302 and response.url == detail(project)
    assert project.attachments.get().name == "方案.pdf"
    body = client.get(detail(project)).content.decode()
    assert "合规检查" in body and "已编制信息资源目录" in body
    assert action("submit", project) in body and reverse("projects:project_edit", args=[project.pk]) in body
    assert client.get(reverse("projects:project_edit", args=[project.pk])).status_code == 200
    assert client.get(reverse("projects:project_delete", args=[project.pk])).status_code == 200
    client.post(reverse("projects:project_delete", args=[project.pk]))
    assert not Project.objects.exists()


def test_form_shows_service_errors_and_stores_nothing(world):
    client = login_client(world["admin"])
    response = client.post(ADD, {
        "name": "运维项目", "construction_unit": world["police"].pk, "funding_channel": "om", "investment": "0",
        "annual_om_cost": "10", "function": "运维",
    })
    assert response.status_code == 200
    assert "须选择现有的应用系统" in response.content.decode()
    assert not Project.objects.exists()


def test_form_refused_to_users_who_cannot_file(world):
    assert login_client(world["colleague"]).get(ADD).status_code == 403
    assert login_client(world["reform_reviewer"]).get(ADD).status_code == 403


def test_detail_forms_by_role_and_the_review_round(world):
    project = file_project(world)
    admin = login_client(world["admin"])
    admin.post(action("submit", project))
    project.refresh_from_db()
    assert project.status == "submitted"

    reviewer = login_client(world["reform_reviewer"])
    page = reviewer.get(detail(project)).content.decode()
    assert action("opinion", project) in page and "发展改革部门" in page
    assert action("decide", project) not in page
    # Disagreeing without reasons is refused with the service's message.
    response = reviewer.post(action("opinion", project), {"opinion": "disagree", "text": ""}, follow=True)
    assert "不同意时必须说明理由" in response.content.decode()
    reviewer.post(action("opinion", project), {"opinion": "agree", "text": "同意立项"})
    login_client(world["finance_reviewer"]).post(action("opinion", project), {"opinion": "agree"})
    project.refresh_from_db()
    assert project.status == "reviewed"

    officer = login_client(world["officer"])
    page = officer.get(detail(project)).content.decode()
    assert action("decide", project) in page and "同意立项" in page
    response = officer.post(action("decide", project), {"decision": "refused", "reason": ""}, follow=True)
    assert "不予批准必须说明理由" in response.content.decode()
    officer.post(action("decide", project), {"decision": "refused", "reason": "投资测算依据不足"})
    project.refresh_from_db()
    assert project.status == "refused"
    page = admin.get(detail(project)).content.decode()
    assert "投资测算依据不足" in page and "重新提交" in page

    # Others cannot see it, and cannot act on it.
    assert login_client(world["civil_admin"]).get(detail(project)).status_code == 404
    assert login_client(world["other_officer"]).post(action("decide", project), {"decision": "approved"}).status_code \
        == 404


def test_non_compliant_filing_cannot_be_approved_in_the_ui(world):
    project = review_to_decision(world, file_project(world, resources=[]))
    officer = login_client(world["officer"])
    page = officer.get(detail(project)).content.decode()
    assert "存在不符合项，不能批准" in page
    response = officer.post(action("decide", project), {"decision": "approved", "reason": "同意"}, follow=True)
    assert "不能批准" in response.content.decode() and "已编制信息资源目录" in response.content.decode()
    project.refresh_from_db()
    assert project.status == "reviewed"


def test_acceptance_buttons_and_check(world):
    project = review_to_decision(world, file_project(world))
    services.decide_project(project, user=world["officer"], decision="approved")
    admin = login_client(world["admin"])
    page = admin.get(detail(project)).content.decode()
    assert "验收条件" in page and action("request_acceptance", project) in page
    admin.post(action("request_acceptance", project), {"note": "已上线"})
    officer = login_client(world["officer"])
    response = officer.post(action("accept", project), {"comment": ""}, follow=True)
    assert "验收未通过" in response.content.decode()
    project.refresh_from_db()
    assert project.status == "acceptance_refused"


def test_attachment_download_and_upload(world):
    project = services.create_project(
        user=world["admin"], fields=project_fields(world), planned_resources=[world["resource"]],
        attachments=[SimpleUploadedFile("a.txt", b"hello")],
    )
    attachment = project.attachments.get()
    url = reverse("projects:attachment_download", args=[project.pk, attachment.pk])
    got = login_client(world["officer"]).get(url)
    assert got.status_code == 200 and b"".join(got.streaming_content) == b"hello"
    assert login_client(world["civil_admin"]).get(url).status_code == 404
    admin = login_client(world["admin"])
    admin.post(action("attach", project), {"attachments": [SimpleUploadedFile("b.txt", b"world")]})
    assert project.attachments.count() == 2


def test_reviewer_departments_page_for_platform_admins(world):
    admin = login_client(world["platform_admin"])
    page = admin.get(reverse("projects:reviewer_list")).content.decode()
    assert "市发展改革委" in page and reverse("projects:reviewer_add") in page
    # A second finance department in the same city is refused.
    response = admin.post(reverse("projects:reviewer_add"), {"kind": "finance", "department": world["civil"].pk})
    assert response.status_code == 200 and "已指定该类会审部门" in response.content.decode()
    row = ReviewerDepartment.objects.get(kind="finance")
    assert admin.get(reverse("projects:reviewer_delete", args=[row.pk])).status_code == 200
    admin.post(reverse("projects:reviewer_delete", args=[row.pk]))
    assert not ReviewerDepartment.objects.filter(kind="finance").exists()
    assert login_client(world["admin"]).get(reverse("projects:reviewer_add")).status_code == 403
    assert reverse("projects:reviewer_add") not in login_client(world["admin"]).get(
        reverse("projects:reviewer_list")).content.decode()

"""The filing workflow: filing rules, submission rounds with compliance snapshots, the reviewer departments'
opinions, the authority's decision (reasons, compliance), resubmission after a refusal with the history kept,
acceptance conditions, who may do what, and the notifications and audit entries of each step."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from govshare.audit.models import AuditEntry
from govshare.core.testing import make_user
from govshare.mounting import services as mounting
from govshare.notifications.models import Notification
from govshare.projects import services
from govshare.projects.models import Project, ProjectReview, ReviewerDepartment

from .conftest import file_project, make_system, project_fields, review_to_decision

pytestmark = pytest.mark.django_db


# --- Filing -----------------------------------------------------------------------------------------------------


def test_create_numbers_the_filing_and_keeps_links(world):
    project = file_project(world)
    assert project.number.startswith("XM-") and project.status == "draft" and project.round == 0
    assert list(project.planned_resources.all()) == [world["resource"]]
    assert list(project.systems.all()) == [world["system"]]
    assert str(project.investment) == "380.50"
    assert project.events.get().step == "created"
    assert file_project(world, name="另一个项目").number != project.number


@pytest.mark.parametrize(("overrides", "field"), [
    ({"name": "  "}, "name"),
    ({"function": ""}, "function"),
    ({"funding_channel": "gift"}, "funding_channel"),
    ({"investment": "-1"}, "investment"),
    ({"annual_om_cost": "abc"}, "annual_om_cost"),
    ({"protection_level": 6}, "protection_level"),
    ({"protection_level": None, "protection_filing_number": "123"}, "protection_level"),
])
def test_bad_fields_are_refused_and_nothing_is_stored(world, overrides, field):
    with pytest.raises(ValidationError) as error:
        file_project(world, **overrides)
    assert field in error.value.message_dict
    assert not Project.objects.exists()


def test_om_and_upgrade_projects_must_name_existing_systems(world):
    for channel in ("om", "upgrade"):
        with pytest.raises(ValidationError) as error:
            file_project(world, funding_channel=channel, systems=[])
        assert "systems" in error.value.message_dict


def test_systems_must_belong_to_the_construction_unit(world):
    foreign = make_system(world["civil"], name="民政业务系统")
    with pytest.raises(ValidationError) as error:
        file_project(world, systems=[foreign])
    assert "systems" in error.value.message_dict


def test_only_department_admins_file_and_only_for_their_department(world):
    with pytest.raises(PermissionDenied):
        services.create_project(user=world["colleague"], fields=project_fields(world))
    with pytest.raises(ValidationError) as error:
        services.create_project(user=world["civil_admin"], fields=project_fields(world))
    assert "construction_unit" in error.value.message_dict


def test_attachments_size_limit_and_storage(world, settings, django_capture_on_commit_callbacks):
    settings.GOVSHARE_PROJECT_ATTACHMENT_MAX_BYTES = 1024 * 1024
    with pytest.raises(ValidationError) as error:
        services.create_project(user=world["admin"], fields=project_fields(world), attachments=[
            SimpleUploadedFile("可研报告.pdf", b"x" * (1024 * 1024 + 1)),
        ])
    assert "attachments" in error.value.message_dict and not Project.objects.exists()
    project = services.create_project(user=world["admin"], fields=project_fields(world), attachments=[
        SimpleUploadedFile("可研报告.pdf", b"%PDF report"),
    ])
    attachment = project.attachments.get()
    assert attachment.name == "可研报告.pdf" and attachment.size == 11
    with attachment.file.open("rb") as handle:
        assert handle.read() == b"%PDF report"
    assert str(settings.DATA_DIR / "projects") in attachment.file.path
    stored = attachment.file.name
    storage = attachment.file.storage
    with django_capture_on_commit_callbacks(execute=True):
        services.remove_attachment(attachment, user=world["admin"])
    assert not project.attachments.exists() and not storage.exists(stored)


def test_delete_only_never_submitted_drafts(world):
    project = file_project(world)
    services.submit_project(project, user=world["admin"])
    with pytest.raises(ValidationError):
        services.delete_project(project, user=world["admin"])
    draft = file_project(world, name="草稿项目")
    services.delete_project(draft, user=world["admin"])
    assert not Project.objects.filter(pk=draft.pk).exists()


# --- Review -----------------------------------------------------------------------------------------------------


def test_submit_opens_a_round_with_snapshot_and_pending_opinions(world, django_capture_on_commit_callbacks):
    project = file_project(world)
    with django_capture_on_commit_callbacks(execute=True):
        services.submit_project(project, user=world["admin"])
    project.refresh_from_db()
    assert project.status == "submitted" and project.round == 1 and project.compliant is True
    review = project.reviews.get()
    assert review.compliant and {item["key"] for item in review.compliance} >= {"catalogue", "protection"}
    assert sorted(review.opinions.values_list("kind", "opinion")) == [
        ("development_reform", "pending"), ("finance", "pending")]
    assert Notification.objects.filter(recipient=world["reform_reviewer"], link__contains=str(project.pk)).exists()
    assert Notification.objects.filter(recipient=world["finance_reviewer"]).exists()
    assert Notification.objects.filter(recipient=world["officer"]).exists()
    assert AuditEntry.objects.filter(detail__project=project.number, detail__step="submitted").exists()
    with pytest.raises(ValidationError):  # not editable while in review
        services.update_project(project, user=world["admin"], fields={"name": "改名"})


def test_the_authority_decides_only_after_both_opinions(world):
    project = file_project(world)
    services.submit_project(project, user=world["admin"])
    with pytest.raises(ValidationError):
        services.decide_project(project, user=world["officer"], decision="approved")
    services.give_opinion(project, user=world["reform_reviewer"], opinion="agree")
    project.refresh_from_db()
    assert project.status == "submitted"
    with pytest.raises(PermissionDenied):  # the same department cannot answer twice
        services.give_opinion(project, user=world["reform_reviewer"], opinion="agree")
    services.give_opinion(project, user=world["finance_reviewer"], opinion="agree")
    project.refresh_from_db()
    assert project.status == "reviewed"
    services.decide_project(project, user=world["officer"], decision="approved")
    project.refresh_from_db()
    assert project.status == "approved" and project.decided_at


def test_disagreeing_needs_reasons_and_approving_over_it_too(world):
    project = file_project(world)
    services.submit_project(project, user=world["admin"])
    with pytest.raises(ValidationError) as error:
        services.give_opinion(project, user=world["finance_reviewer"], opinion="disagree", text="")
    assert "text" in error.value.message_dict
    services.give_opinion(project, user=world["finance_reviewer"], opinion="disagree", text="运维费用测算偏高")
    services.give_opinion(project, user=world["reform_reviewer"], opinion="agree")
    with pytest.raises(ValidationError) as error:
        services.decide_project(project, user=world["officer"], decision="approved")
    assert "reason" in error.value.message_dict
    services.decide_project(project, user=world["officer"], decision="approved", reason="费用已按财政意见核减")
    assert ProjectReview.objects.get(project=project).decision == "approved"


def test_refusal_needs_reasons(world):
    project = review_to_decision(world, file_project(world))
    with pytest.raises(ValidationError) as error:
        services.decide_project(project, user=world["officer"], decision="refused", reason=" ")
    assert "reason" in error.value.message_dict
    project.refresh_from_db()
    assert project.status == "reviewed"


def test_non_compliant_project_cannot_be_approved_and_the_error_names_the_items(world):
    project = review_to_decision(world, file_project(world, resources=[], protection_level=None,
                                                     protection_filing_number=""))
    assert project.compliant is False
    with pytest.raises(ValidationError) as error:
        services.decide_project(project, user=world["officer"], decision="approved", reason="同意")
    message = " ".join(error.value.message_dict["decision"])
    assert "已编制信息资源目录" in message and "等级保护备案" in message
    project.refresh_from_db()
    assert project.status == "reviewed"


def test_refuse_fix_and_resubmit_keeps_the_history(world, django_capture_on_commit_callbacks):
    project = review_to_decision(world, file_project(world, resources=[]))
    with django_capture_on_commit_callbacks(execute=True):
        services.decide_project(project, user=world["officer"], decision="refused", reason="未预编项目信息资源目录")
    project.refresh_from_db()
    assert project.status == "refused"
    assert Notification.objects.filter(recipient=world["admin"], subject__contains="未通过").exists()

    services.update_project(project, user=world["admin"], fields={}, planned_resources=[world["resource"]])
    review_to_decision(world, project)
    assert project.round == 2 and project.compliant is True
    services.decide_project(project, user=world["officer"], decision="approved")
    project.refresh_from_db()
    assert project.status == "approved"
    first, second = project.reviews.order_by("round")
    assert (first.decision, first.decision_reason, first.compliant) == ("refused", "未预编项目信息资源目录", False)
    assert (second.decision, second.compliant) == ("approved", True)
    assert first.opinions.count() == second.opinions.count() == 2
    steps = list(project.events.values_list("step", flat=True))
    assert steps.count("submitted") == 2 and "refused" in steps and steps[-1] == "approved"


def test_without_reviewer_departments_the_authority_decides_directly(world):
    ReviewerDepartment.objects.all().delete()
    project = file_project(world)
    services.submit_project(project, user=world["admin"])
    project.refresh_from_db()
    assert project.status == "reviewed" and not project.current_review.opinions.exists()


def test_reviewer_departments_of_the_parent_jurisdiction_review_county_projects(world):
    project = services.create_project(
        user=world["county_admin"],
        fields=project_fields(world, construction_unit=world["county_unit"], name="区低保信息系统"),
        planned_resources=[world["resource"]],
    )
    project = services.submit_project(project, user=world["county_admin"])
    assert set(project.current_review.opinions.values_list("department_id", flat=True)) == {
        world["reform"].pk, world["finance"].pk}
    assert Project.objects.restrict(world["officer"], "decide").filter(pk=project.pk).exists()


# --- Acceptance -------------------------------------------------------------------------------------------------


def approved(world, **overrides):
    project = review_to_decision(world, file_project(world, **overrides))
    services.decide_project(project, user=world["officer"], decision="approved")
    project.refresh_from_db()
    return project


def test_acceptance_refused_with_what_is_missing_then_accepted(world, django_capture_on_commit_callbacks):
    system = make_system(world["police"], name="视频解析平台", connected_to_platform=False)
    project = approved(world, systems=[system])
    with pytest.raises(ValidationError):  # acceptance is asked for first
        services.review_acceptance(project, user=world["officer"])
    services.request_acceptance(project, user=world["admin"], note="已建成上线")
    with django_capture_on_commit_callbacks(execute=True):
        services.review_acceptance(project, user=world["officer"])
    project.refresh_from_db()
    assert project.status == "acceptance_refused"
    refused = project.events.filter(step="acceptance_refused").get()
    assert system.name in refused.text and world["resource"].name in refused.text
    assert set(refused.detail) == {"connected", "mounted"}
    assert Notification.objects.filter(recipient=world["admin"], subject__contains="验收未通过").exists()

    # Fix: connect the system, mount the resource behind an active API.
    system.connected_to_platform = True
    system.save()
    provider = make_user("tigong", world["police"], roles=["data_provider"])
    mounting.save_api_endpoint(world["resource"], user=provider, base_url="https://api.example.gov.cn/jq")
    services.request_acceptance(project, user=world["admin"])
    services.review_acceptance(project, user=world["officer"], comment="同意验收")
    project.refresh_from_db()
    assert project.status == "accepted" and project.accepted_at
    assert all(item["result"] == "pass" for item in project.acceptance_result["items"])


def test_acceptance_mount_conditions(world, tmp_path):
    project = approved(world)
    check = {item["key"]: item["result"] for item in services.acceptance_check(project)}
    assert check == {"registered": "pass", "connected": "pass", "mounted": "fail"}

    provider = make_user("tigong", world["police"], roles=["data_provider"])
    mounting.save_api_endpoint(world["resource"], user=provider, base_url="https://api.example.gov.cn/jq",
                               is_active=False)
    assert services.acceptance_check(project)[2]["result"] == "fail"  # an inactive API is not a mount

    from govshare.datastore import services as datastore

    table = datastore.ensure_table(world["resource"], user=provider)
    assert services.acceptance_check(project)[2]["result"] == "fail"  # an empty table is not a mount
    csv = tmp_path / "rows.csv"
    csv.write_text("警情编号,警情类别\nJQ001,盗窃\n", encoding="utf-8")
    load = datastore.load_file(table, csv, mode="replace", user=provider)
    assert load.status == "succeeded", load.error_message if hasattr(load, "error_message") else load
    assert services.acceptance_check(project)[2]["result"] == "pass"


def test_acceptance_needs_a_registered_running_system(world):
    project = approved(world, systems=[])
    item = services.acceptance_check(project)[0]
    assert item["result"] == "fail" and "未关联" in item["reason"]
    world["system"].status = "shut_down"
    world["system"].save()
    other = approved(world, name="另一个项目")
    assert services.acceptance_check(other)[0]["result"] == "fail"


def test_the_system_resources_must_be_mounted_too(world):
    from govshare.catalog import services as catalog
    from govshare.core.testing import catalog_fields, catalog_items

    source = catalog.create_entry(user=world["cataloguer"], fields=catalog_fields(world["police"], name="系统来源资源"),
                                  items=catalog_items())
    world["system"].source_resources.add(source)
    project = approved(world)
    mounted = services.acceptance_check(project)[2]
    assert mounted["result"] == "fail" and "系统来源资源" in mounted["reason"]


# --- Permissions ------------------------------------------------------------------------------------------------


def visible(user):
    return set(Project.objects.restrict(user, "view").values_list("pk", flat=True))


def test_who_sees_what(world):
    project = file_project(world)
    assert project.pk in visible(world["admin"]) and project.pk in visible(world["colleague"])
    assert project.pk in visible(world["officer"]) and project.pk in visible(world["platform_admin"])
    for outsider in ("civil_admin", "other_officer", "catalogue_reviewer", "county_admin"):
        assert project.pk not in visible(world[outsider]), outsider
    # Reviewer departments see a project once it is sent to them.
    assert project.pk not in visible(world["reform_reviewer"])
    services.submit_project(project, user=world["admin"])
    assert project.pk in visible(world["reform_reviewer"]) and project.pk in visible(world["finance_reviewer"])
    colleague_of_reviewer = make_user("fagai2", world["reform"])  # no reviewer role
    assert project.pk not in visible(colleague_of_reviewer)


def test_who_may_act(world):
    project = file_project(world)
    with pytest.raises(PermissionDenied):
        services.submit_project(project, user=world["colleague"])
    with pytest.raises(PermissionDenied):
        services.update_project(project, user=world["civil_admin"], fields={"name": "x"})
    services.submit_project(project, user=world["admin"])
    for user in ("catalogue_reviewer", "officer", "admin"):
        with pytest.raises(PermissionDenied):
            services.give_opinion(project, user=world[user], opinion="agree")
    services.give_opinion(project, user=world["reform_reviewer"], opinion="agree")
    services.give_opinion(project, user=world["finance_reviewer"], opinion="agree")
    for user in ("other_officer", "platform_admin", "admin", "reform_reviewer"):
        with pytest.raises(PermissionDenied):
            services.decide_project(project, user=world[user], decision="approved")
    # An authority officer outside a competent authority decides nothing.
    stray = make_user("stray_officer", world["civil"], roles=["authority_officer"])
    with pytest.raises(PermissionDenied):
        services.decide_project(project, user=stray, decision="approved")

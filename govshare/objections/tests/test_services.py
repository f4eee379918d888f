"""The objection workflow through the service functions every interface calls: each transition, each refusal, the
deadline, the transfer chain, the evidence limits and who sees what."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from govshare.audit.models import AuditEntry
from govshare.notifications.models import Notification
from govshare.objections import services
from govshare.objections.choices import ObjectionStatusChoices, ObjectionStepChoices
from govshare.objections.models import Objection, ObjectionAttachment

from .conftest import VALID_ID

pytestmark = pytest.mark.django_db

S = ObjectionStatusChoices


def raise_one(world, **overrides):
    arguments = {
        "user": world["consumer"],
        "resource": world["resource"],
        "kind": "data_quality",
        "description": "该人员户籍地址与我局登记不一致",
        "record_key": VALID_ID,
    }
    arguments.update(overrides)
    return services.raise_objection(**arguments)


def answered(world, objection):
    services.start_verification(objection, user=world["provider"])
    return services.correct(objection, user=world["provider"], correction_note="已按户籍底册更正地址")


def test_raise_numbers_deadline_event_audit_and_notifies_provider(world, django_capture_on_commit_callbacks):
    field = world["resource"].items.get(name="户籍地址")
    with django_capture_on_commit_callbacks(execute=True):
        objection = raise_one(
            world, field=field, business_continues=True, business_note="凭户口簿原件继续办理营业执照变更",
            record_key=VALID_ID.lower(),
        )
    assert objection.status == S.SUBMITTED
    assert objection.number.startswith(f"YY-{objection.created.astimezone().year}-")
    assert objection.number.endswith("000001")
    assert objection.record_key == VALID_ID  # normalised: the check letter upper-cased
    assert objection.consumer == world["market"]
    assert objection.provider == objection.handler == world["police"]
    assert objection.field == field
    assert objection.business_continues is True
    assert objection.deadline > objection.received_at.date()
    assert [event.step for event in objection.events.all()] == [ObjectionStepChoices.RAISED]
    entry = AuditEntry.objects.get(detail__objection=objection.number)
    assert entry.action == "other" and entry.resource_id == world["resource"].pk
    assert entry.detail == {"objection": objection.number, "step": "raised"}
    # The provider's answering roles are told; the consumer is not.
    recipients = set(Notification.objects.filter(key=f"objection:{objection.pk}:raised").values_list(
        "recipient__username", flat=True))
    assert recipients == {"tigong", "gaj_admin"}

    second = raise_one(world, record_key="")
    assert second.number.endswith("000002")
    assert second.record_key == ""


def test_full_workflow_correct_then_rate_closes(world, django_capture_on_commit_callbacks):
    objection = raise_one(world)
    with django_capture_on_commit_callbacks(execute=True):
        services.start_verification(objection, user=world["provider"], note="正在调取户籍底册")
    objection.refresh_from_db()
    assert objection.status == S.VERIFYING

    with django_capture_on_commit_callbacks(execute=True):
        services.correct(objection, user=world["provider"], correction_note="地址已更正", response="感谢反馈")
    objection.refresh_from_db()
    assert objection.status == S.CORRECTED
    assert objection.answered_by == world["provider"] and objection.answered_at is not None
    assert objection.correction_note == "地址已更正" and objection.response == "感谢反馈"
    assert Notification.objects.filter(recipient=world["consumer"], key=f"objection:{objection.pk}:answered").exists()

    services.rate(objection, user=world["consumer_colleague"], rating=5, comment="更正及时", business_continues=True)
    objection.refresh_from_db()
    assert objection.status == S.CLOSED
    assert (objection.rating, objection.rating_comment) == (5, "更正及时")
    assert objection.closed_at is not None and objection.business_continues is True
    steps = list(objection.events.values_list("step", flat=True))
    assert steps == ["raised", "verifying", "corrected", "rated"]
    assert list(AuditEntry.objects.filter(detail__objection=objection.number).order_by("seq").values_list(
        "detail__step", flat=True)) == steps


def test_reject_requires_reasons_and_keeps_them(world):
    objection = raise_one(world)
    services.start_verification(objection, user=world["provider"])
    with pytest.raises(ValidationError) as error:
        services.reject(objection, user=world["provider"], reasons="   ")
    assert "reasons" in error.value.message_dict
    objection.refresh_from_db()
    assert objection.status == S.VERIFYING

    services.reject(objection, user=world["police_admin"], reasons="经核对户籍底册，数据无误")
    objection.refresh_from_db()
    assert objection.status == S.REJECTED
    assert objection.response == "经核对户籍底册，数据无误"
    services.rate(objection, user=world["consumer"], rating=2, comment="未说明依据")
    objection.refresh_from_db()
    assert objection.status == S.CLOSED and objection.rating == 2


def test_correct_requires_a_note(world):
    objection = raise_one(world)
    services.start_verification(objection, user=world["provider"])
    with pytest.raises(ValidationError) as error:
        services.correct(objection, user=world["provider"], correction_note="")
    assert "correction_note" in error.value.message_dict


def test_answer_needs_verification_first_and_closed_objections_stay_closed(world):
    objection = raise_one(world)
    with pytest.raises(ValidationError):
        services.correct(objection, user=world["provider"], correction_note="已更正")
    with pytest.raises(ValidationError):
        services.transfer(objection, user=world["provider"], department=world["civil"], reason="数据归民政")
    objection = answered(world, objection)
    with pytest.raises(ValidationError):
        services.start_verification(objection, user=world["provider"])
    services.rate(objection, user=world["consumer"], rating=4)
    with pytest.raises(ValidationError):
        services.rate(objection, user=world["consumer"], rating=5)
    with pytest.raises(ValidationError):
        services.reject(objection, user=world["provider"], reasons="无误")


def test_rating_before_answer_refused(world):
    objection = raise_one(world)
    with pytest.raises(ValidationError):
        services.rate(objection, user=world["consumer"], rating=4)
    services.start_verification(objection, user=world["provider"])
    with pytest.raises(ValidationError):
        services.rate(objection, user=world["consumer"], rating=4)
    objection.refresh_from_db()
    assert objection.rating is None and objection.status == S.VERIFYING


def test_rating_by_the_provider_refused_and_rating_range_checked(world):
    objection = answered(world, raise_one(world))
    with pytest.raises(PermissionDenied):
        services.rate(objection, user=world["provider"], rating=5)
    with pytest.raises(PermissionDenied):
        services.rate(objection, user=world["police_admin"], rating=5)
    with pytest.raises(PermissionDenied):
        services.rate(objection, user=world["platform_admin"], rating=5)
    with pytest.raises(ValidationError):
        services.rate(objection, user=world["consumer"], rating=6)
    with pytest.raises(ValidationError):
        services.rate(objection, user=world["consumer"], rating="很好")
    objection.refresh_from_db()
    assert objection.status == S.CORRECTED and objection.rating is None


def test_only_the_handling_department_answers(world):
    objection = raise_one(world)
    for user in (world["consumer"], world["market_admin"], world["civil_provider"], world["officer"],
                 world["cataloguer"], world["platform_admin"]):
        with pytest.raises(PermissionDenied):
            services.start_verification(objection, user=user)
    objection.refresh_from_db()
    assert objection.status == S.SUBMITTED


def test_who_may_raise(world):
    with pytest.raises(PermissionDenied):
        raise_one(world, user=world["provider"])  # a data provider role does not raise
    with pytest.raises(ValidationError) as error:
        raise_one(world, user=world["police_admin"])  # the provider's own admin: correct it directly instead
    assert "resource" in error.value.message_dict
    objection = raise_one(world, user=world["market_admin"])
    assert objection.consumer == world["market"]


def test_bad_id_number_refused(world):
    bad_check = VALID_ID[:17] + ("0" if VALID_ID[17] != "0" else "1")
    for value in (bad_check, "32090219851315035X", "12345"):
        with pytest.raises(ValidationError) as error:
            raise_one(world, record_key=value)
        assert "record_key" in error.value.message_dict
        assert "公民身份号码" in error.value.message_dict["record_key"][0]
    assert not Objection.objects.exists()


def test_field_must_belong_to_the_resource_and_kind_and_description_required(world):
    from govshare.catalog.models import InfoItem

    stranger = InfoItem.objects.exclude(resource=world["resource"]).first()
    if stranger is None:
        from govshare.catalog import services as catalog
        from govshare.core.testing import catalog_fields, catalog_items

        other = catalog.create_entry(user=world["cataloguer"], fields=catalog_fields(world["police"]),
                                     items=catalog_items())
        stranger = other.items.first()
    with pytest.raises(ValidationError) as error:
        raise_one(world, field=stranger, kind="bogus", description=" ")
    assert {"field", "kind", "description"} <= set(error.value.message_dict)


def test_attachments_stored_and_size_limit_refused(world, settings):
    settings.GOVSHARE_OBJECTION_ATTACHMENT_MAX_BYTES = 1024
    evidence = SimpleUploadedFile("户口簿.pdf", b"%PDF-1.4 evidence", content_type="application/pdf")
    objection = raise_one(world, attachments=[evidence])
    attachment = objection.attachments.get()
    assert attachment.name == "户口簿.pdf" and attachment.size == len(b"%PDF-1.4 evidence")
    assert attachment.file.read() == b"%PDF-1.4 evidence"
    assert str(settings.DATA_DIR) in attachment.file.path

    too_big = SimpleUploadedFile("scan.jpg", b"x" * 1025, content_type="image/jpeg")
    with pytest.raises(ValidationError) as error:
        raise_one(world, attachments=[SimpleUploadedFile("ok.txt", b"ok"), too_big])
    assert "attachments" in error.value.message_dict
    assert Objection.objects.count() == 1  # nothing stored
    assert ObjectionAttachment.objects.count() == 1

    with pytest.raises(ValidationError):
        services.add_attachments(objection, user=world["consumer"], files=[too_big])
    added = services.add_attachments(objection, user=world["consumer"], files=[SimpleUploadedFile("b.txt", b"b")])
    assert [a.name for a in added] == ["b.txt"]
    with pytest.raises(PermissionDenied):
        services.add_attachments(objection, user=world["provider"], files=[SimpleUploadedFile("c.txt", b"c")])


def test_transfer_chain_restarts_deadline_and_new_department_must_answer(
    world, frozen_now, django_capture_on_commit_callbacks
):
    frozen_now(2026, 3, 2, 10, 0)  # a Monday
    objection = raise_one(world)
    assert objection.deadline == datetime.date(2026, 3, 9)
    services.start_verification(objection, user=world["provider"])
    with pytest.raises(ValidationError) as error:
        services.transfer(objection, user=world["provider"], department=world["civil"], reason=" ")
    assert "reason" in error.value.message_dict
    with pytest.raises(ValidationError):
        services.transfer(objection, user=world["provider"], department=world["market"], reason="退回")
    with pytest.raises(ValidationError):
        services.transfer(objection, user=world["provider"], department=world["police"], reason="本部门")

    frozen_now(2026, 3, 4, 9, 0)
    with django_capture_on_commit_callbacks(execute=True):
        services.transfer(objection, user=world["provider"], department=world["civil"], reason="婚姻登记数据归民政局")
    objection.refresh_from_db()
    assert objection.status == S.TRANSFERRED
    assert objection.handler == world["civil"] and objection.provider == world["police"]
    assert objection.deadline == datetime.date(2026, 3, 11)  # restarted from the transfer
    assert Notification.objects.filter(recipient=world["civil_provider"]).exists()

    # The police can no longer answer; the civil affairs bureau must.
    with pytest.raises(PermissionDenied):
        services.start_verification(objection, user=world["provider"])
    services.start_verification(objection, user=world["civil_provider"])
    services.transfer(objection, user=world["civil_provider"], department=world["authority"], reason="需主管部门协调")
    objection.refresh_from_db()
    # Transferred to the competent authority for coordination: its officer answers.
    services.start_verification(objection, user=world["officer"])
    services.reject(objection, user=world["officer"], reasons="经协调，数据以公安底册为准")
    objection.refresh_from_db()
    assert objection.status == S.REJECTED and objection.answered_by == world["officer"]
    chain = list(objection.events.filter(step="transferred").values_list("department__name", "to_department__name"))
    assert chain == [("市公安局", "市民政局"), ("市民政局", "市大数据管理局")]
    # Every department in the chain still sees it.
    for user in (world["provider"], world["civil_provider"], world["consumer"]):
        assert Objection.objects.restrict(user, "view").filter(pk=objection.pk).exists()


def test_visibility(world):
    objection = raise_one(world)
    visible = {
        name: Objection.objects.restrict(world[name], "view").filter(pk=objection.pk).exists()
        for name in ("consumer", "market_admin", "provider", "police_admin", "officer", "platform_admin",
                     "other_officer", "outsider", "civil_provider", "reviewer")
    }
    assert visible == {
        "consumer": True, "market_admin": True, "provider": True, "police_admin": True, "officer": True,
        "platform_admin": True, "other_officer": False, "outsider": False, "civil_provider": False,
        "reviewer": False,
    }


def test_deadline_across_new_year_into_2027_is_estimated(world, frozen_now):
    frozen_now(2026, 12, 29, 15, 0)  # a Tuesday; 2027's holidays are not in the package
    objection = raise_one(world)
    # 2026-12-30, 12-31 (working), 2027-01-01 (元旦: a holiday in the package years, a Friday here), 01-04, 01-05.
    assert objection.deadline.year == 2027
    assert objection.deadline_estimated is True
    assert objection.deadline_uncovered_years == [2027]
    assert "2027" in objection.deadline_note


def test_deadline_inside_a_package_year_is_exact(world, frozen_now):
    frozen_now(2026, 9, 29, 10, 0)  # before the National Day holiday
    objection = raise_one(world)
    assert objection.deadline_estimated is False
    assert objection.deadline_note == ""
    assert objection.deadline > datetime.date(2026, 10, 8)  # the Golden Week does not count


def test_credit_code_key_checked_and_plain_keys_accepted(world):
    from govshare.catalog import services as catalog
    from govshare.core.testing import catalog_fields, catalog_items
    from govshare.core.validators import make_credit_code

    companies = catalog.create_entry(user=world["cataloguer"], fields=catalog_fields(world["police"]),
                                     items=catalog_items())  # keyed by 统一社会信用代码
    catalog.submit_entry(companies, user=world["cataloguer"])
    catalog.approve_entry(companies, user=world["reviewer"])
    with pytest.raises(ValidationError) as error:
        raise_one(world, resource=companies, record_key="91320900MA1XXXXXX0")
    assert "统一社会信用代码" in error.value.message_dict["record_key"][0]
    code = make_credit_code("320900", 4321, registry="9")
    assert raise_one(world, resource=companies, record_key=code.lower()).record_key == code

    plain = catalog.create_entry(user=world["cataloguer"], fields=catalog_fields(world["police"], name="道路名录"),
                                 items=catalog_items("道路名称", "起点", "终点"))
    catalog.submit_entry(plain, user=world["cataloguer"])
    catalog.approve_entry(plain, user=world["reviewer"])
    assert services.key_item(plain) is None
    assert raise_one(world, resource=plain, record_key="人民中路").record_key == "人民中路"

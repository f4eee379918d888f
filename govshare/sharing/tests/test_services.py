"""The sharing rules through the service functions every interface calls: systems and secrets, subscriptions,
requests and each transition, deadlines and reminders, negotiation and the authority's decision, grants."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from govshare.audit.models import AuditEntry
from govshare.catalog.models import InfoItem
from govshare.notifications.models import Notification
from govshare.sharing import services
from govshare.sharing.choices import GrantBasisChoices, RequestEventChoices, RequestStatusChoices
from govshare.sharing.models import AccessToken, Grant, ShareRequest
from govshare.sharing.tasks import check_deadlines
from govshare.workdays.models import CalendarDay

from .conftest import publish

pytestmark = pytest.mark.django_db

S = RequestStatusChoices


def items_of(resource, *names):
    return list(InfoItem.objects.filter(resource=resource, name__in=names))


def submit(world, resource, user=None, **overrides):
    today = timezone.localdate()
    arguments = {
        "items": list(resource.items.all()),
        "purpose": "企业登记核验",
        "legal_basis": "《市场主体登记管理条例》",
        "period_start": today,
        "period_end": today + datetime.timedelta(days=365),
    }
    arguments.update(overrides)
    return services.submit_request(resource, world["market"], user=user or world["consumer"], **arguments)


def actions(resource, action):
    return AuditEntry.objects.filter(resource_id=resource.pk, action=action)


# ---------------------------------------------------------------------------------------------------------------
# Consumer systems


def test_create_system_shows_secret_once_stores_sha256_and_verifies(world):
    system, secret = services.create_system(world["market"], user=world["consumer_admin"], name="市场监管业务系统")
    assert system.secret_hash != secret and len(system.secret_hash) == 64
    assert services.verify_secret(system.app_key, secret) == system
    assert services.verify_secret(system.app_key, secret + "x") is None
    assert services.verify_secret("gs-nope", secret) is None
    with pytest.raises(ValidationError) as error:
        services.create_system(world["market"], user=world["consumer_admin"], name="市场监管业务系统")
    assert "name" in error.value.message_dict


def test_only_the_department_admin_manages_systems(world):
    for user in (world["consumer"], world["provider_admin"]):
        with pytest.raises(PermissionDenied):
            services.create_system(world["market"], user=user, name="系统")
    system, _secret = services.create_system(world["market"], user=world["consumer_admin"], name="系统")
    with pytest.raises(PermissionDenied):
        services.reset_secret(system, user=world["provider_admin"])


def test_reset_secret_and_disable_stop_the_old_credentials(world):
    system, old = services.create_system(world["market"], user=world["consumer_admin"], name="系统")
    token = AccessToken.objects.create(system=system, token_hash="a" * 64,
                                       expires_at=timezone.now() + datetime.timedelta(hours=1))
    new = services.reset_secret(system, user=world["consumer_admin"])
    assert services.verify_secret(system.app_key, old) is None
    assert services.verify_secret(system.app_key, new) is not None
    token.refresh_from_db()
    assert token.revoked_at is not None
    services.disable_system(system, user=world["consumer_admin"])
    assert services.verify_secret(system.app_key, new) is None
    services.enable_system(system, user=world["consumer_admin"])
    assert services.verify_secret(system.app_key, new) is not None


# ---------------------------------------------------------------------------------------------------------------
# Subscription (无条件共享)


def test_subscribe_grants_unconditional_items_at_once_and_audits(world, unconditional):
    grant = services.subscribe(unconditional, world["market"], user=world["consumer"])
    assert grant.basis == GrantBasisChoices.SUBSCRIPTION
    assert grant.is_active()
    assert set(grant.items.values_list("name", flat=True)) == {"身份证号", "姓名", "户籍地址"}
    assert not grant.clear_items.exists()
    assert actions(unconditional, "grant").count() == 1
    # Subscribing again updates the grant in force instead of adding one.
    again = services.subscribe(unconditional, world["market"], user=world["consumer"],
                               items=items_of(unconditional, "姓名"))
    assert again.pk == grant.pk
    assert list(again.items.values_list("name", flat=True)) == ["姓名"]
    assert Grant.objects.filter(resource=unconditional).count() == 1


def test_subscribe_only_unconditional_items_of_published_unconditional_resources(world, conditional):
    with pytest.raises(ValidationError) as error:
        services.subscribe(conditional, world["market"], user=world["consumer"])
    assert "resource" in error.value.message_dict
    mixed = publish(world, "unconditional", name="企业年报", item_share="unconditional")
    InfoItem.objects.filter(resource=mixed, name="身份证号").update(share_type="conditional")
    grant = services.subscribe(mixed, world["market"], user=world["consumer"])
    assert "身份证号" not in set(grant.items.values_list("name", flat=True))
    with pytest.raises(ValidationError):
        services.subscribe(mixed, world["market"], user=world["consumer"], items=items_of(mixed, "身份证号"))


def test_subscribe_needs_a_consumer_role_in_the_department(world, unconditional):
    for user in (world["consumer_plain"], world["provider"]):
        with pytest.raises(PermissionDenied):
            services.subscribe(unconditional, world["market"], user=user)
    system, _secret = services.create_system(world["police"], user=world["provider_admin"], name="公安系统")
    with pytest.raises(ValidationError) as error:
        services.subscribe(unconditional, world["market"], user=world["consumer"], system=system)
    assert "system" in error.value.message_dict


# ---------------------------------------------------------------------------------------------------------------
# Submitting a request


def test_submit_conditional_request_sets_deadline_audits_and_notifies_provider(
    world, conditional, django_capture_on_commit_callbacks
):
    upload = SimpleUploadedFile("批准文件.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    with django_capture_on_commit_callbacks(execute=True):
        share_request = submit(world, conditional, attachments=[upload], use_scenario="企业开办一网通办")
    assert share_request.status == S.SUBMITTED
    assert share_request.kind == "provider"
    assert share_request.answer_days == 10
    _days, due = services.answer_due(conditional, share_request.submitted_at)
    assert share_request.due_on == due.date
    attachment = share_request.attachments.get()
    assert attachment.name == "批准文件.pdf" and attachment.size == len(b"%PDF-1.4 test")
    assert attachment.file.read() == b"%PDF-1.4 test"
    assert "批准文件" not in attachment.file.name  # stored under a random name
    entry = actions(conditional, "request").get()
    assert entry.purpose == "企业登记核验"
    assert sorted(entry.items) == ["HJDZ", "SFZH", "XM"]
    assert set(Notification.objects.values_list("recipient__username", flat=True)) == {"tigong", "gongan_admin"}
    assert share_request.events.get().action == RequestEventChoices.SUBMITTED


def test_submit_checks_the_request(world, conditional, unconditional, settings):
    today = timezone.localdate()
    with pytest.raises(ValidationError) as error:
        submit(world, conditional, purpose=" ", legal_basis="", items=[], period_end=today - datetime.timedelta(1),
               period_start=today - datetime.timedelta(10))
    assert {"purpose", "legal_basis", "items", "period_end"} <= set(error.value.message_dict)
    with pytest.raises(ValidationError):
        submit(world, conditional, period_start=today, period_end=today - datetime.timedelta(days=1))
    with pytest.raises(ValidationError):
        submit(world, unconditional)
    other = publish(world, "conditional", name="车辆登记信息")
    with pytest.raises(ValidationError):
        submit(world, conditional, items=list(other.items.all()))
    settings.GOVSHARE_SHARING_ATTACHMENT_MAX_BYTES = 10
    with pytest.raises(ValidationError) as error:
        submit(world, conditional, attachments=[SimpleUploadedFile("大.pdf", b"x" * 11)])
    assert "attachments" in error.value.message_dict
    assert not ShareRequest.objects.exists()


def test_conditional_request_cannot_ask_the_provider_for_not_shared_items(world, conditional):
    InfoItem.objects.filter(resource=conditional, name="身份证号").update(share_type="not_shared")
    with pytest.raises(ValidationError) as error:
        submit(world, conditional)
    assert "身份证号" in error.value.message_dict["items"][0]


def test_only_consumer_roles_submit(world, conditional):
    for user in (world["consumer_plain"], world["provider"], world["officer"]):
        with pytest.raises(PermissionDenied):
            submit(world, conditional, user=user)
    assert submit(world, conditional, user=world["consumer_admin"]).status == S.SUBMITTED


# ---------------------------------------------------------------------------------------------------------------
# Deadlines: working days, holidays, New Year into an uncovered year, jurisdiction settings


def test_deadline_skips_national_day_holidays(world, conditional):
    days, due = services.answer_due(conditional, datetime.date(2026, 9, 28))
    # 9-29, 9-30; 国庆 10-1..10-7 off; 10-8, 10-9, the make-up Saturday 10-10, then 10-12..10-16.
    assert days == 10
    assert due.date == datetime.date(2026, 10, 16)
    assert not due.estimated


def test_deadline_across_new_year_into_2027_is_an_estimate(world, conditional):
    _days, due = services.answer_due(conditional, datetime.date(2026, 12, 24))
    assert due.date.year == 2027
    assert due.estimated
    assert due.uncovered_years == (2027,)
    # A calendar row for 2027 (an administrator's correction) moves the date.
    CalendarDay.objects.create(date=datetime.date(2027, 1, 4), is_working_day=False, name="元旦调休")
    _days, later = services.answer_due(conditional, datetime.date(2026, 12, 24))
    assert later.date > due.date


def test_answer_days_configurable_per_jurisdiction(world, settings, conditional):
    settings.GOVSHARE_SHARING_ANSWER_DAYS = 10
    settings.GOVSHARE_SHARING_ANSWER_DAYS_BY_DIVISION = {"320900": 5}
    assert services.answer_days_for(world["city"]) == 5
    assert services.answer_days_for(world["county"]) == 5  # inherits the city's rule
    settings.GOVSHARE_SHARING_ANSWER_DAYS_BY_DIVISION = {"320981": 3, "320900": 5}
    assert services.answer_days_for(world["county"]) == 3
    assert services.answer_days_for(world["city"]) == 5
    share_request = submit(world, conditional)
    assert share_request.answer_days == 5


def test_reminders_before_deadline_and_overdue_report_are_idempotent(
    world, conditional, django_capture_on_commit_callbacks
):
    share_request = submit(world, conditional)
    # Due on Friday 2026-11-20: on Wednesday 11-18 two working days are left.
    ShareRequest.objects.filter(pk=share_request.pk).update(due_on=datetime.date(2026, 11, 20))
    with django_capture_on_commit_callbacks(execute=True):
        assert check_deadlines("2026-11-16") == {"reminded": 0, "overdue": 0}
    assert not Notification.objects.exists()
    for _run in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            assert check_deadlines("2026-11-18") == {"reminded": 1, "overdue": 0}
    reminders = Notification.objects.filter(key__endswith=":reminder")
    assert sorted(reminders.values_list("recipient__username", flat=True)) == ["gongan_admin", "tigong"]
    for _run in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            assert services.remind_deadlines(today=datetime.date(2026, 11, 23)) == {"reminded": 0, "overdue": 1}
    overdue = Notification.objects.filter(key__endswith=":overdue")
    # The provider's answering roles and the competent authority's officers, once each.
    assert sorted(overdue.values_list("recipient__username", flat=True)) == ["gongan_admin", "tigong", "zhuguan"]
    share_request.refresh_from_db()
    assert share_request.is_overdue(datetime.date(2026, 11, 23))
    # Answered requests are no longer reminded.
    services.refuse_request(share_request, user=world["provider"], reason="超出职责范围")
    assert services.remind_deadlines(today=datetime.date(2026, 11, 24)) == {"reminded": 0, "overdue": 0}


# ---------------------------------------------------------------------------------------------------------------
# Answers


def test_approve_all_issues_a_request_grant_with_terms(world, conditional):
    share_request = submit(world, conditional)
    sensitive = items_of(conditional, "身份证号")
    until = timezone.now() + datetime.timedelta(days=30)
    grant = services.approve_request(share_request, user=world["provider"], clear_items=sensitive,
                                     valid_until=until, rate_limit=5, daily_quota=1000)
    share_request.refresh_from_db()
    assert share_request.status == S.APPROVED
    assert share_request.grant == grant
    assert grant.basis == GrantBasisChoices.REQUEST
    assert set(grant.items.values_list("name", flat=True)) == {"身份证号", "姓名", "户籍地址"}
    assert list(grant.clear_items.values_list("name", flat=True)) == ["身份证号"]
    assert (grant.rate_limit, grant.daily_quota, grant.valid_until) == (5, 1000, until)
    assert grant.purpose == "企业登记核验"
    assert actions(conditional, "decision").count() == 1
    assert actions(conditional, "grant").count() == 1
    # The request is settled: no second answer.
    with pytest.raises(ValidationError):
        services.refuse_request(share_request, user=world["provider"], reason="改变主意")


def test_approve_part_needs_reasons_and_narrows_the_grant(world, conditional):
    share_request = submit(world, conditional)
    part = items_of(conditional, "姓名", "户籍地址")
    with pytest.raises(ValidationError) as error:
        services.approve_request(share_request, user=world["provider"], items=part)
    assert "comment" in error.value.message_dict
    grant = services.approve_request(share_request, user=world["provider"], items=part, comment="身份证号涉及个人隐私")
    share_request.refresh_from_db()
    assert share_request.status == S.PARTIALLY_APPROVED
    assert set(grant.items.values_list("name", flat=True)) == {"姓名", "户籍地址"}
    # Default validity: to the end of the requested period.
    assert timezone.localdate(grant.valid_until) == share_request.period_end + datetime.timedelta(days=1)


def test_clear_items_only_among_granted_sensitive_items(world, conditional):
    share_request = submit(world, conditional)
    with pytest.raises(ValidationError) as error:
        services.approve_request(share_request, user=world["provider"], items=items_of(conditional, "姓名"),
                                 clear_items=items_of(conditional, "身份证号"), comment="部分")
    assert "clear_items" in error.value.message_dict
    with pytest.raises(ValidationError):
        services.approve_request(share_request, user=world["provider"], clear_items=items_of(conditional, "户籍地址"))
    assert not Grant.objects.exists()


def test_refusal_requires_reasons(world, conditional):
    share_request = submit(world, conditional)
    for blank in ("", "   ", None):
        with pytest.raises(ValidationError) as error:
            services.refuse_request(share_request, user=world["provider"], reason=blank)
        assert "reason" in error.value.message_dict
    share_request.refresh_from_db()
    assert share_request.status == S.SUBMITTED
    services.refuse_request(share_request, user=world["provider"], reason="申请用途与共享条件不符")
    share_request.refresh_from_db()
    assert share_request.status == S.REFUSED
    assert share_request.answer == "申请用途与共享条件不符"
    assert actions(conditional, "decision").get().detail["decision"] == "refused"


def test_only_the_providers_answering_roles_answer(world, conditional):
    share_request = submit(world, conditional)
    for user in (world["provider_plain"], world["consumer"], world["consumer_admin"], world["officer"],
                 world["cataloguer"]):
        with pytest.raises(PermissionDenied):
            services.approve_request(share_request, user=user)
        with pytest.raises(PermissionDenied):
            services.refuse_request(share_request, user=user, reason="不同意")
    services.refuse_request(share_request, user=world["provider_admin"], reason="不同意")


def test_withdraw_only_by_consumer_while_open(world, conditional):
    share_request = submit(world, conditional)
    with pytest.raises(PermissionDenied):
        services.withdraw_request(share_request, user=world["provider"])
    services.withdraw_request(share_request, user=world["consumer"])
    share_request.refresh_from_db()
    assert share_request.status == S.WITHDRAWN
    with pytest.raises(ValidationError):
        services.approve_request(share_request, user=world["provider"])


# ---------------------------------------------------------------------------------------------------------------
# Negotiation and the competent authority


def test_refuse_negotiate_then_provider_approves(world, conditional, django_capture_on_commit_callbacks):
    share_request = submit(world, conditional)
    services.refuse_request(share_request, user=world["provider"], reason="用途不明确")
    with pytest.raises(PermissionDenied):
        services.start_negotiation(share_request, user=world["provider"], message="x")
    with pytest.raises(ValidationError):
        services.start_negotiation(share_request, user=world["consumer"], message=" ")
    with django_capture_on_commit_callbacks(execute=True):
        services.start_negotiation(share_request, user=world["consumer"], message="用于企业开办核验身份")
    share_request.refresh_from_db()
    assert share_request.status == S.NEGOTIATING
    with django_capture_on_commit_callbacks(execute=True):
        services.add_comment(share_request, user=world["provider"], body="请补充批准文件")
        services.add_comment(share_request, user=world["consumer"], body="已补充")
    with pytest.raises(PermissionDenied):
        services.add_comment(share_request, user=world["other_officer"], body="旁观")
    assert Notification.objects.filter(recipient=world["consumer"], subject__contains="新留言").count() == 1
    grant = services.approve_request(share_request, user=world["provider"])
    share_request.refresh_from_db()
    assert share_request.status == S.APPROVED and grant.basis == GrantBasisChoices.REQUEST
    assert [event.action for event in share_request.events.all()] == [
        "submitted", "refused", "negotiation", "comment", "comment", "approved"]
    with pytest.raises(ValidationError):
        services.add_comment(share_request, user=world["consumer"], body="谢谢")


def test_escalate_and_authority_grants_binding_decision(world, conditional):
    share_request = submit(world, conditional)
    with pytest.raises(ValidationError):
        services.escalate_request(share_request, user=world["consumer"], reason="未答复")  # not refused yet
    services.refuse_request(share_request, user=world["provider"], reason="不同意")
    with pytest.raises(ValidationError):
        services.escalate_request(share_request, user=world["consumer"], reason="")
    services.escalate_request(share_request, user=world["consumer"], reason="协商未果")
    share_request.refresh_from_db()
    assert share_request.status == S.ESCALATED
    # Only officers of the competent authority of the provider's jurisdiction decide.
    for user in (world["other_officer"], world["reviewer"], world["provider_admin"], world["consumer_admin"]):
        with pytest.raises(PermissionDenied):
            services.decide_request(share_request, user=user, grant=True, reason="同意")
    with pytest.raises(ValidationError):
        services.decide_request(share_request, user=world["officer"], grant=True, reason=" ")
    # The provider can no longer answer: the decision belongs to the authority.
    with pytest.raises(ValidationError):
        services.approve_request(share_request, user=world["provider"])
    grant = services.decide_request(share_request, user=world["officer"], grant=True, reason="依法应当共享",
                                    items=items_of(conditional, "姓名"))
    share_request.refresh_from_db()
    assert share_request.status == S.AUTHORITY_GRANTED
    assert share_request.decision == "依法应当共享"
    assert grant.basis == GrantBasisChoices.AUTHORITY and grant.granted_by == world["officer"]
    assert list(grant.items.values_list("name", flat=True)) == ["姓名"]
    assert actions(conditional, "decision").count() == 2


def test_authority_final_refusal(world, conditional):
    share_request = submit(world, conditional)
    services.refuse_request(share_request, user=world["provider"], reason="不同意")
    services.escalate_request(share_request, user=world["provider_admin"], reason="请主管部门裁定")
    assert services.decide_request(share_request, user=world["officer"], grant=False, reason="涉及国家秘密") is None
    share_request.refresh_from_db()
    assert share_request.status == S.AUTHORITY_REFUSED
    assert not Grant.objects.exists()
    with pytest.raises(ValidationError):
        services.start_negotiation(share_request, user=world["consumer"], message="再议")


def test_partial_approval_then_authority_grant_replaces_the_first_grant(world, conditional):
    share_request = submit(world, conditional)
    first = services.approve_request(share_request, user=world["provider"], items=items_of(conditional, "姓名"),
                                     comment="其余不同意")
    services.escalate_request(share_request, user=world["consumer"], reason="需要全部信息项")
    second = services.decide_request(share_request, user=world["officer"], grant=True, reason="全部共享")
    first.refresh_from_db()
    assert first.revoked_at is not None
    assert second.is_active() and second.items.count() == 3
    assert list(Grant.objects.active().filter(resource=conditional)) == [second]


def test_not_shared_resource_goes_only_to_the_authority(world, not_shared, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        share_request = submit(world, not_shared)
    assert share_request.kind == "authority"
    assert share_request.status == S.ESCALATED
    assert share_request.due_on is None
    assert list(Notification.objects.values_list("recipient__username", flat=True)) == ["zhuguan"]
    for user in (world["provider"], world["provider_admin"]):
        with pytest.raises((PermissionDenied, ValidationError)):
            services.approve_request(share_request, user=user)
        with pytest.raises((PermissionDenied, ValidationError)):
            services.refuse_request(share_request, user=user, reason="不予共享")
    grant = services.decide_request(share_request, user=world["officer"], grant=True, reason="应急处置需要")
    assert grant.basis == GrantBasisChoices.AUTHORITY
    assert grant.items.count() == 3


def test_authority_of_a_parent_jurisdiction_sees_and_decides_for_its_counties(world):
    from govshare.catalog import services as catalog
    from govshare.core.testing import catalog_fields, make_user

    county_cataloguer = make_user("dt_bianmu", world["county_office"], roles=["cataloguer"])
    resource = catalog.create_entry(
        user=county_cataloguer,
        fields=catalog_fields(world["county_office"], name="低保对象信息", share_type="not_shared",
                              share_basis="《社会救助暂行办法》", share_mode=""),
        items=[{"name": "姓名", "code": "XM", "data_type": "C", "share_type": "not_shared", "open_type": "not_open"}],
    )
    catalog.submit_entry(resource, user=county_cataloguer)
    catalog.approve_entry(resource, user=world["reviewer"])
    resource.refresh_from_db()
    share_request = submit(world, resource)
    assert ShareRequest.objects.restrict(world["officer"], "view").filter(pk=share_request.pk).exists()
    assert not ShareRequest.objects.restrict(world["other_officer"], "view").filter(pk=share_request.pk).exists()
    services.decide_request(share_request, user=world["officer"], grant=False, reason="不符合条件")


# ---------------------------------------------------------------------------------------------------------------
# Permission levels of the lists


def test_request_visibility_by_department_and_jurisdiction(world, conditional):
    share_request = submit(world, conditional)

    def sees(user):
        return ShareRequest.objects.restrict(user, "view").filter(pk=share_request.pk).exists()

    assert sees(world["consumer_plain"])  # consumer department
    assert sees(world["provider_plain"])  # provider department
    assert sees(world["officer"])  # the authority of the jurisdiction
    assert sees(world["platform_admin"])
    assert not sees(world["other_officer"])
    assert not sees(world["reviewer"])  # same authority department, but not an authority officer


# ---------------------------------------------------------------------------------------------------------------
# Grants: revocation, expiry, edits


def test_revoke_stops_the_grant_at_once_with_reason(world, conditional, django_capture_on_commit_callbacks):
    share_request = submit(world, conditional)
    grant = services.approve_request(share_request, user=world["provider"])
    assert list(Grant.objects.active()) == [grant]
    with pytest.raises(ValidationError):
        services.revoke_grant(grant, user=world["provider"], reason="")
    for user in (world["consumer_admin"], world["provider_plain"], world["other_officer"]):
        with pytest.raises(PermissionDenied):
            services.revoke_grant(grant, user=user, reason="停止")
    with django_capture_on_commit_callbacks(execute=True):
        services.revoke_grant(grant, user=world["provider"], reason="使用部门超范围使用数据")
    grant.refresh_from_db()
    assert grant.revoked_at is not None and grant.revoked_by == world["provider"]
    assert not Grant.objects.active().exists()
    assert actions(conditional, "revoke").get().detail["reason"] == "使用部门超范围使用数据"
    assert share_request.events.filter(action="grant_revoked").exists()
    assert Notification.objects.filter(recipient=world["consumer"], subject__contains="撤销").exists()
    with pytest.raises(ValidationError):
        services.revoke_grant(grant, user=world["provider"], reason="再次")


def test_authority_may_revoke_grants_of_its_jurisdiction(world, unconditional):
    grant = services.subscribe(unconditional, world["market"], user=world["consumer"])
    services.revoke_grant(grant, user=world["officer"], reason="数据安全检查")
    assert not Grant.objects.active().exists()


def test_expired_and_future_grants_are_not_active(world, unconditional):
    grant = services.subscribe(unconditional, world["market"], user=world["consumer"])
    now = timezone.now()
    Grant.objects.filter(pk=grant.pk).update(valid_until=now - datetime.timedelta(seconds=1))
    assert not Grant.objects.active().exists()
    Grant.objects.filter(pk=grant.pk).update(valid_until=None, valid_from=now + datetime.timedelta(days=1))
    assert not Grant.objects.active().exists()
    assert Grant.objects.active(now=now + datetime.timedelta(days=2)).exists()


def test_provider_edits_validity_and_limits(world, unconditional):
    grant = services.subscribe(unconditional, world["market"], user=world["consumer"])
    until = timezone.now() + datetime.timedelta(days=90)
    services.update_grant(grant, user=world["provider"], valid_until=until, rate_limit=10, daily_quota=500)
    grant.refresh_from_db()
    assert (grant.valid_until, grant.rate_limit, grant.daily_quota) == (until, 10, 500)
    with pytest.raises(PermissionDenied):
        services.update_grant(grant, user=world["consumer_admin"], rate_limit=1000)
    with pytest.raises(ValidationError):
        services.update_grant(grant, user=world["provider"], rate_limit=0)
    with pytest.raises(ValidationError):
        services.update_grant(grant, user=world["provider"], valid_until=grant.valid_from - datetime.timedelta(1))

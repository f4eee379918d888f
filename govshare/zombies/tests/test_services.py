"""The zombie rules at and around their thresholds, flag decisions, duplicate detection, cleanup plans and who may
do what. Detection runs on a fixed day (conftest.TODAY)."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from govshare.zombies import services
from govshare.zombies.choices import CandidateStatusChoices, FlagStatusChoices, PlanStatusChoices
from govshare.zombies.models import CleanupPlan, DuplicateCandidate, ZombieFlag, ZombieRule

from .conftest import TODAY, make_system, usage

pytestmark = pytest.mark.django_db

ENTERPRISE = "企业登记注册信息管理，办理企业设立、变更、注销登记，核发营业执照"
ENTERPRISE_AGAIN = "办理企业的设立登记、变更登记和注销登记，管理企业注册信息，发放营业执照"
PROPERTY = "不动产登记业务办理，房屋和土地权属登记，不动产权证书打印"
GRID = "全市网格化社会治理，网格员巡查上报事件，事件流转处置"


def reasons_of(system, today=TODAY):
    services.detect(systems=[system], today=today)
    flag = ZombieFlag.objects.filter(system=system, status__in=FlagStatusChoices.ACTIVE).first()
    return {reason["rule"]: reason for reason in flag.reasons} if flag else {}


def busy(system, month="2030-05"):
    """Figures of a healthy month, so only the rule a test is about can fire."""
    return usage(system, month, monthly_active_users=500, last_used_on=datetime.date(2030, 6, 10),
                 last_maintained_on=datetime.date(2030, 6, 1), resource_utilisation=Decimal("40"))


def dismiss(flag, user, note, on=TODAY):
    """Dismiss as the authority, dated `on` (detection runs on TODAY, not on the real calendar)."""
    services.dismiss_flag(flag, user=user, note=note)
    moment = timezone.make_aware(datetime.datetime.combine(on, datetime.time(10)))
    ZombieFlag.objects.filter(pk=flag.pk).update(decided_at=moment)


def evidence(name="关停通知.pdf", content=b"%PDF-1.4 evidence"):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


# ---------------------------------------------------------------------------------------------------------------
# The rules at their thresholds


class TestUnused:
    def test_exactly_six_months_since_last_use_is_flagged(self, world):
        system = make_system(world["police"], "旧系统", PROPERTY)
        usage(system, "2029-12", last_used_on=datetime.date(2029, 12, 15), monthly_active_users=0)
        reason = reasons_of(system)["unused"]
        assert reason["figure"] == 6 and reason["threshold"] == 6
        assert reason["text"] == "已连续 6 个月无人使用（阈值 6 个月）"

    def test_one_day_short_of_six_months_is_not(self, world):
        system = make_system(world["police"], "旧系统", PROPERTY)
        usage(system, "2029-12", last_used_on=datetime.date(2029, 12, 16), monthly_active_users=20,
              resource_utilisation=Decimal("30"))
        assert "unused" not in reasons_of(system)

    def test_seven_months_reads_as_the_brief_says(self, world):
        system = make_system(world["police"], "旧系统", PROPERTY)
        usage(system, "2029-11", last_used_on=datetime.date(2029, 11, 2))
        assert reasons_of(system)["unused"]["text"] == "已连续 7 个月无人使用（阈值 6 个月）"

    def test_a_month_with_active_users_counts_as_used_until_its_end(self, world):
        system = make_system(world["police"], "旧系统", PROPERTY)
        usage(system, "2029-12", monthly_active_users=3)  # used until 2029-12-31: 5 months on 2030-06-15
        usage(system, "2030-01", monthly_active_users=0)
        usage(system, "2030-05", monthly_active_users=0)
        assert "unused" not in reasons_of(system)
        assert "unused" in reasons_of(system, today=datetime.date(2030, 6, 30))

    def test_only_zero_months_count_from_the_first_one(self, world):
        system = make_system(world["police"], "旧系统", PROPERTY)
        usage(system, "2029-11", monthly_active_users=0)
        usage(system, "2030-05", monthly_active_users=0)
        reason = reasons_of(system)["unused"]
        assert reason["figure"] == 7 and reason["since"] == "2029-11-01"

    def test_switched_off(self, world):
        ZombieRule.objects.create(unused_enabled=False)
        system = make_system(world["police"], "旧系统", PROPERTY)
        usage(system, "2028-01", last_used_on=datetime.date(2028, 1, 1), monthly_active_users=50)
        assert "unused" not in reasons_of(system)


class TestOtherRules:
    def test_maintenance_stopped_at_and_under_twelve_months(self, world):
        stopped = make_system(world["police"], "停维系统", PROPERTY)
        busy(stopped)
        stopped.usage.update(last_maintained_on=datetime.date(2029, 6, 15))
        reason = reasons_of(stopped)["unmaintained"]
        assert (reason["figure"], reason["threshold"]) == (12, 12)
        assert reason["text"] == "已 12 个月未运维（阈值 12 个月）"
        recent = make_system(world["police"], "在维系统", GRID)
        busy(recent)
        recent.usage.update(last_maintained_on=datetime.date(2029, 6, 16))
        assert "unmaintained" not in reasons_of(recent)

    def test_utilisation_exactly_at_threshold_is_not_under_it(self, world):
        at = make_system(world["police"], "甲", PROPERTY)
        busy(at)
        at.usage.update(resource_utilisation=Decimal("5.00"))
        assert "low_utilisation" not in reasons_of(at)
        under = make_system(world["market"], "乙", GRID)
        busy(under)
        under.usage.update(resource_utilisation=Decimal("4.99"))
        reason = reasons_of(under)["low_utilisation"]
        assert reason["figure"] == 4.99 and reason["threshold"] == 5
        assert reason["text"] == "2030-05 资源利用率 4.99%（低于阈值 5%）"

    def test_utilisation_of_the_latest_month_decides(self, world):
        system = make_system(world["police"], "甲", PROPERTY)
        busy(system)
        usage(system, "2030-01", resource_utilisation=Decimal("1"))
        assert "low_utilisation" not in reasons_of(system)

    def test_users_exactly_at_threshold_and_just_under(self, world):
        at = make_system(world["police"], "甲", PROPERTY)
        busy(at)
        at.usage.update(monthly_active_users=10)
        assert "few_users" not in reasons_of(at)
        under = make_system(world["market"], "乙", GRID)
        busy(under)
        under.usage.update(monthly_active_users=9)
        assert reasons_of(under)["few_users"]["text"] == "2030-05 月活跃用户 9 人（低于阈值 10 人）"

    def test_a_healthy_system_is_not_flagged(self, world):
        system = make_system(world["police"], "甲", PROPERTY)
        busy(system)
        assert services.detect(today=TODAY) == []
        assert not services.is_zombie(system)

    def test_jurisdiction_rule_wins_and_is_inherited_below(self, world):
        ZombieRule.objects.create(min_monthly_users=5)
        ZombieRule.objects.create(jurisdiction=world["city"], min_monthly_users=100)
        city_system = make_system(world["police"], "市级系统", PROPERTY)
        district_system = make_system(world["district_office"], "区级系统", GRID)
        for system in (city_system, district_system):
            busy(system)
            system.usage.update(monthly_active_users=50)
        assert reasons_of(city_system)["few_users"]["threshold"] == 100
        assert reasons_of(district_system)["few_users"]["threshold"] == 100
        assert services.rule_for(city_system).min_monthly_users == 100


class TestNoData:
    def test_a_newly_registered_system_without_data_is_not_flagged(self, world):
        system = make_system(world["police"], "新系统", PROPERTY)
        assert reasons_of(system, today=timezone.localdate()) == {}

    def test_registered_long_enough_without_data(self, world):
        system = make_system(world["police"], "新系统", PROPERTY)
        later = services.add_months(timezone.localdate(), 6)
        reason = reasons_of(system, today=later)["no_data"]
        assert reason["text"].startswith("无使用数据")

    def test_switched_off(self, world):
        ZombieRule.objects.create(no_data_enabled=False)
        system = make_system(world["police"], "新系统", PROPERTY)
        assert reasons_of(system, today=services.add_months(timezone.localdate(), 12)) == {}


# ---------------------------------------------------------------------------------------------------------------
# Flags over time


class TestFlags:
    def test_shut_down_systems_are_ignored_and_their_flags_resolved(self, world):
        system = make_system(world["police"], "旧系统", PROPERTY)
        usage(system, "2029-01", monthly_active_users=0)
        stopped = make_system(world["police"], "已关停", GRID, status="shut_down")
        usage(stopped, "2029-01", monthly_active_users=0)
        flags = services.detect(today=TODAY)
        assert [flag.system for flag in flags] == [system]
        system.status = "shut_down"
        system.save()
        assert services.detect(today=TODAY) == []
        flag = ZombieFlag.objects.get(system=system)
        assert flag.status == "resolved" and not services.is_zombie(system)

    def test_reasons_are_refreshed_on_the_same_flag(self, world):
        system = make_system(world["police"], "旧系统", PROPERTY)
        busy(system)
        system.usage.update(monthly_active_users=4)
        first = services.detect(today=TODAY)[0]
        assert first.opened_now and [r["rule"] for r in first.reasons] == ["few_users"]
        system.usage.update(monthly_active_users=2, resource_utilisation=Decimal("1"))
        again = services.detect(today=TODAY)
        assert [flag.pk for flag in again] == [first.pk] and not again[0].opened_now
        flag = ZombieFlag.objects.get()
        assert {r["rule"] for r in flag.reasons} == {"few_users", "low_utilisation"}
        assert {r["rule"]: r["figure"] for r in flag.reasons} == {"few_users": 2, "low_utilisation": 1}

    def test_an_open_flag_is_resolved_when_no_rule_is_broken(self, world):
        system = make_system(world["police"], "旧系统", PROPERTY)
        busy(system)
        system.usage.update(monthly_active_users=4)
        services.detect(today=TODAY)
        system.usage.update(monthly_active_users=400)
        services.detect(today=TODAY)
        assert ZombieFlag.objects.get().status == "resolved"

    def test_a_confirmed_flag_stays_when_figures_improve(self, world):
        system = make_system(world["police"], "旧系统", PROPERTY)
        busy(system)
        system.usage.update(monthly_active_users=4)
        flag = services.detect(today=TODAY)[0]
        services.confirm_flag(flag, user=world["officer"], note="确属僵尸系统")
        system.usage.update(monthly_active_users=400)
        services.detect(today=TODAY)
        assert ZombieFlag.objects.get().status == "confirmed" and services.is_zombie(system)

    def test_dismissed_flag_not_reopened_for_the_same_reasons(self, world):
        system = make_system(world["police"], "旧系统", PROPERTY)
        usage(system, "2029-10", last_used_on=datetime.date(2029, 10, 1), monthly_active_users=4,
              resource_utilisation=Decimal("30"), last_maintained_on=datetime.date(2030, 5, 1))
        flag = services.detect(today=TODAY)[0]
        dismiss(flag, world["officer"], "季节性使用的系统，年底集中使用")
        # A month later the system is still unused (more months) and has the same users: not reopened.
        assert services.detect(today=datetime.date(2030, 7, 20)) == []
        assert ZombieFlag.objects.count() == 1 and not services.is_zombie(system)

    def test_dismissed_flag_reopened_when_figures_get_worse(self, world):
        system = make_system(world["police"], "旧系统", PROPERTY)
        busy(system)
        system.usage.update(monthly_active_users=8)
        flag = services.detect(today=TODAY)[0]
        dismiss(flag, world["officer"], "用户少但为专用系统")
        system.usage.update(monthly_active_users=8, resource_utilisation=Decimal("35"))
        assert services.detect(today=TODAY) == []
        system.usage.update(monthly_active_users=3)
        reopened = services.detect(today=TODAY)
        assert len(reopened) == 1 and reopened[0].pk != flag.pk and reopened[0].opened_now
        flag.refresh_from_db()
        assert flag.status == "dismissed"  # history kept

    def test_dismissed_flag_reopened_for_a_new_reason(self, world):
        system = make_system(world["police"], "旧系统", PROPERTY)
        busy(system)
        system.usage.update(monthly_active_users=8)
        dismiss(services.detect(today=TODAY)[0], world["officer"], "专用系统")
        system.usage.update(resource_utilisation=Decimal("2"))
        assert {r["rule"] for r in services.detect(today=TODAY)[0].reasons} == {"few_users", "low_utilisation"}

    def test_dismissed_flag_reopened_after_six_months(self, world):
        # Only the user count counts here, so the months passing change nothing else.
        ZombieRule.objects.create(unused_enabled=False, unmaintained_enabled=False)
        system = make_system(world["police"], "旧系统", PROPERTY)
        busy(system)
        system.usage.update(monthly_active_users=8)
        flag = services.detect(today=TODAY)[0]
        dismiss(flag, world["officer"], "专用系统", on=datetime.date(2030, 6, 30))
        assert services.detect(today=datetime.date(2030, 12, 29)) == []
        assert len(services.detect(today=datetime.date(2030, 12, 30))) == 1

    def test_dismissal_needs_a_note_and_the_authority(self, world):
        system = make_system(world["police"], "旧系统", PROPERTY)
        usage(system, "2029-01", monthly_active_users=0)
        flag = services.detect(today=TODAY)[0]
        with pytest.raises(ValidationError) as error:
            services.dismiss_flag(flag, user=world["officer"], note="  ")
        assert "note" in error.value.message_dict
        for user in ("police_admin", "plain_officer", "other_officer"):
            with pytest.raises(PermissionDenied):
                services.dismiss_flag(flag, user=world[user], note="不是")
            with pytest.raises(PermissionDenied):
                services.confirm_flag(flag, user=world[user])
        services.confirm_flag(flag, user=world["platform_admin"])
        with pytest.raises(ValidationError):
            services.confirm_flag(flag, user=world["officer"])  # already confirmed

    def test_run_detection_stays_in_the_officers_jurisdiction(self, world):
        ours = make_system(world["police"], "旧系统", PROPERTY)
        usage(ours, "2029-01", monthly_active_users=0)
        theirs = make_system(world["other_officer"].department, "南京系统", GRID)
        usage(theirs, "2029-01", monthly_active_users=0)
        flags = services.run_detection(user=world["officer"], today=TODAY)
        assert [flag.system for flag in flags] == [ours]
        with pytest.raises(PermissionDenied):
            services.run_detection(user=world["police_admin"], today=TODAY)

    def test_new_flags_notify_the_owner_department_admins(self, world, django_capture_on_commit_callbacks):
        from govshare.notifications.models import Notification

        system = make_system(world["police"], "旧系统", PROPERTY)
        usage(system, "2029-01", monthly_active_users=0)
        with django_capture_on_commit_callbacks(execute=True):
            services.run_detection(today=TODAY)
        with django_capture_on_commit_callbacks(execute=True):
            services.run_detection(today=TODAY)  # refreshed, not new: no second message
        messages = Notification.objects.filter(recipient=world["police_admin"])
        assert messages.count() == 1 and "旧系统" in messages.get().subject
        assert not Notification.objects.filter(recipient=world["colleague"]).exists()

    def test_views_of_flags_follow_the_departments(self, world):
        ours = make_system(world["police"], "旧系统", PROPERTY)
        usage(ours, "2029-01", monthly_active_users=0)
        market = make_system(world["market"], "市场旧系统", GRID)
        usage(market, "2029-01", monthly_active_users=0)
        services.detect(today=TODAY)

        def visible(user):
            return {flag.system.name for flag in ZombieFlag.objects.restrict(user, "view")}

        assert visible(world["police_admin"]) == {"旧系统"}
        assert visible(world["colleague"]) == {"旧系统"}
        assert visible(world["officer"]) == {"旧系统", "市场旧系统"}
        assert visible(world["other_officer"]) == set()
        assert visible(world["platform_admin"]) == {"旧系统", "市场旧系统"}


# ---------------------------------------------------------------------------------------------------------------
# Duplicate functions


class TestSimilarity:
    def test_overlapping_chinese_functions_are_similar(self, world):
        first = make_system(world["market"], "企业登记系统", ENTERPRISE)
        make_system(world["police"], "不动产系统", PROPERTY)
        make_system(world["police"], "网格系统", GRID)
        found = services.similar_systems(ENTERPRISE_AGAIN)
        assert [system for system, _score in found] == [first]
        assert 0.8 <= found[0][1] <= 1

    def test_unrelated_and_excluded_and_stopped_systems_are_not(self, world):
        first = make_system(world["market"], "企业登记系统", ENTERPRISE)
        make_system(world["police"], "旧企业系统", ENTERPRISE_AGAIN, status="shut_down")
        assert services.similar_systems(GRID) == []
        assert services.similar_systems(ENTERPRISE, exclude=first) == []
        assert services.similar_systems(ENTERPRISE, exclude=[first.pk]) == []
        assert [s for s, _ in services.similar_systems(PROPERTY, threshold=0.1)] == [first]

    def test_a_short_generic_function_does_not_match_everything(self, world):
        make_system(world["market"], "企业登记系统", ENTERPRISE)
        assert services.similar_systems("业务办理") == []

    def test_duplicates_are_flagged_and_proposed_across_departments(self, world):
        first = make_system(world["market"], "企业登记系统", ENTERPRISE)
        second = make_system(world["police"], "企业注册系统", ENTERPRISE_AGAIN)
        grid = make_system(world["police"], "网格系统", GRID)
        for system in (first, second, grid):
            busy(system)
        flags = services.detect(today=TODAY)
        assert {flag.system for flag in flags} >= {first, second}
        reason = {r["rule"]: r for r in ZombieFlag.objects.get(system=first).reasons}["duplicate"]
        assert reason["system_id"] == second.pk and reason["threshold"] == 0.8
        assert reason["text"].startswith("功能与“企业注册系统”（市公安局）相似度")
        candidate = DuplicateCandidate.objects.get()
        assert (candidate.system_a, candidate.system_b) == (first, second) and not candidate.same_department
        assert candidate.status == "proposed" and candidate.score >= Decimal("0.8")

    def test_dismissed_pair_stops_counting_and_is_not_proposed_again(self, world):
        first = make_system(world["market"], "企业登记系统", ENTERPRISE)
        second = make_system(world["market"], "企业注册系统", ENTERPRISE_AGAIN)
        busy(first)
        busy(second)
        services.detect(today=TODAY)
        candidate = DuplicateCandidate.objects.get()
        assert candidate.same_department
        with pytest.raises(ValidationError):
            services.dismiss_candidate(candidate, user=world["officer"], note="")
        with pytest.raises(PermissionDenied):
            services.dismiss_candidate(candidate, user=world["market_admin"], note="不重复")
        services.dismiss_candidate(candidate, user=world["officer"], note="服务对象不同")
        services.detect(today=TODAY)
        assert not services.is_zombie(first) and not services.is_zombie(second)
        assert DuplicateCandidate.objects.get().status == CandidateStatusChoices.DISMISSED

    def test_accepting_a_pair_plans_the_integration(self, world):
        first = make_system(world["market"], "企业登记系统", ENTERPRISE)
        second = make_system(world["police"], "企业注册系统", ENTERPRISE_AGAIN)
        services.detect(today=TODAY)
        candidate = DuplicateCandidate.objects.get()
        with pytest.raises(ValidationError):
            services.accept_candidate(candidate, user=world["officer"], keep=make_system(world["police"], "X", GRID),
                                      deadline=TODAY, today=TODAY)
        plan = services.accept_candidate(candidate, user=world["officer"], keep=first,
                                         deadline=datetime.date(2030, 12, 31), note="整合到市场监管局", today=TODAY)
        assert (plan.system, plan.action, plan.target) == (second, "integrate", first)
        candidate.refresh_from_db()
        assert candidate.status == "accepted" and candidate.plan == plan
        second.refresh_from_db()
        assert second.status == "to_integrate"


# ---------------------------------------------------------------------------------------------------------------
# Cleanup plans


class TestPlans:
    @pytest.fixture
    def systems(self, world):
        return make_system(world["police"], "旧系统", PROPERTY), make_system(world["police"], "新平台", GRID)

    def plan(self, world, system, **values):
        values.setdefault("deadline", datetime.date(2030, 12, 31))
        return services.create_plan(system, user=world["officer"], today=TODAY, **values)

    def test_target_required_for_integrate_and_replace(self, world, systems):
        for action in ("integrate", "replace"):
            with pytest.raises(ValidationError) as error:
                self.plan(world, systems[0], action=action)
            assert "target" in error.value.message_dict
        assert not CleanupPlan.objects.exists()

    def test_the_same_system_is_refused_as_target(self, world, systems):
        with pytest.raises(ValidationError) as error:
            self.plan(world, systems[0], action="integrate", target=systems[0])
        assert error.value.message_dict["target"] == ["目标系统不能是该系统本身"]

    def test_target_must_be_running(self, world, systems):
        stopped = make_system(world["police"], "已关停", GRID, status="shut_down")
        with pytest.raises(ValidationError) as error:
            self.plan(world, systems[0], action="replace", target=stopped)
        assert "target" in error.value.message_dict

    def test_other_refusals(self, world, systems):
        with pytest.raises(ValidationError) as error:
            self.plan(world, systems[0], action="shut_down", target=systems[1])
        assert "target" in error.value.message_dict
        with pytest.raises(ValidationError) as error:
            self.plan(world, systems[0], action="shut_down", deadline=TODAY - datetime.timedelta(days=1))
        assert "deadline" in error.value.message_dict
        with pytest.raises(ValidationError) as error:
            self.plan(world, systems[0], action="archive")
        assert "action" in error.value.message_dict
        self.plan(world, systems[0], action="integrate", target=systems[1])
        with pytest.raises(ValidationError) as error:
            self.plan(world, systems[0], action="shut_down")
        assert "system" in error.value.message_dict
        with pytest.raises(ValidationError):  # the other way round while the first is planned
            self.plan(world, systems[1], action="integrate", target=systems[0])

    def test_only_the_authority_sets_plans(self, world, systems):
        for user in ("police_admin", "plain_officer", "other_officer", "colleague"):
            with pytest.raises(PermissionDenied):
                services.create_plan(systems[0], user=world[user], action="shut_down", deadline=TODAY, today=TODAY)

    def test_integration_done_with_evidence(self, world, systems):
        old, new = systems
        usage(old, "2029-01", monthly_active_users=0)
        flag = services.detect(systems=[old], today=TODAY)[0]
        plan = self.plan(world, old, action="integrate", target=new)
        old.refresh_from_db()
        assert old.status == "to_integrate" and plan.flag == flag
        with pytest.raises(PermissionDenied):
            services.report_progress(plan, user=world["officer"], text="进行中")
        with pytest.raises(PermissionDenied):
            services.report_progress(plan, user=world["market_admin"], text="进行中")
        plan = services.report_progress(plan, user=world["police_admin"], text="数据迁移已完成一半")
        assert plan.status == PlanStatusChoices.IN_PROGRESS and plan.started_at
        with pytest.raises(ValidationError) as error:
            services.finish_plan(plan, user=world["police_admin"], evidence_text="", evidence_file=None)
        assert set(error.value.message_dict) == {"evidence_text", "evidence_file"}
        with pytest.raises(ValidationError) as error:
            services.finish_plan(plan, user=world["police_admin"], evidence_text="已整合", evidence_file=None)
        assert set(error.value.message_dict) == {"evidence_file"}
        old.refresh_from_db()
        assert old.status == "to_integrate"  # nothing changed by the refusals
        plan = services.finish_plan(plan, user=world["police_admin"], evidence_text="业务已迁入新平台",
                                    evidence_file=evidence())
        assert plan.status == "done" and plan.evidence_name == "关停通知.pdf" and plan.evidence_file.read()
        old.refresh_from_db()
        assert (old.status, old.integrated_into) == ("integrated", new)
        assert ZombieFlag.objects.get(pk=flag.pk).status == "resolved" and not services.is_zombie(old)
        assert [event.step for event in plan.events.all()] == ["created", "progress", "done"]
        with pytest.raises(ValidationError):
            services.cancel_plan(plan, user=world["officer"], reason="晚了")

    def test_evidence_uploaded_with_a_report_is_enough_to_finish(self, world, systems):
        plan = self.plan(world, systems[0], action="replace", target=systems[1])
        services.report_progress(plan, user=world["police_admin"], text="已上线新平台", evidence_file=evidence())
        services.finish_plan(plan, user=world["police_admin"], evidence_text="旧系统已下线")
        systems[0].refresh_from_db()
        assert (systems[0].status, systems[0].replaced_by) == ("replaced", systems[1])

    def test_shut_down_and_empty_evidence_file(self, world, systems):
        plan = self.plan(world, systems[0], action="shut_down")
        with pytest.raises(ValidationError) as error:
            services.finish_plan(plan, user=world["police_admin"], evidence_text="已关停",
                                 evidence_file=evidence(content=b""))
        assert "evidence_file" in error.value.message_dict
        services.finish_plan(plan, user=world["platform_admin"], evidence_text="已关停", evidence_file=evidence())
        systems[0].refresh_from_db()
        assert systems[0].status == "shut_down"

    def test_target_stopped_before_finishing(self, world, systems):
        plan = self.plan(world, systems[0], action="integrate", target=systems[1])
        systems[1].status = "shut_down"
        systems[1].save()
        with pytest.raises(ValidationError) as error:
            services.finish_plan(plan, user=world["police_admin"], evidence_text="完成", evidence_file=evidence())
        assert "target" in error.value.message_dict

    def test_cancel_and_change(self, world, systems):
        plan = self.plan(world, systems[0], action="integrate", target=systems[1])
        plan = services.update_plan(plan, user=world["officer"], action="shut_down", deadline=plan.deadline,
                                    today=TODAY)
        systems[0].refresh_from_db()
        assert plan.target is None and systems[0].status == "in_use"
        with pytest.raises(ValidationError):
            services.cancel_plan(plan, user=world["officer"], reason="")
        with pytest.raises(PermissionDenied):
            services.cancel_plan(plan, user=world["police_admin"], reason="不想关")
        services.cancel_plan(plan, user=world["officer"], reason="系统仍有业务需要")
        assert CleanupPlan.objects.get().status == "cancelled"
        assert plan.is_overdue(TODAY) is False

    def test_overdue(self, world, systems):
        plan = self.plan(world, systems[0], action="shut_down", deadline=TODAY)
        assert not plan.is_overdue(TODAY) and plan.is_overdue(TODAY + datetime.timedelta(days=1))

    def test_dismissing_a_flag_with_an_open_plan_is_refused(self, world, systems):
        usage(systems[0], "2029-01", monthly_active_users=0)
        flag = services.detect(systems=[systems[0]], today=TODAY)[0]
        self.plan(world, systems[0], action="shut_down")
        with pytest.raises(ValidationError):
            services.dismiss_flag(flag, user=world["officer"], note="不是")


# ---------------------------------------------------------------------------------------------------------------
# Thresholds and the department tree


class TestRules:
    def test_who_sets_which_rule(self, world):
        with pytest.raises(PermissionDenied):
            services.save_rule(user=world["officer"], jurisdiction=None, unused_months=3)
        with pytest.raises(PermissionDenied):
            services.save_rule(user=world["officer"], jurisdiction=world["other_city"], unused_months=3)
        with pytest.raises(PermissionDenied):
            services.save_rule(user=world["police_admin"], jurisdiction=world["city"], unused_months=3)
        rule = services.save_rule(user=world["officer"], jurisdiction=world["district"], unused_months=3)
        assert rule.unused_months == 3 and rule.unmaintained_months == 12
        default = services.save_rule(user=world["platform_admin"], duplicate_similarity=Decimal("0.9"))
        with pytest.raises(PermissionDenied):
            services.save_rule(default, user=world["officer"], unused_months=2)
        with pytest.raises(ValidationError):
            services.save_rule(user=world["officer"], jurisdiction=world["district"], unused_months=4)

    def test_bad_values_are_refused_and_nothing_is_stored(self, world):
        rule = services.save_rule(user=world["officer"], jurisdiction=world["city"])
        with pytest.raises(ValidationError) as error:
            services.save_rule(rule, user=world["officer"], unused_months=0, utilisation_percent=Decimal("120"),
                               duplicate_similarity=Decimal("1.5"), min_monthly_users=-1)
        assert set(error.value.message_dict) == {"unused_months", "utilisation_percent", "duplicate_similarity",
                                                 "min_monthly_users"}
        rule.refresh_from_db()
        assert rule.unused_months == 6


def test_system_tree_groups_by_integration(world):
    hub = make_system(world["police"], "公安大平台", GRID, connected_to_platform=True)
    make_system(world["police"], "户籍系统", PROPERTY, status="integrated", integrated_into=hub)
    outside = make_system(world["market"], "市场系统", ENTERPRISE, status="integrated", integrated_into=hub)
    make_system(world["police"], "旧门户", PROPERTY, status="replaced", replaced_by=hub)
    alone = make_system(world["police"], "独立系统", ENTERPRISE_AGAIN)
    tree = services.system_tree(world["police"])
    assert [node["system"].name for node in tree] == ["公安大平台", "独立系统"]
    children = {node["system"].name: node["relation"] for node in tree[0]["children"]}
    assert children == {"户籍系统": "integrated", "市场系统": "integrated", "旧门户": "replaced"}
    assert outside.owner == world["market"] and tree[1]["system"] == alone
    market_tree = services.system_tree(world["market"])
    assert [node["system"].name for node in market_tree] == ["市场系统"]


def test_visible_departments(world):
    assert set(services.visible_departments(world["police_admin"])) == {world["police"]}
    assert set(services.visible_departments(world["colleague"])) == set()
    assert world["district_office"] in services.visible_departments(world["officer"])
    assert world["police"] not in services.visible_departments(world["other_officer"])

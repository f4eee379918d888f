"""The zombie pages: lists with HTMX filters, the detection button, flag decisions, plans with evidence, duplicate
pairs, thresholds and the department map — and who may open which."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from govshare.core.testing import login_client
from govshare.zombies import services
from govshare.zombies.models import CleanupPlan, DuplicateCandidate, ZombieFlag, ZombieRule

from .conftest import TODAY, make_system, usage

pytestmark = pytest.mark.django_db

ENTERPRISE = "企业登记注册信息管理，办理企业设立、变更、注销登记，核发营业执照"
ENTERPRISE_AGAIN = "办理企业的设立登记、变更登记和注销登记，管理企业注册信息，发放营业执照"
GRID = "全市网格化社会治理，网格员巡查上报事件，事件流转处置"


@pytest.fixture
def flagged(world):
    old = make_system(world["police"], "旧户籍系统", "户籍业务办理，户口迁移登记", number="GA-001")
    usage(old, "2029-01", monthly_active_users=0)
    hub = make_system(world["police"], "公安大平台", GRID, connected_to_platform=True)
    market = make_system(world["market"], "市场旧系统", ENTERPRISE)
    usage(market, "2029-01", monthly_active_users=0)
    services.detect(today=TODAY)
    return {"old": old, "hub": hub, "market": market, "flag": ZombieFlag.objects.get(system=old)}


def future(days=60):
    return (timezone.localdate() + datetime.timedelta(days=days)).isoformat()


class TestFlagPages:
    def test_list_shows_own_flags_with_reasons(self, world, flagged):
        page = login_client(world["police_admin"]).get(reverse("zombies:flag_list"))
        body = page.content.decode()
        assert page.status_code == 200
        assert "旧户籍系统" in body and "市场旧系统" not in body
        assert "个月无人使用" in body
        assert "运行检测" not in body  # not the authority

    def test_authority_list_filters_by_htmx(self, world, flagged):
        client = login_client(world["officer"])
        page = client.get(reverse("zombies:flag_list"))
        body = page.content.decode()
        assert "旧户籍系统" in body and "市场旧系统" in body and "运行检测" in body
        partial = client.get(reverse("zombies:flag_list"), {"q": "市场"}, HTTP_HX_REQUEST="true",
                             HTTP_HX_TARGET="object-list")
        text = partial.content.decode()
        assert "<html" not in text and "市场旧系统" in text and "旧户籍系统" not in text
        by_rule = client.get(reverse("zombies:flag_list"), {"rule": "few_users"}).content.decode()
        assert "旧户籍系统" in by_rule
        by_rule = client.get(reverse("zombies:flag_list"), {"rule": "unmaintained"}).content.decode()
        assert "旧户籍系统" not in by_rule

    def test_run_detection_button(self, world):
        system = make_system(world["police"], "旧系统", GRID)
        usage(system, "2020-01", monthly_active_users=0)
        client = login_client(world["officer"])
        response = client.post(reverse("zombies:run_detection"), follow=True)
        assert "检测完成" in response.content.decode()
        assert services.is_zombie(system)
        assert login_client(world["police_admin"]).post(reverse("zombies:run_detection")).status_code == 403

    def test_confirm_and_dismiss(self, world, flagged):
        flag = flagged["flag"]
        url = reverse("zombies:flag_detail", args=[flag.pk])
        officer = login_client(world["officer"])
        page = officer.get(url).content.decode()
        assert "确认为僵尸系统" in page and "制定清理计划" in page
        assert "确认为僵尸系统" not in login_client(world["police_admin"]).get(url).content.decode()
        response = officer.post(reverse("zombies:flag_dismiss", args=[flag.pk]), {"note": ""}, follow=True)
        assert "排除标记须填写理由" in response.content.decode()
        officer.post(reverse("zombies:flag_confirm", args=[flag.pk]), {"note": "确认"})
        flag.refresh_from_db()
        assert flag.status == "confirmed"
        login_client(world["police_admin"]).post(reverse("zombies:flag_dismiss", args=[flag.pk]), {"note": "不是"})
        flag.refresh_from_db()
        assert flag.status == "confirmed"

    def test_other_jurisdiction_cannot_open_a_flag(self, world, flagged):
        url = reverse("zombies:flag_detail", args=[flagged["flag"].pk])
        assert login_client(world["other_officer"]).get(url).status_code == 404
        assert login_client(world["market_admin"]).get(url).status_code == 404


class TestPlanPages:
    def test_set_plan_then_report_and_finish(self, world, flagged):
        old, hub = flagged["old"], flagged["hub"]
        officer = login_client(world["officer"])
        form_page = officer.get(reverse("zombies:plan_add") + f"?system={old.pk}")
        assert form_page.status_code == 200 and "目标系统" in form_page.content.decode()
        refused = officer.post(reverse("zombies:plan_add") + f"?system={old.pk}",
                               {"action": "integrate", "deadline": future()})
        assert "须指定目标系统" in refused.content.decode() and not CleanupPlan.objects.exists()
        same = officer.post(reverse("zombies:plan_add") + f"?system={old.pk}",
                            {"action": "integrate", "target": old.pk, "deadline": future()})
        assert "目标系统不能是该系统本身" in same.content.decode()
        response = officer.post(reverse("zombies:plan_add") + f"?system={old.pk}",
                                {"action": "integrate", "target": hub.pk, "deadline": future(),
                                 "instructions": "年底前迁移"})
        plan = CleanupPlan.objects.get()
        assert response.status_code == 302 and response["Location"] == reverse("zombies:plan_detail", args=[plan.pk])

        admin = login_client(world["police_admin"])
        page = admin.get(reverse("zombies:plan_detail", args=[plan.pk])).content.decode()
        assert "报告进展" in page and "完成清理" in page and "撤销计划" not in page
        admin.post(reverse("zombies:plan_progress", args=[plan.pk]), {"text": "迁移中"})
        no_evidence = admin.post(reverse("zombies:plan_finish", args=[plan.pk]), {"evidence_text": "已完成"},
                                 follow=True)
        assert "请上传佐证材料" in no_evidence.content.decode()
        admin.post(reverse("zombies:plan_finish", args=[plan.pk]), {
            "evidence_text": "已整合", "evidence_file": SimpleUploadedFile("验收.pdf", b"%PDF evidence")})
        plan.refresh_from_db()
        old.refresh_from_db()
        assert plan.status == "done" and old.status == "integrated" and old.integrated_into == hub
        download = admin.get(reverse("zombies:plan_evidence", args=[plan.pk]))
        assert download.status_code == 200 and b"".join(download.streaming_content) == b"%PDF evidence"
        assert login_client(world["market_admin"]).get(reverse("zombies:plan_evidence", args=[plan.pk])
                                                       ).status_code == 404

    def test_department_admin_cannot_set_plans(self, world, flagged):
        client = login_client(world["police_admin"])
        assert client.get(reverse("zombies:plan_add")).status_code == 403
        assert client.post(reverse("zombies:plan_add"), {"system": flagged["old"].pk, "action": "shut_down",
                                                         "deadline": future()}).status_code == 403

    def test_plan_list_filters(self, world, flagged):
        services.create_plan(flagged["old"], user=world["officer"], action="shut_down",
                             deadline=timezone.localdate())
        client = login_client(world["officer"])
        body = client.get(reverse("zombies:plan_list"), {"action": "shut_down"}).content.decode()
        assert "旧户籍系统" in body
        body = client.get(reverse("zombies:plan_list"), {"action": "integrate"}).content.decode()
        assert "旧户籍系统" not in body
        assert "旧户籍系统" in client.get(reverse("zombies:plan_list"), {"overdue": "false"}).content.decode()


class TestDuplicatePages:
    def test_list_and_accept(self, world):
        first = make_system(world["market"], "企业登记系统", ENTERPRISE)
        second = make_system(world["police"], "企业注册系统", ENTERPRISE_AGAIN)
        services.detect(today=TODAY)
        candidate = DuplicateCandidate.objects.get()
        client = login_client(world["officer"])
        body = client.get(reverse("zombies:candidate_list")).content.decode()
        assert "企业登记系统" in body and "企业注册系统" in body and "核发营业执照" in body and "跨部门" in body
        page = client.get(reverse("zombies:candidate_detail", args=[candidate.pk])).content.decode()
        assert "采纳并制定整合计划" in page
        client.post(reverse("zombies:candidate_accept", args=[candidate.pk]),
                    {"keep": first.pk, "deadline": future(), "note": ""})
        plan = CleanupPlan.objects.get()
        assert (plan.system, plan.target) == (second, first)


class TestRulePages:
    def test_officer_adds_a_rule_for_its_city(self, world):
        client = login_client(world["officer"])
        assert "认定规则" in client.get(reverse("zombies:rule_list")).content.decode()
        data = {"jurisdiction": world["city"].pk, "unused_enabled": "on", "unused_months": 3,
                "unmaintained_months": 12, "utilisation_percent": "5", "min_monthly_users": 10,
                "duplicate_similarity": "0.8", "duplicate_enabled": "on"}
        response = client.post(reverse("zombies:rule_add"), data)
        assert response.status_code == 302
        rule = ZombieRule.objects.get()
        assert rule.unused_months == 3 and not rule.users_enabled and not rule.no_data_enabled
        bad = client.post(reverse("zombies:rule_edit", args=[rule.pk]), {**data, "unused_months": 0})
        assert bad.status_code == 200
        rule.refresh_from_db()
        assert rule.unused_months == 3
        other = login_client(world["other_officer"])
        assert other.get(reverse("zombies:rule_edit", args=[rule.pk])).status_code == 404
        assert login_client(world["police_admin"]).get(reverse("zombies:rule_add")).status_code == 403


class TestDepartmentMap:
    def test_tree_for_the_department_and_the_authority(self, world, flagged):
        hub = flagged["hub"]
        make_system(world["police"], "出入境系统", "出入境证件办理", status="integrated", integrated_into=hub)
        admin = login_client(world["police_admin"])
        response = admin.get(reverse("zombies:department_list"))
        assert response.status_code == 302
        assert response["Location"] == reverse("zombies:department_map", args=[world["police"].pk])
        body = admin.get(response["Location"]).content.decode()
        assert "公安大平台" in body and "出入境系统" in body and "已整合" in body and "旧户籍系统" in body
        assert admin.get(reverse("zombies:department_map", args=[world["market"].pk])).status_code == 404
        officer = login_client(world["officer"])
        listing = officer.get(reverse("zombies:department_list")).content.decode()
        assert "市公安局" in listing and "市市场监管局" in listing
        assert officer.get(reverse("zombies:department_map", args=[world["market"].pk])).status_code == 200
        assert login_client(world["colleague"]).get(reverse("zombies:department_list")).status_code == 403

    def test_list_query_count_does_not_grow(self, world, django_assert_max_num_queries):
        for index in range(15):
            system = make_system(world["police"], f"系统{index}", f"业务{index}")
            usage(system, "2020-01", monthly_active_users=0)
        services.detect(today=TODAY)
        client = login_client(world["officer"])
        with django_assert_max_num_queries(18):
            client.get(reverse("zombies:flag_list"))

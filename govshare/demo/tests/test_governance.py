"""The governance demo: inventories with a year of usage, zombie flags in every state and a cleanup tree, project
filings at three stages, and the Yancheng plan with overdue, due-soon and done tasks and this week's reports."""

import datetime
import io
from collections import Counter
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from govshare.demo.governance import DEADLINE_SHIFTS, shifted_deadlines
from govshare.demo.governance_data import (
    ARBITRATION,
    DUPLICATE_KEEP,
    DUPLICATE_MERGED,
    PLAN_TASKS,
    POPULATION,
    POPULATION_TARGET,
    SYSTEMS,
)
from govshare.inventory.models import InformationSystem, SystemUsage
from govshare.projects import services as projects
from govshare.projects.models import Project, ReviewerDepartment
from govshare.supervision.bulletin import build_bulletin, week_of
from govshare.supervision.deadlines import parse_deadline
from govshare.supervision.models import WorkPlan
from govshare.supervision.services import Horizon, task_state
from govshare.users.models import User
from govshare.workdays.services import WorkCalendar
from govshare.zombies import services as zombies
from govshare.zombies.models import CleanupPlan, DuplicateCandidate, ZombieFlag

SEED_TABLE = Path(__file__).resolve().parents[2] / "supervision" / "tests" / "seed_task_table.tsv"


def test_plan_table_is_the_seed_table():
    rows = []
    for line in SEED_TABLE.read_text(encoding="utf-8").splitlines():
        cells = line.split("\t")
        if line.strip() and cells[0] != "序号":
            rows.append(tuple((cells + [""] * 5)[:5]))
    assert rows == PLAN_TASKS
    # Every dated task is re-timed; the two yearly ones keep their seed text.
    dated = {number for number, *_rest, deadline in PLAN_TASKS if deadline.startswith("2018")}
    assert set(DEADLINE_SHIFTS) == dated and len(dated) == 16


def test_system_names_are_unique_per_department_and_quick_covers_every_profile():
    assert len({(spec["key"], spec["name"]) for spec in SYSTEMS}) == len(SYSTEMS)
    assert 55 <= len(SYSTEMS) <= 65
    quick = [spec for spec in SYSTEMS if spec["quick"]]
    assert 12 <= len(quick) <= 18
    assert {spec["profile"][0] for spec in quick} == {"active", "unused", "unmaintained", "low_util", "few_users"}


@pytest.mark.django_db
@pytest.mark.parametrize("today", [datetime.date(2026, 1, 2), datetime.date(2026, 6, 15), datetime.date(2026, 9, 30),
                                   datetime.date(2026, 12, 31)])
def test_shifted_deadlines_put_each_task_in_its_state(today):
    calendar = WorkCalendar()
    horizon = Horizon.at(today, calendar=calendar)
    for number, text in shifted_deadlines(today, calendar).items():
        due = parse_deadline(text).date
        kind = DEADLINE_SHIFTS[number][0]
        if kind in ("done", "overdue"):
            assert due <= horizon.cutoff, (number, text)
        elif kind == "due_soon":
            assert horizon.cutoff < due <= horizon.soon_limit, (number, text)
        else:
            assert due > horizon.soon_limit, (number, text)


@pytest.mark.django_db
def test_quick_demo_loads_governance():
    out = io.StringIO()
    call_command("demo", "--quick", stdout=out)
    report = out.getvalue()
    today = timezone.localdate()

    # Inventories of 4 departments, a year of usage each (the platform's own by API), some linked to the catalogue.
    systems = InformationSystem.objects.select_related("owner")
    quick = [spec for spec in SYSTEMS if spec["quick"]]
    assert systems.count() == len(quick) == 16
    assert {system.owner.short_name for system in systems} == {"市经信委", "市公安局", "市民政局", "市人社局"}
    assert SystemUsage.objects.count() == 16 * 12
    assert Counter(SystemUsage.objects.values_list("source", flat=True)) == {"api": 12, "import": 180}
    assert not SystemUsage.objects.filter(month__gte=today.replace(day=1)).exists()  # complete months only
    assert systems.filter(connected_to_platform=True).count() == 8
    assert systems.filter(source_resources__isnull=False).distinct().count() >= 5
    assert all(system.protection_filing_number for system in systems if (system.protection_level or 0) >= 2)

    # Zombie flags in every state, for every kind of reason.
    flags = ZombieFlag.objects.select_related("system")
    assert Counter(flags.values_list("status", flat=True)) == {"open": 5, "confirmed": 1, "dismissed": 1,
                                                               "resolved": 2}
    rules = {reason["rule"] for flag in flags for reason in flag.reasons}
    assert rules == {"unused", "unmaintained", "low_utilisation", "few_users", "duplicate"}
    confirmed = flags.get(status="confirmed")
    dismissed = flags.get(status="dismissed")
    assert confirmed.system.name == POPULATION and confirmed.note and confirmed.decided_by.username == "shenhe"
    assert dismissed.system.name == ARBITRATION and "仲裁员" in dismissed.note
    assert {flag.system.name for flag in flags.filter(status="resolved")} == {DUPLICATE_KEEP, DUPLICATE_MERGED}
    assert Counter(DuplicateCandidate.objects.values_list("status", flat=True)) == {"proposed": 1, "accepted": 1}

    # A cleanup in progress and one done with evidence: 市民政局's "one big system" is a tree.
    plans = CleanupPlan.objects.select_related("system", "target")
    assert Counter(plans.values_list("status", flat=True)) == {"in_progress": 1, "done": 1}
    running = plans.get(status="in_progress")
    assert (running.system.name, running.target.name) == (POPULATION, POPULATION_TARGET)
    assert running.system.status == "to_integrate" and running.events.filter(step="progress").exists()
    done = plans.get(status="done")
    assert done.evidence_file and done.evidence_text and done.completed_by.username == "minzheng"
    merged = done.system
    assert (merged.name, merged.status, merged.integrated_into.name) == (DUPLICATE_MERGED, "integrated", DUPLICATE_KEEP)
    tree = zombies.system_tree(merged.owner)
    (keep,) = [node for node in tree if node["system"].name == DUPLICATE_KEEP]
    assert [(child["system"].name, child["relation"]) for child in keep["children"]] == [
        (DUPLICATE_MERGED, "integrated")]
    assert zombies.is_zombie(InformationSystem.objects.get(name="劳动力资源调查系统"))

    # Reviewer departments and their reviewers; three filings at three stages.
    assert sorted(ReviewerDepartment.objects.values_list("kind", "department__short_name")) == [
        ("development_reform", "市发改委"), ("finance", "市财政局")]
    for username in ("fagai", "caizheng"):
        assert User.objects.get(username=username).has_role("reviewer")
        assert username in report
    filings = {project.status: project for project in Project.objects.all()}
    assert set(filings) == {"approved", "submitted", "draft"}
    approved = filings["approved"]
    review = approved.current_review
    assert review.decision == "approved" and review.decided_by.username == "shenhe"
    assert sorted(review.opinions.values_list("kind", "opinion")) == [("development_reform", "agree"),
                                                                      ("finance", "agree")]
    resubmitted = filings["submitted"]
    assert resubmitted.round == 2 and resubmitted.compliant
    first = resubmitted.reviews.get(round=1)
    assert first.decision == "refused" and "僵尸" in first.decision_reason and not first.compliant
    assert "om_funding" in {item["key"] for item in projects.failing_items(first.compliance)}
    assert sorted(resubmitted.current_review.opinions.values_list("opinion", flat=True)) == ["agree", "pending"]
    assert projects.check_passes(projects.compliance_checklist(resubmitted))
    draft = filings["draft"]
    failing = {item["key"] for item in projects.failing_items(projects.compliance_checklist(draft))}
    assert failing == {"catalogue", "connection", "duplication", "protection"}

    # The Yancheng plan of this year: 18 tasks, 4 done, 4 overdue, 2+ due soon; this week's bulletin has content.
    plan = WorkPlan.objects.get()
    assert plan.year == today.year and plan.tasks.count() == 18
    horizon = Horizon.at(today)
    states = Counter(task_state(task, horizon) for task in plan.tasks.all())
    assert states["done"] == 4 and states["overdue"] == 4 and states["due_soon"] >= 2
    assert plan.tasks.get(number="1").unmatched_lead_units == ["市级各部门"]
    bulletin = build_bulletin(week_of(today))
    assert bulletin.counts["overdue"] == 4 and bulletin.counts["done"] == 4
    assert len(bulletin.reports) == 5
    cooperating = [report for report in bulletin.reports if report.task.number == "16"]
    assert cooperating and plan.tasks.get(number="16").status == "not_started"  # a cooperating unit's report

    assert "政务信息系统治理" in report and "僵尸系统标记 9 个" in report and "已逾期 4" in report

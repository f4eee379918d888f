"""Rules of the supervision ledger: who manages and reads plans, who reports, how reports move tasks, overdue and
due soon on working days, and the reminders."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from govshare.core.models import ObjectChange
from govshare.notifications.models import Notification
from govshare.supervision import services
from govshare.supervision.choices import TaskStateChoices, TaskStatusChoices
from govshare.supervision.models import ProgressAttachment, ProgressReport, WorkPlan, WorkTask
from govshare.supervision.services import Horizon, task_state

pytestmark = pytest.mark.django_db
D = datetime.date


# --- Permissions -------------------------------------------------------------------------------------------------


def test_who_reads_and_manages_plans(world, seed_plan):
    readers = ("supervisor", "authority_clerk", "jxw_user", "police_admin", "platform_admin", "county_user")
    for name in readers:
        assert WorkPlan.objects.restrict(world[name], "view").filter(pk=seed_plan.pk).exists(), name
    assert not WorkPlan.objects.restrict(world["other_officer"], "view").exists()
    managers = [name for name in world if hasattr(world[name], "has_role")
                and WorkPlan.objects.restrict(world[name], "change").filter(pk=seed_plan.pk).exists()]
    assert sorted(managers) == ["platform_admin", "supervisor"]


def test_only_supervisors_create_plans(world):
    with pytest.raises(PermissionDenied):
        services.create_plan(user=world["jxw_admin"], name="计划")
    with pytest.raises(PermissionDenied):
        services.create_plan(user=world["other_officer"], name="计划", jurisdiction=world["city"])
    with pytest.raises(ValidationError) as info:
        services.create_plan(user=world["supervisor"], name=" ", year=1999)
    assert set(info.value.message_dict) == {"name", "year"}
    plan = services.create_plan(user=world["supervisor"], name="计划", year=2026)
    assert plan.jurisdiction == world["city"]
    change = ObjectChange.objects.get(object_id=plan.pk, object_repr="计划")
    assert change.user == world["supervisor"]


def test_who_may_report_on_a_task(world, seed_plan):
    task = seed_plan.tasks.get(number="3")  # lead 市经信委 市公安局, cooperating 市各有关部门 (text)
    reporters = WorkTask.objects.restrict(world["police_admin"], "report")
    assert reporters.filter(pk=task.pk).exists()
    assert not WorkTask.objects.restrict(world["finance_admin"], "report").filter(pk=task.pk).exists()
    with pytest.raises(PermissionDenied):
        services.report_progress(task, user=world["finance_admin"], text="进展", percent=10)
    assert not ProgressReport.objects.exists()


# --- Reports -----------------------------------------------------------------------------------------------------


def test_lead_unit_report_moves_a_dated_task_to_done(world, make_task):
    task = make_task("2026年12月31日前", lead=("市经信委",), cooperating=("市财政局",))
    services.report_progress(task, user=world["finance_admin"], text="配合完成数据梳理", percent=100)
    task.refresh_from_db()
    assert task.status == TaskStatusChoices.NOT_STARTED and task.percent == 0  # a cooperating unit's report

    services.report_progress(task, user=world["jxw_user"], text="完成一半", percent=50)
    task.refresh_from_db()
    assert (task.status, task.percent) == (TaskStatusChoices.IN_PROGRESS, 50)

    report = services.report_progress(task, user=world["jxw_admin"], text="全部完成", percent=100)
    task.refresh_from_db()
    assert task.status == TaskStatusChoices.DONE and task.completed_on is not None
    assert report.department == world["units"]["市经信委"] and report.period_due_on == D(2026, 12, 31)
    assert task.reports.count() == 3


def test_a_recurring_task_moves_on_to_the_next_period(world, make_task, frozen_today):
    frozen_today(2026, 12, 20)
    task = make_task("每年12月1日前", today=D(2026, 11, 1))
    assert task.due_on == D(2026, 12, 1)
    services.report_progress(task, user=world["jxw_admin"], text="年度情况已报送", percent=100)
    task.refresh_from_db()
    assert task.due_on == D(2027, 12, 1)  # across the year end
    assert task.status == TaskStatusChoices.IN_PROGRESS and task.percent == 0
    assert task.last_period_done_on == D(2026, 12, 20)


def test_a_monthly_task_done_early_moves_to_the_following_month(world, make_task, frozen_today):
    frozen_today(2026, 12, 10)
    task = make_task("每月25日前", today=D(2026, 12, 1))
    assert task.due_on == D(2026, 12, 25)
    services.report_progress(task, user=world["jxw_admin"], text="本月已报送", percent=100)
    task.refresh_from_db()
    assert task.due_on == D(2027, 1, 25)


def test_invalid_reports_store_nothing(world, make_task):
    task = make_task("2026年12月31日前")
    big = SimpleUploadedFile("big.pdf", b"x" * 10, content_type="application/pdf")
    with pytest.raises(ValidationError) as info:
        services.report_progress(task, user=world["jxw_admin"], text=" ", percent=120,
                                 files=[big, SimpleUploadedFile("empty.txt", b"")])
    assert set(info.value.message_dict) == {"text", "percent", "attachments"}
    assert not ProgressReport.objects.exists() and not ProgressAttachment.objects.exists()


def test_attachments_are_stored_under_the_data_dir(world, make_task, settings):
    task = make_task("2026年12月31日前")
    report = services.report_progress(
        task, user=world["jxw_admin"], text="附会议纪要", percent=30,
        files=[SimpleUploadedFile("../../会议纪要.pdf", b"%PDF-1.4 minutes", content_type="application/pdf")],
    )
    attachment = report.attachments.get()
    assert attachment.name == "会议纪要.pdf" and attachment.size == 16
    path = attachment.file.path
    assert path.startswith(str(settings.DATA_DIR / "supervision")) and ".." not in attachment.file.name
    with attachment.file.open("rb") as handle:
        assert handle.read() == b"%PDF-1.4 minutes"


def test_supervisor_confirms_or_reopens(world, make_task):
    task = make_task("2026年12月31日前")
    with pytest.raises(PermissionDenied):
        services.set_task_status(task, user=world["jxw_admin"], status=TaskStatusChoices.DONE)
    task = services.set_task_status(task, user=world["supervisor"], status=TaskStatusChoices.DONE, on=D(2026, 10, 9))
    assert (task.status, task.percent, task.completed_on) == (TaskStatusChoices.DONE, 100, D(2026, 10, 9))
    task = services.set_task_status(task, user=world["supervisor"], status=TaskStatusChoices.IN_PROGRESS)
    assert task.completed_on is None and task.percent == 99


def test_save_task_checks_number_and_deadline(world, make_task):
    task = make_task("2026年12月31日前", number="1")
    with pytest.raises(ValidationError) as info:
        services.save_task(WorkTask(plan=task.plan), user=world["supervisor"], number="1", text="",
                           deadline_text="尽快")
    assert set(info.value.message_dict) == {"number", "text", "deadline_text"}


# --- Overdue and due soon on working days ------------------------------------------------------------------------


def test_overdue_across_national_day(world, make_task):
    task = make_task("2026年10月1日前")  # 1-7 October 2026 are holidays; the 8th is the first working day
    for day, expected in [
        (D(2026, 9, 24), TaskStateChoices.DUE_SOON),
        (D(2026, 10, 5), TaskStateChoices.DUE_SOON),
        (D(2026, 10, 8), TaskStateChoices.DUE_SOON),  # the moved deadline itself: still in time
        (D(2026, 10, 9), TaskStateChoices.OVERDUE),
    ]:
        horizon = Horizon.at(day)
        assert task_state(task, horizon) == expected, day
        # The database filter agrees with the state of the row.
        in_filter = WorkTask.objects.filter(horizon.overdue_q(), pk=task.pk).exists()
        assert in_filter == (expected == TaskStateChoices.OVERDUE), day


def test_due_soon_window_is_in_working_days(world, make_task):
    task = make_task("2026年10月9日前")
    # From 29 September, 5 working days: 30 Sep, 8, 9, 10 (a make-up Saturday), 12 Oct.
    assert task_state(task, Horizon.at(D(2026, 9, 29), days=3)) == TaskStateChoices.DUE_SOON
    assert task_state(task, Horizon.at(D(2026, 9, 29), days=1)) == TaskStateChoices.NOT_STARTED


def test_a_task_done_later_is_open_on_an_earlier_day(world, make_task):
    task = make_task("2026年9月30日前")
    services.set_task_status(task, user=world["supervisor"], status=TaskStatusChoices.DONE, on=D(2026, 10, 12))
    task.refresh_from_db()
    assert task_state(task, Horizon.at(D(2026, 10, 9))) == TaskStateChoices.OVERDUE
    assert task_state(task, Horizon.at(D(2026, 10, 12))) == TaskStateChoices.DONE


def test_ongoing_tasks_are_never_overdue(world, make_task):
    task = make_task("长期坚持")
    assert task_state(task, Horizon.at(D(2030, 1, 1))) == TaskStateChoices.NOT_STARTED


# --- Reminders ---------------------------------------------------------------------------------------------------


def test_reminders_go_to_lead_units_admins_once(world, make_task, django_capture_on_commit_callbacks):
    overdue = make_task("2026年9月30日前", lead=("市经信委",))
    make_task("2026年10月9日前", lead=("市公安局",))
    make_task("2026年12月31日前", lead=("市财政局",))
    with django_capture_on_commit_callbacks(execute=True):
        counts = services.remind_due_tasks(today=D(2026, 9, 30))
    assert counts == {"overdue": 0, "due_soon": 2}
    with django_capture_on_commit_callbacks(execute=True):
        counts = services.remind_due_tasks(today=D(2026, 10, 8))  # 30 September has passed, a working day
    assert counts == {"overdue": 1, "due_soon": 1}
    messages = Notification.objects.filter(recipient=world["jxw_admin"])
    subjects = [m.subject.split("：")[0] for m in messages.order_by("created", "id")]
    assert subjects == ["督查任务即将到期", "督查任务已逾期"]
    assert str(overdue.pk) in messages.first().link
    assert not Notification.objects.filter(recipient=world["jxw_user"]).exists()  # not a department admin
    assert Notification.objects.filter(recipient=world["police_admin"]).count() == 1
    assert not Notification.objects.filter(recipient=world["finance_admin"]).exists()
    before = Notification.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        services.remind_due_tasks(today=D(2026, 10, 9))
    assert Notification.objects.count() == before


def test_the_celery_task_runs_the_reminders(world, make_task, frozen_today, django_capture_on_commit_callbacks):
    from govshare.supervision.tasks import remind_due_tasks

    make_task("2026年9月30日前")
    frozen_today(2026, 10, 9)
    with django_capture_on_commit_callbacks(execute=True):
        result = remind_due_tasks.delay().get()
    assert result["overdue"] == 1
    assert Notification.objects.filter(recipient=world["jxw_admin"]).exists()


def test_reminder_task_is_on_the_beat_schedule(settings):
    from govshare.celery import app
    from govshare.supervision.tasks import remind_due_tasks

    names = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert remind_due_tasks.name == "govshare.supervision.tasks.remind_due_tasks" in names
    assert remind_due_tasks.name in app.tasks

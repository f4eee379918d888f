"""The hourly deadline job: reminders before the deadline and overdue flags to the competent authority, each once."""

import datetime

import pytest

from govshare.audit.models import AuditEntry
from govshare.celery import app
from govshare.notifications.models import Notification
from govshare.objections import services
from govshare.objections.choices import ObjectionStatusChoices
from govshare.objections.tasks import check_deadlines

pytestmark = pytest.mark.django_db


def raise_one(world):
    return services.raise_objection(
        user=world["consumer"], resource=world["resource"], kind="data_quality", description="姓名有误",
    )


def run_job(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return check_deadlines.delay().get()


def test_task_is_registered_under_its_beat_name(settings):
    names = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert check_deadlines.name == "govshare.objections.tasks.check_deadlines" in names
    assert check_deadlines.name in app.tasks


def test_reminder_before_deadline_is_sent_once(world, frozen_now, django_capture_on_commit_callbacks):
    frozen_now(2026, 3, 2, 10, 0)  # Monday; deadline Monday 2026-03-09
    objection = raise_one(world)
    assert run_job(django_capture_on_commit_callbacks) == {"reminded": 0, "overdue": 0}

    frozen_now(2026, 3, 6, 10, 0)  # Friday: one working day left
    assert run_job(django_capture_on_commit_callbacks) == {"reminded": 1, "overdue": 0}
    assert run_job(django_capture_on_commit_callbacks) == {"reminded": 0, "overdue": 0}
    frozen_now(2026, 3, 6, 11, 0)
    assert run_job(django_capture_on_commit_callbacks) == {"reminded": 0, "overdue": 0}

    key = f"objection:{objection.pk}:remind:{world['police'].pk}:2026-03-09"
    reminded = Notification.objects.filter(key=key)
    assert sorted(reminded.values_list("recipient__username", flat=True)) == ["gaj_admin", "tigong"]
    assert objection.events.filter(step="reminded").count() == 1


def test_overdue_flagged_once_and_the_authority_told(world, frozen_now, django_capture_on_commit_callbacks):
    frozen_now(2026, 3, 2, 10, 0)
    objection = raise_one(world)
    answered = raise_one(world)
    services.start_verification(answered, user=world["provider"])
    services.correct(answered, user=world["provider"], correction_note="已更正")

    frozen_now(2026, 3, 10, 9, 0)  # the day after the deadline
    assert run_job(django_capture_on_commit_callbacks) == {"reminded": 0, "overdue": 1}
    assert run_job(django_capture_on_commit_callbacks) == {"reminded": 0, "overdue": 0}
    objection.refresh_from_db()
    assert objection.overdue_at is not None and objection.is_overdue()
    assert objection.events.filter(step="overdue").count() == 1
    key = f"objection:{objection.pk}:overdue:{world['police'].pk}:2026-03-09"
    told = set(Notification.objects.filter(key=key).values_list("recipient__username", flat=True))
    assert told == {"zhuguan", "tigong", "gaj_admin"}  # the authority officer and the handling department
    assert "zhuguan_nj" not in told
    assert AuditEntry.objects.filter(detail__objection=objection.number, detail__step="overdue").count() == 1
    answered.refresh_from_db()
    assert answered.overdue_at is None  # answered in time: nothing to flag


def test_transfer_restarts_reminders_and_overdue(world, frozen_now, django_capture_on_commit_callbacks):
    frozen_now(2026, 3, 2, 10, 0)
    objection = raise_one(world)
    frozen_now(2026, 3, 10, 9, 0)
    run_job(django_capture_on_commit_callbacks)
    services.start_verification(objection, user=world["provider"])
    services.transfer(objection, user=world["provider"], department=world["civil"], reason="数据归民政局")
    objection.refresh_from_db()
    assert objection.overdue_at is None
    assert objection.deadline == datetime.date(2026, 3, 17)
    assert objection.status == ObjectionStatusChoices.TRANSFERRED

    frozen_now(2026, 3, 16, 9, 0)
    assert run_job(django_capture_on_commit_callbacks) == {"reminded": 1, "overdue": 0}
    assert Notification.objects.filter(recipient=world["civil_provider"], key__contains=":remind:").count() == 1
    frozen_now(2026, 3, 18, 9, 0)
    assert run_job(django_capture_on_commit_callbacks) == {"reminded": 0, "overdue": 1}
    assert objection.events.filter(step="overdue").count() == 2

"""`govshare zombies` and the daily Celery task."""

import io

import pytest
from django.core.management import CommandError, call_command

from govshare.notifications.models import Notification
from govshare.zombies.models import ZombieFlag
from govshare.zombies.tasks import detect_zombies

from .conftest import make_system, usage

pytestmark = pytest.mark.django_db


def run(*args):
    out = io.StringIO()
    call_command("zombies", *args, stdout=out)
    return out.getvalue()


def test_lists_flagged_systems_with_reasons(world):
    police = make_system(world["police"], "旧户籍系统", "户籍业务办理")
    usage(police, "2020-01", monthly_active_users=0)
    market = make_system(world["market"], "市场旧系统", "市场主体登记")
    usage(market, "2020-01", monthly_active_users=0)
    assert "没有被标记的系统" in run()
    output = run("--detect")
    assert "新标记 2 个" in output and "旧户籍系统" in output and "个月无人使用（阈值 6 个月）" in output
    only_police = run("--department", world["police"].credit_code.lower())
    assert "旧户籍系统" in only_police and "市场旧系统" not in only_police
    assert "共 1 个被标记的系统" in only_police


def test_detect_for_one_department_only(world):
    police = make_system(world["police"], "旧户籍系统", "户籍业务办理")
    usage(police, "2020-01", monthly_active_users=0)
    market = make_system(world["market"], "市场旧系统", "市场主体登记")
    usage(market, "2020-01", monthly_active_users=0)
    run("--detect", "--department", world["market"].credit_code)
    assert [flag.system for flag in ZombieFlag.objects.all()] == [market]


def test_unknown_department(world):
    with pytest.raises(CommandError):
        run("--department", "NOPE")


def test_daily_task_flags_and_notifies(world, django_capture_on_commit_callbacks):
    system = make_system(world["police"], "旧户籍系统", "户籍业务办理")
    usage(system, "2020-01", monthly_active_users=0)
    with django_capture_on_commit_callbacks(execute=True):
        assert detect_zombies() == {"flagged": 1, "new": 1}
    with django_capture_on_commit_callbacks(execute=True):
        assert detect_zombies() == {"flagged": 1, "new": 0}
    assert Notification.objects.filter(recipient=world["police_admin"]).count() == 1


def test_beat_schedule_runs_it_daily():
    from django.conf import settings

    entries = [entry for entry in settings.CELERY_BEAT_SCHEDULE.values()
               if entry["task"] == "govshare.zombies.tasks.detect_zombies"]
    assert entries and entries[0]["schedule"] == 86400.0

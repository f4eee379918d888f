"""Shared data for the supervision tests: the city of the seeds with its competent authority and the departments
its task table names, a supervisor, unit users, a reader elsewhere in the city and an officer of another city."""

import datetime

import pytest
from django.utils import timezone

from govshare.core.testing import make_department, make_jurisdiction, make_user
from govshare.supervision.excel import write_workbook

from .seed_rows import DEPARTMENTS, ROWS, TITLE


@pytest.fixture
def world():
    city = make_jurisdiction("盐城市", "320900")
    county = make_jurisdiction("亭湖区", "320902", level="county", parent=city)
    other_city = make_jurisdiction("南京市", "320100")
    authority = make_department("盐城市大数据管理局", city, competent=True)
    units = {short or name: make_department(name, city, short_name=short) for name, short in DEPARTMENTS}
    other_authority = make_department("南京市大数据管理局", other_city, competent=True)
    county_unit = make_department("亭湖区政府办公室", county)
    return {
        "city": city,
        "county": county,
        "other_city": other_city,
        "authority": authority,
        "units": units,
        "supervisor": make_user("duban", authority, roles=["authority_officer"]),
        "authority_clerk": make_user("zhuguan_clerk", authority, roles=["cataloguer"]),
        "platform_admin": make_user("pingtai", roles=["platform_admin"]),
        "jxw_admin": make_user("jxw_admin", units["市经信委"], roles=["department_admin"]),
        "jxw_user": make_user("jxw_user", units["市经信委"], roles=["cataloguer"]),
        "police_admin": make_user("gaj_admin", units["市公安局"], roles=["department_admin"]),
        "finance_admin": make_user("czj_admin", units["市财政局"], roles=["department_admin"]),
        "county_user": make_user("tinghu", county_unit, roles=["department_admin"]),
        "other_officer": make_user("nj_duban", other_authority, roles=["authority_officer"]),
    }


@pytest.fixture
def seed_workbook(tmp_path):
    """The seeds' task table as an .xlsx (title line, header, 18 rows): the sample of the import layout."""
    path = tmp_path / "盐城市重点工作任务.xlsx"
    write_workbook(path, ROWS, title=TITLE)
    return path


@pytest.fixture
def frozen_today(monkeypatch):
    """Set the day (and time) Django reads, so states and bulletins are computed for a known date."""

    def freeze(year, month, day, hour=10):
        moment = timezone.make_aware(datetime.datetime(year, month, day, hour))
        monkeypatch.setattr(timezone, "now", lambda: moment)
        return moment.date()

    return freeze


@pytest.fixture
def seed_plan(world, seed_workbook):
    """The seeds' plan imported by the supervisor (on 1 September 2026)."""
    from govshare.supervision.excel import import_plan
    from govshare.supervision.models import WorkPlan

    result = import_plan(seed_workbook, user=world["supervisor"], today=datetime.date(2026, 9, 1))
    assert result.ok, result.errors
    return WorkPlan.objects.get(pk=result.plan_id)


@pytest.fixture
def make_task(world):
    """A task in a plan of the city, led by the given units, due as the deadline text says."""
    from govshare.supervision import services
    from govshare.supervision.models import WorkPlan, WorkTask

    def make(deadline_text, *, lead=("市经信委",), cooperating=(), number=None, plan=None, today=None):
        plan = plan or WorkPlan.objects.filter(name="测试计划").first() or services.create_plan(
            user=world["supervisor"], name="测试计划", year=2026)
        number = number or str(plan.tasks.count() + 1)
        return services.save_task(
            WorkTask(plan=plan), user=world["supervisor"], number=number, text=f"任务{number}",
            deadline_text=deadline_text, lead_units=[world["units"][name] for name in lead],
            cooperating_units=[world["units"][name] for name in cooperating],
            today=today or datetime.date(2026, 9, 1),
        )

    return make

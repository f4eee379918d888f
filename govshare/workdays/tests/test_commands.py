"""`govshare calendar import | show | due`."""

import io

import pytest
from django.core.management import CommandError, call_command

from govshare.workdays.models import CalendarDay, CalendarYear

from .conftest import CALENDAR_2027_ROWS, calendar_csv

pytestmark = pytest.mark.django_db


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("calendar", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_import_prints_counts(csv_file):
    out, _err = run("import", str(csv_file(calendar_csv(CALENDAR_2027_ROWS), "gbk")))
    assert f"新增 {len(CALENDAR_2027_ROWS)} 天" in out
    assert "2027" in out
    assert CalendarYear.objects.filter(year=2027).exists()


def test_import_of_a_bad_file_lists_errors_and_fails(csv_file):
    err = io.StringIO()
    with pytest.raises(CommandError) as excinfo:
        call_command("calendar", "import", str(csv_file("日期,类型\n2027-02-30,休息日\n")), stderr=err)
    assert excinfo.value.returncode != 0
    assert "第2行" in err.getvalue() and "日期" in err.getvalue()
    assert CalendarDay.objects.count() == 0


def test_show_lists_package_holidays_with_source():
    out, _err = run("show", "2026")
    assert "节假日数据包" in out
    line = next(line for line in out.splitlines() if line.startswith("2026-10-01"))
    assert "国庆节" in line and "休息日" in line
    assert any(line.startswith("2026-10-10") and "调休上班" in line for line in out.splitlines())


def test_show_an_unloaded_year_says_so():
    out, _err = run("show", "2027")
    assert "未载入" in out


def test_due_prints_the_date_and_the_estimate_warning(calendar_2027):
    out, _err = run("due", "2026-09-28", "10")
    assert "2026-10-16" in out and "按周末估算" not in out
    out, _err = run("due", "2027-12-20", "15")
    assert "按周末估算" in out and "2028" in out

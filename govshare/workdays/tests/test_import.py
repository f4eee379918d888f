"""Importing the calendar table: encodings, formats, validation by row and column, all or nothing."""

import datetime
import io

import pytest
from openpyxl import Workbook

from govshare.core.models import ObjectChange
from govshare.workdays import services
from govshare.workdays.choices import CalendarSourceChoices
from govshare.workdays.models import CalendarDay, CalendarYear

from .conftest import CALENDAR_2027_ROWS, calendar_csv

D = datetime.date

pytestmark = pytest.mark.django_db


def test_utf8_import_creates_days_and_marks_the_year(calendar_2027):
    assert calendar_2027.created == len(CALENDAR_2027_ROWS)
    assert calendar_2027.years == (2027,)
    day = CalendarDay.objects.get(date=D(2027, 2, 20))
    assert (day.is_working_day, day.name, day.source) == (True, "春节调休上班", CalendarSourceChoices.IMPORT)
    assert not CalendarDay.objects.get(date=D(2027, 2, 8)).is_working_day  # "节假日" means a day off
    assert CalendarYear.objects.get(year=2027).source == CalendarSourceChoices.IMPORT
    assert ObjectChange.objects.filter(object_repr__startswith="2027-01-01").exists()


@pytest.mark.parametrize("encoding", ["gbk", "utf-8-sig"])
def test_gbk_and_bom_files_are_detected(csv_file, encoding):
    result = services.import_calendar(csv_file(calendar_csv(CALENDAR_2027_ROWS), encoding))
    assert result.ok, result.errors
    assert CalendarDay.objects.get(date=D(2027, 2, 6)).name == "春节"
    assert CalendarDay.objects.get(date=D(2027, 2, 20)).name == "春节调休上班"


def test_english_headers_and_other_date_spellings(csv_file):
    text = calendar_csv(
        [("2027/10/01", "holiday", "National Day"), ("20271009", "workday", ""), ("2027年10月2日", "休", "国庆节")],
        header=("date", "type", "name"),
    )
    result = services.import_calendar(csv_file(text))
    assert result.ok, result.errors
    assert set(CalendarDay.objects.values_list("date", "is_working_day")) == {
        (D(2027, 10, 1), False), (D(2027, 10, 9), True), (D(2027, 10, 2), False),
    }


def test_xlsx_upload_with_date_cells():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["日期", "类型", "名称"])
    sheet.append([datetime.datetime(2027, 1, 1), "休息日", "元旦"])
    sheet.append(["2027-02-20", "调休上班", "春节调休上班"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = services.import_calendar(io.BytesIO(buffer.getvalue()))
    assert result.ok, result.errors
    assert result.created == 2
    assert CalendarDay.objects.get(date=D(2027, 1, 1)).name == "元旦"


def test_bad_rows_are_reported_by_row_and_column_and_nothing_is_imported(csv_file):
    text = calendar_csv([
        ("2027-01-01", "休息日", "元旦"),
        ("2027-13-01", "休息日", "元旦"),
        ("2027-01-04", "放羊", ""),
        ("2027-01-01", "工作日", ""),
        ("", "", ""),
        ("0227-01-05", "", ""),
    ])
    result = services.import_calendar(csv_file(text))
    assert not result.ok
    assert {(issue.row, issue.column) for issue in result.errors} == {
        (3, "日期"), (4, "类型"), (5, "日期"), (7, "日期"), (7, "类型"),
    }
    messages = {(issue.row, issue.column): issue.message for issue in result.errors}
    assert "2027-13-01" in messages[(3, "日期")]
    assert "放羊" in messages[(4, "类型")]
    assert "第2行" in messages[(5, "日期")]
    assert str(result.errors[0]).startswith("第3行")
    assert CalendarDay.objects.count() == 0
    assert CalendarYear.objects.count() == 0


def test_missing_column_is_a_header_error(csv_file):
    result = services.import_calendar(csv_file("日期,名称\n2027-01-01,元旦\n"))
    assert [(issue.row, issue.column) for issue in result.errors] == [(1, "类型")]
    assert CalendarDay.objects.count() == 0


def test_unreadable_files_are_errors_not_crashes(csv_file, tmp_path):
    assert not services.import_calendar(csv_file("")).ok
    assert not services.import_calendar(io.BytesIO(b"\xd0\xcf\x11\xe0" + b"\0" * 100)).ok  # legacy .xls
    assert not services.import_calendar(io.BytesIO(b"PK\x03\x04 damaged")).ok


def test_reimport_updates_changed_days_only(calendar_2027, csv_file):
    rows = [("2027-01-01", "休息日", "元旦"), ("2027-02-20", "休息日", "春节")]
    result = services.import_calendar(csv_file(calendar_csv(rows), name="fix.csv"))
    assert (result.created, result.updated, result.unchanged) == (0, 1, 1)
    assert not CalendarDay.objects.get(date=D(2027, 2, 20)).is_working_day


def test_partial_import_does_not_mark_the_year_loaded(csv_file):
    path = csv_file(calendar_csv([("2028-01-01", "休息日", "元旦")]))
    result = services.import_calendar(path, mark_years_loaded=False)
    assert result.ok and result.years == (2028,)
    assert not CalendarYear.objects.filter(year=2028).exists()
    assert services.add_working_days(D(2027, 12, 31), 1).estimated


def test_import_records_the_acting_user(csv_file, platform_admin):
    services.import_calendar(csv_file(calendar_csv(CALENDAR_2027_ROWS)), user=platform_admin, note="国办发明电")
    year = CalendarYear.objects.get(year=2027)
    assert (year.loaded_by, year.note) == (platform_admin, "国办发明电")
    assert ObjectChange.objects.filter(object_repr__startswith="2027-02-20", user=platform_admin).exists()

"""Working-day arithmetic: package holidays, table overrides, and the weekend fallback for unloaded years."""

import datetime
from zoneinfo import ZoneInfo

import pytest

from govshare.workdays import services
from govshare.workdays.choices import DayStatusSourceChoices
from govshare.workdays.models import CalendarDay, CalendarYear

D = datetime.date

pytestmark = pytest.mark.django_db


def test_package_covers_2026_but_not_2027():
    # If a package upgrade adds 2027, the "uncovered year" tests below must move to a later year.
    assert 2026 in services.PACKAGE_YEARS
    assert 2027 not in services.PACKAGE_YEARS


def test_spring_festival_2026_is_a_package_holiday():
    status = services.day_status(D(2026, 2, 17))  # a Tuesday
    assert status == services.DayStatus(False, "春节", DayStatusSourceChoices.PACKAGE)
    assert not services.is_working_day(D(2026, 2, 17))


def test_make_up_saturday_is_a_working_day():
    status = services.day_status(D(2026, 2, 14))  # Saturday worked before the Spring Festival
    assert status.is_working_day
    assert status.name == "春节调休上班"
    assert status.source == DayStatusSourceChoices.PACKAGE


def test_ordinary_days_in_a_package_year():
    assert services.day_status(D(2026, 11, 23)) == services.DayStatus(True, "", DayStatusSourceChoices.PACKAGE)
    assert not services.is_working_day(D(2026, 11, 21))  # Saturday


def test_10_and_15_working_days_across_national_day_2026():
    # Sep 29, 30; Oct 1–7 off; Oct 8, 9, Saturday Oct 10 (make-up); Oct 12–16 …
    assert services.add_working_days(D(2026, 9, 28), 10) == services.DueDate(D(2026, 10, 16), False, ())
    assert services.add_working_days(D(2026, 9, 28), 15) == services.DueDate(D(2026, 10, 23), False, ())


def test_start_day_is_not_counted_and_zero_days_is_the_start():
    assert services.add_working_days(D(2026, 11, 23), 1).date == D(2026, 11, 24)
    assert services.add_working_days(D(2026, 11, 23), 0).date == D(2026, 11, 23)
    with pytest.raises(ValueError):
        services.add_working_days(D(2026, 11, 23), -1)


def test_into_an_unloaded_year_falls_back_to_weekends_and_says_so():
    due = services.add_working_days(D(2026, 12, 20), 15)
    # Dec 21–25, 28–31 (9), then 2027 by weekends only: Fri Jan 1 (10), Jan 4–8 (15).
    assert due.date == D(2027, 1, 8)
    assert due.estimated is True
    assert due.uncovered_years == (2027,)
    assert "按周末估算" in due.note and "2027" in due.note
    status = services.day_status(D(2027, 1, 1))
    assert status.source == DayStatusSourceChoices.WEEKEND_FALLBACK and status.is_working_day
    assert not services.is_working_day(D(2027, 1, 2))  # Saturday, skipped even without data


def test_days_within_a_covered_year_are_not_estimated_even_if_the_next_is_not():
    due = services.add_working_days(D(2026, 12, 1), 5)
    assert due == services.DueDate(D(2026, 12, 8), False, ())
    assert due.note == ""


def test_a_loaded_2027_is_exact_and_skips_its_holidays(calendar_2027):
    due = services.add_working_days(D(2026, 12, 20), 15)
    assert due == services.DueDate(D(2027, 1, 11), False, ())  # Jan 1 is 元旦
    # Feb 6–13 are 春节; Saturday Feb 20 is worked.
    assert services.add_working_days(D(2027, 2, 5), 1).date == D(2027, 2, 15)
    assert services.add_working_days(D(2027, 2, 5), 6).date == D(2027, 2, 20)
    assert services.day_status(D(2027, 2, 20)) == services.DayStatus(True, "春节调休上班", DayStatusSourceChoices.TABLE)
    # An unlisted weekday of a loaded year is an ordinary, exact working day.
    assert services.day_status(D(2027, 3, 1)) == services.DayStatus(True, "", DayStatusSourceChoices.TABLE)
    assert services.year_source(2027) == DayStatusSourceChoices.TABLE
    assert services.year_source(2028) == DayStatusSourceChoices.WEEKEND_FALLBACK


def test_a_table_row_overrides_the_package():
    CalendarDay.objects.create(date=D(2026, 10, 8), is_working_day=False, name="临时调整")
    assert services.day_status(D(2026, 10, 8)) == services.DayStatus(False, "临时调整", DayStatusSourceChoices.TABLE)
    assert services.add_working_days(D(2026, 9, 28), 10).date == D(2026, 10, 19)


def test_rows_of_an_unloaded_year_count_but_the_rest_stays_estimated():
    CalendarDay.objects.create(date=D(2027, 1, 1), is_working_day=False, name="元旦")
    due = services.add_working_days(D(2026, 12, 31), 1)
    assert due.date == D(2027, 1, 4)
    assert due.estimated and due.uncovered_years == (2027,)
    CalendarYear.objects.create(year=2027)
    assert services.add_working_days(D(2026, 12, 31), 1) == services.DueDate(D(2027, 1, 4), False, ())


def test_working_days_between_is_the_inverse_of_add_working_days(calendar_2027):
    for start, days in [(D(2026, 9, 28), 15), (D(2026, 12, 20), 15), (D(2027, 2, 1), 10)]:
        due = services.add_working_days(start, days)
        assert services.working_days_between(start, due.date) == days
    assert services.working_days_between(D(2026, 10, 16), D(2026, 9, 28)) == -10
    assert services.working_days_between(D(2026, 10, 1), D(2026, 10, 7)) == 0


def test_the_table_is_read_once_per_computation_not_per_day(calendar_2027, django_assert_max_num_queries):
    # One query for the loaded years, one for the rows of 2026–2027, however many days are walked.
    with django_assert_max_num_queries(2):
        services.add_working_days(D(2026, 12, 1), 60)


def test_an_aware_datetime_counts_from_its_local_day():
    # 2026-09-30 17:00 UTC is already 1 October in Beijing: counting starts after the holiday's first day.
    moment = datetime.datetime(2026, 9, 30, 17, 0, tzinfo=ZoneInfo("UTC"))
    assert services.add_working_days(moment, 1).date == D(2026, 10, 8)


def test_special_days_lists_holidays_and_make_up_days():
    days = dict(services.special_days(2026))
    assert days[D(2026, 10, 1)].name == "国庆节" and not days[D(2026, 10, 1)].is_working_day
    assert days[D(2026, 10, 10)].is_working_day
    assert D(2026, 11, 23) not in days and D(2026, 11, 21) not in days

"""Reading deadlines from task-table text, next due dates of recurring rules, overdue on working days."""

import datetime

import pytest

from govshare.supervision.choices import DeadlineKindChoices as K
from govshare.supervision.deadlines import (
    Deadline,
    DeadlineError,
    due_soon_limit,
    effective_deadline,
    next_due,
    overdue_cutoff,
    parse_deadline,
)
from govshare.workdays.services import WorkCalendar

D = datetime.date


@pytest.mark.parametrize(("text", "expected"), [
    ("2018年12月底前", D(2018, 12, 31)),
    ("2019年6月底前", D(2019, 6, 30)),
    ("2020年2月底", D(2020, 2, 29)),  # leap year
    ("2018年12月", D(2018, 12, 31)),
    ("2018年3月前", D(2018, 2, 28)),  # before March: the end of February
    ("2018年12月31日前", D(2018, 12, 31)),
    ("2019年6月30日", D(2019, 6, 30)),
    ("2018-12-31", D(2018, 12, 31)),
    ("2018/6/5", D(2018, 6, 5)),
    ("2018.06.05", D(2018, 6, 5)),
    ("２０１８年１２月底前完成", D(2018, 12, 31)),  # full-width digits, 完成
    ("2017年底前", D(2017, 12, 31)),
    ("2018年年底", D(2018, 12, 31)),
    ("2018年上半年", D(2018, 6, 30)),
    ("2018年第一季度末", D(2018, 3, 31)),
    ("2018年三季度", D(2018, 9, 30)),
    ("二〇一八年十二月底前", D(2018, 12, 31)),
    (" 2018 年 12 月 底前 ", D(2018, 12, 31)),
])
def test_dated_forms(text, expected):
    deadline = parse_deadline(text)
    assert deadline.kind == K.DATE
    assert deadline.date == expected


def test_excel_date_cell_is_its_date():
    assert parse_deadline(datetime.datetime(2019, 6, 30, 0, 0)) == Deadline(K.DATE, date=D(2019, 6, 30))
    assert parse_deadline(D(2019, 6, 30)).date == D(2019, 6, 30)


@pytest.mark.parametrize(("text", "kind", "month", "day"), [
    ("每年12月1日前", K.YEARLY, 12, 1),
    ("每年12月底前", K.YEARLY, 12, None),
    ("每年1月底前", K.YEARLY, 1, None),
    ("每年底前", K.YEARLY, 12, None),
    ("每年3月前", K.YEARLY, 2, None),
    ("每季度末", K.QUARTERLY, 3, None),
    ("每季度", K.QUARTERLY, 3, None),
    ("每季度首月15日前", K.QUARTERLY, 1, 15),
    ("每季度第二个月10日前", K.QUARTERLY, 2, 10),
    ("每月25日前", K.MONTHLY, None, 25),
    ("每月底前", K.MONTHLY, None, None),
    ("长期", K.ONGOING, None, None),
    ("长期坚持", K.ONGOING, None, None),
    ("持续推进", K.ONGOING, None, None),
])
def test_recurring_forms(text, kind, month, day):
    deadline = parse_deadline(text)
    assert (deadline.kind, deadline.month, deadline.day) == (kind, month, day)


def test_month_without_year_uses_the_plan_year_or_says_so():
    assert parse_deadline("6月底前", default_year=2019).date == D(2019, 6, 30)
    assert parse_deadline("6月30日前", default_year=2019).date == D(2019, 6, 30)
    with pytest.raises(DeadlineError, match="没有年份"):
        parse_deadline("6月底前")


@pytest.mark.parametrize("text", [
    "", "尽快", "2018年13月底前", "2018年2月30日", "每月32日前", "每年13月1日", "明年", "2018-02-30", "Q4",
])
def test_unreadable_deadlines_are_refused_with_a_message(text):
    with pytest.raises(DeadlineError) as info:
        parse_deadline(text)
    assert str(info.value)


def test_next_due_of_a_yearly_rule_crosses_the_year_end():
    rule = parse_deadline("每年12月1日前")
    assert next_due(rule, D(2026, 11, 23)) == D(2026, 12, 1)
    assert next_due(rule, D(2026, 12, 1)) == D(2026, 12, 1)  # the due day itself
    assert next_due(rule, D(2026, 12, 2)) == D(2027, 12, 1)


def test_next_due_of_monthly_and_quarterly_rules_across_the_year_end():
    assert next_due(parse_deadline("每月25日前"), D(2026, 12, 26)) == D(2027, 1, 25)
    assert next_due(parse_deadline("每月底前"), D(2027, 2, 1)) == D(2027, 2, 28)
    assert next_due(Deadline(K.MONTHLY, day=31), D(2028, 2, 1)) == D(2028, 2, 29)  # 31 in February: its last day
    assert next_due(parse_deadline("每季度末"), D(2026, 12, 31)) == D(2026, 12, 31)
    assert next_due(parse_deadline("每季度末"), D(2027, 1, 1)) == D(2027, 3, 31)
    assert next_due(parse_deadline("每季度首月15日前"), D(2026, 10, 16)) == D(2027, 1, 15)
    assert next_due(parse_deadline("每年1月底前"), D(2026, 2, 1)) == D(2027, 1, 31)


def test_dated_and_ongoing_rules():
    assert next_due(parse_deadline("2018年12月底前"), D(2026, 1, 1)) == D(2018, 12, 31)
    assert next_due(parse_deadline("长期坚持"), D(2026, 1, 1)) is None


def test_describe_says_the_rule_in_words():
    assert parse_deadline("每年12月1日前").describe() == "每年12月1日前"
    assert parse_deadline("每季度末").describe() == "每季度末"
    assert parse_deadline("每月25日").describe() == "每月25日前"


@pytest.mark.django_db
def test_a_deadline_on_national_day_moves_to_the_first_working_day_after_it():
    calendar = WorkCalendar()
    # 2026: 1-7 October are the National Day holiday; the 8th is worked.
    assert effective_deadline(D(2026, 10, 1), calendar) == D(2026, 10, 8)
    assert effective_deadline(D(2026, 9, 30), calendar) == D(2026, 9, 30)
    # Overdue once a working day after the due date has passed: a task due 1 October is not overdue on the 8th,
    # and is on the 9th.
    assert overdue_cutoff(D(2026, 10, 8), calendar) == D(2026, 9, 30)
    assert not D(2026, 10, 1) <= overdue_cutoff(D(2026, 10, 8), calendar)
    assert D(2026, 10, 1) <= overdue_cutoff(D(2026, 10, 9), calendar)


@pytest.mark.django_db
def test_due_soon_is_counted_in_working_days():
    calendar = WorkCalendar()
    # From 29 September 2026, three working days reach past the holiday: 30 Sep, 8 Oct, 9 Oct.
    assert due_soon_limit(D(2026, 9, 29), 3, calendar) == D(2026, 10, 9)

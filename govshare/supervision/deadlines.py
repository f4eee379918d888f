"""Deadlines of supervised tasks (时序进度): reading them from the text of a task table, the next due date of a
recurring one, and overdue / due-soon on working days.

Forms accepted (spaces, full-width digits and a trailing 完成 are ignored; 前/之前/以前 may follow any form):

======================================  ===============================================================
text                                    deadline
======================================  ===============================================================
2018年12月底前, 2018年12月底, 2018年12月末  31 December 2018 (the month's last day)
2018年12月                               31 December 2018 (within that month)
2018年3月前                              28 February 2018: *before* March, so the last day of February
2018年12月31日前, 2018年12月31日           31 December 2018 ("前" means "by": the day itself still counts)
2018-12-31, 2018/12/31, 2018.12.31       31 December 2018 (an Excel date cell is read as its date)
2018年底前, 2018年年底, 2018年末           31 December 2018
2018年上半年 / 2018年下半年                30 June / 31 December 2018
2018年第一季度末, 2018年一季度              31 March 2018 (and so on for 二/三/四季度)
6月底前, 6月30日前                         the same, in the plan's year (an error when the plan has none)
每年12月1日前                             yearly, 1 December
每年12月底前, 每年1月底前, 每年底前          yearly, the month's last day (年底: December)
每季度末, 每季度                           quarterly, the last day of March, June, September, December
每季度首月15日前, 每季度第2个月10日前        quarterly, that day of the quarter's first (second, third) month
每月25日前, 每月底前, 每月                  monthly, the 25th (or the last day; 31 in a short month too)
长期, 长期坚持, 持续推进, 常态化             ongoing: no due date, never overdue
======================================  ===============================================================

Chinese numerals are read for months and days (十二月, 一日). Anything else is refused with a message naming the
forms above, so a typo in a task table is caught at import rather than becoming a wrong date.

Working days: a deadline that falls on a rest day (a weekend or a holiday such as National Day) moves to the next
working day, as statutory time limits do; a task is overdue from the day after that working day. "Due soon" means
the (moved) deadline is within N working days of today, today counting as 0.
"""

import calendar as _calendar
import datetime
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from .choices import DeadlineKindChoices

__all__ = [
    "Deadline",
    "DeadlineError",
    "due_soon_limit",
    "effective_deadline",
    "next_due",
    "overdue_cutoff",
    "parse_deadline",
]

K = DeadlineKindChoices


class DeadlineError(ValueError):
    """The text is not a deadline this module can read; the message says which forms are accepted."""


@dataclass(frozen=True)
class Deadline:
    """A parsed deadline: a date, or a rule (month and day; day None means the month's last day)."""

    kind: str
    date: datetime.date | None = None
    month: int | None = None  # yearly: 1-12; quarterly: the month within the quarter, 1-3
    day: int | None = None  # None: the month's last day

    def describe(self) -> str:
        """The rule in words, for pages and documents (每年12月1日前, 每季度末 …)."""
        day = _("底") if self.day is None else _("%(day)d日") % {"day": self.day}
        if self.kind == K.DATE:
            return _("%(date)s前") % {"date": self.date.isoformat()} if self.date else ""
        if self.kind == K.YEARLY:
            return _("每年%(month)d月%(day)s前") % {"month": self.month, "day": day}
        if self.kind == K.QUARTERLY:
            if self.month in (None, 3) and self.day is None:
                return _("每季度末")
            return _("每季度第%(month)d个月%(day)s前") % {"month": self.month or 3, "day": day}
        if self.kind == K.MONTHLY:
            return _("每月%(day)s前") % {"day": day}
        return _("长期坚持")


def _month_end(year, month):
    return datetime.date(year, month, _calendar.monthrange(year, month)[1])


def _day_in_month(year, month, day):
    """The day of that month, or its last day when `day` is None or past the end (31 in February)."""
    last = _calendar.monthrange(year, month)[1]
    return datetime.date(year, month, last if day is None else min(day, last))


def next_due(deadline: Deadline, on_or_after: datetime.date) -> datetime.date | None:
    """The first due date of the rule on or after the given day (a dated deadline: its date; ongoing: None)."""
    kind = deadline.kind
    if kind == K.DATE:
        return deadline.date
    if kind == K.ONGOING:
        return None
    year, month = on_or_after.year, on_or_after.month
    if kind == K.YEARLY:
        candidates = (_day_in_month(y, deadline.month, deadline.day) for y in (year, year + 1))
    elif kind == K.QUARTERLY:
        offset = (deadline.month or 3) - 1
        first_month = (month - 1) // 3 * 3 + 1
        candidates = (
            _day_in_month(year + (first_month - 1 + 3 * step + offset) // 12,
                          (first_month - 1 + 3 * step + offset) % 12 + 1, deadline.day)
            for step in range(-1, 3)
        )
    elif kind == K.MONTHLY:
        candidates = (
            _day_in_month(year + (month - 1 + step) // 12, (month - 1 + step) % 12 + 1, deadline.day)
            for step in range(0, 2)
        )
    else:
        raise ValueError(f"unknown deadline kind {kind!r}")
    return min(day for day in candidates if day >= on_or_after)


# ---------------------------------------------------------------------------------------------------------------
# Parsing

_FULL_WIDTH = str.maketrans("０１２３４５６７８９－／．", "0123456789-/.")
_CN_DIGITS = {"〇": 0, "零": 0, "○": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8,
              "九": 9}
_CN_NUMBER = re.compile(r"[〇零○一二两三四五六七八九十]+")
_BEFORE = re.compile(r"(之前|以前|前|为止|止)$")
_ONGOING = ("长期坚持", "长期推进", "长期", "持续推进", "持续开展", "持续", "常态化", "常年")
_QUARTER_ENDS = {"一": 3, "二": 6, "三": 9, "四": 12, "1": 3, "2": 6, "3": 9, "4": 12}


def _cn_to_int(text):
    """一 → 1, 十二 → 12, 二十五 → 25, 二〇一八 → 2018 (digit by digit when there is no 十)."""
    if "十" not in text:
        return int("".join(str(_CN_DIGITS[char]) for char in text))
    tens, _sep, units = text.partition("十")
    return (_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[units] if units else 0)


def _normalise(text):
    text = re.sub(r"\s+", "", str(text).translate(_FULL_WIDTH))
    text = re.sub(r"完成$", "", text)
    text = _CN_NUMBER.sub(lambda match: str(_cn_to_int(match.group())), text)
    before = False
    while True:
        stripped = _BEFORE.sub("", text)
        if stripped == text:
            break
        before, text = True, stripped
    text = re.sub(r"完成$", "", text)
    return text, before


def _date(year, month, day):
    try:
        return datetime.date(year, month, day)
    except ValueError as exc:
        raise DeadlineError(_("日期不存在：%(y)d年%(m)d月%(d)d日") % {"y": year, "m": month, "d": day}) from exc


def _check_month(month):
    if not 1 <= month <= 12:
        raise DeadlineError(_("月份应为1至12，实际为%(month)d") % {"month": month})
    return month


def _check_day(day):
    if not 1 <= day <= 31:
        raise DeadlineError(_("日期应为1至31日，实际为%(day)d日") % {"day": day})
    return day


def _month_only(year, month, before, end_marker):
    """"2018年12月底前" is the month's end; "2018年3月前" (no 底) is before March, i.e. the end of February."""
    _check_month(month)
    if before and not end_marker:
        previous = datetime.date(year, month, 1) - datetime.timedelta(days=1)
        return previous
    return _month_end(year, month)


def parse_deadline(value, *, default_year=None) -> Deadline:
    """Read a deadline from a cell of a task table (see the module docstring for the forms); DeadlineError if not."""
    if isinstance(value, datetime.datetime):
        return Deadline(K.DATE, date=value.date())
    if isinstance(value, datetime.date):
        return Deadline(K.DATE, date=value)
    raw = "" if value is None else str(value).strip()
    if not raw:
        raise DeadlineError(_("时序进度为空"))
    text, before = _normalise(raw)
    if text in _ONGOING or text.startswith(("长期", "持续")):
        return Deadline(K.ONGOING)

    # Recurring rules.
    if text.startswith("每"):
        return _parse_recurring(raw, text, before)

    if match := re.fullmatch(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(日)?", text):
        return Deadline(K.DATE, date=_date(*map(int, match.group(1, 2, 3))))
    if match := re.fullmatch(r"(\d{8})", text):
        return Deadline(K.DATE, date=_date(int(text[:4]), int(text[4:6]), int(text[6:])))

    year = None
    if match := re.match(r"(\d{4})年", text):
        year, text = int(match.group(1)), text[match.end():]
    elif match := re.match(r"(\d{2})年", text):
        # 18年12月底前: a two-digit year in a table written in a hurry.
        year, text = 2000 + int(match.group(1)), text[match.end():]
    if text in ("底", "末", "年底", "年末", "全年", "") and year is not None:
        return Deadline(K.DATE, date=datetime.date(year, 12, 31))
    if year is None:
        if default_year is None:
            if re.fullmatch(r"\d{1,2}月.*", text):
                raise DeadlineError(_("“%(text)s”没有年份，且未指定工作计划的年度") % {"text": raw})
            raise _unknown(raw)
        year = default_year
    if text in ("上半年",):
        return Deadline(K.DATE, date=datetime.date(year, 6, 30))
    if text in ("下半年",):
        return Deadline(K.DATE, date=datetime.date(year, 12, 31))
    if match := re.fullmatch(r"(?:第)?([一二三四1-4])季度(?:末|底)?", text):
        return Deadline(K.DATE, date=_month_end(year, _QUARTER_ENDS[match.group(1)]))
    if match := re.fullmatch(r"(\d{1,2})月(\d{1,2})[日号]", text):
        month, day = _check_month(int(match.group(1))), _check_day(int(match.group(2)))
        return Deadline(K.DATE, date=_date(year, month, day))
    if match := re.fullmatch(r"(\d{1,2})月(底|末|份|中旬|上旬|下旬)?", text):
        month, marker = int(match.group(1)), match.group(2) or ""
        if marker in ("上旬", "中旬"):
            return Deadline(K.DATE, date=_date(year, _check_month(month), 10 if marker == "上旬" else 20))
        return Deadline(K.DATE, date=_month_only(year, month, before, marker in ("底", "末", "份", "下旬")))
    raise _unknown(raw)


def _parse_recurring(raw, text, before):
    if match := re.fullmatch(r"每年(?:度)?(\d{1,2})月(\d{1,2})[日号]", text):
        return Deadline(K.YEARLY, month=_check_month(int(match.group(1))), day=_check_day(int(match.group(2))))
    if match := re.fullmatch(r"每年(?:度)?(\d{1,2})月(底|末|份)?", text):
        month = _check_month(int(match.group(1)))
        if before and not match.group(2):
            # 每年3月前: before March, i.e. the end of February every year.
            previous = 12 if month == 1 else month - 1
            return Deadline(K.YEARLY, month=previous, day=None)
        return Deadline(K.YEARLY, month=month, day=None)
    if text in ("每年", "每年底", "每年末", "每年年底", "每年年末", "每年度"):
        return Deadline(K.YEARLY, month=12, day=None)
    if text in ("每年上半年",):
        return Deadline(K.YEARLY, month=6, day=None)
    if text in ("每季度", "每季度末", "每季度底", "每季", "每季末", "每个季度", "每个季度末"):
        return Deadline(K.QUARTERLY, month=3, day=None)
    if match := re.fullmatch(r"每(?:个)?季度(?:首月|第1个月|第1月)(\d{1,2})[日号]", text):
        return Deadline(K.QUARTERLY, month=1, day=_check_day(int(match.group(1))))
    if match := re.fullmatch(r"每(?:个)?季度第([123])个?月(\d{1,2})[日号]", text):
        return Deadline(K.QUARTERLY, month=int(match.group(1)), day=_check_day(int(match.group(2))))
    if match := re.fullmatch(r"每(?:个)?月(\d{1,2})[日号]", text):
        return Deadline(K.MONTHLY, day=_check_day(int(match.group(1))))
    if text in ("每月", "每月底", "每月末", "每个月", "每个月底", "每个月末"):
        return Deadline(K.MONTHLY, day=None)
    raise _unknown(raw)


def _unknown(raw):
    return DeadlineError(
        _("无法识别的时序进度“%(text)s”；可填写如“2018年12月底前”“2019年6月30日前”“2018-12-31”“每年12月1日前”"
          "“每季度末”“每月25日前”“长期坚持”") % {"text": raw[:50]}
    )


# ---------------------------------------------------------------------------------------------------------------
# Working days


def effective_deadline(due: datetime.date, calendar) -> datetime.date:
    """The due date, or the next working day when it falls on a rest day (weekend, National Day …)."""
    day = due
    for _step in range(60):  # the longest run of rest days is far shorter; a guard against a broken calendar
        if calendar.is_working_day(day):
            return day
        day += datetime.timedelta(days=1)
    return due


def overdue_cutoff(today: datetime.date, calendar) -> datetime.date:
    """The last working day before today: a task not done whose due date is on or before it is overdue.

    (Its moved deadline is a working day before today. A due date after it moves to today or later.)
    """
    day = today - datetime.timedelta(days=1)
    for _step in range(60):
        if calendar.is_working_day(day):
            return day
        day -= datetime.timedelta(days=1)
    return today - datetime.timedelta(days=1)


def due_soon_limit(today: datetime.date, days: int, calendar) -> datetime.date:
    """The last due date that is "due within `days` working days" of today (today itself counts as day 0)."""
    return calendar.add_working_days(today, days).date

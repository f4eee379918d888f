"""Working days: whether a day is worked, due dates counted in working days, and importing the calendar table.

A day's status is answered by three layers, first match wins:

1. a `CalendarDay` row (an administrator's correction, or an imported year);
2. the `chinesecalendar` package, for the years it covers (statutory holidays and make-up working days);
3. the ordinary week: in a year marked loaded by `CalendarYear` this is exact, otherwise it is an estimate
   (source "weekend-fallback") and due dates computed through it say so instead of failing.
"""

import csv
import datetime
import io
import re
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path

from chinese_calendar import constants as package_calendar
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from govshare.core.context import acting_as, current_request_id

from .choices import CalendarSourceChoices, DayKindChoices, DayStatusSourceChoices
from .models import CalendarDay, CalendarYear

__all__ = [
    "PACKAGE_YEARS",
    "DayStatus",
    "DueDate",
    "ImportIssue",
    "ImportResult",
    "WorkCalendar",
    "add_working_days",
    "day_status",
    "import_calendar",
    "is_working_day",
    "special_days",
    "working_days_between",
    "year_source",
]

# The years the installed package has data for; it raises NotImplementedError outside them, so we never ask it.
PACKAGE_YEARS = range(
    min(package_calendar.holidays).year, max(*package_calendar.holidays, *package_calendar.workdays).year + 1
)
_PACKAGE_NAMES = {holiday.value: holiday.chinese for holiday in package_calendar.Holiday}

# Outside this range a date in an imported file is a typo (0227 for 2027), not a calendar.
IMPORT_MIN_YEAR = 2000
IMPORT_MAX_YEAR = 2100


@dataclass(frozen=True)
class DayStatus:
    """Whether a day is worked, its name (春节, 春节调休上班, or empty) and which layer said so."""

    is_working_day: bool
    name: str
    source: str  # a DayStatusSourceChoices value

    @property
    def estimated(self) -> bool:
        return self.source == DayStatusSourceChoices.WEEKEND_FALLBACK


@dataclass(frozen=True)
class DueDate:
    """A due date, and whether it was estimated from weekends alone because a year's holidays are not loaded."""

    date: datetime.date
    estimated: bool = False
    uncovered_years: tuple[int, ...] = ()

    @property
    def note(self) -> str:
        """The caveat to show next to an estimated due date; empty when the date is exact."""
        if not self.estimated:
            return ""
        years = "、".join(str(year) for year in self.uncovered_years)
        return _("按周末估算，节假日安排未载入（%(years)s年）") % {"years": years}


def _as_date(value) -> datetime.date:
    if isinstance(value, datetime.datetime):
        # An aware datetime's day is the local one: a request submitted at 00:30 Beijing time is that day's.
        return timezone.localdate(value) if timezone.is_aware(value) else value.date()
    if isinstance(value, datetime.date):
        return value
    raise TypeError(f"expected a date, got {type(value).__name__}")


class WorkCalendar:
    """The calendar as seen by one computation: table rows are read a year at a time, each year at most once.

    The module functions build one per call. Code that computes many due dates at once (a list of requests) should
    build one itself and reuse it, so the table is read once per year rather than once per date.
    """

    def __init__(self):
        self._loaded_years: frozenset[int] | None = None
        self._rows: dict[int, dict[datetime.date, CalendarDay]] = {}

    @property
    def loaded_years(self) -> frozenset[int]:
        """Years marked as fully loaded in the table."""
        if self._loaded_years is None:
            self._loaded_years = frozenset(CalendarYear.objects.values_list("year", flat=True))
        return self._loaded_years

    def preload(self, first_year: int, last_year: int):
        """Read the table rows of these years in one query (those not read already)."""
        missing = [year for year in range(first_year, last_year + 1) if year not in self._rows]
        if not missing:
            return
        for year in missing:
            self._rows[year] = {}
        rows = CalendarDay.objects.filter(date__year__gte=min(missing), date__year__lte=max(missing))
        for row in rows:
            self._rows.setdefault(row.date.year, {})[row.date] = row

    def _row(self, day: datetime.date) -> CalendarDay | None:
        if day.year not in self._rows:
            self.preload(day.year, day.year)
        return self._rows[day.year].get(day)

    def year_source(self, year: int) -> str:
        """Which layer knows this year's holidays: the package, the table, or nobody (weekend fallback)."""
        if year in PACKAGE_YEARS:
            return DayStatusSourceChoices.PACKAGE
        if year in self.loaded_years:
            return DayStatusSourceChoices.TABLE
        return DayStatusSourceChoices.WEEKEND_FALLBACK

    def day_status(self, day) -> DayStatus:
        """The status of one day: table row, then the package, then the ordinary week."""
        day = _as_date(day)
        row = self._row(day)
        if row is not None:
            return DayStatus(row.is_working_day, row.name, DayStatusSourceChoices.TABLE)
        if day.year in PACKAGE_YEARS:
            # Make-up days are checked first, as the package itself does: they are never also holidays.
            if day in package_calendar.workdays:
                holiday = _PACKAGE_NAMES.get(package_calendar.workdays[day], package_calendar.workdays[day])
                return DayStatus(True, _("%(holiday)s调休上班") % {"holiday": holiday}, DayStatusSourceChoices.PACKAGE)
            if day in package_calendar.holidays:
                holiday = _PACKAGE_NAMES.get(package_calendar.holidays[day], package_calendar.holidays[day])
                return DayStatus(False, holiday, DayStatusSourceChoices.PACKAGE)
            return DayStatus(day.weekday() < 5, "", DayStatusSourceChoices.PACKAGE)
        if day.year in self.loaded_years:
            return DayStatus(day.weekday() < 5, "", DayStatusSourceChoices.TABLE)
        return DayStatus(day.weekday() < 5, "", DayStatusSourceChoices.WEEKEND_FALLBACK)

    def is_working_day(self, day) -> bool:
        return self.day_status(day).is_working_day

    def add_working_days(self, start, days: int) -> DueDate:
        """The day that is `days` working days after `start` (start itself not counted; 0 gives start)."""
        start = _as_date(start)
        if days < 0:
            raise ValueError("days must not be negative")
        # A rough upper bound of the span (holidays included) so the common case reads the table in one query.
        self.preload(start.year, (start + datetime.timedelta(days=days * 2 + 14)).year)
        day, counted, uncovered = start, 0, set()
        while counted < days:
            day += datetime.timedelta(days=1)
            status = self.day_status(day)
            if status.estimated:
                uncovered.add(day.year)
            if status.is_working_day:
                counted += 1
        return DueDate(day, bool(uncovered), tuple(sorted(uncovered)))

    def working_days_between(self, start, end) -> int:
        """Working days after `start` up to and including `end`; negative when `end` is before `start`.

        The inverse of add_working_days: working_days_between(s, add_working_days(s, n).date) == n.
        """
        start, end = _as_date(start), _as_date(end)
        if end < start:
            return -self.working_days_between(end, start)
        self.preload(start.year, end.year)
        count, day = 0, start
        while day < end:
            day += datetime.timedelta(days=1)
            count += self.is_working_day(day)
        return count

    def special_days(self, year: int) -> list[tuple[datetime.date, DayStatus]]:
        """The days of a year that are not ordinary: holidays, make-up working days and every table row."""
        self.preload(year, year)
        result = []
        day = datetime.date(year, 1, 1)
        while day.year == year:
            status = self.day_status(day)
            ordinary = status.is_working_day == (day.weekday() < 5) and not status.name
            if day in self._rows[year] or not ordinary:
                result.append((day, status))
            day += datetime.timedelta(days=1)
        return result


def day_status(day) -> DayStatus:
    """Whether a day is worked, its holiday name, and which layer (table, package, weekend fallback) said so."""
    return WorkCalendar().day_status(day)


def is_working_day(day) -> bool:
    """Whether a day is a working day (estimated from weekends in a year nobody has loaded)."""
    return WorkCalendar().is_working_day(day)


def add_working_days(start, days: int) -> DueDate:
    """The due date `days` working days after `start`, flagged as estimated when it crosses an unloaded year."""
    return WorkCalendar().add_working_days(start, days)


def working_days_between(start, end) -> int:
    """Working days in (start, end]; negative when end is before start."""
    return WorkCalendar().working_days_between(start, end)


def year_source(year: int) -> str:
    """Which layer knows a year's holidays: "package", "table", or "weekend-fallback" when nobody does."""
    return WorkCalendar().year_source(year)


def special_days(year: int) -> list[tuple[datetime.date, DayStatus]]:
    """A year's holidays, make-up working days and table rows, in date order."""
    return WorkCalendar().special_days(year)


# --- Import -----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportIssue:
    """One problem in an imported file: the row as numbered in the spreadsheet (None for the whole file)."""

    row: int | None
    column: str
    message: str

    def __str__(self):
        if self.row is None:
            return self.message
        if self.column:
            return _("第%(row)d行“%(column)s”列：%(message)s") % {
                "row": self.row, "column": self.column, "message": self.message
            }
        return _("第%(row)d行：%(message)s") % {"row": self.row, "message": self.message}


@dataclass(frozen=True)
class ImportResult:
    """What an import did, or why it did nothing (errors)."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    years: tuple[int, ...] = ()
    errors: tuple[ImportIssue, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.errors


_COLUMN_ALIASES = {
    "date": ("日期", "date"),
    "type": ("类型", "type", "kind"),
    "name": ("名称", "name"),
}
_DATE_PATTERN = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
_XLSX_MAGIC = b"PK\x03\x04"
_XLS_MAGIC = b"\xd0\xcf\x11\xe0"


class _FileError(Exception):
    """The file as a whole cannot be read; carries the message for the user."""


def _read_bytes(source) -> bytes | str:
    if isinstance(source, (str, Path)):
        return Path(source).read_bytes()
    if hasattr(source, "seek"):
        source.seek(0)
    return source.read()


def _decode(data: bytes) -> str:
    # Excel on Chinese Windows saves CSV as GBK; everything else writes UTF-8, sometimes with a BOM. GBK bytes are
    # almost never valid UTF-8, so trying UTF-8 first tells them apart. GB18030 is the superset of GBK.
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise _FileError(_("无法识别文件编码，请保存为 UTF-8 或 GBK 编码的 CSV"))


def _csv_rows(text: str):
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    return list(csv.reader(io.StringIO(text), dialect))


def _xlsx_rows(data: bytes):
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged workbook
        raise _FileError(_("无法读取 Excel 文件：%(error)s") % {"error": exc}) from exc
    try:
        return [list(row) for row in workbook.worksheets[0].iter_rows(values_only=True)]
    finally:
        workbook.close()


def _table_rows(source) -> list[list]:
    data = _read_bytes(source)
    if isinstance(data, str):
        return _csv_rows(data)
    if data.startswith(_XLSX_MAGIC):
        return _xlsx_rows(data)
    if data.startswith(_XLS_MAGIC):
        raise _FileError(_("不支持旧版 .xls 文件，请另存为 .xlsx 或 CSV"))
    return _csv_rows(_decode(data))


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _parse_date(value) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = _cell_text(value)
    if re.fullmatch(r"\d{8}", text):
        text = f"{text[:4]}-{text[4:6]}-{text[6:]}"
    match = _DATE_PATTERN.match(text)
    if not match:
        return None
    try:
        return datetime.date(*(int(part) for part in match.groups()))
    except ValueError:
        return None


def _header_map(header: list) -> dict[str, tuple[int, str]]:
    """{"date"|"type"|"name": (column index, header as written)} for the columns found."""
    found = {}
    for index, cell in enumerate(header):
        text = _cell_text(cell)
        for key, aliases in _COLUMN_ALIASES.items():
            if key not in found and text.casefold() in aliases:
                found[key] = (index, text)
    return found


def _parse_rows(rows: list[list]):
    """Validate every row; returns ({date: (is_working_day, name)}, [ImportIssue])."""
    errors: list[ImportIssue] = []
    # The header is the first non-blank row; row numbers are the spreadsheet's (1-based, header included).
    header_index = next((i for i, row in enumerate(rows) if any(_cell_text(cell) for cell in row)), None)
    if header_index is None:
        return {}, [ImportIssue(None, "", _("文件是空的"))]
    columns = _header_map(rows[header_index])
    for key, label in (("date", "日期"), ("type", "类型")):
        if key not in columns:
            errors.append(ImportIssue(header_index + 1, label, _("缺少“%(column)s”列") % {"column": label}))
    if errors:
        return {}, errors

    days: dict[datetime.date, tuple[bool, str]] = {}
    first_row: dict[datetime.date, int] = {}
    max_name = CalendarDay._meta.get_field("name").max_length

    def cell(row, key):
        index = columns[key][0] if key in columns else None
        return row[index] if index is not None and index < len(row) else None

    for index in range(header_index + 1, len(rows)):
        row, number = rows[index], index + 1
        if not any(_cell_text(value) for value in row):
            continue
        row_errors = []
        raw_date, raw_type, name = cell(row, "date"), cell(row, "type"), _cell_text(cell(row, "name"))
        date_column, type_column = columns["date"][1], columns["type"][1]

        day = _parse_date(raw_date)
        if not _cell_text(raw_date):
            row_errors.append(ImportIssue(number, date_column, _("日期不能为空")))
        elif day is None:
            row_errors.append(ImportIssue(
                number, date_column,
                _("无法识别的日期“%(value)s”，请写成 2027-01-01") % {"value": _cell_text(raw_date)},
            ))
        elif not IMPORT_MIN_YEAR <= day.year <= IMPORT_MAX_YEAR:
            row_errors.append(ImportIssue(
                number, date_column,
                _("年份 %(year)d 超出范围（%(min)d–%(max)d）")
                % {"year": day.year, "min": IMPORT_MIN_YEAR, "max": IMPORT_MAX_YEAR},
            ))
        elif day in first_row:
            row_errors.append(ImportIssue(
                number, date_column, _("日期与第%(row)d行重复") % {"row": first_row[day]}
            ))

        kind = DayKindChoices.parse(raw_type)
        if not _cell_text(raw_type):
            row_errors.append(ImportIssue(number, type_column, _("类型不能为空")))
        elif kind is None:
            row_errors.append(ImportIssue(
                number, type_column,
                _("无法识别的类型“%(value)s”，应为“休息日”“节假日”“工作日”或“调休上班”")
                % {"value": _cell_text(raw_type)},
            ))

        if len(name) > max_name:
            name_column = columns["name"][1]
            row_errors.append(ImportIssue(
                number, name_column, _("名称不能超过%(max)d个字") % {"max": max_name}
            ))

        if row_errors:
            errors.extend(row_errors)
            continue
        first_row[day] = number
        days[day] = (kind == DayKindChoices.WORKING, name)

    if not days and not errors:
        errors.append(ImportIssue(None, "", _("文件中没有日历数据")))
    return days, errors


def import_calendar(source, *, user=None, mark_years_loaded: bool = True, note: str = "") -> ImportResult:
    """Import holidays and make-up days from a CSV (UTF-8 or GBK) or XLSX file with columns 日期, 类型, 名称.

    All or nothing: any invalid row means nothing is written and the errors are returned. Otherwise each day is
    created or updated (source "import"), and, unless `mark_years_loaded` is false (a file of corrections only),
    every year in the file is marked loaded, so its other days count as ordinary rather than estimated.
    `source` is a path or a file object (an upload); `user` is the acting user for the change history.
    """
    try:
        rows = _table_rows(source)
    except _FileError as exc:
        return ImportResult(errors=(ImportIssue(None, "", str(exc)),))
    except csv.Error as exc:
        return ImportResult(errors=(ImportIssue(None, "", _("CSV 格式错误：%(error)s") % {"error": exc}),))
    days, errors = _parse_rows(rows)
    if errors:
        return ImportResult(errors=tuple(errors))

    years = tuple(sorted({day.year for day in days}))
    created = updated = unchanged = 0
    with acting_as(user, current_request_id()) if user is not None else nullcontext(), transaction.atomic():
        existing = {row.date: row for row in CalendarDay.objects.select_for_update().filter(date__in=list(days))}
        for day, (working, name) in sorted(days.items()):
            row = existing.get(day)
            if row is None:
                CalendarDay(date=day, is_working_day=working, name=name, source=CalendarSourceChoices.IMPORT).save()
                created += 1
            elif (row.is_working_day, row.name) == (working, name):
                unchanged += 1
            else:
                row.is_working_day, row.name, row.source = working, name, CalendarSourceChoices.IMPORT
                row.save()
                updated += 1
        if mark_years_loaded:
            for year in years:
                defaults = {"source": CalendarSourceChoices.IMPORT, "loaded_by": user}
                if note:
                    defaults["note"] = note
                CalendarYear.objects.update_or_create(year=year, defaults=defaults)
    return ImportResult(created=created, updated=updated, unchanged=unchanged, years=years)


"""Reading and writing the platform's Excel exchange files: columns declared once, cells read with clear Chinese
errors by sheet, row and column, workbooks written in write-only mode, and the error report of a rejected import.

Shared by every import that follows the catalogue's policy (check the whole file, reject it whole on any error):
the catalogue, the information system inventory, service items and supervision plans. Reading uses python-calamine
when it is installed (about fifteen times faster on a large file) and openpyxl's read-only mode otherwise.
"""

import datetime
import io
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from django.utils import translation
from django.utils.translation import gettext as _

__all__ = [
    "CellError",
    "Column",
    "RowError",
    "SheetReader",
    "append_row",
    "cell_text",
    "choice_labels",
    "choice_lookup",
    "clean_text",
    "error_report_bytes",
    "new_sheet",
    "open_workbook",
    "read_bool",
    "read_codes",
    "read_date",
    "read_int",
    "sheet_rows",
    "styled_cell",
    "write_error_report",
]


@dataclass(frozen=True)
class Column:
    """One column of a sheet: its header, the key it is read into, how the cell is read, what it holds."""

    header: str
    key: str
    kind: str = "text"  # text | int | bool | date | choice | codes
    required: bool = False  # the column must be present and every cell filled
    choices: type | None = None
    max_length: int | None = None
    width: int = 14
    note: str = ""


@dataclass(frozen=True)
class RowError:
    """One problem in the file: the sheet, the row number as Excel shows it, the column header, and the message.

    `row` is None and `sheet` empty for a problem with the file as a whole.
    """

    sheet: str
    row: int | None
    column: str
    message: str

    def __str__(self):
        where = f"「{self.sheet}」" if self.sheet else ""
        if self.row is not None:
            where += _("第%(row)d行") % {"row": self.row}
        if self.column:
            where += f"「{self.column}」"
        return f"{where}：{self.message}" if where else self.message


_RELATED_SPLIT = re.compile(r"[;；,，、\s]+")
_ROW_PATTERN_DATES = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d")
_TRUE = frozenset({"是", "y", "yes", "true", "1", "√", "✓", "t"})
_FALSE = frozenset({"否", "n", "no", "false", "0", "×", "✗", "f", ""})
# Characters Excel's XML cannot hold; they are dropped on export rather than failing the whole file.
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def choice_lookup(choice_set) -> dict[str, str]:
    """Every spelling accepted for a choice: value, Chinese label, and each unambiguous part of the label."""
    lookup: dict[str, str] = {}
    parts: dict[str, set[str]] = defaultdict(set)
    with translation.override("zh-hans"):
        labels = [(value, str(label)) for value, label, *_rest in choice_set.CHOICES]
    for value, label in labels:
        lookup[value.casefold()] = value
        lookup[label.casefold()] = value
        for part in re.split(r"[\s\-－—/]+", label):
            if part:
                parts[part.casefold()].add(value)
    for part, values in parts.items():
        if len(values) == 1:
            lookup.setdefault(part, next(iter(values)))
    # The label in the active language too, in case the platform runs in English.
    for value, label, *_rest in choice_set.CHOICES:
        lookup.setdefault(str(label).strip().casefold(), value)
    return lookup


def choice_labels(choice_set) -> dict[str, str]:
    with translation.override("zh-hans"):
        return {value: str(label) for value, label, *_rest in choice_set.CHOICES}


def clean_text(text: str) -> str:
    # A workbook stores line breaks as \n (XML turns \r\n into \n), while a browser's textarea sends \r\n; one form
    # for both, so an entry saved from a page and read back from its export compares equal.
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text.strip()


def cell_text(value) -> str:
    """A cell as text: numbers typed into text columns lose Excel's trailing .0; dates become ISO dates."""
    if value is None:
        return ""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat(sep=" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value).strip()


class CellError(ValueError):
    pass


def read_int(value):
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise CellError(_("应填写整数"))
    if isinstance(value, int):
        number = value
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    else:
        text = cell_text(value)
        if text == "":
            return None
        if text.endswith(".0"):
            text = text[:-2]
        if not text.isdigit():
            raise CellError(_("应填写整数，实际为“%(value)s”") % {"value": text[:50]})
        number = int(text)
    if number < 0 or number > 2147483647:
        raise CellError(_("应为不小于0的整数"))
    return number


def read_bool(value):
    if isinstance(value, bool):
        return value
    text = cell_text(value).casefold()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise CellError(_("应填写“是”或“否”，实际为“%(value)s”") % {"value": text[:50]})


def read_date(value):
    if value is None or value == "":
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = cell_text(value)
    if not text:
        return None
    for pattern in _ROW_PATTERN_DATES:
        try:
            return datetime.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise CellError(_("日期格式应为 YYYY-MM-DD，实际为“%(value)s”") % {"value": text[:50]})


def read_codes(value):
    return [code for code in _RELATED_SPLIT.split(cell_text(value)) if code]


class SheetReader:
    """Reads the rows of one sheet into dicts keyed by Column.key, collecting cell errors as it goes."""

    def __init__(self, sheet_name, columns, header_row, errors):
        self.sheet = sheet_name
        self.errors = errors
        self.columns = columns
        self.lookups = {column.key: choice_lookup(column.choices) for column in columns if column.kind == "choice"}
        self.allowed = {
            column.key: "、".join(choice_labels(column.choices).values())
            for column in columns
            if column.kind == "choice"
        }
        self.positions = self._map_headers(header_row)
        # How each column is read, decided once: a large file has a million cells.
        readers = {
            "text": self._read_text,
            "choice": self._read_choice,
            "int": lambda column, raw: read_int(raw),
            "bool": lambda column, raw: read_bool(raw),
            "date": lambda column, raw: read_date(raw),
            "codes": lambda column, raw: read_codes(raw),
        }
        self.plan = [(column, self.positions.get(column.key), readers[column.kind]) for column in columns]

    def _map_headers(self, header_row):
        by_header = {column.header: column for column in self.columns}
        positions = {}
        for index, cell in enumerate(header_row or ()):
            header = cell_text(cell).strip("*＊ ").replace("（必填）", "").replace("(必填)", "").strip()
            column = by_header.get(header)
            if column is None:
                continue
            if column.key in positions:
                self.error(1, column.header, _("列名重复"))
                continue
            positions[column.key] = index
        for column in self.columns:
            if column.required and column.key not in positions:
                self.error(1, column.header, _("缺少此列"))
        return positions

    def error(self, row, header, message):
        self.errors.append(RowError(self.sheet, row, header, message))

    def read(self, row_number, cells):
        """The row as {key: value}; a cell that cannot be read is reported and left out."""
        values = {}
        width = len(cells)
        for column, index, reader in self.plan:
            raw = cells[index] if index is not None and index < width else None
            try:
                value = reader(column, raw)
            except CellError as exc:
                self.error(row_number, column.header, str(exc))
                continue
            if column.required and (value == "" or value is None):
                self.error(row_number, column.header, _("此项为必填项"))
                continue
            values[column.key] = value
        return values

    def _read_text(self, column, raw):
        value = clean_text(raw) if isinstance(raw, str) else cell_text(raw)
        if column.max_length and len(value) > column.max_length:
            raise CellError(_("不能超过%(max)d个字符（当前%(n)d个）") % {"max": column.max_length, "n": len(value)})
        return value

    def _read_choice(self, column, raw):
        text = clean_text(raw) if isinstance(raw, str) else cell_text(raw)
        if not text:
            return ""
        value = self.lookups[column.key].get(text.casefold())
        if value is None:
            raise CellError(
                _("“%(value)s”不是有效的选项，可选：%(allowed)s")
                % {"value": text[:50], "allowed": self.allowed[column.key]}
            )
        return value


class _CalamineBook:
    """A workbook read by python-calamine (Rust): about fifteen times faster than openpyxl on a large file."""

    def __init__(self, file):
        from python_calamine import CalamineWorkbook

        self.book = CalamineWorkbook.from_filelike(file) if hasattr(file, "read") else CalamineWorkbook.from_path(
            str(file)
        )
        self.sheetnames = list(self.book.sheet_names)

    def rows(self, name):
        # skip_empty_area=False keeps the blank rows and columns before the data, so row 1 is Excel's row 1.
        return self.book.get_sheet_by_name(name).to_python(skip_empty_area=False)

    def close(self):
        self.book.close()


class _OpenpyxlBook:
    """A workbook read by openpyxl in read-only mode, when python-calamine is not installed."""

    def __init__(self, file):
        from openpyxl import load_workbook

        self.book = load_workbook(file, read_only=True, data_only=True)
        self.sheetnames = self.book.sheetnames

    def rows(self, name):
        return self.book[name].iter_rows(values_only=True)

    def close(self):
        self.book.close()


def _book_class():
    try:
        import python_calamine  # noqa: F401
    except ImportError:
        return _OpenpyxlBook
    return _CalamineBook


def open_workbook(file):
    """The workbook, or a message saying in plain words why the file is not one."""
    if hasattr(file, "read"):
        if hasattr(file, "seek"):
            file.seek(0)
        head = file.read(8)
        file.seek(0)
    else:
        with open(file, "rb") as handle:
            head = handle.read(8)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return None, _("这是旧版 Excel 97-2003（.xls）文件，请在 Excel 或 WPS 中另存为 .xlsx 后再导入")
    if not head.startswith(b"PK\x03\x04"):
        return None, _("文件不是 Excel 工作簿（.xlsx）；请使用导出的模板填写后上传")
    try:
        return _book_class()(file), None
    except Exception as exc:  # both readers raise their own errors (zip, XML, format) for a damaged file
        return None, _("无法读取 Excel 文件，文件可能已损坏：%(error)s") % {"error": exc}


def sheet_rows(book, name):
    """The header row of a sheet, and (row number, cells) of each non-blank row after it."""
    rows = iter(book.rows(name))
    header = next(rows, None)
    body = []
    for number, cells in enumerate(rows, start=2):
        if any(cell is not None and cell != "" for cell in cells):
            body.append((number, cells))
    return header, body


def styled_cell(sheet, value, **style):
    """A write-only cell; text is always stored as text, so a value starting with "=" is never run as a formula."""
    from openpyxl.cell import WriteOnlyCell

    if isinstance(value, str):
        value = _ILLEGAL_XML.sub("", value)
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"
    for name, setting in style.items():
        setattr(cell, name, setting)
    return cell


def plain_value(value):
    """Values that need no cell object: written as they are (the fast path for most cells)."""
    if isinstance(value, str) and (value.startswith("=") or _ILLEGAL_XML.search(value)):
        return None
    return value


def header_cells(sheet, columns):
    from openpyxl.styles import Alignment, Font, PatternFill

    font = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDEBF7")
    required_fill = PatternFill("solid", fgColor="FCE4D6")
    align = Alignment(horizontal="center", vertical="center")
    return [
        styled_cell(sheet, column.header, font=font, fill=required_fill if column.required else fill, alignment=align)
        for column in columns
    ]


def new_sheet(workbook, title, columns):
    from openpyxl.utils import get_column_letter

    sheet = workbook.create_sheet(title)
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = "B2"
    sheet.append(header_cells(sheet, columns))
    return sheet


def append_row(sheet, values):
    row = []
    for value in values:
        if value == "" or value is None:
            row.append(None)  # an empty cell is not written at all; it reads back as blank
            continue
        plain = plain_value(value)
        row.append(plain if plain is not None else styled_cell(sheet, value))
    sheet.append(row)


def write_error_report(errors, path):
    """Write the errors of a rejected import as an .xlsx (sheet, row, column, message), for the department to fix."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    columns = (
        Column(_("工作表"), "sheet", width=12),
        Column(_("行号"), "row", width=8),
        Column(_("列名"), "column", width=16),
        Column(_("错误信息"), "message", width=80),
    )
    sheet = new_sheet(workbook, _("错误报告"), columns)
    for error in errors:
        append_row(sheet, (error.sheet or _("文件"), error.row, error.column, error.message))
    if isinstance(path, (str, Path)):
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)
    return path


def error_report_bytes(errors) -> bytes:
    """The error report as bytes, for a download response."""
    buffer = io.BytesIO()
    write_error_report(errors, buffer)
    return buffer.getvalue()

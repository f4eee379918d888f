"""Reading a file to be mounted into a frame of strings, one column per header cell, before any check of the values.

CSV is read by Arrow's parser (one thread, so a row with the wrong number of fields is reported with its row number)
after the encoding is settled: strict UTF-8 first (with or without BOM), else GB18030 (a superset of GBK); a file
whose lines mix the two is refused, naming the first line that differs. XLSX (and XLS) is read by python-calamine,
first sheet; JSON is an array of objects or JSON Lines.

Row numbers are those a person sees in the file: the header is row 1, so the first record is row 2 (a value that
spans lines in quotes counts as one row); in a workbook, the spreadsheet's row number; in JSON Lines, the line
number; in a JSON array, the position of the object (first = 1). Rows whose every cell is empty are skipped.
"""

import codecs
import csv
import datetime
import json
from dataclasses import dataclass
from pathlib import Path

import polars as pl
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

__all__ = ["FileError", "LoadRejected", "SourceData", "read_source"]

# Structural errors (wrong number of fields) reported before giving up on a file.
MAX_STRUCTURE_ERRORS = 1000
_DECODE_CHUNK = 16 * 1024 * 1024
# Arrow parses in blocks; a record (a quoted value with newlines) must fit in one.
_BLOCK_SIZE = 16 * 1024 * 1024


@dataclass(frozen=True)
class FileError:
    """One problem found in a file: its row number (0 when it concerns the whole file), column, value, message."""

    row: int
    column: str
    value: str
    message: str

    def __str__(self):
        where = _("第%(row)d行") % {"row": self.row} if self.row else _("文件")
        column = f"「{self.column}」" if self.column else ""
        value = f"“{self.value}”" if self.value else ""
        return f"{where}{column}{value}：{self.message}"


class LoadRejected(Exception):
    """The file cannot be loaded as it is; `errors` says where and why (a list of FileError or a polars frame with
    the columns row, column, value, message)."""

    def __init__(self, errors):
        self.errors = errors
        super().__init__(str(errors[0]) if isinstance(errors, list) and errors else _("文件未通过校验"))


@dataclass
class SourceData:
    """A file read as strings: `frame` has the columns c0..cN-1 (null where a cell is empty) and `_row`, the row
    number of each record in the file."""

    frame: pl.DataFrame
    header: list[str]
    header_row: int
    format: str
    encoding: str = ""


def _reject(message, row=0, column="", value=""):
    raise LoadRejected([FileError(row, column, value, message)])


def read_source(path, *, max_bytes: int) -> SourceData:
    """Read the file at `path` (format by extension, else by content), refusing it before reading when it is larger
    than `max_bytes` or empty."""
    path = Path(path)
    try:
        size = path.stat().st_size
    except OSError as exc:
        _reject(_("无法打开文件：%(error)s") % {"error": exc.strerror or exc})
    if size > max_bytes:
        _reject(_("文件大小%(size)s，超过上限%(limit)s，未读取") % {
            "size": filesizeformat(size), "limit": filesizeformat(max_bytes)})
    if size == 0:
        _reject(_("文件为空"))
    kind = _format_of(path)
    if kind == "xlsx":
        source = _read_workbook(path)
    else:
        raw = path.read_bytes()
        if not raw.strip():
            _reject(_("文件为空"))
        source = _read_json(raw) if kind == "json" else _read_csv(raw)
    # Rows with no value at all (trailing blank rows of a spreadsheet, blank lines) carry nothing to load.
    value_columns = [name for name in source.frame.columns if name != "_row"]
    if value_columns:
        source.frame = source.frame.filter(~pl.all_horizontal(pl.col(value_columns).is_null()))
    if source.frame.height == 0:
        _reject(_("文件只有表头，没有数据行"))
    return source


def _format_of(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods"):
        return "xlsx"
    if suffix in (".json", ".jsonl", ".ndjson"):
        return "json"
    if suffix in (".csv", ".txt", ".tsv"):
        return "csv"
    with path.open("rb") as file:
        start = file.read(4096)
    if start.startswith(b"PK\x03\x04") or start.startswith(b"\xd0\xcf\x11\xe0"):
        return "xlsx"
    if start.lstrip(codecs.BOM_UTF8).lstrip()[:1] in (b"[", b"{"):
        return "json"
    return "csv"


# ---------------------------------------------------------------------------------------------------------------
# Encoding

def _line_of(raw: bytes, offset: int) -> int:
    return raw.count(b"\n", 0, offset) + 1


def _first_invalid_utf8(raw: bytes):
    """The offset of the first byte that is not valid UTF-8, or None; decoded in chunks to bound memory."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    view = memoryview(raw)
    for start in range(0, len(raw), _DECODE_CHUNK):
        chunk = view[start:start + _DECODE_CHUNK]
        try:
            decoder.decode(chunk, final=start + _DECODE_CHUNK >= len(raw))
        except UnicodeDecodeError as exc:
            # The decoder may hold back a partial sequence from the previous chunk; its position is relative.
            held = len(decoder.getstate()[0]) if exc.start == 0 else 0
            return max(start + exc.start - held, 0)
    return None


def to_utf8(raw: bytes) -> tuple[bytes, str]:
    """The text as UTF-8 bytes and the encoding it was in: "utf-8", "utf-8-sig" or "gb18030"."""
    encoding = "utf-8"
    if raw.startswith(codecs.BOM_UTF8):
        raw, encoding = raw[len(codecs.BOM_UTF8):], "utf-8-sig"
    bad_at = _first_invalid_utf8(raw)
    if bad_at is None:
        return raw, encoding
    line = _line_of(raw, bad_at)
    line_start = raw.rfind(b"\n", 0, bad_at) + 1
    if encoding == "utf-8-sig" or not raw[:line_start].isascii():
        _reject(_("文件编码不一致：第%(line)d行不是UTF-8编码，而前面的行是UTF-8编码。请把整个文件另存为同一种编码"
                  "（建议UTF-8）后重新上传") % {"line": line}, row=line)
    # Not UTF-8: GBK / GB18030. A line that is valid UTF-8 with Chinese text in it was written by another tool.
    for number, text in enumerate(raw.split(b"\n"), start=1):
        if text.isascii():
            continue
        try:
            text.decode("utf-8")
        except UnicodeDecodeError:
            continue
        _reject(_("文件编码不一致：第%(line)d行是UTF-8编码，而前面的行是GBK编码。请把整个文件另存为同一种编码"
                  "（建议UTF-8）后重新上传") % {"line": number}, row=number)
    try:
        text = raw.decode("gb18030")
    except UnicodeDecodeError as exc:
        line = _line_of(raw, exc.start)
        _reject(_("第%(line)d行无法识别文字编码（既不是UTF-8也不是GBK/GB18030）") % {"line": line}, row=line)
    return text.encode("utf-8"), "gb18030"


# ---------------------------------------------------------------------------------------------------------------
# CSV

def _read_csv(raw: bytes) -> SourceData:
    import pyarrow as pa
    import pyarrow.csv as pacsv

    data, encoding = to_utf8(raw)
    data = data.rstrip(b"\r\n")
    first_end = data.find(b"\n")
    first_line = (data if first_end < 0 else data[:first_end]).decode("utf-8").rstrip("\r")
    try:
        header = next(csv.reader([first_line]))
    except (csv.Error, StopIteration):
        header = []
    header = [cell.strip() for cell in header]
    if not any(header):
        _reject(_("第1行应为表头（信息项名称或代码），但为空"), row=1)
    if first_end < 0:
        _reject(_("文件只有表头，没有数据行"))
    names = [f"c{index}" for index in range(len(header))]
    problems = []

    def invalid_row(row):
        if len(problems) < MAX_STRUCTURE_ERRORS:
            problems.append(row)
        return "skip"

    try:
        table = pacsv.read_csv(
            pa.py_buffer(data),
            read_options=pacsv.ReadOptions(column_names=names, skip_rows=1, use_threads=False, block_size=_BLOCK_SIZE),
            parse_options=pacsv.ParseOptions(
                newlines_in_values=True, ignore_empty_lines=True, invalid_row_handler=invalid_row
            ),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.string()), null_values=[""], strings_can_be_null=True,
                quoted_strings_can_be_null=True,
            ),
        )
    except (pa.ArrowInvalid, ValueError) as exc:
        _reject(_("CSV格式错误：%(error)s") % {"error": str(exc).splitlines()[0][:300]})
    if problems:
        raise LoadRejected([
            FileError(
                row.number or 0, "", (row.text or "")[:200],
                _("列数不对：表头有%(expected)d列，此行有%(actual)d列（值中含逗号时请用英文双引号括起）")
                % {"expected": row.expected_columns, "actual": row.actual_columns},
            )
            for row in problems
        ])
    frame = pl.from_arrow(table)
    if not isinstance(frame, pl.DataFrame):  # pragma: no cover - a table always converts to a frame
        frame = frame.to_frame()
    frame = frame.with_columns(pl.int_range(2, frame.height + 2, dtype=pl.Int64).alias("_row"))
    return SourceData(frame=frame, header=header, header_row=1, format="csv", encoding=encoding)


# ---------------------------------------------------------------------------------------------------------------
# Workbooks

def _cell_text(value):
    """A spreadsheet cell as the text a person typed: whole numbers without ".0", dates as ISO."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, datetime.datetime):
        if value.time() == datetime.time(0):
            return value.strftime("%Y-%m-%d")
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    return str(value)


def _read_workbook(path: Path) -> SourceData:
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_path(str(path))
        if not book.sheet_names:
            _reject(_("工作簿中没有工作表"))
        # skip_empty_area=False keeps the blank rows above the data, so row numbers are the spreadsheet's.
        rows = book.get_sheet_by_index(0).to_python(skip_empty_area=False)
    except LoadRejected:
        raise
    except Exception as exc:  # noqa: BLE001 - calamine raises several types for a damaged or foreign file
        _reject(_("无法读取Excel文件（文件可能已损坏或不是Excel格式）：%(error)s") % {"error": str(exc)[:200]})
    header_index = next((index for index, row in enumerate(rows) if any(_cell_text(v) for v in row)), None)
    if header_index is None:
        _reject(_("文件为空"))
    header_cells = [_cell_text(value) or "" for value in rows[header_index]]
    while header_cells and not header_cells[-1].strip():
        header_cells.pop()
    header = [cell.strip() for cell in header_cells]
    width = len(header)
    columns = [[] for _index in range(width)]
    numbers = []
    problems = []
    for index in range(header_index + 1, len(rows)):
        cells = [_cell_text(value) for value in rows[index]]
        if not any(cells):
            continue
        extra = [cell for cell in cells[width:] if cell is not None]
        if extra and len(problems) < MAX_STRUCTURE_ERRORS:
            actual = max(position for position, cell in enumerate(cells) if cell is not None) + 1
            problems.append(FileError(
                index + 1, "", extra[0][:200],
                _("列数不对：表头有%(expected)d列，此行有%(actual)d列") % {"expected": width, "actual": actual},
            ))
        numbers.append(index + 1)
        for position in range(width):
            columns[position].append(cells[position] if position < len(cells) else None)
    if problems:
        raise LoadRejected(problems)
    frame = pl.DataFrame(
        {f"c{position}": values for position, values in enumerate(columns)},
        schema=dict.fromkeys([f"c{position}" for position in range(width)], pl.String),
    ).with_columns(pl.Series("_row", numbers, dtype=pl.Int64))
    return SourceData(frame=frame, header=header, header_row=header_index + 1, format="xlsx")


# ---------------------------------------------------------------------------------------------------------------
# JSON

def _json_text(value):
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _read_json(raw: bytes) -> SourceData:
    if raw.startswith(codecs.BOM_UTF8):
        raw = raw[len(codecs.BOM_UTF8):]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = _line_of(raw, exc.start)
        _reject(_("JSON文件应为UTF-8编码，第%(line)d行不是") % {"line": line}, row=line)
    stripped = text.lstrip()
    records = []  # (row number, object)
    if stripped.startswith("["):
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            _reject(_("JSON格式错误（第%(line)d行第%(col)d列）：%(error)s") % {
                "line": exc.lineno, "col": exc.colno, "error": exc.msg}, row=exc.lineno)
        records = list(enumerate(data, start=1))
    else:
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                records.append((number, json.loads(line)))
            except json.JSONDecodeError as exc:
                _reject(_("JSON Lines格式错误（第%(line)d行第%(col)d列）：%(error)s") % {
                    "line": number, "col": exc.colno, "error": exc.msg}, row=number)
    header, seen = [], set()
    problems = []
    for number, record in records:
        if not isinstance(record, dict):
            if len(problems) < MAX_STRUCTURE_ERRORS:
                problems.append(FileError(number, "", str(record)[:200],
                                          _("这条记录不是JSON对象（应为{\"列\": 值, ...}）")))
            continue
        for key in record:
            if key not in seen:
                seen.add(key)
                header.append(key)
    if problems:
        raise LoadRejected(problems)
    if not records:
        _reject(_("文件中没有数据"))
    frame = pl.DataFrame(
        {f"c{position}": [_json_text(record.get(key)) for _number, record in records]
         for position, key in enumerate(header)},
        schema=dict.fromkeys([f"c{position}" for position in range(len(header))], pl.String),
    ).with_columns(pl.Series("_row", [number for number, _record in records], dtype=pl.Int64))
    return SourceData(frame=frame, header=[str(key).strip() for key in header], header_row=0, format="json",
                      encoding="utf-8")


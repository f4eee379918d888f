"""Column-wise checks of a file before it is loaded: every value by its info item's data type, length and kind.

Each column is checked with polars expressions over the whole column at once (no Python loop per cell): a
1,000,000-row file is checked in about a second. Each check is a (condition, message) pair; the conditions are
evaluated for every row and give each cell the number of the first check it fails (0 when none). Only when a file
has errors are the messages built, and only for the failing cells.

The output is the typed frame that is written to the table: dates as Date, booleans as Boolean, numbers as
Int64/Float64 (NUMERIC columns keep the decimal text as written, so no precision is lost), ID numbers and credit
codes upper-cased.
"""

import datetime
import re
from dataclasses import dataclass

import polars as pl
from django.utils.translation import gettext as _

from govshare.catalog.semantics import ItemKind
from govshare.core.validators import CREDIT_CODE_CHARSET, PROVINCE_CODES

from .reader import FileError, LoadRejected, SourceData

__all__ = ["ValidatedData", "map_header", "validate"]

TEXT_TYPES = ("C", "M", "G")
DECIMAL_TYPES = ("N", "Y")
FLOAT_TYPES = ("B", "F")

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK_CHARS = "10X98765432"
_CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y%m%d")
_DATETIME_FORMATS = (
    "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%dT%H:%M:%S%.f", "%Y/%m/%d %H:%M:%S%.f", "%Y-%m-%d %H:%M",
    "%Y/%m/%d %H:%M", "%Y%m%d%H%M%S", "%Y-%m-%d", "%Y/%m/%d",
)
_BOOLEAN_WORDS = {
    "是": True, "否": False, "true": True, "false": False, "1": True, "0": False, "y": True, "n": False,
}
_DECIMAL_PATTERN = r"^[+-]?(\d+(\.\d*)?|\.\d+)$"
_FLOAT_PATTERN = r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$"
_PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")
# Longest value shown in an error report.
_VALUE_SHOWN = 200


@dataclass
class ValidatedData:
    """The typed frame to write (`_row` plus one column per table column, named as in the table), the errors
    (a frame with row, column, value, message; None when there are none) and how many rows have errors."""

    frame: pl.DataFrame
    errors: pl.DataFrame | None
    rows_rejected: int


def _message(template: str, **values) -> pl.Expr:
    """A translated message with %(name)s placeholders as a string expression (values are expressions or plain)."""
    parts, position = [], 0
    for match in _PLACEHOLDER.finditer(template):
        if match.start() > position:
            parts.append(pl.lit(template[position:match.start()]))
        value = values[match.group(1)]
        parts.append(value.cast(pl.String) if isinstance(value, pl.Expr) else pl.lit(str(value)))
        position = match.end()
    if position < len(template):
        parts.append(pl.lit(template[position:]))
    return pl.concat_str(parts) if len(parts) > 1 else parts[0]


# ---------------------------------------------------------------------------------------------------------------
# Header

def _normalise_header(text) -> str:
    return str(text or "").strip().replace("\u3000", "").casefold()


def map_header(source: SourceData, columns: list[dict]) -> list[str]:
    """For each table column, the source column (c0, c1, ...) that holds it; the header cells are matched to info
    items by name, code or column name. Unknown, repeated or missing columns reject the file."""
    lookup = {}
    for index, column in enumerate(columns):
        for key in (column["name"], column["code"], column["column"]):
            if key:
                lookup.setdefault(_normalise_header(key), index)
    errors, found = [], {}
    row = source.header_row
    for position, cell in enumerate(source.header):
        index = lookup.get(_normalise_header(cell))
        if not cell:
            errors.append(FileError(row, "", "", _("第%(n)d列的表头为空") % {"n": position + 1}))
        elif index is None:
            errors.append(FileError(row, cell, "", _(
                "未知的列“%(name)s”：不是本资源的信息项（表头应为信息项名称或代码）") % {"name": cell}))
        elif index in found:
            errors.append(FileError(row, cell, "", _("列“%(name)s”与第%(n)d列是同一个信息项，重复了")
                                    % {"name": cell, "n": found[index] + 1}))
        else:
            found[index] = position
    for index, column in enumerate(columns):
        if index not in found:
            code = f"（{column['code']}）" if column["code"] else ""
            errors.append(FileError(row, column["name"], "", _("缺少信息项“%(name)s”%(code)s的列")
                                    % {"name": column["name"], "code": code}))
    if errors:
        raise LoadRejected(errors)
    return [f"c{found[index]}" for index in range(len(columns))]


# ---------------------------------------------------------------------------------------------------------------
# Rules by data type and kind. Each builder takes the cleaned value `v` (stripped, null when empty) and the parsed
# value `p`, and returns [(condition, message)] in the order they are tried.

def _length_checks(v, length):
    if not length:
        return []
    return [(v.str.len_chars() > length,
             _message(_("长度超过%(limit)s个字符（实际%(actual)s个）"), limit=length, actual=v.str.len_chars()))]


def _digit_checks(v, length):
    """Digits in a number already known to be well formed: its length less the sign and the decimal point."""
    if not length:
        return []
    digits = (v.str.len_bytes().cast(pl.Int64) - v.str.contains(".", literal=True).cast(pl.Int64)
              - (v.str.starts_with("+") | v.str.starts_with("-")).cast(pl.Int64))
    return [(digits > length, _message(_("数字位数超过%(limit)s位（实际%(actual)s位）"), limit=length, actual=digits))]


def _byte_values(table: dict[str, int]) -> pl.Series:
    """A 256-entry lookup from an ASCII byte to its value in `table` (0 for bytes not in it)."""
    values = [0] * 256
    for char, value in table.items():
        values[ord(char)] = value
    return pl.Series(values, dtype=pl.Int64)


# The check character's position in "10X98765432", compared with (weighted sum mod 11).
_ID_CHECK_POSITION = _byte_values({char: index for index, char in enumerate(_ID_CHECK_CHARS)})
_CREDIT_VALUE = _byte_values({char: index for index, char in enumerate(CREDIT_CODE_CHARSET)})


_ID_SHAPE = r"^\d{17}[\dX]$"
_CREDIT_SHAPE = f"^[{re.escape(CREDIT_CODE_CHARSET)}]{{18}}$"


def _code_bytes(column: dict, p: pl.Expr) -> pl.Expr | None:
    """For ID numbers and credit codes: the code as an array of 18 bytes (zeros when its shape is wrong), computed
    once per column so the check characters are integer arithmetic, with no string per character."""
    shape = {ItemKind.ID_NUMBER: _ID_SHAPE, ItemKind.CREDIT_CODE: _CREDIT_SHAPE}.get(column.get("kind"))
    if shape is None or column["data_type"] not in TEXT_TYPES:
        return None
    safe = pl.when(p.str.contains(shape)).then(p).otherwise(pl.lit("0" * 18))
    return safe.cast(pl.Binary).bin.reinterpret(dtype=pl.Array(pl.UInt8, 18))


def _id_number_checks(v, p, b):
    birth = p.str.slice(6, 8).str.strptime(pl.Date, "%Y%m%d", strict=False)
    total = pl.sum_horizontal([
        (b.arr.get(position).cast(pl.Int64) - ord("0")) * weight for position, weight in enumerate(_ID_WEIGHTS)
    ])
    expected = pl.lit(_ID_CHECK_CHARS).str.slice(total % 11, 1)
    return [
        (p.str.len_chars() != 18,
         _message(_("公民身份号码应为18位，当前为%(n)s位"), n=p.str.len_chars())),
        (~p.str.contains(_ID_SHAPE), pl.lit(_("公民身份号码前17位应为数字，第18位应为数字或X"))),
        (birth.is_null() | (birth > pl.lit(datetime.date.today())) | (birth < pl.lit(datetime.date(1900, 1, 1))),
         _message(_("公民身份号码中的出生日期“%(date)s”不是有效日期"), date=p.str.slice(6, 8))),
        (pl.lit(_ID_CHECK_POSITION).gather(b.arr.get(17)) != total % 11,
         _message(_("公民身份号码校验位错误：第18位应为“%(expected)s”，实际为“%(actual)s”"),
                  expected=expected, actual=p.str.slice(17, 1))),
    ]


def _credit_code_checks(v, p, b):
    charset = CREDIT_CODE_CHARSET
    bad_char = f"[^{re.escape(charset)}]"
    total = pl.sum_horizontal([
        pl.lit(_CREDIT_VALUE).gather(b.arr.get(position)) * weight for position, weight in enumerate(_CREDIT_WEIGHTS)
    ])
    expected_value = (31 - total % 31) % 31
    return [
        (p.str.len_chars() != 18,
         _message(_("统一社会信用代码应为18位，当前为%(n)s位"), n=p.str.len_chars())),
        (p.str.contains(bad_char),
         _message(_("统一社会信用代码含有不允许的字符“%(ch)s”（不使用I、O、S、V、Z）"),
                  ch=p.str.extract(f"({bad_char})", 1))),
        (~p.str.slice(2, 6).str.contains(r"^\d{6}$") | ~p.str.slice(2, 2).is_in(sorted(PROVINCE_CODES)),
         pl.lit(_("统一社会信用代码第3-8位应为有效的行政区划代码"))),
        (pl.lit(_CREDIT_VALUE).gather(b.arr.get(17)) != expected_value,
         _message(_("统一社会信用代码校验位错误：第18位应为“%(expected)s”，实际为“%(actual)s”"),
                  expected=pl.lit(charset).str.slice(expected_value, 1), actual=p.str.slice(17, 1))),
    ]


def _parse(column: dict, v: pl.Expr, *, every_format=False) -> pl.Expr:
    """The value as it is written to the table. Dates and times are first parsed in the usual format only; the
    other accepted formats are tried (`every_format`) only for a column where that left values unparsed."""
    data_type = column["data_type"]
    if data_type in TEXT_TYPES:
        if column.get("kind") in (ItemKind.ID_NUMBER, ItemKind.CREDIT_CODE):
            return v.str.to_uppercase()
        return v
    if data_type in FLOAT_TYPES:
        return v.cast(pl.Float64, strict=False)
    if data_type == "I":
        return v.cast(pl.Int64, strict=False)
    if data_type == "D":
        formats = _DATE_FORMATS if every_format else _DATE_FORMATS[:1]
        return pl.coalesce([v.str.strptime(pl.Date, fmt, strict=False) for fmt in formats])
    if data_type == "T":
        formats = _DATETIME_FORMATS if every_format else _DATETIME_FORMATS[:1]
        return pl.coalesce([v.str.strptime(pl.Datetime("us"), fmt, strict=False) for fmt in formats])
    if data_type == "L":
        return v.str.to_lowercase().replace_strict(_BOOLEAN_WORDS, default=None, return_dtype=pl.Boolean)
    if data_type in DECIMAL_TYPES:
        return v.str.strip_prefix("+")
    return v


def _checks(column: dict, v: pl.Expr, p: pl.Expr, b: pl.Expr) -> list[tuple[pl.Expr, pl.Expr]]:
    data_type, length = column["data_type"], column.get("length")
    if data_type in TEXT_TYPES:
        checks = [(v.str.contains("\x00", literal=True), pl.lit(_("含有不允许的空字符（\\0）")))]
        kind = column.get("kind")
        if kind == ItemKind.ID_NUMBER:
            return checks + _id_number_checks(v, p, b)
        if kind == ItemKind.CREDIT_CODE:
            return checks + _credit_code_checks(v, p, b)
        return checks + _length_checks(v, length)
    if data_type in DECIMAL_TYPES:
        return [(~v.str.contains(_DECIMAL_PATTERN),
                 pl.lit(_("不是有效的数值（只能含数字、小数点和正负号，不要千分位逗号）")))] + _digit_checks(v, length)
    if data_type in FLOAT_TYPES:
        return [
            (~v.str.contains(_FLOAT_PATTERN), pl.lit(_("不是有效的数值"))),
            (p.is_infinite(), pl.lit(_("数值超出范围"))),
        ]
    if data_type == "I":
        return [
            (~v.str.contains(r"^[+-]?\d+$"), pl.lit(_("不是整数"))),
            (p.is_null(), pl.lit(_("整数超出范围"))),
        ] + _digit_checks(v, length)
    if data_type == "D":
        return [
            (~v.str.contains(r"^\d{4}([-/]?)\d{1,2}([-/]?)\d{1,2}$"),
             pl.lit(_("日期格式应为YYYY-MM-DD、YYYY/MM/DD或YYYYMMDD"))),
            (p.is_null(), pl.lit(_("日期不存在（如2月30日）"))),
        ]
    if data_type == "T":
        return [(p.is_null(), pl.lit(_("不是有效的日期时间（格式如YYYY-MM-DD HH:MM:SS）")))]
    if data_type == "L":
        return [(p.is_null(), pl.lit(_("逻辑值应为是/否、true/false、1/0或Y/N")))]
    return _length_checks(v, length)


# ---------------------------------------------------------------------------------------------------------------

def validate(source: SourceData, columns: list[dict], *, key_column: str | None = None) -> ValidatedData:
    """Check every value of the file; return the typed frame and the errors (row, column, value, message)."""
    sources = map_header(source, columns)
    names = [column["column"] for column in columns]
    clean = source.frame.select(
        pl.col("_row"),
        *[
            pl.col(src).str.strip_chars().replace("", None).alias(name)
            for src, name in zip(sources, names, strict=True)
        ],
    )
    parsed = clean.with_columns(
        _parse(column, pl.col(name)).alias(f"__p{index}") for index, (column, name) in enumerate(zip(columns, names,
                                                                                                     strict=True))
    )
    dated = [index for index, column in enumerate(columns) if column["data_type"] in ("D", "T")]
    if dated:
        unparsed = parsed.select(
            (pl.col(f"__p{index}").is_null() & pl.col(names[index]).is_not_null()).any() for index in dated
        ).row(0)
        parsed = parsed.with_columns(
            _parse(columns[index], pl.col(names[index]), every_format=True).alias(f"__p{index}")
            for index, retry in zip(dated, unparsed, strict=True) if retry
        )
    code_bytes = {
        index: _code_bytes(column, pl.col(f"__p{index}")) for index, column in enumerate(columns)
    }
    parsed = parsed.with_columns(expr.alias(f"__b{index}") for index, expr in code_bytes.items() if expr is not None)
    code_exprs = []
    for index, (column, name) in enumerate(zip(columns, names, strict=True)):
        present = pl.col(name).is_not_null()
        checks = [(present & condition, text)
                  for condition, text in _checks(column, pl.col(name), pl.col(f"__p{index}"), pl.col(f"__b{index}"))]
        if name == key_column:
            key = pl.col(f"__p{index}")
            checks = [
                (key.is_null(), None),
                (key.is_duplicated(), None),
                *checks,
            ]
        code = pl.lit(0, dtype=pl.UInt8)
        for number, (condition, _message_expr) in reversed(list(enumerate(checks, start=1))):
            code = pl.when(condition).then(pl.lit(number, dtype=pl.UInt8)).otherwise(code)
        code_exprs.append(code.alias(f"__e{index}"))
    checked = parsed.with_columns(code_exprs)
    failing = checked.select(pl.col(f"__e{index}").gt(0).sum() for index in range(len(columns))).row(0)
    output = checked.select(
        pl.col("_row"), *[pl.col(f"__p{index}").alias(name) for index, name in enumerate(names)]
    )
    if not any(failing):
        return ValidatedData(frame=output, errors=None, rows_rejected=0)
    return ValidatedData(frame=output, errors=_error_frame(checked, columns, key_column, failing),
                         rows_rejected=checked.filter(pl.any_horizontal(
                             pl.col(f"__e{index}") > 0 for index in range(len(columns)))).height)


def _error_frame(checked: pl.DataFrame, columns, key_column, failing) -> pl.DataFrame:
    """Messages for the failing cells only: (row, column, value, message), by row then column order."""
    parts = []
    for index, column in enumerate(columns):
        if not failing[index]:
            continue
        name = column["column"]
        v, p, b = pl.col("value"), pl.col("parsed"), pl.col("bytes")
        checks = _checks(column, v, p, b)
        if name == key_column:
            checks = [
                (None, pl.lit(_("主键“%(name)s”不能为空") % {"name": column["name"]})),
                (None, _message(_("主键重复：第%(row)s行起共%(n)s行的值相同"), row=pl.col("first_row"),
                                n=pl.col("repeats"))),
                *checks,
            ]
        message = pl.lit(None, dtype=pl.String)
        for number, (_condition, text) in reversed(list(enumerate(checks, start=1))):
            message = pl.when(pl.col("code") == number).then(text).otherwise(message)
        bad = checked.select(
            pl.col("_row").alias("row"),
            pl.col(name).alias("value"),
            pl.col(f"__p{index}").alias("parsed"),
            pl.col(f"__e{index}").alias("code"),
            (pl.col(f"__b{index}") if f"__b{index}" in checked.columns else pl.lit(None)).alias("bytes"),
        ).filter(pl.col("code") > 0).with_columns(
            pl.col("row").min().over(pl.col("parsed")).alias("first_row"),
            pl.len().over(pl.col("parsed")).alias("repeats"),
        )
        parts.append(bad.select(
            pl.col("row"),
            pl.lit(column["name"]).alias("column"),
            pl.col("value").fill_null("").str.slice(0, _VALUE_SHOWN),
            message.alias("message"),
            pl.lit(index).alias("position"),
        ))
    return pl.concat(parts).sort("row", "position").drop("position")

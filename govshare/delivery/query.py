"""SQL for the data plane, built from a whitelist: only granted columns, values always bound as parameters.

Column names come only from `DataTable.columns` (through the grant's visible columns), never from the request, so a
filter value that looks like SQL is just a value. Masked columns are masked in the SELECT list — their shadow
column, masked once when the table was loaded, or masking.mask_sql for a table without one — and filtered on their
real values in the WHERE clause, with one rule so the filter cannot become an oracle:

- a masked column may be filtered by equality only (`col=v`, `col__in=a,b`): the caller learns whether the values
  it already holds exist — what a lookup tells anyway — and nothing about values it does not hold. Range filters
  (`__gte`, `__lt` …) and sorting on a masked column are refused: bisecting with them would rebuild the hidden
  value character by character;
- verification compares equality only and answers a boolean.

Keyset pagination orders by the sort columns then `_row_id`, NULLs last (first when descending) on both databases;
the opaque cursor carries the last row's sort values and `_row_id` plus the sort it belongs to.
"""

import base64
import datetime as dt
import decimal
import json
from dataclasses import dataclass, field

from django.db import connection
from django.utils.translation import gettext as _

from .access import DeliveryError
from .masking import mask, mask_sql

__all__ = [
    "MAX_IN_VALUES",
    "MAX_LIMIT",
    "RESERVED_PARAMS",
    "QuerySpec",
    "audit_filter",
    "changes_sql",
    "decode_cursor",
    "encode_cursor",
    "json_value",
    "lookup_sql",
    "parse_query",
    "parse_value",
    "quote",
    "rows_to_dicts",
    "select_sql",
    "verify_sql",
]

MAX_LIMIT = 1000
DEFAULT_LIMIT = 100
MAX_IN_VALUES = 1000
RESERVED_PARAMS = frozenset({"fields", "sort", "limit", "after", "purpose", "format", "cursor", "csrfmiddlewaretoken"})
OPERATORS = {"": "=", "gte": ">=", "gt": ">", "lte": "<=", "lt": "<", "in": "IN"}
TRUE_WORDS = {"true", "1", "yes", "t", "y", "是"}
FALSE_WORDS = {"false", "0", "no", "f", "n", "否"}


def quote(name: str) -> str:
    return connection.ops.quote_name(name)


def parse_value(column, raw, vendor=None):
    """A request value as the column's type, ready to bind; ValueError when it is not one."""
    vendor = vendor or connection.vendor
    text = str(raw).strip() if not isinstance(raw, str) else raw
    data_type = column.data_type
    if data_type in ("N", "Y"):
        value = decimal.Decimal(text.strip())
        if not value.is_finite():
            raise ValueError(text)
        return value
    if data_type == "I":
        return int(text.strip())
    if data_type in ("B", "F"):
        return float(text.strip())
    if data_type == "D":
        value = dt.date.fromisoformat(text.strip()[:10])
        return value.isoformat() if vendor != "postgresql" else value
    if data_type == "T":
        value = dt.datetime.fromisoformat(text.strip())
        if value.tzinfo is not None:
            value = value.replace(tzinfo=None)
        return value.isoformat(sep=" ") if vendor != "postgresql" else value
    if data_type == "L":
        word = text.strip().lower()
        if word in TRUE_WORDS:
            return True if vendor == "postgresql" else 1
        if word in FALSE_WORDS:
            return False if vendor == "postgresql" else 0
        raise ValueError(text)
    return text


def json_value(value):
    """A database value as JSON: exact decimals and dates as text, timestamps as 'YYYY-MM-DD HH:MM:SS'."""
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (bytes, memoryview)):
        return bytes(value).hex()
    raise TypeError(type(value).__name__)


@dataclass
class QuerySpec:
    """A parsed records/download request: the columns to return, the filters, the sort, the page."""

    columns: list
    filters: list = field(default_factory=list)  # (column, operator, value or [values])
    sort: list = field(default_factory=list)  # (column, descending)
    limit: int = DEFAULT_LIMIT
    after: list | None = None  # decoded cursor: sort values then _row_id

    @property
    def sort_key(self) -> str:
        return ",".join(("-" if desc else "") + column.column for column, desc in self.sort)


def _invalid(fields, message=None):
    return DeliveryError(400, "invalid", message or _("请求参数有误，请按字段提示修改"), fields=fields)


def parse_query(params, columns, *, paged=True) -> QuerySpec:
    """Parse `fields`, filters, `sort`, `limit` and `after` against the granted columns; 400 naming every bad one."""
    by_name = {column.column: column for column in columns}
    errors = {}
    chosen = columns
    if params.get("fields"):
        names = [name.strip() for name in params["fields"].split(",") if name.strip()]
        unknown = [name for name in names if name not in by_name]
        for name in unknown:
            errors[name] = [_("字段不存在或未获授权")]
        chosen = [by_name[name] for name in dict.fromkeys(names) if name in by_name]
    spec = QuerySpec(columns=chosen)
    vendor = connection.vendor
    for key in params:
        if key in RESERVED_PARAMS:
            continue
        name, _sep, op = key.partition("__")
        raw_values = params.getlist(key) if hasattr(params, "getlist") else [params[key]]
        raw = raw_values[-1] if raw_values else ""
        if raw == "":
            continue  # an empty form field is no filter
        column = by_name.get(name)
        if column is None:
            errors[key] = [_("字段不存在或未获授权，不能作为筛选条件")]
            continue
        if op not in OPERATORS:
            errors[key] = [_("不支持的筛选方式“%(op)s”（可用：等于、__gte、__gt、__lte、__lt、__in）") % {"op": op}]
            continue
        if column.masked and op not in ("", "in"):
            errors[key] = [_("脱敏字段只能按等值筛选")]
            continue
        try:
            if op == "in":
                values = [parse_value(column, part, vendor) for part in raw.split(",") if part != ""]
                if not values or len(values) > MAX_IN_VALUES:
                    raise ValueError(raw)
                spec.filters.append((column, "IN", values))
            else:
                spec.filters.append((column, OPERATORS[op], parse_value(column, raw, vendor)))
        except (ValueError, decimal.InvalidOperation, ArithmeticError):
            errors[key] = [_("取值“%(value)s”不符合字段类型") % {"value": raw[:50]}]
    if params.get("sort"):
        for part in [part.strip() for part in params["sort"].split(",") if part.strip()]:
            desc = part.startswith("-")
            column = by_name.get(part.lstrip("-"))
            if column is None:
                errors.setdefault("sort", []).append(_("排序字段“%(name)s”不存在或未获授权") % {"name": part})
            elif column.masked:
                errors.setdefault("sort", []).append(_("不能按脱敏字段“%(name)s”排序") % {"name": part})
            elif all(existing is not column for existing, _desc in spec.sort):
                spec.sort.append((column, desc))
    if paged:
        try:
            spec.limit = int(params.get("limit") or DEFAULT_LIMIT)
            if not 1 <= spec.limit <= MAX_LIMIT:
                raise ValueError(spec.limit)
        except ValueError:
            errors["limit"] = [_("每页条数须为 1 到 %(max)s 之间的整数") % {"max": MAX_LIMIT}]
        if params.get("after") and "sort" not in errors:
            try:
                spec.after = decode_cursor(params["after"], spec)
            except ValueError:
                errors["after"] = [_("翻页游标无效或与排序方式不符，请从第一页重新查询")]
    if errors:
        raise _invalid(errors)
    return spec


def encode_cursor(spec: QuerySpec, row_values: list, row_id: int) -> str:
    payload = {"s": spec.sort_key, "v": [None if v is None else json_value_or_plain(v) for v in row_values],
               "r": row_id}
    return base64.urlsafe_b64encode(json.dumps(payload, separators=(",", ":")).encode()).decode().rstrip("=")


def json_value_or_plain(value):
    if isinstance(value, (str, int, float, bool)):
        return value
    return json_value(value)


def decode_cursor(text: str, spec: QuerySpec) -> list:
    """The sort values and _row_id a cursor carries, as bindable values; ValueError when it is not ours."""
    try:
        payload = json.loads(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))
        values, row_id = payload["v"], int(payload["r"])
    except (ValueError, KeyError, TypeError) as exc:
        raise ValueError(text) from exc
    if payload.get("s") != spec.sort_key or not isinstance(values, list) or len(values) != len(spec.sort):
        raise ValueError(text)
    vendor = connection.vendor
    parsed = [
        None if v is None else parse_value(column, str(v), vendor)
        for (column, _d), v in zip(spec.sort, values, strict=True)
    ]
    return [*parsed, row_id]


def _select_list(vendor, columns, subject_columns=()):
    parts = []
    for column in columns:
        name = quote(column.column)
        if column.masked and column.masked_column:
            # Masked once at load time: the shadow column holds mask_sql's value for every row.
            parts.append(f"{quote(column.masked_column)} AS {name}")
        elif column.masked:
            parts.append(f"{mask_sql(vendor, column.kind, name, column.data_type)} AS {name}")
        else:
            parts.append(name)
    # The clear ID numbers of the rows returned, for the audit's "who looked at this person"; never sent out.
    parts.extend(quote(column.column) for column in subject_columns)
    return parts


def _where(filters):
    clauses, params = [], []
    for column, operator, value in filters:
        name = quote(column.column)
        if operator == "IN":
            clauses.append(f"{name} IN ({', '.join(['%s'] * len(value))})")
            params.extend(value)
        else:
            clauses.append(f"{name} {operator} %s")
            params.append(value)
    return clauses, params


def _keyset(sort, after):
    """The condition "row comes after the cursor" for ORDER BY sort…, _row_id (NULLs last ascending)."""
    *values, row_id = after
    clause, params = f"{quote('_row_id')} > %s", [row_id]
    for (column, desc), value in reversed(list(zip(sort, values, strict=True))):
        name = quote(column.column)
        if value is None:
            after_sql, after_params = (f"{name} IS NOT NULL", []) if desc else (None, [])
            equal_sql, equal_params = f"{name} IS NULL", []
        else:
            after_sql = f"{name} < %s" if desc else f"({name} > %s OR {name} IS NULL)"
            after_params = [value]
            equal_sql, equal_params = f"{name} = %s", [value]
        combined = f"({equal_sql} AND {clause})"
        combined_params = equal_params + params
        if after_sql:
            clause = f"({after_sql} OR {combined})"
            params = after_params + combined_params
        else:
            clause, params = combined, combined_params
    return clause, params


def _order_by(sort):
    parts = [
        f"{quote(column.column)} {'DESC NULLS FIRST' if desc else 'ASC NULLS LAST'}" for column, desc in sort
    ]
    parts.append(quote("_row_id"))
    return ", ".join(parts)


def select_sql(table_name, spec: QuerySpec, *, subject_columns=(), paged=True, vendor=None):
    """SELECT of the spec's columns (masked as granted), then the subject columns, the sort values and _row_id."""
    vendor = vendor or connection.vendor
    parts = _select_list(vendor, spec.columns, subject_columns)
    parts.extend(f"{quote(column.column)} AS {quote('_sort_' + str(i))}" for i, (column, _d) in enumerate(spec.sort))
    parts.append(quote("_row_id"))
    clauses, params = _where(spec.filters)
    if paged and spec.after is not None:
        keyset, keyset_params = _keyset(spec.sort, spec.after)
        clauses.append(keyset)
        params.extend(keyset_params)
    sql = f"SELECT {', '.join(parts)} FROM {quote(table_name)}"  # noqa: S608 - whitelisted names only
    if clauses:
        sql += " WHERE " + " AND ".join(clauses)
    sql += f" ORDER BY {_order_by(spec.sort)}"
    if paged:
        sql += f" LIMIT {int(spec.limit) + 1}"
    return sql, params


def export_sql(table_name, spec: QuerySpec, *, vendor=None):
    """SELECT of exactly the spec's columns (masked as granted), filtered and sorted: what a download writes."""
    vendor = vendor or connection.vendor
    parts = _select_list(vendor, spec.columns)
    clauses, params = _where(spec.filters)
    sql = f"SELECT {', '.join(parts)} FROM {quote(table_name)}"  # noqa: S608 - whitelisted names only
    if clauses:
        sql += " WHERE " + " AND ".join(clauses)
    sql += f" ORDER BY {_order_by(spec.sort)}"
    return sql, params


def lookup_sql(table_name, columns, key_column, *, subject_columns=(), vendor=None, limit=10):
    vendor = vendor or connection.vendor
    parts = _select_list(vendor, columns, subject_columns)
    return (
        f"SELECT {', '.join(parts)} FROM {quote(table_name)} "  # noqa: S608 - whitelisted names only
        f"WHERE {quote(key_column.column)} = %s LIMIT {int(limit)}"
    )


def verify_sql(table_name, filters):
    clauses, params = _where(filters)
    return f"SELECT 1 FROM {quote(table_name)} WHERE {' AND '.join(clauses)} LIMIT 1", params  # noqa: S608


def changes_sql(table_name, columns, *, vendor=None, limit=1000):
    vendor = vendor or connection.vendor
    parts = [quote("_row_id"), quote("_seq"), *_select_list(vendor, columns)]
    return (
        f"SELECT {', '.join(parts)} FROM {quote(table_name)} "  # noqa: S608 - whitelisted names only
        f"WHERE {quote('_seq')} > %s ORDER BY {quote('_seq')} LIMIT {int(limit) + 1}"
    )


def converters(columns, vendor=None):
    """Per column, a function normalising what the database hands back (None: nothing to do)."""
    vendor = vendor or connection.vendor
    result = []
    for column in columns:
        convert = None
        if not column.masked:
            if column.data_type == "L" and vendor != "postgresql":
                convert = _to_bool
            elif column.data_type == "T":
                convert = _to_timestamp_text
        result.append(convert)
    return result


def _to_bool(value):
    return None if value is None else bool(value)


def _to_timestamp_text(value):
    return value.isoformat(sep=" ") if isinstance(value, dt.datetime) else value


def rows_to_dicts(rows, columns, convert=None):
    """Rows (first len(columns) values) as {column: value} records."""
    names = [column.column for column in columns]
    convert = convert if convert is not None else converters(columns)
    if not any(convert):
        return [dict(zip(names, row, strict=False)) for row in rows]
    records = []
    for row in rows:
        records.append({
            name: (fn(value) if fn else value) for name, fn, value in zip(names, convert, row, strict=False)
        })
    return records


def audit_filter(filters) -> dict:
    """The filters as the audit log stores them: values of masked columns masked, so the log holds no personal data
    in clear (the subjects, stored as HMAC, name the people)."""
    result = {}
    for column, operator, value in filters:
        key = column.column + {"=": "", ">=": "__gte", ">": "__gt", "<=": "__lte", "<": "__lt", "IN": "__in"}[operator]
        values = value if isinstance(value, list) else [value]
        shown = [mask(column.kind, v) if column.masked else json_value_or_plain(v) for v in values]
        result[key] = shown if operator == "IN" else shown[0]
    return result

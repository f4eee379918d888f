"""Masking (脱敏) of sensitive values: one rule per item kind, in Python and as SQL for PostgreSQL and SQLite.

The data plane masks in SQL on every path (records, lookup, change feed, downloads, `COPY`), so what a consumer
receives never depends on which path it took; `mask()` is the same rule in Python, for callers that hold values
(and the tests check both agree on both databases). Lengths count characters, not bytes.

| kind | rule | example |
|---|---|---|
| id_number | first 6 and last 4 kept | 320902********1234 |
| person_name | surname kept (a compound surname: two characters) | 王*, 王**, 欧阳** |
| phone | first 3 and last 4 kept | 138****5678 |
| credit_code | first 8 (registering authority, type and division) and last 2 kept | 91320902********3X |
| address | first 6 characters, then *** | 江苏省盐城市*** |
| other sensitive | first and last character kept | 1******9 |

Values too short for their rule are masked whole; NULL stays NULL and an empty string stays empty.

Masked once, at load time: every column that can be masked gets a stored generated shadow column
(`<column>__m TEXT GENERATED ALWAYS AS (mask_sql(...)) STORED`, named in its DataTable column as "masked_column"),
so the data plane reads the masked value instead of computing it per row and per call; the expression stays the
fallback for tables built before shadows and for dates and times (see `stores_mask`).
"""

from govshare.catalog.semantics import ItemKind

__all__ = [
    "COMPOUND_SURNAMES", "MASKED_COLUMN_SUFFIX", "MASKED_KINDS", "is_masked", "mask", "mask_sql", "masked_column_sql",
    "stores_mask",
]

# Kinds that are masked even when the item is not flagged sensitive: personal data by nature.
MASKED_KINDS = (ItemKind.ID_NUMBER, ItemKind.PERSON_NAME, ItemKind.PHONE, ItemKind.ADDRESS)

# Two-character surnames (复姓) whose second character is part of the surname, not of the given name.
COMPOUND_SURNAMES = (
    "欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "宇文", "司徒", "夏侯", "轩辕",
    "令狐", "钟离", "澹台", "公冶", "太史", "申屠", "端木", "濮阳", "南宫", "西门", "独孤", "百里", "呼延", "万俟",
    "闻人", "赫连", "淳于", "单于", "仲孙", "宗政", "司空", "闾丘", "亓官", "公羊", "梁丘", "左丘", "东郭", "拓跋",
)


def is_masked(column: dict, clear_item_ids=frozenset()) -> bool:
    """Whether a DataTable column is masked for a grant: sensitive or personal by kind, unless granted in clear."""
    if column.get("item_id") in clear_item_ids:
        return False
    return bool(column.get("sensitive")) or column.get("kind") in MASKED_KINDS


# The shadow column of `<column>` holding its masked value is `<column>__m` (column names never contain "__").
MASKED_COLUMN_SUFFIX = "__m"
# PostgreSQL turns dates and timestamps into text by DateStyle (a stable, not immutable, cast), so a generated
# column cannot hold their mask; those are masked by the expression when read.
_UNSTORED_TYPES = ("D", "T")


def stores_mask(column: dict) -> bool:
    """Whether a DataTable column gets a shadow column with its masked value: maskable for some grant (sensitive or
    personal by kind) and of a type whose text form does not depend on session settings."""
    return is_masked(column) and (column.get("data_type") or "C") not in _UNSTORED_TYPES


def _as_text(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _keep(text: str, head: int, tail: int) -> str:
    """head and tail characters kept, every character between them a star; too short: all stars."""
    if len(text) <= head + tail:
        return "*" * len(text)
    return text[:head] + "*" * (len(text) - head - tail) + (text[-tail:] if tail else "")


def mask(kind: str | None, value):
    """The masked text of `value` for an item of `kind` (None: an ordinary sensitive item)."""
    if value is None:
        return None
    text = _as_text(value)
    if not text:
        return text
    if kind == ItemKind.ID_NUMBER:
        return _keep(text, 6, 4)
    if kind == ItemKind.PHONE:
        return _keep(text, 3, 4)
    if kind == ItemKind.CREDIT_CODE:
        return _keep(text, 8, 2)
    if kind == ItemKind.PERSON_NAME:
        head = 2 if len(text) > 2 and text[:2] in COMPOUND_SURNAMES else 1
        return _keep(text, head, 0) if len(text) > 1 else "*"
    if kind == ItemKind.ADDRESS:
        return text[:6] + "***" if len(text) > 6 else text[:1] + "***"
    if len(text) > 2:
        return _keep(text, 1, 1)
    return text[0] + "*" if len(text) == 2 else "*"


# ---- SQL twins -------------------------------------------------------------------------------------------------
# Arguments are separated by "," without a space: the expressions go into CREATE TABLE (shadow columns), and
# Django's SQLite introspection splits a table's definition at ", " to find its columns.


def _stars(vendor: str, count_sql: str) -> str:
    if vendor == "postgresql":
        return f"repeat('*',{count_sql})"
    # SQLite has no repeat(): n zero bytes, hex-encoded, each "00" turned into a star.
    return f"replace(hex(zeroblob({count_sql})),'00','*')"


def _head(vendor: str, text: str, count: int) -> str:
    return f"left({text},{count})" if vendor == "postgresql" else f"substr({text},1,{count})"


def _tail(vendor: str, text: str, count: int) -> str:
    return f"right({text},{count})" if vendor == "postgresql" else f"substr({text},-{count})"


def _keep_sql(vendor: str, text: str, head: int, tail: int) -> str:
    n = f"length({text})"
    kept = f"{_head(vendor, text, head)} || {_stars(vendor, f'{n} - {head + tail}')}"
    if tail:
        kept += f" || {_tail(vendor, text, tail)}"
    return f"CASE WHEN {n} > {head + tail} THEN {kept} ELSE {_stars(vendor, n)} END"


# The compound surnames as one string, "|欧阳|司马|…|", searched for "|<first two characters>|": a generated column's
# expression is not planned, so PostgreSQL would compare an IN list of 42 one by one on every row (hashing it is a
# planner step), which doubled the cost of masking a name at load time. No surname holds "|", so a match is exact.
_SURNAME_LIST = "|" + "|".join(COMPOUND_SURNAMES) + "|"
# Their first characters: most names start with none of them and skip the search.
_SURNAME_FIRSTS = "".join(dict.fromkeys(name[0] for name in COMPOUND_SURNAMES))


def _compound_surname_sql(vendor: str, text: str) -> str:
    find = "strpos" if vendor == "postgresql" else "instr"
    return (f"{find}('{_SURNAME_FIRSTS}',{_head(vendor, text, 1)}) > 0 "
            f"AND {find}('{_SURNAME_LIST}','|' || {_head(vendor, text, 2)} || '|') > 0")


def mask_sql(vendor: str, kind: str | None, column_sql: str, data_type: str = "C") -> str:
    """An SQL expression giving `mask(kind, value)` of the column (already quoted) on `vendor`."""
    text = column_sql
    if data_type not in ("C", "M", "G"):
        text = f"CAST({column_sql} AS TEXT)"
    if kind == ItemKind.ID_NUMBER:
        body = _keep_sql(vendor, text, 6, 4)
    elif kind == ItemKind.PHONE:
        body = _keep_sql(vendor, text, 3, 4)
    elif kind == ItemKind.CREDIT_CODE:
        body = _keep_sql(vendor, text, 8, 2)
    elif kind == ItemKind.PERSON_NAME:
        body = (
            f"CASE WHEN length({text}) > 2 AND {_compound_surname_sql(vendor, text)} "
            f"THEN {_keep_sql(vendor, text, 2, 0)} "
            f"WHEN length({text}) > 1 THEN {_keep_sql(vendor, text, 1, 0)} ELSE '*' END"
        )
    elif kind == ItemKind.ADDRESS:
        body = (f"CASE WHEN length({text}) > 6 THEN {_head(vendor, text, 6)} || '***' "
                f"ELSE {_head(vendor, text, 1)} || '***' END")
    else:
        body = (
            f"CASE WHEN length({text}) > 2 THEN {_keep_sql(vendor, text, 1, 1)} "
            f"WHEN length({text}) = 2 THEN {_head(vendor, text, 1)} || '*' ELSE '*' END"
        )
    return f"(CASE WHEN {column_sql} IS NULL THEN NULL WHEN {text} = '' THEN '' ELSE {body} END)"


def masked_column_sql(vendor: str, column: dict, quote) -> str:
    """The DDL of the shadow column of a DataTable column (with "masked_column"): a stored generated column."""
    expression = mask_sql(vendor, column.get("kind"), quote(column["column"]), column.get("data_type") or "C")
    return f"{quote(column['masked_column'])} TEXT GENERATED ALWAYS AS ({expression}) STORED"

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
"""

from govshare.catalog.semantics import ItemKind

__all__ = ["COMPOUND_SURNAMES", "MASKED_KINDS", "is_masked", "mask", "mask_sql"]

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


def _stars(vendor: str, count_sql: str) -> str:
    if vendor == "postgresql":
        return f"repeat('*', {count_sql})"
    # SQLite has no repeat(): n zero bytes, hex-encoded, each "00" turned into a star.
    return f"replace(hex(zeroblob({count_sql})), '00', '*')"


def _keep_sql(vendor: str, text: str, head: int, tail: int) -> str:
    n = f"length({text})"
    kept = f"substr({text}, 1, {head}) || {_stars(vendor, f'{n} - {head + tail}')}"
    if tail:
        kept += f" || substr({text}, {n} - {tail - 1})"
    return f"CASE WHEN {n} > {head + tail} THEN {kept} ELSE {_stars(vendor, n)} END"


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
        surnames = ", ".join(f"'{name}'" for name in COMPOUND_SURNAMES)
        body = (
            f"CASE WHEN length({text}) > 2 AND substr({text}, 1, 2) IN ({surnames}) "
            f"THEN {_keep_sql(vendor, text, 2, 0)} "
            f"WHEN length({text}) > 1 THEN {_keep_sql(vendor, text, 1, 0)} ELSE '*' END"
        )
    elif kind == ItemKind.ADDRESS:
        body = f"CASE WHEN length({text}) > 6 THEN substr({text}, 1, 6) || '***' ELSE substr({text}, 1, 1) || '***' END"
    else:
        body = (
            f"CASE WHEN length({text}) > 2 THEN {_keep_sql(vendor, text, 1, 1)} "
            f"WHEN length({text}) = 2 THEN substr({text}, 1, 1) || '*' ELSE '*' END"
        )
    return f"(CASE WHEN {column_sql} IS NULL THEN NULL WHEN {text} = '' THEN '' ELSE {body} END)"

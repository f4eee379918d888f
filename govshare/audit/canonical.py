"""The canonical text of an audit entry: the exact characters that are hashed, built by the database from the columns.

One SQL expression per backend renders the entry's fields (standalone_verifier.FIELDS, in that order) as text: the
format version `1`, then each field, each preceded by the separator U+001F (the ASCII unit separator), then a final
separator:

- integers (seq and the ids, counts) as decimal digits, empty when NULL;
- the time in UTC, as the database renders it (PostgreSQL `YYYY-MM-DDTHH:MM:SS.ffffff`; SQLite the stored text);
- text as it is;
- JSON as the database renders it as text (jsonb's normal form on PostgreSQL, the stored text on SQLite), empty
  when NULL.

The separator cannot occur inside a field of an entry the platform wrote: services.append removes it from text, and
JSON renders control characters as backslash-u escapes on both backends. So a canonical text the platform chained
has exactly one separator per field, and no edit can move characters from one field to another and still give the
same text: that would need a separator inside a field. Plain concatenation also keeps the database's recomputation
cheap (length prefixes cost SQLite almost half its speed).

chain_pending stores the expression's value in `canonical` when it chains an entry; verification recomputes the
expression over every row in one query and compares, which finds an edit of any column, then hashes the stored
canonical text in a tight loop. The standalone verifier splits canonical text back into fields (parse_canonical in
standalone_verifier.py) to check an export's fields against what was hashed.
"""

from .standalone_verifier import CANONICAL_VERSION, FIELD_KINDS, SEPARATOR

__all__ = ["canonical_sql"]


def _field_sql(vendor: str, kind: str, column: str) -> str:
    postgresql = vendor == "postgresql"
    if kind == "time":
        if postgresql:
            # Independent of the session's time zone and DateStyle.
            return f"""COALESCE(to_char({column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US'), '')"""
        return f"COALESCE({column}, '')"
    if kind == "text":
        # NOT NULL columns; were a NULL forced in, the whole text would be NULL and differ from the stored one.
        return column
    # Integers and JSON: empty when NULL. SQLite's || renders numbers itself; PostgreSQL needs the cast.
    return f"COALESCE(CAST({column} AS TEXT), '')" if postgresql else f"COALESCE({column}, '')"


def canonical_sql(vendor: str, *, alias: str = "", seq_sql: str | None = None) -> str:
    """The SQL expression of an entry's canonical text on `vendor` ("postgresql" or "sqlite").

    `alias` qualifies the columns (e.g. "e" for "e.time"); `seq_sql` replaces the seq column, for chain_pending,
    which computes the canonical text in the same statement that assigns the seq.
    """
    if vendor not in ("postgresql", "sqlite"):
        raise NotImplementedError(f"audit canonical form not defined for {vendor}")
    prefix = f'"{alias}".' if alias else ""
    separator = f"'{SEPARATOR}'"
    parts = [f"'{CANONICAL_VERSION}'"]
    for field, kind in FIELD_KINDS:
        # Quoted: time, filter, system and result are keywords in one dialect or the other.
        column = seq_sql if field == "seq" and seq_sql else f'{prefix}"{field}"'
        parts += [separator, _field_sql(vendor, kind, column)]
    parts.append(separator)
    return "(" + " || ".join(parts) + ")"

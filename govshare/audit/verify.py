"""Verifying the audit log in the database, and exporting it for an outside auditor.

Verification first chains what is pending, then makes two checks that together cover every column of every entry:

1. one SQL query recomputes each chained entry's canonical text from its columns (canonical.py) and names the first
   seq whose stored canonical text differs: an edit of any field, or of the canonical text itself;
2. the stored canonical texts are streamed in seq order (a server-side cursor on PostgreSQL) and their SM3 chain
   checked in a tight loop (standalone_verifier.check_chain): an edited canonical text or hash, a deleted or inserted
   entry. For a large log the SQL check runs in the database meanwhile, on a second connection.

Then the seals: each sealed head must be the verified entry's hash, and the seal's HMAC-SM3 valid under the key.
The chain rules live in standalone_verifier.py, the script handed to the auditor, so both run the same code.
"""

import contextlib
import datetime as dt
import json
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings
from django.db import connection, connections, transaction

from . import services
from .canonical import canonical_sql
from .models import AuditEntry, AuditSeal
from .standalone_verifier import (
    FIELD_KINDS,
    FIELDS,
    ChainState,
    VerifyResult,
    check_chain,
    check_seals,
    check_sm3,
)

__all__ = ["VerifyResult", "export_log", "first_column_mismatch", "seal_dicts", "verify_database"]

FETCH_SIZE = 5000
# Below this many entries the column check runs after the chain check on the same connection: a second
# connection costs more than it saves.
PARALLEL_MIN_ENTRIES = 50_000
EXPORT_COLUMNS = (*FIELDS, "canonical", "prev_hash", "entry_hash")
STANDALONE_VERIFIER = Path(__file__).with_name("standalone_verifier.py")


def _table():
    return connection.ops.quote_name(AuditEntry._meta.db_table)


def first_column_mismatch() -> int | None:
    """The first chained seq whose stored canonical text is not the one its columns give now, or None."""
    expression = canonical_sql(connection.vendor)
    with connection.cursor() as cursor:
        # Only the constant table name and the constant expression are formatted in.
        cursor.execute(
            f"SELECT MIN(seq) FROM {_table()} WHERE seq IS NOT NULL "  # noqa: S608
            f"AND (canonical IS NULL OR canonical <> {expression})"
        )
        return cursor.fetchone()[0]


def _counts():
    """Chained and unchained entries."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(seq), COUNT(*) - COUNT(seq) FROM {_table()}")  # noqa: S608
        return cursor.fetchone()


def _prev_hash_of(seq: int) -> str | None:
    """The stored prev_hash of an entry, to tell an inserted entry from an altered one."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT prev_hash FROM {_table()} WHERE seq = %s", [seq])  # noqa: S608
        row = cursor.fetchone()
        return row[0] if row else None


def _batches(statement: str, params) -> Iterator[list]:
    """The statement's rows in batches, streamed: a binary server-side cursor on PostgreSQL (inside the caller's
    transaction), SQLite's own stepping elsewhere. Constant memory for any size of log."""
    if connection.vendor == "postgresql":
        connection.ensure_connection()
        # psycopg directly: Django's chunked cursor is text-mode, and WITH HOLD outside a transaction, which makes
        # PostgreSQL materialize the whole result before the first row. Binary integers cost less to read.
        with connection.connection.cursor("audit_verify", binary=True) as cursor:
            cursor.execute(statement, params)
            while rows := cursor.fetchmany(FETCH_SIZE):
                yield rows
    else:
        with connection.cursor() as cursor:
            cursor.execute(statement, params)
            while rows := cursor.fetchmany(FETCH_SIZE):
                yield rows


def _check_chain() -> ChainState:
    """Check the chain of every chained entry, in seq order, from the genesis hash."""
    statement = f"SELECT seq, entry_hash, canonical FROM {_table()} WHERE seq IS NOT NULL ORDER BY seq"  # noqa: S608
    # PostgreSQL's server-side cursor lives in a transaction; SQLite's would be IMMEDIATE, locking out writers.
    with transaction.atomic() if connection.vendor == "postgresql" else contextlib.nullcontext():
        return check_chain(_batches(statement, ()), prev_of=_prev_hash_of)


class _ColumnCheck(threading.Thread):
    """The column check on a connection of its own, run by the database while this process hashes the chain.

    A thread suffices: the work is in the database (PostgreSQL's backend; SQLite's engine, which runs without the
    GIL), and this thread only waits for the answer."""

    def __init__(self):
        super().__init__(name="audit-column-check", daemon=True)
        self.result = self.error = None

    def run(self):
        try:
            self.result = first_column_mismatch()
        except Exception as exc:  # noqa: BLE001 - handed to the caller, which re-raises it
            self.error = exc
        finally:
            connections.close_all()  # this thread's connections only

    def outcome(self):
        self.join()
        if self.error is not None:
            raise self.error
        return self.result


def seal_dicts():
    return list(AuditSeal.objects.order_by("seq").values("seq", "head_hash", "mac", "time"))


def _seal_heads(seals) -> dict:
    seqs = [int(s["seq"]) for s in seals]
    heads = {}
    for start in range(0, len(seqs), 500):
        chunk = seqs[start : start + 500]
        heads.update(AuditEntry.objects.filter(seq__in=chunk).values_list("seq", "entry_hash"))
    return heads


def verify_database(key: str | bytes | None = None, *, parallel: bool | None = None) -> VerifyResult:
    """Chain what is pending, then verify the whole log against its seals (the platform key by default).

    Names the first altered, inserted or missing entry, or the forged or recomputed seal. `parallel` forces or
    forbids running the column check concurrently on a second connection (default: for large logs; never inside a
    transaction, whose data that connection could not see).
    """
    check_sm3()
    key = key if key is not None else settings.GOVSHARE_AUDIT_SEAL_KEY
    key = key.encode() if isinstance(key, str) else key
    services.chain_pending()
    count, pending = _counts()
    seals = seal_dicts()
    if parallel is None:
        parallel = count >= PARALLEL_MIN_ENTRIES
    # Another connection cannot see the data of a transaction still open on this one (the tests' case).
    if parallel and not connection.in_atomic_block:
        column_check = _ColumnCheck()
        column_check.start()
        state = _check_chain()
        column_mismatch = column_check.outcome()
    else:
        state = _check_chain()
        column_mismatch = first_column_mismatch()
    problems = [state.problem] if state.problem is not None else []
    if column_mismatch is not None:
        message = f"第 {column_mismatch} 条：字段与所杂凑的规范文本不符，条目被篡改"
        problems.append(VerifyResult(False, column_mismatch - 1, column_mismatch, "altered", message))
    if problems:
        first = min(problems, key=lambda p: (p.first_bad_seq, p.problem != "altered"))
        return first._replace(checked=max(first.first_bad_seq - 1, 0), pending=pending)
    checked = state.checked
    problem = check_seals(seals, _seal_heads(seals), state.next_seq - 1, checked, key)
    if problem is not None:
        return problem._replace(pending=pending)
    message = f"审计日志完整：已校验 {checked} 条，{len(seals)} 个封印"
    if pending:
        message += f"；另有 {pending} 条刚写入、尚未上链（待下次上链后校验）"
    return VerifyResult(True, checked, message=message, pending=pending)


def _export_rows():
    """Every chained entry as a dict of EXPORT_COLUMNS, in seq order: the fields as values, the time in ISO 8601."""
    quote = connection.ops.quote_name
    statement = "SELECT {} FROM {} WHERE seq IS NOT NULL ORDER BY seq".format(  # noqa: S608
        ", ".join(quote(column) for column in EXPORT_COLUMNS), _table()
    )
    kinds = dict(FIELD_KINDS)
    json_columns = [i for i, column in enumerate(EXPORT_COLUMNS) if kinds.get(column) == "json"]
    time_column = EXPORT_COLUMNS.index("time")
    db_zone = connection.timezone
    with transaction.atomic() if connection.vendor == "postgresql" else contextlib.nullcontext():
        for rows in _batches(statement, ()):
            for row in rows:
                row = list(row)
                when = row[time_column]
                if isinstance(when, dt.datetime):
                    if when.tzinfo is None:
                        # SQLite hands back naive datetimes in the connection's time zone (UTC).
                        when = when.replace(tzinfo=db_zone)
                    row[time_column] = when.astimezone(dt.UTC).isoformat(timespec="microseconds")
                for i in json_columns:
                    if isinstance(row[i], str):
                        row[i] = json.loads(row[i])
                yield dict(zip(EXPORT_COLUMNS, row, strict=True))


def export_log(folder) -> int:
    """Write audit.jsonl, seals.jsonl and the standalone verify_audit.py to `folder`; returns the entries written."""
    services.chain_pending()
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    count = 0
    with (folder / "audit.jsonl").open("w", encoding="utf-8") as f:
        for entry in _export_rows():
            f.write(json.dumps(entry, ensure_ascii=False, sort_keys=True) + "\n")
            count += 1
    with (folder / "seals.jsonl").open("w", encoding="utf-8") as f:
        for seal in seal_dicts():
            seal["time"] = seal["time"].isoformat()
            f.write(json.dumps(seal, ensure_ascii=False, sort_keys=True) + "\n")
    shutil.copyfile(STANDALONE_VERIFIER, folder / "verify_audit.py")
    return count

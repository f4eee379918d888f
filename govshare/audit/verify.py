"""Verifying the audit log in the database, and exporting it for an outside auditor.

The chain rules live in standalone_verifier.py, the script handed to the auditor, so the platform and the auditor
run the same code. Rows are streamed as tuples, not model instances: verification must keep up with the log
(at least 200,000 entries/s, see bench/bench_audit.py).
"""

import datetime as dt
import json
import shutil
from pathlib import Path

from django.conf import settings
from django.db import connection

from .models import AuditEntry, AuditSeal
from .standalone_verifier import FIELDS, VerifyResult, verify_rows

__all__ = ["VerifyResult", "export_log", "iter_rows", "seal_dicts", "verify_chain", "verify_database"]

CHUNK_SIZE = 10000
# Database columns in FIELDS order, then the two hashes.
COLUMNS = (*FIELDS, "prev_hash", "entry_hash")
TIME_INDEX = FIELDS.index("time")
JSON_INDEXES = (FIELDS.index("items"), FIELDS.index("filter"), FIELDS.index("detail"))
STANDALONE_VERIFIER = Path(__file__).with_name("standalone_verifier.py")


def iter_rows():
    """Every entry as a list of COLUMNS values, in seq order, with the time as hashed (UTC ISO 8601).

    A raw cursor, paged by seq (keyset), instead of the ORM: Django's per-value converters cost more than the
    hashing, and keyset pages stream any size of log on every backend with constant memory.
    """
    quote = connection.ops.quote_name
    # Only quoted constant names and an integer are formatted in; the one value is a parameter.
    statement = "SELECT {} FROM {} WHERE seq > %s ORDER BY seq LIMIT {}".format(  # noqa: S608
        ", ".join(quote(column) for column in COLUMNS), quote(AuditEntry._meta.db_table), int(CHUNK_SIZE)
    )
    loads = json.loads
    # The C scanner without json.loads' wrapper: a third of the cost of reading an entry.
    scan = json.JSONDecoder().scan_once
    db_zone = connection.timezone
    t, (i, f, d) = TIME_INDEX, JSON_INDEXES
    last = -(2**63)  # below any seq, so a forged row numbered 0 or less is read (and reported) too
    with connection.cursor() as cursor:
        while True:
            cursor.execute(statement, [last])
            rows = cursor.fetchall()
            if not rows:
                return
            for row in rows:
                row = list(row)
                when = row[t]
                if when.tzinfo is None:
                    # SQLite hands back naive datetimes in the connection's time zone (UTC), as the ORM assumes.
                    when = when.replace(tzinfo=db_zone)
                row[t] = when.astimezone(dt.UTC).isoformat(timespec="microseconds")
                for j in (i, f, d):
                    text = row[j]
                    if text is not None:
                        value, end = scan(text, 0)
                        if end != len(text):
                            value = loads(text)  # surrounding whitespace, or junk: let json say which
                        row[j] = value
                yield row
            last = rows[-1][0]


def seal_dicts():
    return list(AuditSeal.objects.order_by("seq").values("seq", "head_hash", "mac", "time"))


def verify_chain(rows, seals=(), key: str | bytes | None = None) -> VerifyResult:
    """Check rows (tuples of COLUMNS in seq order) and seals; names the first altered, inserted or missing entry."""
    key = key.encode() if isinstance(key, str) else key
    return verify_rows(rows, seals, key)


def verify_database(key: str | bytes | None = None) -> VerifyResult:
    """Verify the whole log in the database against its seals, with the platform key by default."""
    return verify_chain(iter_rows(), seal_dicts(), settings.GOVSHARE_AUDIT_SEAL_KEY if key is None else key)


def export_log(folder) -> int:
    """Write audit.jsonl, seals.jsonl and the standalone verify_audit.py to `folder`; returns the entries written."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    count = 0
    with (folder / "audit.jsonl").open("w", encoding="utf-8") as f:
        for row in iter_rows():
            f.write(json.dumps(dict(zip(COLUMNS, row, strict=True)), ensure_ascii=False, sort_keys=True) + "\n")
            count += 1
    with (folder / "seals.jsonl").open("w", encoding="utf-8") as f:
        for seal in seal_dicts():
            seal["time"] = seal["time"].isoformat()
            f.write(json.dumps(seal, ensure_ascii=False, sort_keys=True) + "\n")
    shutil.copyfile(STANDALONE_VERIFIER, folder / "verify_audit.py")
    return count

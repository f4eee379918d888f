"""Writing the audit log.

`append` is its only writer: one plain INSERT, no lock and no read of the chain head, so the data plane's writers
never queue behind one another. `chain_pending` (a Celery beat task every few seconds, and the start of verify and
seal) then chains the new entries in id order under a lock: it numbers them, has the database build their
canonical text, hashes it with SM3 and stores all four in one UPDATE per entry. `seal` signs the chain head with the
platform key.
"""

import datetime as dt
import hashlib
import hmac
from functools import cache

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, Max, Q, Sum
from django.utils import timezone

from govshare.users.choices import RoleChoices

from .canonical import canonical_sql
from .choices import AuditActionChoices, AuditResultChoices
from .models import AuditEntry, AuditSeal, AuditSubject
from .standalone_verifier import GENESIS_HASH, SEPARATOR, check_sm3, seal_mac

__all__ = [
    "DATA_ACTIONS",
    "append",
    "chain_pending",
    "normalize_subject",
    "seal",
    "sees_all_usage",
    "subject_mac",
    "usage_entries",
    "usage_summary",
]

CHAIN_BATCH = 5000
# Any constant of our own: the advisory lock that makes one chain_pending run at a time on PostgreSQL.
CHAIN_LOCK_ID = 0x6A7564_6974  # "audit"

_TABLE = AuditEntry._meta.db_table


def _seal_key(key: str | bytes | None = None) -> bytes:
    key = key if key is not None else settings.GOVSHARE_AUDIT_SEAL_KEY
    return key.encode() if isinstance(key, str) else key


@cache
def _subject_key(platform_key: bytes) -> bytes:
    """A key of its own for subjects, derived from the platform key, so a subject MAC can never pass for a seal."""
    return hmac.new(platform_key, b"govshare-audit-subject", "sm3").digest()


def normalize_subject(value) -> str:
    """The personal key as matched: trimmed, upper case (the ID number's check character X)."""
    return str(value).strip().upper()


def subject_mac(value, *, key: str | bytes | None = None) -> str:
    """HMAC-SM3 of a personal key (e.g. an ID number) under the platform's subject key: what AuditSubject stores."""
    return hmac.new(_subject_key(_seal_key(key)), normalize_subject(value).encode(), "sm3").hexdigest()


def _clean(text) -> str:
    # The canonical separator must never occur inside a field (canonical.py); NUL is refused by PostgreSQL text.
    text = "" if text is None else str(text)
    if SEPARATOR in text or "\x00" in text:
        text = text.replace(SEPARATOR, " ").replace("\x00", "")
    return text


def append(
    *,
    user=None,
    system="",
    department=None,
    action,
    resource=None,
    items=(),
    filter=None,  # noqa: A002 - the requirement's own name for the query condition
    record_count=0,
    purpose="",
    result=AuditResultChoices.SUCCESS,
    latency_ms=0,
    detail=None,
    subjects=(),
) -> AuditEntry:
    """Store one unchained entry (one INSERT; one more for its subjects), durable when the caller's transaction
    commits; chain_pending chains it within seconds.

    `department` overrides the user's department; `system` is the consumer system's name or app key; `subjects`
    are the personal keys (ID numbers …) the access touched, stored only as HMAC-SM3 (AuditSubject).
    """
    if department is None and user is not None:
        department = getattr(user, "department", None)
    entry = AuditEntry(
        # Truncated to microseconds by every backend, so the canonical text is built from the stored value.
        time=timezone.now(),
        user_id=getattr(user, "pk", None),
        username=_clean(getattr(user, "username", "")),
        department_id=getattr(department, "pk", None),
        department_name=_clean(getattr(department, "name", "")),
        system=_clean(system),
        action=_clean(action),
        resource_id=getattr(resource, "pk", resource if isinstance(resource, int) else None),
        resource_code=_clean(getattr(resource, "code", "")),
        items=list(items),
        filter=filter,
        record_count=record_count,
        purpose=_clean(purpose),
        result=_clean(result),
        latency_ms=latency_ms,
        detail=detail,
    )
    subjects = [s for s in subjects if s is not None and str(s).strip()]
    if connection.vendor == "postgresql":
        _insert_in_one_statement(entry, subjects)
        return entry
    if not subjects:
        entry.save(force_insert=True)
        return entry
    with transaction.atomic():
        entry.save(force_insert=True)
        macs = dict.fromkeys(subject_mac(s) for s in subjects)  # distinct, in order
        AuditSubject.objects.bulk_create([AuditSubject(entry_id=entry.pk, subject_mac=mac) for mac in macs])
    return entry


_INSERT_SQL = {}
# Filled by chain_pending, never by append.
_CHAIN_FIELDS = ("id", "seq", "prev_hash", "entry_hash", "canonical")


def _insert_in_one_statement(entry, subjects):
    """PostgreSQL: the entry and its subjects in one statement, one round trip and atomic by itself. The data plane
    writes an entry per call, so each round trip saved here is throughput (see bench/bench_lookup.py)."""
    fields = [f for f in AuditEntry._meta.concrete_fields if f.column not in _CHAIN_FIELDS]
    sql = _INSERT_SQL.get("entry")
    if sql is None:
        entry_table, subject_table = _quote(AuditEntry._meta.db_table), _quote(AuditSubject._meta.db_table)
        columns = ", ".join(_quote(f.column) for f in fields)
        sql = _INSERT_SQL["entry"] = (
            f"WITH e AS (INSERT INTO {entry_table} ({columns}) VALUES ({', '.join(['%s'] * len(fields))}) "  # noqa: S608
            f"RETURNING id), s AS (INSERT INTO {subject_table} (entry_id, subject_mac) "
            f"SELECT e.id, m FROM e, unnest(%s::text[]) AS m) SELECT id FROM e"
        )
    values = [f.get_db_prep_save(getattr(entry, f.attname), connection) for f in fields]
    macs = list(dict.fromkeys(subject_mac(s) for s in subjects))
    with connection.cursor() as cursor:
        cursor.execute(sql, [*values, macs])
        entry.pk = cursor.fetchone()[0]
    entry._state.adding = False


def _quote(name):
    return connection.ops.quote_name(name)


def _lock_chain(cursor):
    """One chainer at a time. PostgreSQL: a transaction-level advisory lock. SQLite: the settings' IMMEDIATE
    transactions take the database write lock when the transaction begins; a write here takes it otherwise."""
    if connection.vendor == "postgresql":
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK_ID])


def _chain_head(cursor):
    cursor.execute(
        f"SELECT seq, entry_hash FROM {_quote(_TABLE)} WHERE seq IS NOT NULL ORDER BY seq DESC LIMIT 1"  # noqa: S608
    )
    row = cursor.fetchone()
    return (row[0], row[1]) if row else (0, GENESIS_HASH)


def _next_batch(cursor, last_seq: int, after_id: int) -> list:
    """The next unchained entries (id order, id > after_id), numbered from last_seq + 1, each with the canonical text
    the database builds for it: (id, seq, canonical), read only.

    after_id skips the entries this run already chained: their old versions stay in the partial index until
    vacuum, and walking past them again at every batch would make a large run quadratic."""
    table = _quote(_TABLE)
    expression = canonical_sql(connection.vendor, alias="e", seq_sql='"e"."n"')
    # Only quoted constant names and integers are formatted into the statement.
    cursor.execute(
        f'SELECT "e".id, "e".n, {expression} FROM (SELECT *, {int(last_seq)} + row_number() OVER (ORDER BY id) AS n '  # noqa: S608
        f"FROM {table} WHERE seq IS NULL AND id > {int(after_id)} ORDER BY id LIMIT {int(CHAIN_BATCH)}) AS "
        '"e" ORDER BY "e".id'
    )
    return cursor.fetchall()


def _store_batch(cursor, rows):
    """One UPDATE per entry: rows of (id, seq, canonical, prev_hash, entry_hash)."""
    table = _quote(_TABLE)
    if connection.vendor == "postgresql":
        ids, seqs, canonicals, prevs, hashes = (list(column) for column in zip(*rows, strict=True))
        cursor.execute(
            f"UPDATE {table} AS e SET seq = v.seq, canonical = v.canonical, prev_hash = v.prev, "  # noqa: S608
            "entry_hash = v.hash FROM unnest(%s::bigint[], %s::bigint[], %s::text[], %s::text[], %s::text[]) "
            "AS v(id, seq, canonical, prev, hash) WHERE e.id = v.id",
            [ids, seqs, canonicals, prevs, hashes],
        )
    else:
        cursor.executemany(
            f"UPDATE {table} SET seq = %s, canonical = %s, prev_hash = %s, entry_hash = %s WHERE id = %s",  # noqa: S608
            [(seq, canonical, prev, digest, entry_id) for entry_id, seq, canonical, prev, digest in rows],
        )


def chain_pending() -> int:
    """Chain every committed unchained entry, in id order, after the current head; returns how many were chained.

    Runs in its own transaction under the chain lock, so two runs (beat, verify, seal) never number the same entry.
    Entries appended meanwhile wait for the next run.
    """
    check_sm3()
    new = hashlib.new
    fromhex = bytes.fromhex
    chained = 0
    with transaction.atomic(), connection.cursor() as cursor:
        _lock_chain(cursor)
        last_seq, prev = _chain_head(cursor)
        after_id = 0
        while True:
            batch = _next_batch(cursor, last_seq, after_id)
            if not batch:
                break
            rows = []
            for entry_id, seq, canonical in batch:
                digest = new("sm3", fromhex(prev) + canonical.encode()).hexdigest()
                rows.append((entry_id, seq, canonical, prev, digest))
                prev, last_seq = digest, seq
            # The canonical text goes back as the database built it; verification recomputes it from the columns.
            _store_batch(cursor, rows)
            chained += len(batch)
            after_id = batch[-1][0]
            if len(batch) < CHAIN_BATCH:
                break
    return chained


def seal(*, key: str | bytes | None = None) -> AuditSeal | None:
    """Chain what is pending, then sign the chain head with the platform key; None when there is nothing new."""
    chain_pending()
    key = _seal_key(key)
    with transaction.atomic(), connection.cursor() as cursor:
        _lock_chain(cursor)
        seq, head = _chain_head(cursor)
        if seq == 0 or AuditSeal.objects.filter(seq=seq).exists():
            return None
        return AuditSeal.objects.create(seq=seq, head_hash=head, mac=seal_mac(key, seq, head), time=timezone.now())


# --- Reading: who used a provider's data ----------------------------------------------------------------------

# The entries that are uses of data, as opposed to the steps of a share request.
DATA_ACTIONS = (
    AuditActionChoices.QUERY,
    AuditActionChoices.LOOKUP,
    AuditActionChoices.VERIFY,
    AuditActionChoices.DOWNLOAD,
    AuditActionChoices.SYNC,
    AuditActionChoices.PROXY,
)
USAGE_GROUP = ("resource_id", "resource_code", "resource__name", "department_id", "department_name", "system", "action")
PURPOSES_SHOWN = 3


def sees_all_usage(user) -> bool:
    """The competent authority (its authority officers), the audit and platform admins see every provider's usage."""
    if not user.is_authenticated:
        return False
    if user.is_superuser or user.has_role(RoleChoices.AUDIT_ADMIN, RoleChoices.PLATFORM_ADMIN):
        return True
    department = user.department if user.department_id else None
    return bool(department and department.is_competent_authority and user.has_role(RoleChoices.AUTHORITY_OFFICER))


def usage_entries(*, user, provider=None, resource=None, consumer=None, date_from=None, date_to=None, q=""):
    """The data-use entries a user may see in usage reports: of their own department's resources, or of every
    provider's (or the one given) for those who see all; narrowed by resource, consumer department and date."""
    entries = AuditEntry.objects.filter(action__in=DATA_ACTIONS)
    if sees_all_usage(user):
        if provider is not None:
            entries = entries.filter(resource__provider_id=getattr(provider, "pk", provider))
    elif user.is_authenticated and user.department_id:
        entries = entries.filter(resource__provider_id=user.department_id)
    else:
        return entries.none()
    if resource is not None:
        entries = entries.filter(resource_id=getattr(resource, "pk", resource))
    if consumer is not None:
        entries = entries.filter(department_id=getattr(consumer, "pk", consumer))
    if date_from is not None:
        entries = entries.filter(time__gte=_day_start(date_from))
    if date_to is not None:
        entries = entries.filter(time__lt=_day_start(date_to + dt.timedelta(days=1)))
    if q:
        entries = entries.filter(
            Q(resource_code__icontains=q) | Q(resource__name__icontains=q) | Q(system__icontains=q)
        )
    return entries


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def usage_summary(entries, *, limit=None) -> list[dict]:
    """Per resource, consumer department, system and action: calls, records, last time and the main purposes,
    busiest first (two queries whatever the number of groups)."""
    rows = list(
        entries.values(*USAGE_GROUP)
        .annotate(calls=Count("id"), records=Sum("record_count"), last_time=Max("time"))
        .order_by("-calls", "resource_code", "department_name", "system", "action")[:limit]
    )
    if not rows:
        return rows
    key = lambda row: tuple(row[name] for name in USAGE_GROUP)  # noqa: E731 - local and obvious
    purposes = {}
    resource_ids = {row["resource_id"] for row in rows}
    purpose_rows = (
        entries.filter(resource_id__in=resource_ids)
        .values(*USAGE_GROUP, "purpose")
        .annotate(n=Count("id"))
        .order_by("-n")
    )
    for row in purpose_rows:
        if row["purpose"]:
            shown = purposes.setdefault(key(row), [])
            if len(shown) < PURPOSES_SHOWN:
                shown.append(row["purpose"])
    for row in rows:
        row["purposes"] = purposes.get(key(row), [])
        row["resource_name"] = row.pop("resource__name")
    return rows

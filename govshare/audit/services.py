"""Writing the audit log: `append` is its only writer, `seal` signs the chain head with the platform key."""

import datetime as dt

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from .choices import AuditResultChoices
from .models import AuditEntry, AuditSeal
from .standalone_verifier import GENESIS_HASH, check_sm3, entry_hash, seal_mac

__all__ = ["append", "entry_values", "iso_time", "seal"]


def iso_time(value: dt.datetime) -> str:
    """The entry time as hashed: UTC, ISO 8601 with microseconds, whatever the database hands back."""
    return value.astimezone(dt.UTC).isoformat(timespec="microseconds")


def entry_values(entry: AuditEntry) -> tuple:
    """The entry's fields in standalone_verifier.FIELDS order."""
    return (
        entry.seq,
        iso_time(entry.time),
        entry.user_id,
        entry.username,
        entry.department_id,
        entry.department_name,
        entry.system,
        entry.action,
        entry.resource_id,
        entry.resource_code,
        entry.items,
        entry.filter,
        entry.record_count,
        entry.purpose,
        entry.result,
        entry.latency_ms,
        entry.detail,
    )


def _chain_head():
    """The last entry's (seq, hash), locked so concurrent writers queue up behind it.

    On PostgreSQL the row lock does it (the very first entry races only on the unique seq); on SQLite the settings'
    IMMEDIATE transactions already take the write lock when the transaction begins.
    """
    queryset = AuditEntry.objects.order_by("-seq").values_list("seq", "entry_hash")
    if connection.features.has_select_for_update:
        queryset = queryset.select_for_update()
    return queryset.first() or (0, GENESIS_HASH)


def append(
    *,
    user=None,
    action,
    resource=None,
    items=(),
    filter=None,  # noqa: A002 - the requirement's own name for the query condition
    record_count=0,
    purpose="",
    result=AuditResultChoices.SUCCESS,
    latency_ms=0,
    system="",
    detail=None,
) -> AuditEntry:
    """Store one entry, chained to the previous one, before the caller lets any data leave.

    Runs in its own atomic block (a savepoint when nested): the entry commits with the caller's transaction.
    """
    check_sm3()
    department = getattr(user, "department", None) if user is not None else None
    with transaction.atomic():
        last_seq, last_hash = _chain_head()
        entry = AuditEntry(
            seq=last_seq + 1,
            # Truncated to microseconds by every backend, so the hashed value is the stored one.
            time=timezone.now(),
            user_id=getattr(user, "pk", None),
            username=getattr(user, "username", "") or "",
            department_id=getattr(department, "pk", None),
            department_name=getattr(department, "name", "") or "",
            system=system,
            action=action,
            resource_id=getattr(resource, "pk", None),
            resource_code=getattr(resource, "code", "") or "",
            items=list(items),
            filter=filter,
            record_count=record_count,
            purpose=purpose,
            result=result,
            latency_ms=latency_ms,
            detail=detail,
            prev_hash=last_hash,
        )
        entry.entry_hash = entry_hash(last_hash, entry_values(entry))
        entry.save(force_insert=True)
    return entry


def seal(*, key: str | bytes | None = None) -> AuditSeal | None:
    """Sign the current chain head with the platform key; None when there is nothing new to seal."""
    check_sm3()
    key = key if key is not None else settings.GOVSHARE_AUDIT_SEAL_KEY
    key = key.encode() if isinstance(key, str) else key
    with transaction.atomic():
        seq, head = _chain_head()
        if seq == 0 or AuditSeal.objects.filter(seq=seq).exists():
            return None
        return AuditSeal.objects.create(seq=seq, head_hash=head, mac=seal_mac(key, seq, head), time=timezone.now())

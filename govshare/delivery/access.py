"""Who is calling and what they may read: bearer tokens, grants, rate limits and quotas, visible columns.

A consumer system obtains a token with its app key and secret (`issue_token`); each call then resolves, in one
query, the token, its system and department, the grant in force for the resource, the resource and its mounted
table (`resolve`). Grants are read on every call, never cached, so an expiry or a revocation stops the very next
call. What is cached (per process) is only the derived column list of a grant, keyed by the grant's and the
table's `last_updated`. Signed-in users of a consumer department use the same endpoints through their session;
they hold the grants made to their department for no particular system.
"""

import datetime as dt
import hashlib
import hmac
import json
import math
import secrets
import threading
import time
from dataclasses import dataclass, field
from types import SimpleNamespace

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import F, Q
from django.db.models.signals import m2m_changed
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext as _

from govshare.catalog.choices import EntryStatusChoices
from govshare.catalog.models import Resource
from govshare.datastore.models import DataTable
from govshare.organizations.models import Department
from govshare.sharing.models import AccessToken, ConsumerSystem, Grant

from .masking import is_masked

__all__ = [
    "Access",
    "ColumnSet",
    "DeliveryError",
    "VisibleColumn",
    "authenticate_system",
    "check_rate",
    "fetch_prepared",
    "grant_for",
    "hash_token",
    "issue_token",
    "resolve",
    "token_lifetime",
    "visible_columns",
]


class DeliveryError(Exception):
    """A refused or failed data-plane call: the HTTP status, an error code and a Chinese message for the consumer."""

    def __init__(self, status, code, message, *, fields=None, headers=None, result=None):
        super().__init__(str(message))
        self.status = status
        self.code = code
        self.message = str(message)
        self.fields = fields or {}
        self.headers = headers or {}
        # The audit result: access refused (denied) unless the caller says otherwise.
        self.result = result or ("denied" if status in (401, 403, 405, 429) else "error")


@dataclass(frozen=True)
class VisibleColumn:
    """One granted column of a mounted table, with how the grant lets the consumer see it."""

    column: str
    name: str
    item_id: int
    data_type: str
    kind: str | None
    masked: bool
    # The stored generated column holding the masked value (None: a table from before shadows, or a date/time).
    masked_column: str | None = None


class ColumnSet(list):
    """A grant's visible columns; `memo` keeps what is derived from them (built SQL) as long as they are cached."""

    def __init__(self, *args):
        super().__init__(*args)
        self.memo = {}


@dataclass
class Access:
    """Everything one data-plane call needs: the caller, the grant in force, the resource and its table."""

    user: object = None
    system: object = None  # ConsumerSystem (session calls: None)
    department: object = None  # has .pk and .name
    grant: object = None  # has .pk, .last_updated, .rate_limit, .daily_quota, .purpose
    resource: object = None  # has .pk, .code, .name
    data_table: object = None  # has .pk, .table_name, .columns, .key_item_id, .epoch, .last_seq, .last_updated
    columns: list = field(default_factory=list)

    @property
    def system_name(self):
        return self.system.name if self.system is not None else ""


def hash_token(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def token_lifetime() -> int:
    """Seconds a bearer token lives (setting GOVSHARE_EXCHANGE_TOKEN_TTL, default two hours)."""
    return int(getattr(settings, "GOVSHARE_EXCHANGE_TOKEN_TTL", 7200))


def issue_token(app_key: str, app_secret: str) -> tuple[str, int]:
    """A new bearer token for the system with this key and secret: (token, seconds it lives). Only its SHA-256 is
    stored. A wrong key, a wrong secret and a disabled system are refused alike (401)."""
    system = ConsumerSystem.objects.filter(app_key=app_key or "").first()
    given = hashlib.sha256((app_secret or "").encode()).hexdigest()
    # Compared even without a system, so a wrong key takes as long as a wrong secret.
    matches = hmac.compare_digest(given, system.secret_hash if system else "0" * 64)
    if system is None or not matches or not system.is_active:
        raise DeliveryError(401, "invalid_client", _("应用标识或密钥错误，或应用系统已停用"))
    token = secrets.token_urlsafe(32)
    lifetime = token_lifetime()
    AccessToken.objects.create(
        system=system, token_hash=hash_token(token), expires_at=timezone.now() + dt.timedelta(seconds=lifetime)
    )
    return token, lifetime


def bearer_token(request) -> str | None:
    header = request.META.get("HTTP_AUTHORIZATION", "")
    if header[:7].lower() == "bearer ":
        return header[7:].strip()
    return None


def authenticate_system(request) -> ConsumerSystem | None:
    """The consumer system whose bearer token the request carries; None when it carries none. An unknown, expired
    or revoked token, or a disabled system, is refused (401)."""
    token = bearer_token(request)
    if token is None:
        return None
    row = (
        AccessToken.objects.select_related("system__department")
        .filter(token_hash=hash_token(token), revoked_at__isnull=True, expires_at__gt=timezone.now())
        .first()
    )
    if row is None or not row.system.is_active:
        raise DeliveryError(401, "invalid_token", _("访问令牌无效或已过期，请重新获取"))
    return row.system


def grant_for(resource, *, system=None, user=None) -> Grant:
    """The grant in force for the consumer (a system, or a signed-in user's department) on the resource: one made
    to that system, else one made to the whole department. 403 with the reason when there is none."""
    if system is not None:
        department_id = system.department_id
        systems = Q(system=system) | Q(system__isnull=True)
    elif user is not None and user.is_authenticated and user.department_id:
        department_id = user.department_id
        systems = Q(system__isnull=True)
    else:
        raise DeliveryError(403, "no_grant", _("当前用户不属于任何使用部门，不能使用共享数据"))
    candidates = Grant.objects.filter(systems, resource=resource, consumer_id=department_id)
    # A system's own grant comes before the department's.
    grant = candidates.active().order_by(F("system_id").asc(nulls_last=True), "-id").first()
    if grant is None:
        raise _no_grant(candidates)
    return grant


def _no_grant(candidates) -> DeliveryError:
    """The 403 for a consumer without a grant in force, saying why (revoked, expired, not yet valid, none)."""
    now = timezone.now()
    latest = candidates.order_by("-id").first()
    if latest is None:
        message = _("未获得该资源的共享授权，请先申请")
    elif latest.revoked_at is not None:
        message = _("该资源的共享授权已被撤销")
        if latest.revoke_reason:
            message = f"{message}：{latest.revoke_reason}"
    elif latest.valid_until is not None and latest.valid_until <= now:
        message = _("该资源的共享授权已过期")
    elif latest.valid_from > now:
        message = _("该资源的共享授权尚未生效")
    else:
        message = _("未获得该资源的共享授权，请先申请")
    return DeliveryError(403, "no_grant", message)


# ---- the one query of a bearer call -----------------------------------------------------------------------------

_RESOLVE_SQL = None


def _resolve_sql():
    """token → system → department, the grant in force (system's own first), the resource and its table."""
    global _RESOLVE_SQL  # noqa: PLW0603 - built once per process from the models' table names
    if _RESOLVE_SQL is None:
        q = connection.ops.quote_name
        _RESOLVE_SQL = f"""
            SELECT s.id, s.name, s.is_active, s.department_id, d.name,
                   CASE WHEN t.revoked_at IS NULL AND t.expires_at > %s THEN 1 ELSE 0 END,
                   g.id, g.last_updated, g.rate_limit, g.daily_quota, g.purpose,
                   r.id, r.code, r.name, r.status,
                   dt.id, dt.table_name, dt.columns, dt.key_item_id, dt.epoch, dt.last_seq, dt.last_updated
            FROM {q(AccessToken._meta.db_table)} t
            JOIN {q(ConsumerSystem._meta.db_table)} s ON s.id = t.system_id
            JOIN {q(Department._meta.db_table)} d ON d.id = s.department_id
            LEFT JOIN {q(Resource._meta.db_table)} r ON r.id = %s
            LEFT JOIN {q(Grant._meta.db_table)} g ON g.id = (
                SELECT g2.id FROM {q(Grant._meta.db_table)} g2
                WHERE g2.resource_id = r.id AND g2.consumer_id = s.department_id
                  AND (g2.system_id = s.id OR g2.system_id IS NULL)
                  AND g2.revoked_at IS NULL AND g2.valid_from <= %s
                  AND (g2.valid_until IS NULL OR g2.valid_until > %s)
                ORDER BY CASE WHEN g2.system_id IS NULL THEN 1 ELSE 0 END, g2.id DESC
                LIMIT 1)
            LEFT JOIN {q(DataTable._meta.db_table)} dt ON dt.resource_id = r.id
            WHERE t.token_hash = %s
        """  # noqa: S608 - only quoted table names are formatted in
    return _RESOLVE_SQL


def fetch_prepared(sql, params) -> list:
    """All rows of a hot-path query. On PostgreSQL it is a server-side prepared statement (planned once per
    connection, values bound by the server); elsewhere Django's cursor."""
    if connection.vendor == "postgresql":
        import psycopg

        connection.ensure_connection()
        with psycopg.Cursor(connection.connection) as cursor:
            cursor.execute(sql, params, prepare=True)
            return cursor.fetchall()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def resolve(request, resource_id: int, access: Access | None = None, *, need_table=True) -> Access:
    """Who calls (bearer token or session) and the grant, resource and table of this call, filled into `access`
    as they are found (so a refusal can still be audited with what was known); raises DeliveryError (401 no valid
    credential, 404 unknown resource, 403 no grant in force). Rate and quota are checked apart (check_rate)."""
    access = access if access is not None else Access()
    token = bearer_token(request)
    if token is None:
        return _resolve_session(request, resource_id, access, need_table=need_table)
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    rows = fetch_prepared(_resolve_sql(), [now, resource_id, now, now, hash_token(token)])
    row = rows[0] if rows else None
    if row is None or not row[5] or not row[2]:
        raise DeliveryError(401, "invalid_token", _("访问令牌无效或已过期，请重新获取"))
    access.system = ConsumerSystem(id=row[0], name=row[1], is_active=row[2], department_id=row[3])
    access.department = SimpleNamespace(pk=row[3], name=row[4])
    if row[11] is not None:
        access.resource = SimpleNamespace(pk=row[11], code=row[12] or "", name=row[13])
    if row[11] is None or row[14] != EntryStatusChoices.PUBLISHED:
        raise _unavailable(row[11])
    if row[6] is None:
        raise _no_grant(
            Grant.objects.filter(Q(system_id=row[0]) | Q(system__isnull=True), resource_id=row[11], consumer_id=row[3])
        )
    access.grant = SimpleNamespace(
        pk=row[6], last_updated=row[7], rate_limit=row[8], daily_quota=row[9], purpose=row[10]
    )
    if row[15] is not None:
        columns = row[17]
        if isinstance(columns, str):  # JSON comes back as text from a raw query
            columns = json.loads(columns)
        access.data_table = SimpleNamespace(
            pk=row[15], table_name=row[16], columns=columns, key_item_id=row[18], epoch=row[19], last_seq=row[20],
            last_updated=row[21],
        )
    _finish(access, need_table)
    return access


def _unavailable(resource_id):
    if resource_id is None:
        return DeliveryError(404, "not_found", _("资源不存在"))
    return DeliveryError(403, "unavailable", _("该资源未发布或已注销，不提供共享"))


def _resolve_session(request, resource_id, access, *, need_table):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        raise DeliveryError(401, "not_authenticated", _("请提供访问令牌（Authorization: Bearer …）或先登录"))
    access.user = user
    access.department = user.department
    resource = Resource.objects.filter(pk=resource_id).first()
    access.resource = resource
    if resource is None or resource.status != EntryStatusChoices.PUBLISHED:
        raise _unavailable(resource and resource.pk)
    access.grant = grant_for(resource, user=user)
    access.data_table = DataTable.objects.filter(resource=resource).first()
    _finish(access, need_table)
    return access


def _finish(access, need_table):
    if access.data_table is None:
        if need_table:
            raise DeliveryError(404, "no_table", _("该资源尚未挂接库表数据"))
        return
    access.columns = visible_columns(access.grant, access.data_table)


# ---- visible columns, cached per grant and table version ---------------------------------------------------------

_columns_cache: dict = {}
_columns_lock = threading.Lock()


def visible_columns(grant, data_table) -> list[VisibleColumn]:
    """The table's columns the grant covers, in table order, each masked unless granted in clear.

    Cached in the process by (grant, its last_updated, table, its last_updated): a grant's items are set when it is
    made; a change of items in this process drops the entry at once (m2m signal), elsewhere with the next change
    of last_updated.
    """
    key = (grant.pk, str(grant.last_updated), data_table.pk, str(data_table.last_updated))
    cached = _columns_cache.get(key)
    if cached is not None:
        return cached
    through_items = Grant.items.through
    through_clear = Grant.clear_items.through
    item_ids = set(through_items.objects.filter(grant_id=grant.pk).values_list("infoitem_id", flat=True))
    clear_ids = frozenset(through_clear.objects.filter(grant_id=grant.pk).values_list("infoitem_id", flat=True))
    result = ColumnSet(
        VisibleColumn(
            column=column["column"], name=column.get("name") or column["column"], item_id=column.get("item_id"),
            data_type=column.get("data_type") or "C", kind=column.get("kind"), masked=is_masked(column, clear_ids),
            masked_column=column.get("masked_column"),
        )
        for column in data_table.columns
        if column.get("item_id") in item_ids
    )
    with _columns_lock:
        if len(_columns_cache) > 10000:
            _columns_cache.clear()
        _columns_cache[key] = result
    return result


@receiver(m2m_changed, sender=Grant.items.through)
@receiver(m2m_changed, sender=Grant.clear_items.through)
def _forget_grant_columns(sender, instance, **kwargs):
    if isinstance(instance, Grant):
        with _columns_lock:
            for key in [key for key in _columns_cache if key[0] == instance.pk]:
                _columns_cache.pop(key, None)


# ---- rate limit and daily quota ----------------------------------------------------------------------------------


def _count(key: str, timeout: int) -> int:
    """Increment a shared counter (Django's cache: Redis in production, process memory embedded)."""
    try:
        return cache.incr(key)
    except ValueError:
        if cache.add(key, 1, timeout):
            return 1
        return cache.incr(key)


def check_rate(grant) -> None:
    """Count one call against the grant's rate (calls per second) and daily quota; 429 with Retry-After (seconds
    until the window resets) when over either."""
    now = time.time()
    second = int(now)
    if grant.rate_limit and _count(f"gs:rate:{grant.pk}:{second}", 5) > grant.rate_limit:
        raise DeliveryError(
            429, "rate_limited", _("调用过于频繁，超过授权的速率上限（每秒 %(n)s 次）") % {"n": grant.rate_limit},
            headers={"Retry-After": str(max(1, math.ceil(second + 1 - now)))},
        )
    if grant.daily_quota:
        local = timezone.localtime()
        if _count(f"gs:quota:{grant.pk}:{local:%Y%m%d}", 2 * 86400) > grant.daily_quota:
            midnight = (local + dt.timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
            wait = max(1, math.ceil((midnight - local).total_seconds()))
            raise DeliveryError(
                429, "quota_exceeded", _("今日调用次数已达授权上限（%(n)s 次）") % {"n": grant.daily_quota},
                headers={"Retry-After": str(wait)},
            )

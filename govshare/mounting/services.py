"""Mounting actions: files, the provider's API, table uploads, scheduled pulls from the provider's database, and
timeliness (是否按更新周期更新). Views and the API call these; they own the rules, the permission checks and the
transactions. The table loader itself is `govshare.datastore.services` (see docs/exchange.md).
"""

import datetime
import hashlib
import logging
import mimetypes
import re
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import connection, transaction
from django.db.models import Count, Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from govshare.catalog.choices import EntryStatusChoices, UpdateCycleChoices
from govshare.catalog.models import Resource
from govshare.core.context import acting_as
from govshare.users.choices import RoleChoices

from .choices import PullModeChoices, PullStatusChoices, TimelinessChoices
from .models import ApiEndpoint, DataFile, PullSource, mount_scope

__all__ = [
    "AUTHORITY_ROLES",
    "HTTP_METHODS",
    "PullError",
    "Timeliness",
    "annotate_mounts",
    "authority_resources",
    "check_timeliness",
    "delete_api_endpoint",
    "delete_file",
    "delete_pull_source",
    "expected_interval",
    "file_max_bytes",
    "last_update",
    "mountable_resources",
    "open_file",
    "preview_rows",
    "require_mountable",
    "resources_with_kind",
    "run_due_pulls",
    "run_pull",
    "save_api_endpoint",
    "save_pull_source",
    "source_columns",
    "timeliness",
    "upload_file",
    "upload_table_file",
    "validate_query",
]

# The purpose recorded when a provider reads its own mounted data (every data access is audited).
PROVIDER_CHECK_PURPOSE = "提供部门核对挂接数据"

logger = logging.getLogger(__name__)
R = RoleChoices
# Who sees the overdue resources of a jurisdiction (the competent authority's staff).
AUTHORITY_ROLES = (R.AUTHORITY_OFFICER, R.REVIEWER, R.PLATFORM_ADMIN)
HTTP_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD")
TABLE_UPLOAD_SUFFIXES = (".csv", ".txt", ".xlsx", ".json", ".jsonl", ".ndjson")


# ---------------------------------------------------------------------------------------------------------------
# Who may mount what


def mountable_resources(user):
    """Published resources whose data the user may mount: their department's (data provider or department admin),
    any department's for a platform admin."""
    if user is None or not user.is_authenticated:
        return Resource.objects.none()
    queryset = Resource.objects.filter(status=EntryStatusChoices.PUBLISHED)
    if user.is_superuser:
        return queryset
    return mount_scope(queryset, user, prefix="")


def require_mountable(resource, user):
    """PermissionDenied unless the user may mount data on this (published) resource."""
    if not mountable_resources(user).filter(pk=resource.pk).exists():
        raise PermissionDenied(_("只有资源提供部门的数据提供人员或部门管理员可以挂接已发布资源的数据"))


def authority_resources(user):
    """Published resources the user oversees as the competent authority: their jurisdiction and those below it."""
    queryset = Resource.objects.filter(status=EntryStatusChoices.PUBLISHED)
    if user.is_superuser or user.has_role(R.PLATFORM_ADMIN):
        return queryset
    if user.department_id and user.has_role(R.AUTHORITY_OFFICER, R.REVIEWER):
        return queryset.filter(provider__jurisdiction_id__in=user.department.jurisdiction.descendant_ids())
    return queryset.none()


# ---------------------------------------------------------------------------------------------------------------
# Files (文件挂接)


def file_max_bytes():
    return int(getattr(settings, "GOVSHARE_FILE_MAX_BYTES", 500 * 1024 * 1024))


class _HashingFile(File):
    """Streams the upload to the storage while computing its SHA-256 and size, and stops at the size limit.

    FileSystemStorage reads `chunks()`, S3 reads `read()` after a `seek(0)`; both paths hash, and a rewind starts
    the digest again so a retried upload does not hash twice.
    """

    def __init__(self, source, limit):
        super().__init__(source, name=getattr(source, "name", None))
        self.limit = limit
        self._restart()

    def _restart(self):
        self.hasher = hashlib.sha256()
        self.count = 0

    def _take(self, data):
        self.count += len(data)
        if self.count > self.limit:
            raise ValidationError({"file": [_too_big_message()]})
        self.hasher.update(data)
        return data

    def chunks(self, chunk_size=None):
        self.file.seek(0)
        self._restart()
        for chunk in iter(lambda: self.file.read(chunk_size or self.DEFAULT_CHUNK_SIZE), b""):
            yield self._take(chunk)

    def read(self, *args):
        return self._take(self.file.read(*args))

    def seek(self, offset, whence=0):
        if offset == 0 and whence == 0:
            self._restart()
        return self.file.seek(offset, whence)

    @property
    def size(self):
        return getattr(self.file, "size", None) or 0


def _too_big_message():
    limit = file_max_bytes()
    return _("文件超过大小上限（%(limit)s 字节，约 %(mb)s MB）") % {"limit": limit, "mb": round(limit / 1048576, 1)}


def upload_file(resource, uploaded, *, user, name="", description="") -> DataFile:
    """Store an uploaded file behind the resource: checksum and size while streaming, a version per file name, a
    flag when the same content is already mounted here. Any format; refused above GOVSHARE_FILE_MAX_BYTES."""
    require_mountable(resource, user)
    name = (name or Path(getattr(uploaded, "name", "") or "").name).strip()[:255]
    if not name:
        raise ValidationError({"name": [_("请填写文件名称")]})
    if getattr(uploaded, "size", None) is not None and uploaded.size > file_max_bytes():
        raise ValidationError({"file": [_too_big_message()]})
    content_type = (getattr(uploaded, "content_type", "") or mimetypes.guess_type(name)[0] or "")[:150]
    if content_type == "application/octet-stream":
        content_type = mimetypes.guess_type(name)[0] or content_type
    stream = _HashingFile(uploaded, file_max_bytes())
    data_file = DataFile(
        resource=resource, name=name, description=description[:500], content_type=content_type, uploaded_by=user,
        size=0, sha256="",
    )
    # Store first (outside the transaction: it may take minutes), then record; a failed record removes the file.
    storage = data_file.file.storage
    wanted_name = data_file.file.field.generate_filename(data_file, name)
    try:
        stored_name = storage.save(wanted_name, stream)
    except BaseException:
        # A refused stream (over the limit) may have left a partial file: the name is new (a fresh uuid folder).
        if storage.exists(wanted_name):
            storage.delete(wanted_name)
        raise
    try:
        with transaction.atomic(), acting_as(user):
            data_file.file.name = stored_name
            data_file.sha256 = stream.hasher.hexdigest()
            data_file.size = stream.count
            data_file.duplicate_of = (
                DataFile.objects.filter(resource=resource, sha256=data_file.sha256).order_by("created", "pk").first()
            )
            previous = DataFile.objects.select_for_update().filter(resource=resource, name=name)
            data_file.version = (previous.aggregate(v=Max("version"))["v"] or 0) + 1
            data_file.save()
    except BaseException:
        storage.delete(stored_name)
        raise
    return data_file


@transaction.atomic
def delete_file(data_file, *, user):
    """Remove a mounted file and its stored content (after the transaction commits)."""
    require_mountable(data_file.resource, user)
    storage, stored_name = data_file.file.storage, data_file.file.name
    with acting_as(user):
        data_file.delete()
    transaction.on_commit(lambda: storage.delete(stored_name))


def open_file(data_file):
    """The stored content of a mounted file, opened for reading in binary mode (the caller closes it).

    The data plane (govshare.delivery) calls this after checking the consumer's grant, e.g.
    `FileResponse(open_file(f), as_attachment=True, filename=f.name)`; it works with local and S3 storage alike.
    """
    return data_file.file.storage.open(data_file.file.name, "rb")


# ---------------------------------------------------------------------------------------------------------------
# The provider's API (接口挂接)


def _clean_methods(value):
    methods = [m.strip().upper() for m in re.split(r"[,\s]+", value or "") if m.strip()]
    unknown = [m for m in methods if m not in HTTP_METHODS]
    if unknown:
        raise ValidationError({"allowed_methods": [_("不支持的方法：%(m)s") % {"m": "、".join(unknown)}]})
    if not methods:
        raise ValidationError({"allowed_methods": [_("请至少允许一种方法")]})
    return ",".join(dict.fromkeys(methods))


@transaction.atomic
def save_api_endpoint(
    resource, *, user, base_url, allowed_methods="GET", auth_header_name="", auth_header_value=None,
    clear_secret=False, timeout_seconds=10, is_active=True, description="",
) -> ApiEndpoint:
    """Register or edit the resource's API. The secret header value is write-only: None or "" keeps the current
    one, `clear_secret` removes it."""
    require_mountable(resource, user)
    endpoint = ApiEndpoint.objects.filter(resource=resource).first() or ApiEndpoint(resource=resource)
    endpoint.base_url = base_url
    endpoint.allowed_methods = _clean_methods(allowed_methods)
    endpoint.auth_header_name = (auth_header_name or "").strip()
    if clear_secret:
        endpoint.auth_header_value = ""
    elif auth_header_value:
        endpoint.auth_header_value = auth_header_value
    if endpoint.auth_header_value and not endpoint.auth_header_name:
        raise ValidationError({"auth_header_name": [_("填写了认证头取值时，请同时填写认证头名称")]})
    if not 1 <= int(timeout_seconds) <= 300:
        raise ValidationError({"timeout_seconds": [_("超时应在 1 到 300 秒之间")]})
    endpoint.timeout_seconds = int(timeout_seconds)
    endpoint.is_active = bool(is_active)
    endpoint.description = description or ""
    try:
        endpoint.full_clean(exclude=["resource"])
    except ValidationError as error:
        raise ValidationError(error.message_dict) from None
    with acting_as(user):
        endpoint.save()
    return endpoint


@transaction.atomic
def delete_api_endpoint(endpoint, *, user):
    """Unregister the resource's API."""
    require_mountable(endpoint.resource, user)
    with acting_as(user):
        endpoint.delete()


# ---------------------------------------------------------------------------------------------------------------
# Tables (库表挂接): the upload goes to datastore.services


def upload_table_file(resource, uploaded, *, user, mode, key_item=None):
    """Keep the uploaded CSV/XLSX/JSON in the data dir and queue its load into the resource's table (a TableLoad)."""
    require_mountable(resource, user)
    name = Path(uploaded.name or "data.csv").name
    if not name.lower().endswith(TABLE_UPLOAD_SUFFIXES):
        raise ValidationError({"file": [_("库表数据请上传 CSV、XLSX 或 JSON 文件")]})
    if key_item is not None and key_item.resource_id != resource.pk:
        raise ValidationError({"key_item": [_("主键信息项不属于该资源")]})
    if mode == "upsert" and key_item is None:
        existing = _related(resource, "data_table")
        if existing is None or existing.key_item_id is None:
            raise ValidationError({"key_item": [_("按主键更新时请选择主键信息项")]})
    from govshare.datastore import services as datastore

    path = datastore.save_upload(uploaded)
    try:
        data_table = datastore.ensure_table(resource, key_item=key_item, user=user)
        return datastore.start_load(
            data_table, str(path), mode=mode, key_item=key_item, user=user, source_name=name, remove_source=True
        )
    except BaseException:
        datastore.remove_upload(path)
        raise


def preview_rows(data_table, limit=20):
    """The first rows of the mounted table as (headers, rows), for the provider's own check of what was loaded."""
    columns = [column["column"] for column in data_table.columns]
    if not columns:
        return [], []
    quote = connection.ops.quote_name
    query = "SELECT {} FROM {} ORDER BY _row_id LIMIT %s".format(  # noqa: S608 - names from DataTable, quoted
        ", ".join(quote(c) for c in columns), quote(data_table.table_name)
    )
    try:
        with connection.cursor() as cursor:
            cursor.execute(query, [limit])
            rows = cursor.fetchall()
    except Exception:  # the physical table may be missing (never loaded): no preview, not an error page
        logger.warning("preview of %s failed", data_table.table_name, exc_info=True)
        return [column["name"] for column in data_table.columns], []
    return [column["name"] for column in data_table.columns], rows


# ---------------------------------------------------------------------------------------------------------------
# Scheduled pulls (定时抽取, 前置机)


class PullError(Exception):
    """A pull that could not read the source: the message is shown to the provider as is."""


_IDENTIFIER_PART = re.compile(r"^[^\x00\"]{1,63}$")


def validate_query(query: str) -> str:
    """The query without a trailing semicolon, if it is one SELECT statement; ValidationError otherwise.

    It also runs in a read-only transaction; this check refuses anything else up front with a clear message.
    """
    text = (query or "").strip()
    while text.endswith(";"):
        text = text[:-1].rstrip()
    if not text:
        raise ValidationError({"query": [_("请填写查询语句")]})
    if "--" in text or "/*" in text:
        raise ValidationError({"query": [_("查询语句中不能包含注释")]})
    if ";" in text:
        raise ValidationError({"query": [_("只能填写一条 SELECT 语句")]})
    if not re.match(r"(?is)^select\b", text):
        raise ValidationError({"query": [_("只能填写一条 SELECT 语句")]})
    if re.search(r"(?i)\binto\b", text) or re.search(r"(?i)\bfor\s+(update|share|no\s+key|key)\b", text):
        raise ValidationError({"query": [_("查询语句不能写入或锁定数据")]})
    return text


def _table_identifier(name):
    from psycopg import sql

    parts = [part.strip() for part in (name or "").split(".")]
    if not 1 <= len(parts) <= 2 or not all(_IDENTIFIER_PART.match(part) for part in parts):
        raise ValidationError({"source_table": [_("源表名不正确，格式为 表名 或 模式名.表名")]})
    return sql.Identifier(*parts)


def source_columns(source, items=None):
    """[(info item, source column)] in item order: the mapped column, else a column named like the item's code."""
    items = list(source.resource.items.order_by("position", "id")) if items is None else items
    mapping = {str(key): value for key, value in (source.column_mapping or {}).items()}
    pairs = []
    for item in items:
        column = (mapping.get(str(item.pk)) or "").strip()
        if not column and item.code:
            column = item.code.strip().lower()
        if column:
            pairs.append((item, column))
    return pairs


def _mode_key_item(source, pairs):
    """The info item whose column is the pull's key column (the upsert key), or None."""
    key = (source.key_column or "").strip().lower()
    if not key:
        return None
    for item, column in pairs:
        if column.lower() == key:
            return item
    return None


def _clean_connection_url(url):
    url = (url or "").strip()
    if not re.match(r"^postgres(ql)?://", url):
        raise ValidationError({"connection_url": [_("数据库连接应为 postgresql://用户:密码@主机:端口/数据库")]})
    return url


@transaction.atomic
def save_pull_source(
    resource, *, user, connection_url=None, source_table="", query="", mode=PullModeChoices.FULL, key_column="",
    timestamp_column="", column_mapping=None, interval_minutes=1440, enabled=True, description="",
) -> PullSource:
    """Configure the resource's scheduled pull. The connection URL is write-only: None or "" keeps the current one."""
    require_mountable(resource, user)
    source = PullSource.objects.filter(resource=resource).first() or PullSource(resource=resource)
    errors = {}
    if connection_url:
        try:
            source.connection_url = _clean_connection_url(connection_url)
        except ValidationError as error:
            errors.update(error.message_dict)
    elif not source.connection_url:
        errors["connection_url"] = [_("请填写数据库连接")]
    source_table, query = (source_table or "").strip(), (query or "").strip()
    if bool(source_table) == bool(query):
        errors["source_table"] = [_("源表名和查询语句填写其中一项")]
    elif source_table:
        try:
            _table_identifier(source_table)
        except ValidationError as error:
            errors.update(error.message_dict)
    else:
        try:
            query = validate_query(query)
        except ValidationError as error:
            errors.update(error.message_dict)
    if mode not in PullModeChoices.values:
        errors["mode"] = [_("抽取方式不正确")]
    items = {str(item.pk): item for item in resource.items.all()}
    mapping = {}
    for key, column in (column_mapping or {}).items():
        column = (column or "").strip()
        if not column:
            continue
        if str(key) not in items:
            errors["column_mapping"] = [_("列映射中的信息项不属于该资源")]
            break
        mapping[str(key)] = column
    if interval_minutes is None or int(interval_minutes) < 1:
        errors["interval_minutes"] = [_("抽取间隔至少 1 分钟")]
    source.source_table, source.query, source.mode = source_table, query, mode
    source.key_column, source.timestamp_column = (key_column or "").strip(), (timestamp_column or "").strip()
    source.column_mapping = mapping
    all_items = list(resource.items.order_by("position", "id"))
    pairs = source_columns(source, all_items)
    unmapped = [item.name for item in all_items if item.pk not in {mapped.pk for mapped, _column in pairs}]
    if unmapped:
        # The loader needs every info item's column.
        errors["column_mapping"] = [_("请为这些信息项指定源列：%(items)s") % {"items": "、".join(unmapped)}]
    if mode == PullModeChoices.INCREMENTAL_KEY:
        if not source.key_column:
            errors["key_column"] = [_("按主键增量抽取时请填写主键列")]
        elif _mode_key_item(source, pairs) is None:
            errors["key_column"] = [_("主键列须映射到某个信息项")]
    if mode == PullModeChoices.INCREMENTAL_TIMESTAMP and not source.timestamp_column:
        errors["timestamp_column"] = [_("按时间戳增量抽取时请填写时间戳列")]
    if source.key_column and mode != PullModeChoices.FULL and _mode_key_item(source, pairs) is None:
        errors.setdefault("key_column", [_("主键列须映射到某个信息项")])
    if errors:
        raise ValidationError(errors)
    changed_selection = source.pk and PullSource.objects.filter(pk=source.pk).exclude(
        source_table=source_table, query=query, mode=mode, key_column=source.key_column,
        timestamp_column=source.timestamp_column,
    ).exists()
    if changed_selection:
        source.watermark = ""  # another selection: the old watermark means nothing for it
    source.interval_minutes = int(interval_minutes)
    source.enabled = bool(enabled)
    source.description = description or ""
    if source.enabled and (source.next_run_at is None or changed_selection):
        source.next_run_at = timezone.now()
    with acting_as(user):
        source.save()
    return source


@transaction.atomic
def delete_pull_source(source, *, user):
    """Stop and remove the resource's scheduled pull (the loaded data stays)."""
    require_mountable(source.resource, user)
    with acting_as(user):
        source.delete()


def _header(item):
    # The loader maps CSV headers to info items by name.
    return item.name


def _select_expression(item, column):
    """The source column as text the loader reads for the item's type (dates ISO, booleans true/false)."""
    from psycopg import sql

    identifier = sql.Identifier(column)
    if item.data_type == "D":
        return sql.SQL("to_char(({})::date, 'YYYY-MM-DD')").format(identifier)
    if item.data_type == "T":
        return sql.SQL("to_char(({})::timestamp, 'YYYY-MM-DD HH24:MI:SS')").format(identifier)
    if item.data_type == "L":
        return sql.SQL("CASE WHEN ({0})::boolean THEN 'true' WHEN NOT ({0})::boolean THEN 'false' END").format(
            identifier
        )
    return identifier


def _copy_to_csv(source, pairs, path):
    """COPY the rows the pull selects to a UTF-8 CSV at `path`, in a read-only snapshot of the provider's database.

    Returns (rows, new watermark). Incremental modes take rows above the watermark up to the highest value seen
    in the same snapshot, so a row committed meanwhile is picked up next time, never skipped.
    """
    import psycopg
    from psycopg import sql

    timeout_ms = int(getattr(settings, "GOVSHARE_PULL_STATEMENT_TIMEOUT_MS", 600_000))
    if source.query:
        base = sql.SQL(validate_query(source.query))
    else:
        base = sql.SQL("SELECT * FROM {}").format(_table_identifier(source.source_table))
    watermark_column = {
        PullModeChoices.INCREMENTAL_KEY: source.key_column,
        PullModeChoices.INCREMENTAL_TIMESTAMP: source.timestamp_column,
    }.get(source.mode)
    try:
        conn = psycopg.connect(
            source.connection_url, connect_timeout=10, autocommit=False,
            options=f"-c statement_timeout={timeout_ms} -c TimeZone={settings.TIME_ZONE}",
        )
    except psycopg.Error as error:
        raise PullError(_("无法连接提供部门数据库：%(e)s") % {"e": _clean_error(error, source)}) from None
    try:
        conn.read_only = True
        conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        with conn.transaction(), conn.cursor() as cursor:
            cursor.execute(sql.SQL("SELECT * FROM ({}) AS src LIMIT 0").format(base))
            available = {column.name for column in cursor.description}
            needed = [column for _item, column in pairs] + ([watermark_column] if watermark_column else [])
            missing = sorted({column for column in needed if column not in available})
            if missing:
                raise PullError(_("源数据中没有这些列：%(c)s") % {"c": "、".join(missing)})
            where = sql.SQL("")
            new_watermark = source.watermark
            if watermark_column:
                column = sql.Identifier(watermark_column)
                above = sql.SQL(" WHERE {} > {}").format(column, sql.Literal(source.watermark)) if (
                    source.watermark
                ) else sql.SQL("")
                cursor.execute(sql.SQL("SELECT max({0})::text FROM ({1}) AS src{2}").format(column, base, above))
                high = cursor.fetchone()[0]
                if high is None:
                    return 0, source.watermark
                condition = sql.SQL("{} <= {}").format(column, sql.Literal(high))
                if source.watermark:
                    condition = sql.SQL("{} > {} AND ").format(column, sql.Literal(source.watermark)) + condition
                where = sql.SQL(" WHERE ") + condition
                new_watermark = high
            select = sql.SQL("SELECT {} FROM ({}) AS src{}").format(
                sql.SQL(", ").join(
                    sql.SQL("{} AS {}").format(_select_expression(item, column), sql.Identifier(_header(item)))
                    for item, column in pairs
                ),
                base,
                where,
            )
            statement = sql.SQL("COPY ({}) TO STDOUT WITH (FORMAT csv, HEADER true, ENCODING 'UTF8')").format(select)
            with open(path, "wb") as target, cursor.copy(statement) as copy:
                for data in copy:
                    target.write(data)
            rows = cursor.rowcount
        return max(rows, 0), new_watermark
    except PullError:
        raise
    except psycopg.Error as error:
        raise PullError(_("读取提供部门数据失败：%(e)s") % {"e": _clean_error(error, source)}) from None
    finally:
        conn.close()


def _clean_error(error, source):
    """The driver's message, first line, without the connection URL (it may carry the password)."""
    text = str(error).strip().splitlines()[0] if str(error).strip() else error.__class__.__name__
    if source.connection_url:
        text = text.replace(source.connection_url, "***")
    return re.sub(r"://[^@\s]*@", "://***@", text)[:500]


def _finish(source, status, message, rows=0, load=None, watermark=None, succeeded_at=None):
    now = timezone.now()
    fields = {
        "last_status": status, "last_message": message[:2000], "last_rows": rows, "last_run_at": now,
        "next_run_at": now + datetime.timedelta(minutes=source.interval_minutes) if source.enabled else None,
    }
    if load is not None:
        fields["last_load"] = load
    if watermark is not None:
        fields["watermark"] = watermark
    if succeeded_at is not None:
        fields["last_success_at"] = succeeded_at
    PullSource.objects.filter(pk=source.pk).update(**fields)
    for name, value in fields.items():
        setattr(source, name, value)


def run_pull(source, *, user=None):
    """Pull once: select from the provider's database, COPY to a temporary CSV, load it with the mode; the watermark
    moves only after a successful load. A failure is recorded on the source and leaves the table as it was.

    Returns the TableLoad, or None when nothing was loaded (no new rows, or the source could not be read).
    """
    from govshare.datastore.choices import LoadModeChoices, LoadStatusChoices

    if user is not None:
        require_mountable(source.resource, user)
    resource = source.resource
    pairs = source_columns(source)
    key_item = _mode_key_item(source, pairs)
    PullSource.objects.filter(pk=source.pk).update(last_status=PullStatusChoices.RUNNING, last_run_at=timezone.now())
    folder = Path(settings.DATA_DIR) / "pulls" / uuid.uuid4().hex
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"pull-{resource.pk}.csv"
    try:
        try:
            rows, watermark = _copy_to_csv(source, pairs, path)
        except PullError as error:
            _finish(source, PullStatusChoices.FAILED, str(error))
            return None
        if source.mode != PullModeChoices.FULL and rows == 0:
            _finish(source, PullStatusChoices.SUCCEEDED, _("没有新的数据"), succeeded_at=timezone.now())
            return None
        if source.mode == PullModeChoices.FULL:
            mode = LoadModeChoices.REPLACE
        elif key_item is not None:
            mode = LoadModeChoices.UPSERT
        else:
            mode = LoadModeChoices.APPEND
        name = f"{_('定时抽取')}-{source.source_table or 'query'}-{timezone.localtime():%Y%m%d%H%M%S}.csv"
        from govshare.datastore import services as datastore

        try:
            with acting_as(user):
                data_table = datastore.ensure_table(resource, key_item=key_item, user=user)
                load = datastore.load_file(
                    data_table, str(path), mode=mode, key_item=key_item, user=user, source_name=name
                )
        except Exception as error:  # the loader failed outright: the table is unchanged (its contract)
            logger.exception("pull %s: load failed", source.pk)
            _finish(source, PullStatusChoices.FAILED, _("加载失败：%(e)s") % {"e": error})
            return None
        if load.status == LoadStatusChoices.SUCCEEDED:
            _finish(
                source, PullStatusChoices.SUCCEEDED,
                _("已加载 %(n)s 行") % {"n": load.rows_loaded}, rows=rows, load=load, watermark=watermark,
                succeeded_at=timezone.now(),
            )
        else:
            _finish(
                source, PullStatusChoices.FAILED,
                _("数据未通过校验，未加载：%(m)s") % {"m": load.message or load.get_status_display()},
                rows=rows, load=load,
            )
        return load
    finally:
        shutil.rmtree(folder, ignore_errors=True)


STALE_RUN = datetime.timedelta(hours=6)


def run_due_pulls(now=None) -> int:
    """Run every enabled pull whose time has come (the beat runs this every minute); returns how many ran."""
    now = now or timezone.now()
    count = 0
    # A pull still running is skipped, unless it started so long ago that its worker must have died.
    due = PullSource.objects.filter(enabled=True, next_run_at__lte=now).exclude(
        last_status=PullStatusChoices.RUNNING, last_run_at__gt=now - STALE_RUN
    ).select_related("resource").order_by("next_run_at")
    for source in due:
        # Claim it: move next_run_at first, so an overlapping beat does not run it twice.
        claimed = PullSource.objects.filter(pk=source.pk, next_run_at=source.next_run_at).update(
            next_run_at=now + datetime.timedelta(minutes=source.interval_minutes)
        )
        if not claimed:
            continue
        try:
            run_pull(source)
        except Exception:
            logger.exception("scheduled pull %s failed", source.pk)
            _finish(source, PullStatusChoices.FAILED, _("运行出错，详见服务器日志"))
        count += 1
    return count


# ---------------------------------------------------------------------------------------------------------------
# Timeliness (更新及时性)

C = UpdateCycleChoices
# How long data may stay unchanged under each update cycle. 实时 data comes through the API or a frequent pull:
# a day without any update is already late. 不定期 / 其他 are never overdue.
CYCLE_INTERVALS = {
    C.REALTIME: datetime.timedelta(days=1),
    C.DAILY: datetime.timedelta(days=1),
    C.WEEKLY: datetime.timedelta(days=7),
    C.MONTHLY: datetime.timedelta(days=31),
    C.QUARTERLY: datetime.timedelta(days=92),
    C.HALF_YEARLY: datetime.timedelta(days=183),
    C.YEARLY: datetime.timedelta(days=366),
}
# "Due soon" in the last fifth of the interval.
DUE_SOON_FRACTION = 0.2


def expected_interval(update_cycle):
    """The longest time data may go without an update under this cycle; None when it is never overdue."""
    return CYCLE_INTERVALS.get(update_cycle)


@dataclass
class Timeliness:
    """Where a resource stands against its update cycle."""

    status: str
    last_update: datetime.datetime | None
    due_at: datetime.datetime | None

    @property
    def label(self):
        return TimelinessChoices.label(self.status)

    @property
    def colour(self):
        return TimelinessChoices.colour(self.status)


def annotate_mounts(queryset):
    """Resources with what is mounted behind them, in one query: table, API, pull, file count, latest file."""
    return queryset.select_related("data_table", "api_endpoint", "pull_source", "provider").annotate(
        file_count=Count("data_files", distinct=True), last_file_at=Max("data_files__created"),
    )


def last_update(resource):
    """The latest time the resource's data was renewed: a table load, a file, a successful pull."""
    times = []
    data_table = _related(resource, "data_table")
    if data_table is not None and data_table.last_loaded_at:
        times.append(data_table.last_loaded_at)
    last_file_at = getattr(resource, "last_file_at", None) if hasattr(resource, "last_file_at") else (
        resource.data_files.aggregate(t=Max("created"))["t"]
    )
    if last_file_at:
        times.append(last_file_at)
    pull = _related(resource, "pull_source")
    if pull is not None and pull.last_success_at:
        times.append(pull.last_success_at)
    return max(times) if times else None


def _related(resource, name):
    try:
        return getattr(resource, name)
    except Exception:  # RelatedObjectDoesNotExist of a reverse one-to-one
        return None


def timeliness(resource, now=None) -> Timeliness:
    """On time, due soon or overdue by the resource's update cycle, counted from its last data update (or from its
    publication when nothing was ever mounted). A live API serves current data: always on time."""
    now = now or timezone.now()
    interval = expected_interval(resource.update_cycle)
    last = last_update(resource)
    if interval is None:
        return Timeliness(TimelinessChoices.NOT_APPLICABLE, last, None)
    endpoint = _related(resource, "api_endpoint")
    if endpoint is not None and endpoint.is_active:
        return Timeliness(TimelinessChoices.ON_TIME, last or now, None)
    start = last
    if start is None:
        if resource.published_on:
            start = timezone.make_aware(datetime.datetime.combine(resource.published_on, datetime.time.min))
        else:
            start = resource.created
    due_at = start + interval
    if now > due_at:
        status = TimelinessChoices.OVERDUE
    elif now >= due_at - interval * DUE_SOON_FRACTION:
        status = TimelinessChoices.DUE_SOON
    else:
        status = TimelinessChoices.ON_TIME
    return Timeliness(status, last, due_at)


def check_timeliness(now=None) -> int:
    """Notify the provider (data providers and department admins) and the jurisdiction's competent authority of
    each overdue resource, once per due date (the notification key). Returns the number of overdue resources."""
    from govshare.notifications.services import notify
    from govshare.organizations.models import Department

    now = now or timezone.now()
    resources = annotate_mounts(
        Resource.objects.filter(status=EntryStatusChoices.PUBLISHED).exclude(
            update_cycle__in=[C.IRREGULAR, C.OTHER]
        )
    ).select_related("provider__jurisdiction")
    authorities = {
        department.jurisdiction_id: department
        for department in Department.objects.filter(is_competent_authority=True)
    }
    overdue = 0
    for resource in resources.iterator(chunk_size=500):
        state = timeliness(resource, now)
        if state.status != TimelinessChoices.OVERDUE:
            continue
        overdue += 1
        key = f"mounting-overdue:{resource.pk}:{state.due_at:%Y%m%d%H%M}"
        subject = _("数据更新逾期：%(name)s") % {"name": resource.name}
        body = _("资源“%(name)s”（%(provider)s）的更新周期为%(cycle)s，应于 %(due)s 前更新数据，目前已逾期。") % {
            "name": resource.name, "provider": resource.provider.name, "cycle": C.label(resource.update_cycle),
            "due": timezone.localtime(state.due_at).strftime("%Y-%m-%d %H:%M"),
        }
        from django.urls import reverse

        notify(
            subject=subject, body=body, link=reverse("mounting:resource", args=[resource.pk]), key=key,
            departments=[resource.provider_id], roles=MOUNT_NOTIFY_ROLES,
        )
        authority = authorities.get(resource.provider.jurisdiction_id)
        if authority is not None:
            notify(
                subject=subject, body=body, link=reverse("mounting:overdue"), key=key,
                departments=[authority.pk], roles=(R.AUTHORITY_OFFICER,),
            )
    return overdue


MOUNT_NOTIFY_ROLES = (R.DATA_PROVIDER, R.DEPARTMENT_ADMIN)


def resources_with_kind(queryset, kind):
    """Narrow annotated resources to those with this kind of mount (MountKindChoices)."""
    if kind == "table":
        return queryset.filter(data_table__isnull=False)
    if kind == "file":
        return queryset.filter(file_count__gt=0)
    if kind == "api":
        return queryset.filter(api_endpoint__isnull=False)
    if kind == "pull":
        return queryset.filter(pull_source__isnull=False)
    if kind == "none":
        return queryset.filter(
            Q(data_table__isnull=True) & Q(api_endpoint__isnull=True) & Q(pull_source__isnull=True) & Q(file_count=0)
        )
    return queryset

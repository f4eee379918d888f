"""The data plane endpoints (/api/v1/exchange/): token, records, lookup, verify, download, changes, proxy, files.

Plain Django views, not DRF: this is the hot path (the lookup target is 1,500 calls/s), so each call is one query
for token → system → grant → resource → table (access.resolve), counters in the cache, one query for the data and
one INSERT for the audit entry, and the JSON is written directly.

Every call, allowed or refused, writes an audit entry, and the entry is stored (committed: views run in autocommit)
before the response leaves. A download writes two: one before the first byte (what was asked, record_count 0,
detail.phase "start") and, since entries are immutable, a second when the stream ends with the number of records
sent (detail.phase "complete", or "aborted" when the client went away, and the id of the first entry).
"""

import json
import re
import time
from functools import wraps
from http.cookiejar import CookieJar, DefaultCookiePolicy
from urllib.parse import unquote

import httpx
from django.db import connection
from django.http import HttpResponse, StreamingHttpResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from govshare.audit.services import append
from govshare.catalog.semantics import ItemKind
from govshare.mounting.models import ApiEndpoint

from .. import export, files, query
from ..access import Access, DeliveryError, check_rate, fetch_prepared, issue_token, resolve
from ..masking import mask

__all__ = ["changes", "download", "file_download", "file_list", "lookup", "proxy", "records", "token", "verify"]

MAX_PURPOSE = 500
CHANGES_LIMIT = 1000
PROXY_MAX_BYTES = 50 * 1024 * 1024
# Request headers passed on to a provider's API; everything else (the consumer's Authorization, cookies, …) stays.
PROXY_REQUEST_HEADERS = ("accept", "accept-language", "content-type", "if-none-match", "if-modified-since")
PROXY_RESPONSE_HEADERS = ("content-type", "content-language", "cache-control", "etag", "last-modified",
                          "content-disposition")


def _json(data, status=200, headers=None):
    body = json.dumps(data, ensure_ascii=False, default=query.json_value, separators=(",", ":")).encode("utf-8")
    response = HttpResponse(body, status=status, content_type="application/json")
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def error_response(exc: DeliveryError):
    body = {"error": {"code": exc.code, "message": exc.message, "fields": exc.fields}}
    return _json(body, status=exc.status, headers=exc.headers)


def purpose_of(request, body=None) -> str:
    """The stated purpose: X-Purpose (percent-encoded UTF-8), else the `purpose` parameter; 400 when missing."""
    header = request.META.get("HTTP_X_PURPOSE", "")
    text = ""
    try:
        if header:
            if not header.isascii():  # raw UTF-8 sent anyway arrives as Latin-1 through WSGI
                header = header.encode("latin-1").decode("utf-8")
            text = unquote(header, errors="strict")
        else:
            text = request.GET.get("purpose") or request.POST.get("purpose") or (body or {}).get("purpose") or ""
    except (UnicodeError, ValueError):
        raise DeliveryError(400, "purpose_invalid", _("X-Purpose 须为百分号编码的 UTF-8 文本")) from None
    text = str(text).strip()
    if not text:
        raise DeliveryError(
            400, "purpose_required", _("请说明用途：X-Purpose 请求头（UTF-8 百分号编码）或 purpose 参数"),
            fields={"purpose": [_("必须填写用途")]}, result="denied",
        )
    if len(text) > MAX_PURPOSE:
        raise DeliveryError(400, "purpose_invalid", _("用途说明过长（最多 %(n)s 字）") % {"n": MAX_PURPOSE},
                            fields={"purpose": [_("用途说明过长")]})
    return text


def _stated_purpose(request):
    """The purpose as far as it can be read, for the audit entry of a refused call."""
    try:
        return purpose_of(request, getattr(request, "_delivery_body", None))
    except DeliveryError:
        return ""


class Call:
    """One data-plane call being served: what is known of the caller so far, and its audit entry."""

    __slots__ = ("access", "action", "filter", "items", "purpose", "request", "resource_id", "started")

    def __init__(self, request, action, resource_id):
        self.request = request
        self.action = action
        self.resource_id = resource_id
        self.access = Access()
        self.purpose = ""
        self.items = ()
        self.filter = None
        self.started = time.perf_counter()

    def audit(self, *, result="success", record_count=0, detail=None, subjects=(), items=None, filter=None):  # noqa: A002
        access = self.access
        return append(
            user=access.user,
            system=access.system_name,
            department=access.department,
            action=self.action,
            resource=access.resource if access.resource is not None else self.resource_id,
            items=self.items if items is None else items,
            filter=self.filter if filter is None else filter,
            record_count=record_count,
            purpose=self.purpose,
            result=result,
            latency_ms=int((time.perf_counter() - self.started) * 1000),
            detail=detail,
            subjects=subjects,
        )


def _csrf_failure(request):
    """Session calls that change state must carry the CSRF token; bearer calls are not exposed to CSRF."""
    return CsrfViewMiddleware(lambda r: None).process_view(request, None, (), {})


def endpoint(action, methods, *, need_table=True):
    """Wrap a data-plane handler: method check, caller and grant, CSRF for session posts, purpose, rate and quota;
    a refusal becomes the error JSON and a 'denied'/'error' audit entry."""

    def decorator(handler):
        @csrf_exempt
        @wraps(handler)
        def view(request, resource_id, **kwargs):
            call = Call(request, action, resource_id)
            try:
                if methods and request.method not in methods:
                    raise DeliveryError(405, "method_not_allowed", _("不支持的请求方法"),
                                        headers={"Allow": ", ".join(methods)})
                resolve(request, resource_id, call.access, need_table=need_table)
                if call.access.system is None and request.method not in ("GET", "HEAD", "OPTIONS"):
                    failure = _csrf_failure(request)
                    if failure is not None:
                        raise DeliveryError(403, "csrf_failed", _("表单已失效，请刷新页面后重试"))
                call.purpose = purpose_of(request, getattr(request, "_delivery_body", None))
                check_rate(call.access.grant)
                return handler(request, call, **kwargs)
            except DeliveryError as exc:
                call.purpose = call.purpose or _stated_purpose(request)
                call.audit(result=exc.result, detail={"status": exc.status, "code": exc.code, "message": exc.message})
                return error_response(exc)
            except Exception as exc:
                call.audit(result="error",
                           detail={"status": 500, "code": "server_error", "message": type(exc).__name__})
                raise

        return view

    return decorator


# ---- token ------------------------------------------------------------------------------------------------------


@csrf_exempt
def token(request):
    """POST {"app_key", "app_secret"} (JSON or form) → a bearer token."""
    if request.method != "POST":
        return error_response(DeliveryError(405, "method_not_allowed", _("请使用 POST"), headers={"Allow": "POST"}))
    data = request.POST
    if request.content_type == "application/json":
        try:
            data = json.loads(request.body or b"{}")
        except ValueError:
            data = None
        if not isinstance(data, dict):
            return error_response(DeliveryError(400, "invalid", _("请求体须为 JSON 对象")))
    try:
        value, lifetime = issue_token(str(data.get("app_key") or ""), str(data.get("app_secret") or ""))
    except DeliveryError as exc:
        return error_response(exc)
    return _json({"access_token": value, "token_type": "Bearer", "expires_in": lifetime},
                 headers={"Cache-Control": "no-store"})


# ---- records and lookup -----------------------------------------------------------------------------------------


def _subject_columns(columns):
    return [column for column in columns if column.kind == ItemKind.ID_NUMBER]


def fetch_page(access, spec):
    """One page of records: (records, next cursor or None, clear ID numbers of the rows for the audit)."""
    subject_columns = _subject_columns(access.columns)
    sql, params = query.select_sql(access.data_table.table_name, spec, subject_columns=subject_columns)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    has_more = len(rows) > spec.limit
    rows = rows[: spec.limit]
    width = len(spec.columns)
    records = query.rows_to_dicts(rows, spec.columns)
    subjects = [value for row in rows for value in row[width : width + len(subject_columns)] if value]
    next_cursor = None
    if has_more and rows:
        last = rows[-1]
        sort_start = width + len(subject_columns)
        next_cursor = query.encode_cursor(spec, list(last[sort_start : sort_start + len(spec.sort)]), last[-1])
    return records, next_cursor, subjects


def _columns_meta(columns):
    return [
        {"column": c.column, "name": c.name, "data_type": c.data_type, "masked": c.masked} for c in columns
    ]


@endpoint("query", ("GET",))
def records(request, call):
    spec = query.parse_query(request.GET, call.access.columns)
    call.items = [column.column for column in spec.columns]
    call.filter = {**query.audit_filter(spec.filters), **({"sort": spec.sort_key} if spec.sort else {})} or None
    rows, next_cursor, subjects = fetch_page(call.access, spec)
    call.audit(record_count=len(rows), subjects=subjects)
    return _json({
        "columns": _columns_meta(spec.columns),
        "records": rows,
        "next_cursor": next_cursor,
        "has_more": next_cursor is not None,
    })


class _LookupPlan:
    __slots__ = ("columns", "convert", "key", "sql", "subject_count")


def _lookup_plan(access, fields):
    """The lookup's SQL and shape for this grant and table, built once per cached column list."""
    memo = access.columns.memo
    plan = memo.get(("lookup", fields))
    if plan is not None:
        return plan
    key = next((c for c in access.columns if c.item_id == access.data_table.key_item_id), None)
    if key is None:
        if access.data_table.key_item_id is None:
            raise DeliveryError(400, "no_key", _("该资源未设置主键信息项，不能按主键查找，请使用 records 查询"))
        raise DeliveryError(403, "key_not_granted", _("主键信息项不在授权范围内，不能按主键查找"))
    columns = access.columns
    if fields:
        names = [name.strip() for name in fields.split(",") if name.strip()]
        by_name = {c.column: c for c in columns}
        unknown = [name for name in names if name not in by_name]
        if unknown:
            raise DeliveryError(400, "invalid", _("请求参数有误，请按字段提示修改"),
                                fields={name: [_("字段不存在或未获授权")] for name in unknown})
        columns = [by_name[name] for name in dict.fromkeys(names)]
    plan = _LookupPlan()
    plan.key = key
    plan.columns = columns
    subject_columns = _subject_columns(access.columns)
    plan.subject_count = len(subject_columns)
    plan.sql = query.lookup_sql(access.data_table.table_name, columns, key, subject_columns=subject_columns)
    plan.convert = query.converters(columns)
    if len(memo) < 64:
        memo[("lookup", fields)] = plan
    return plan


@endpoint("lookup", ("GET",))
def lookup(request, call):
    access = call.access
    plan = _lookup_plan(access, request.GET.get("fields", ""))
    key = plan.key
    call.items = [column.column for column in plan.columns]
    raw = request.GET.get(key.column, "")
    if raw == "":
        raise DeliveryError(400, "invalid", _("请提供主键字段“%(key)s”的值") % {"key": key.column},
                            fields={key.column: [_("必须提供主键取值")]})
    extra = [name for name in request.GET if name not in query.RESERVED_PARAMS and name != key.column]
    if extra:
        raise DeliveryError(400, "invalid", _("按主键查找只接受主键字段，筛选请使用 records 查询"),
                            fields={name: [_("不支持的参数")] for name in extra})
    try:
        value = query.parse_value(key, raw)
    except (ValueError, ArithmeticError):
        raise DeliveryError(400, "invalid", _("主键取值不符合字段类型"),
                            fields={key.column: [_("取值不符合字段类型")]}) from None
    call.filter = {key.column: mask(key.kind, raw) if key.masked else raw}
    rows = fetch_prepared(plan.sql, [value])
    width = len(plan.columns)
    subjects = [raw]
    if plan.subject_count:
        subjects.extend(v for row in rows for v in row[width:] if v and v != raw)
    found = query.rows_to_dicts(rows, plan.columns, plan.convert)
    call.audit(record_count=len(found), subjects=subjects)
    return _json({"records": found, "count": len(found)})


# ---- verify -----------------------------------------------------------------------------------------------------


def _read_verify_body(request):
    if request.content_type == "application/json":
        try:
            body = json.loads(request.body or b"{}")
        except ValueError:
            body = None
        return body if isinstance(body, dict) else None
    return {key: request.POST.get(key) for key in request.POST}


def verify(request, resource_id):
    """POST {"<column>": value, …} → {"match": true|false}: whether one record has all these values."""
    # The body is read first so the purpose may come in it too.
    request._delivery_body = _read_verify_body(request) if request.method == "POST" else None
    return _verify(request, resource_id)


@endpoint("verify", ("POST",))
def _verify(request, call):
    body = request._delivery_body
    if body is None:
        raise DeliveryError(400, "invalid", _("请求体须为 JSON 对象，如 {\"字段\": \"取值\"}"))
    values = {key: value for key, value in body.items() if key not in query.RESERVED_PARAMS}
    if not values:
        raise DeliveryError(400, "invalid", _("请提供至少一个核验字段及取值"))
    by_name = {column.column: column for column in call.access.columns}
    errors, filters = {}, []
    for name, value in values.items():
        column = by_name.get(name)
        if column is None:
            errors[name] = [_("字段不存在或未获授权")]
            continue
        if value is None or isinstance(value, (dict, list)) or str(value) == "":
            errors[name] = [_("须为单个取值")]
            continue
        try:
            filters.append((column, "=", query.parse_value(column, str(value))))
        except (ValueError, ArithmeticError):
            errors[name] = [_("取值不符合字段类型")]
    if errors:
        raise DeliveryError(400, "invalid", _("请求参数有误，请按字段提示修改"), fields=errors)
    call.items = [column.column for column, _op, _v in filters]
    call.filter = query.audit_filter(filters)
    sql, params = query.verify_sql(call.access.data_table.table_name, filters)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        match = cursor.fetchone() is not None
    key_item_id = call.access.data_table.key_item_id
    subjects = [str(values[c.column]) for c, _op, _v in filters if c.kind == ItemKind.ID_NUMBER or
                c.item_id == key_item_id]
    call.audit(record_count=0, detail={"match": match}, subjects=subjects)
    return _json({"match": match})


verify = csrf_exempt(verify)


# ---- download ---------------------------------------------------------------------------------------------------


@endpoint("download", ("GET",))
def download(request, call):
    access = call.access
    fmt = request.GET.get("format") or "csv"
    if fmt not in export.FORMATS:
        raise DeliveryError(400, "invalid", _("不支持的下载格式"),
                            fields={"format": [_("可选：%(f)s") % {"f": "、".join(export.FORMATS)}]})
    spec = query.parse_query(request.GET, access.columns, paged=False)
    call.items = [column.column for column in spec.columns]
    call.filter = {**query.audit_filter(spec.filters), **({"sort": spec.sort_key} if spec.sort else {})} or None
    sql, params = query.export_sql(access.data_table.table_name, spec)
    if fmt == "xlsx":
        count_sql = f"SELECT COUNT(*) FROM ({sql}) AS counted"  # noqa: S608 - built from whitelisted names
        with connection.cursor() as cursor:
            cursor.execute(count_sql, params)
            if cursor.fetchone()[0] > export.XLSX_MAX_ROWS:
                raise DeliveryError(400, "too_many_rows",
                                    _("记录数超过 Excel 工作表上限（1,048,575 行），请加筛选条件或改用 CSV、Parquet"))
    start = call.audit(detail={"format": fmt, "phase": "start"})
    content_type, extension = export.FORMATS[fmt]
    response = StreamingHttpResponse(_audited_stream(call, start, sql, params, spec.columns, fmt),
                                     content_type=content_type)
    response["Content-Disposition"] = export.content_disposition(access.resource, extension)
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _audited_stream(call, start, sql, params, columns, fmt):
    counter = {"rows": 0, "bytes": 0}
    phase, result = "complete", "success"
    try:
        yield from export.stream_rows(sql, params, columns, fmt, counter)
    except GeneratorExit:
        phase, result = "aborted", "error"
        raise
    except Exception:
        phase, result = "failed", "error"
        raise
    finally:
        detail = {"format": fmt, "phase": phase, "start_entry": start.pk, "bytes": counter["bytes"]}
        if counter.get("replaced"):
            detail["replaced_characters"] = counter["replaced"]
        call.audit(result=result, record_count=counter["rows"], detail=detail)


# ---- change feed ------------------------------------------------------------------------------------------------

_CURSOR = re.compile(r"^(\d{1,10}):(\d{1,19})$")


def _table_epoch(data_table):
    from govshare.datastore.models import DataTable

    return DataTable.objects.filter(pk=data_table.pk).values_list("epoch", flat=True).first()


@endpoint("sync", ("GET",))
def changes(request, call):
    access = call.access
    table = access.data_table
    text = request.GET.get("cursor", "").strip()
    try:
        limit = int(request.GET.get("limit") or CHANGES_LIMIT)
        if not 1 <= limit <= CHANGES_LIMIT:
            raise ValueError(limit)
    except ValueError:
        raise DeliveryError(400, "invalid", _("每页条数须为 1 到 %(n)s 之间的整数") % {"n": CHANGES_LIMIT},
                            fields={"limit": [_("取值无效")]}) from None
    reset, since = False, 0
    if text:
        match = _CURSOR.match(text)
        if not match or int(match.group(1)) > table.epoch:
            raise DeliveryError(400, "invalid", _("同步游标无效，格式为“版本:序号”"),
                                fields={"cursor": [_("游标无效")]})
        epoch, since = int(match.group(1)), int(match.group(2))
        if epoch < table.epoch:  # the table was replaced since: start again from the beginning
            reset, since = True, 0
    else:
        reset = True
    call.items = [column.column for column in access.columns]
    call.filter = {"cursor": text or None}
    sql = query.changes_sql(table.table_name, access.columns, limit=limit)
    with connection.cursor() as cursor:
        cursor.execute(sql, [since])
        rows = cursor.fetchall()
    if _table_epoch(table) != table.epoch:
        # Replaced while we read: what we read may be of either table; the client restarts from the new epoch.
        call.audit(record_count=0, detail={"reset": True, "race": True})
        return _json({"reset": True, "cursor": None, "columns": _columns_meta(access.columns), "records": [],
                      "has_more": True})
    has_more = len(rows) > limit
    rows = rows[:limit]
    last_seq = rows[-1][1] if rows else since
    names = ["_row_id", "_seq", *(column.column for column in access.columns)]
    convert = [None, None, *query.converters(access.columns)]
    records = [{n: (fn(v) if fn else v) for n, fn, v in zip(names, convert, row, strict=True)} for row in rows]
    cursor_text = f"{table.epoch}:{last_seq}"
    call.audit(record_count=len(records), detail={"reset": reset, "from": since, "to": last_seq})
    return _json({"reset": reset, "cursor": cursor_text, "columns": _columns_meta(access.columns),
                  "records": records, "has_more": has_more})


# ---- API proxy --------------------------------------------------------------------------------------------------

_http_client = None


def _client():
    global _http_client  # noqa: PLW0603 - one pooled client per process
    if _http_client is None:
        # trust_env=False: no proxy from the environment may see the provider's credential. A jar that accepts no
        # cookie: the pooled client serves every consumer, so a provider's Set-Cookie must not ride on later calls.
        _http_client = httpx.Client(follow_redirects=False, trust_env=False,
                                    cookies=CookieJar(policy=DefaultCookiePolicy(allowed_domains=[])))
    return _http_client


@endpoint("proxy", None, need_table=False)
def proxy(request, call, path=""):
    endpoint_row = ApiEndpoint.objects.filter(resource_id=call.access.resource.pk, is_active=True).first()
    call.filter = {"method": request.method, "path": "/" + path}
    if endpoint_row is None:
        raise DeliveryError(404, "no_api", _("该资源未挂接可用的接口"))
    if request.method not in endpoint_row.methods:
        raise DeliveryError(405, "method_not_allowed", _("该接口不允许 %(m)s 方法") % {"m": request.method},
                            headers={"Allow": ", ".join(endpoint_row.methods)})
    if any(part in ("..", ".") for part in path.split("/")):
        raise DeliveryError(400, "invalid", _("接口路径无效"))
    url = endpoint_row.base_url.rstrip("/") + ("/" + path if path else "")
    params = [(name, value) for name, values in request.GET.lists() for value in values if name != "purpose"]
    headers = {name: request.headers[name] for name in PROXY_REQUEST_HEADERS if name in request.headers}
    headers["X-Purpose"] = request.META.get("HTTP_X_PURPOSE") or _quote_purpose(call.purpose)
    if endpoint_row.auth_header_name:
        headers[endpoint_row.auth_header_name] = endpoint_row.auth_header_value
    try:
        upstream = _client().request(
            request.method, url, params=params, headers=headers,
            content=request.body if request.method not in ("GET", "HEAD") else None,
            timeout=endpoint_row.timeout_seconds,
        )
    except httpx.TimeoutException:
        raise DeliveryError(504, "upstream_timeout", _("提供方接口响应超时"), result="error") from None
    except httpx.HTTPError:
        raise DeliveryError(502, "upstream_error", _("无法连接提供方接口"), result="error") from None
    if upstream.status_code >= 500:
        raise DeliveryError(502, "upstream_error", _("提供方接口返回错误（HTTP %(s)s）") % {"s": upstream.status_code},
                            result="error")
    if len(upstream.content) > PROXY_MAX_BYTES:
        raise DeliveryError(502, "upstream_too_large", _("提供方接口返回的数据过大"), result="error")
    call.audit(record_count=0, detail={"status": upstream.status_code, "bytes": len(upstream.content)})
    response = HttpResponse(upstream.content, status=upstream.status_code)
    for name in PROXY_RESPONSE_HEADERS:
        if name in upstream.headers:
            response[name] = upstream.headers[name]
    return response


def _quote_purpose(text):
    from urllib.parse import quote as url_quote

    return url_quote(text, safe="")


# ---- mounted files ----------------------------------------------------------------------------------------------


@endpoint("query", ("GET",), need_table=False)
def file_list(request, call):
    """The resource's mounted files (metadata only; each entry names its download URL)."""
    rows = files.list_files(call.access.resource.pk)
    call.audit(record_count=0, detail={"files": len(rows)})
    return _json({"files": rows, "count": len(rows)}, headers={"Cache-Control": "no-store"})


@endpoint("download", ("GET",), need_table=False)
def file_download(request, call, file_id):
    """One mounted file, streamed; audited (record_count 1) once it is open and before its first byte is sent. A
    client that already holds this content (If-None-Match) gets 304, audited with record_count 0."""
    data_file = files.file_of(call.access.resource.pk, file_id)
    detail = files.audit_detail(data_file)
    if files.matches_etag(request, data_file):
        call.audit(record_count=0, detail={**detail, "not_modified": True})
        return files.not_modified_response(data_file)
    stream = files.open_stored(data_file)
    try:
        call.audit(record_count=1, detail=detail)
        return files.file_response(data_file, stream)
    except BaseException:
        stream.close()
        raise

"""Mounting tables (库表挂接): create a resource's table and load files into it, all or nothing.

A load reads the file (reader), checks every value column-wise (validation) and, only when the whole file is
valid, writes it (storage) in ONE transaction together with the DataTable's counters and the TableLoad's final
state: a rejected, failed or killed load changes nothing. A file with any error is rejected as a whole, with an
error report (CSV, UTF-8 with BOM: 行号,列,值,问题) under GOVSHARE_DATA_DIR/loads/.

Progress while a load runs. Reading and checking happen before the write transaction, so the TableLoad row is
updated directly (and committed) as they go. During the write transaction:
- on PostgreSQL, progress is written through a second, autocommit connection, so the page polling the TableLoad
  sees it while the load's own transaction is still open;
- on SQLite a second writer would wait for the load's write lock, so progress is kept in the cache
  (`load_progress()` merges it; shared between processes when the cache is Redis) and written to the row at
  the end of each phase.
The process running a load is recorded (host:pid) with a heartbeat; `mark_stale_loads()` (run periodically and
before each load) marks a load whose process died as failed. Its transaction was rolled back by the database.
"""

import logging
import os
import shutil
import socket
import time
import uuid
from pathlib import Path

import polars as pl
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from govshare.catalog.models import InfoItem, Resource
from govshare.catalog.semantics import item_kind
from govshare.core.context import acting_as
from govshare.delivery.masking import MASKED_COLUMN_SUFFIX, stores_mask
from govshare.users.choices import RoleChoices

from . import storage
from .choices import LoadModeChoices, LoadPhaseChoices, LoadStatusChoices
from .models import MOUNT_ROLES, DataTable, TableLoad
from .reader import FileError, LoadRejected, read_source
from .validation import validate

__all__ = [
    "add_masked_columns",
    "can_mount",
    "column_definitions",
    "ensure_table",
    "load_file",
    "load_progress",
    "mark_stale_loads",
    "run_load",
    "save_upload",
    "start_load",
    "table_name_for",
]

logger = logging.getLogger(__name__)

DEFAULT_MAX_BYTES = 2 * 1024**3
# Errors listed in TableLoad.message; the report has them all.
MESSAGE_ERRORS = 20
# A running load whose heartbeat is older than this is taken as dead (SQLite writes none during the write phase).
DEFAULT_STALE_SECONDS = 30 * 60
PROGRESS_FIELDS = ("progress", "phase", "rows_read", "rows_loaded", "heartbeat_at")


def _setting(name, default):
    return getattr(settings, name, default)


def max_bytes() -> int:
    """The largest file a load accepts (GOVSHARE_MOUNT_MAX_BYTES, default 2 GiB)."""
    return int(_setting("GOVSHARE_MOUNT_MAX_BYTES", DEFAULT_MAX_BYTES))


def loads_dir() -> Path:
    path = Path(settings.DATA_DIR) / "loads"
    path.mkdir(parents=True, exist_ok=True)
    return path


# ---------------------------------------------------------------------------------------------------------------
# Permissions

def can_mount(user, resource) -> bool:
    """Platform admins, and the provider department's data providers and department admins."""
    if user is None or not user.is_authenticated:
        return False
    if user.is_superuser or user.has_role(RoleChoices.PLATFORM_ADMIN):
        return True
    return bool(user.department_id) and user.department_id == resource.provider_id and user.has_role(*MOUNT_ROLES)


def _check_can_mount(user, resource):
    if user is not None and not can_mount(user, resource):
        raise PermissionDenied(_("只有资源提供部门的数据提供方、部门管理员或平台管理员可以挂接数据"))


# ---------------------------------------------------------------------------------------------------------------
# The table

def table_name_for(resource) -> str:
    return f"gsd_{resource.pk}"


def _column_name(code: str, position: int, used: set) -> str:
    import re

    name = (code or "").strip().lower()
    # "__" is refused: it separates a filter's operator (col__gte) and names the shadow columns (col__m).
    if not re.fullmatch(r"[a-z][a-z0-9_]{0,49}", name) or "__" in name or name in used:
        name = f"f{position}"
        suffix = 1
        while name in used:
            suffix += 1
            name = f"f{position}_{suffix}"
    used.add(name)
    return name


def column_definitions(resource, previous=None) -> list[dict]:
    """The table columns of a resource's info items, in item order; an item keeps the column name it had."""
    kept = {column["item_id"]: column["column"] for column in previous or []}
    used = set(kept.values())
    columns = []
    for position, item in enumerate(resource.items.order_by("position", "id"), start=1):
        column = kept.get(item.pk)
        if column is None:
            column = _column_name(item.code, position, used)
        columns.append({
            "item_id": item.pk,
            "name": item.name,
            "code": item.code,
            "column": column,
            "data_type": item.data_type,
            "length": item.length,
            "kind": item_kind(item.name, item.code),
            "sensitive": item.is_sensitive,
        })
    return _name_masked_columns(columns)


def _name_masked_columns(columns) -> list[dict]:
    """Give every column whose mask can be stored its shadow column's name, "masked_column": `<column>__m` (with a
    number added in the rare case an older column already has that name)."""
    used = {column["column"] for column in columns}
    for column in columns:
        column.pop("masked_column", None)
        if stores_mask(column):
            name = f"{column['column']}{MASKED_COLUMN_SUFFIX}"
            number = 1
            while name in used:
                number += 1
                name = f"{column['column']}{MASKED_COLUMN_SUFFIX}{number}"
            used.add(name)
            column["masked_column"] = name
    return columns


def _keep_physical_masked_columns(columns, previous) -> list[dict]:
    """For a load into the table as it is (append, upsert): the shadow columns are the ones the table was built
    with. A column keeps its shadow while its kind is the one the shadow masks by; a table from before shadows, or
    a column whose kind changed since, is masked by the expression until the next replace rebuilds the table."""
    built = {column["item_id"]: column for column in previous}
    for column in columns:
        column.pop("masked_column", None)
        before = built.get(column["item_id"], {})
        if before.get("masked_column") and before.get("kind") == column["kind"]:
            column["masked_column"] = before["masked_column"]
    return columns


def _resolve_key_item(resource, key_item):
    """The InfoItem given as an instance, an id, or a code / column name / item name; None for none."""
    if key_item in (None, ""):
        return None
    items = InfoItem.objects.filter(resource=resource)
    if isinstance(key_item, InfoItem):
        found = items.filter(pk=key_item.pk).first()
    elif isinstance(key_item, int) or (isinstance(key_item, str) and key_item.isdigit() and
                                       not items.filter(code__iexact=key_item).exists()):
        found = items.filter(pk=int(key_item)).first()
    else:
        text = str(key_item).strip()
        found = items.filter(code__iexact=text).first() or items.filter(name=text).first()
        if found is None:
            data_table = DataTable.objects.filter(resource=resource).first()
            column = next((c for c in (data_table.columns if data_table else []) if c["column"] == text.lower()),
                          None)
            found = items.filter(pk=column["item_id"]).first() if column else None
    if found is None:
        raise ValidationError({"key_item": [_("主键信息项“%(key)s”不是本资源的信息项") % {"key": key_item}]})
    return found


@transaction.atomic
def ensure_table(resource, *, key_item=None, user=None) -> DataTable:
    """Create the resource's DataTable and its empty physical table, or return the existing one; with `key_item`,
    make it the key (a unique index; refused when the loaded rows repeat a value)."""
    if isinstance(resource, DataTable):
        resource = resource.resource
    _check_can_mount(user, resource)
    if resource.status == "withdrawn":
        raise ValidationError(_("已注销的资源不能挂接数据"))
    key = _resolve_key_item(resource, key_item)
    data_table = DataTable.objects.select_for_update().filter(resource=resource).first()
    with acting_as(user):
        if data_table is None:
            columns = column_definitions(resource)
            if not columns:
                raise ValidationError(_("资源没有信息项，不能挂接库表"))
            data_table = DataTable(resource=resource, table_name=table_name_for(resource), columns=columns,
                                   key_item=key)
            storage.drop_table(data_table.table_name)
            storage.create_table(data_table.table_name, columns, data_table.key_column)
            data_table.save()
            return data_table
        if not storage.table_exists(data_table.table_name):
            storage.create_table(data_table.table_name, data_table.columns, data_table.key_column)
        if key is not None and key.pk != data_table.key_item_id:
            data_table.key_item = key
            if data_table.key_column is None:
                raise ValidationError({"key_item": [_("主键信息项尚未建成库表的列，请先用全量替换加载")]})
            try:
                with transaction.atomic():
                    storage.ensure_key_index(data_table.table_name, data_table.key_column)
            except IntegrityError as exc:
                raise ValidationError({"key_item": [_("库表已有数据中“%(name)s”有重复值或空值，不能作为主键")
                                                    % {"name": key.name}]}) from exc
            data_table.save()
    return data_table


@transaction.atomic
def add_masked_columns(data_table, *, user=None) -> DataTable:
    """Give a table built before shadow columns its shadows (PostgreSQL: one table rewrite, under an exclusive lock
    for its duration); until then, or on SQLite where only a replace load adds them, the data plane masks by
    expression. Columns that already have a shadow are left as they are."""
    if isinstance(data_table, Resource):
        data_table = data_table.data_table
    _check_can_mount(user, data_table.resource)
    table = DataTable.objects.select_for_update().get(pk=data_table.pk)
    columns = [dict(column) for column in table.columns]
    named = _name_masked_columns([dict(column) for column in columns])
    # Existing shadows keep their names; the new ones must not take a name already in the table (a shadow left
    # unused after its item changed kind is still there).
    with connection.cursor() as cursor:
        taken = {column.name for column in connection.introspection.get_table_description(cursor, table.table_name)}
    added = []
    for column, proposed in zip(columns, named, strict=True):
        if column.get("masked_column") or not proposed.get("masked_column"):
            continue
        name, number = proposed["masked_column"], 1
        while name in taken:
            number += 1
            name = f"{column['column']}{MASKED_COLUMN_SUFFIX}{number}"
        taken.add(name)
        column["masked_column"] = name
        added.append(column)
    if added and storage.add_masked_columns(table.table_name, added):
        table.columns = columns
        with acting_as(user):
            table.save()
    data_table.refresh_from_db()
    return data_table


# ---------------------------------------------------------------------------------------------------------------
# Starting a load

def _create_load(data_table, path, *, mode, key_item, user, source_name, remove_source=False) -> TableLoad:
    if isinstance(data_table, Resource):
        data_table = ensure_table(data_table, user=user)
    resource = data_table.resource
    _check_can_mount(user, resource)
    if mode not in LoadModeChoices.values:
        raise ValidationError({"mode": [_("加载方式应为 replace（全量替换）、append（追加）或 upsert（按主键更新）")]})
    key = _resolve_key_item(resource, key_item) if key_item not in (None, "") else data_table.key_item
    if mode == LoadModeChoices.UPSERT and key is None:
        raise ValidationError({"key_item": [_("按主键更新需要指定主键信息项")]})
    if (mode != LoadModeChoices.REPLACE and data_table.key_item_id and key is not None
            and key.pk != data_table.key_item_id):
        raise ValidationError({"key_item": [_("库表的主键是“%(name)s”，追加和按主键更新只能用它；更换主键请用全量替换")
                                            % {"name": data_table.key_item.name}]})
    path = Path(path)
    for _attempt in range(5):
        number = (data_table.loads.aggregate(top=Max("number"))["top"] or 0) + 1
        try:
            with transaction.atomic():
                return TableLoad.objects.create(
                    data_table=data_table, number=number, mode=mode, key_item=key, user=user,
                    source_name=(source_name or path.name)[:255], source_path=str(path)[:500],
                    phase=LoadPhaseChoices.QUEUED,
                )
        except IntegrityError:
            continue  # another load took the number at the same moment
    raise ValidationError(_("同时提交的加载过多，请稍后重试"))


def load_file(data_table, path, *, mode, key_item=None, user=None, source_name="", progress=None) -> TableLoad:
    """Validate the file and load it into the table now (the CLI and the background job use this); returns the
    TableLoad, succeeded, rejected (with its error report) or failed. `progress(load)` is called as it goes."""
    load = _create_load(data_table, path, mode=mode, key_item=key_item, user=user, source_name=source_name)
    return run_load(load, progress=progress)


def start_load(data_table, path, *, mode, key_item=None, user=None, source_name="", remove_source=False
               ) -> TableLoad:
    """Queue the load as a background job and return its TableLoad (status queued; poll it for progress).
    With `remove_source`, the file is deleted when the load is over (for uploads saved by `save_upload`)."""
    from .tasks import load_table_task

    load = _create_load(data_table, path, mode=mode, key_item=key_item, user=user, source_name=source_name)
    if settings.CELERY_TASK_ALWAYS_EAGER:
        load_table_task.delay(load.pk, remove_source=remove_source)
        load.refresh_from_db()
    else:
        transaction.on_commit(lambda: load_table_task.delay(load.pk, remove_source=remove_source))
    return load


def save_upload(uploaded_file) -> Path:
    """Keep an uploaded file under GOVSHARE_DATA_DIR/loads/uploads/ until its load has run; refuses one over the
    size limit before storing it."""
    if uploaded_file.size > max_bytes():
        from django.template.defaultfilters import filesizeformat

        raise ValidationError({"file": [_("文件大小%(size)s，超过上限%(limit)s") % {
            "size": filesizeformat(uploaded_file.size), "limit": filesizeformat(max_bytes())}]})
    folder = loads_dir() / "uploads" / uuid.uuid4().hex
    folder.mkdir(parents=True)
    path = folder / (get_valid_filename(Path(uploaded_file.name).name) or "upload")
    with path.open("wb") as target:
        for chunk in uploaded_file.chunks():
            target.write(chunk)
    return path


def remove_upload(path) -> None:
    """Delete a file saved by `save_upload` (and its folder); other paths are left alone."""
    path = Path(path)
    uploads = (loads_dir() / "uploads").resolve()
    if path.resolve().parent.parent == uploads:
        shutil.rmtree(path.resolve().parent, ignore_errors=True)


# ---------------------------------------------------------------------------------------------------------------
# Progress

def _progress_key(load_id) -> str:
    return f"datastore:load-progress:{load_id}"


def _worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def load_progress(load) -> dict:
    """The load's progress, phase and row counts: the row's, or fresher ones from the cache while it runs."""
    values = {field: getattr(load, field) for field in PROGRESS_FIELDS}
    if load.status == LoadStatusChoices.RUNNING:
        cached = cache.get(_progress_key(load.pk))
        if cached and (values["heartbeat_at"] is None or cached["heartbeat_at"] >= values["heartbeat_at"]):
            values.update(cached)
    return values


class _Reporter:
    """Records progress on the TableLoad: directly outside the write transaction; inside it, through a side
    connection (PostgreSQL) or the cache (SQLite). Writes on a phase change, every 5 points of progress, or after
    2 seconds."""

    def __init__(self, load, callback):
        self.load = load
        self.callback = callback
        self.in_transaction = False
        # A side connection only when this load owns its transaction: inside a caller's transaction the TableLoad
        # row is not committed (the side connection would not see it, or would wait on its lock).
        self.use_side = connection.vendor == "postgresql" and not connection.in_atomic_block
        self.side = None
        self.last_saved = 0.0
        self.saved_progress = 0

    def update(self, force=False, **fields):
        phase_changed = "phase" in fields and fields["phase"] != self.load.phase
        for name, value in fields.items():
            setattr(self.load, name, value)
        self.load.heartbeat_at = timezone.now()
        if (force or phase_changed or self.load.progress - self.saved_progress >= 5
                or time.monotonic() - self.last_saved >= 2):
            self.save()
        if self.callback is not None:
            self.callback(self.load)

    def save(self):
        self.last_saved = time.monotonic()
        self.saved_progress = self.load.progress
        values = {field: getattr(self.load, field) for field in PROGRESS_FIELDS}
        cache.set(_progress_key(self.load.pk), values, timeout=24 * 3600)
        if not self.in_transaction:
            TableLoad.objects.filter(pk=self.load.pk).update(**values)
        elif self.use_side:
            self._side_update(values)

    def _side_update(self, values):
        try:
            if self.side is None:
                from django.db.utils import load_backend

                backend = load_backend(connection.settings_dict["ENGINE"])
                self.side = backend.DatabaseWrapper(dict(connection.settings_dict), alias="datastore-progress")
                with self.side.cursor() as cursor:
                    cursor.execute("SET lock_timeout = '2s'")
            quote = self.side.ops.quote_name
            table = TableLoad._meta.db_table
            assignments = ", ".join(f"{quote(TableLoad._meta.get_field(f).column)} = %s" for f in values)
            with self.side.cursor() as cursor:
                cursor.execute(f"UPDATE {quote(table)} SET {assignments} WHERE id = %s",  # noqa: S608 - our names
                               [*values.values(), self.load.pk])
        except Exception:  # noqa: BLE001 - progress is advisory; the load goes on without it
            logger.debug("progress update failed", exc_info=True)

    def close(self):
        if self.side is not None:
            try:
                self.side.close()
            except Exception:  # noqa: BLE001
                logger.debug("closing the progress connection failed", exc_info=True)
            self.side = None
        cache.delete(_progress_key(self.load.pk))


# ---------------------------------------------------------------------------------------------------------------
# Running a load

def run_load(load, *, progress=None) -> TableLoad:
    """Run a created TableLoad: read, check, and write all or nothing. Never raises for bad data or a failed
    write: the TableLoad says what happened (KeyboardInterrupt and the like are recorded and re-raised)."""
    reporter = _Reporter(load, progress)
    try:
        mark_stale_loads()
        load.status = LoadStatusChoices.RUNNING
        load.started_at = timezone.now()
        load.worker = _worker_id()[:100]
        TableLoad.objects.filter(pk=load.pk).update(status=load.status, started_at=load.started_at,
                                                    worker=load.worker)
        reporter.update(phase=LoadPhaseChoices.READING, progress=1, force=True)
        data_table = DataTable.objects.select_related("resource", "key_item").get(pk=load.data_table_id)
        columns = _columns_for(load, data_table)
        key_column = _key_column(load, columns)
        source = read_source(load.source_path, max_bytes=max_bytes())
        load.encoding = source.encoding
        TableLoad.objects.filter(pk=load.pk).update(encoding=load.encoding)
        reporter.update(phase=LoadPhaseChoices.VALIDATING, progress=10, rows_read=source.frame.height)
        validated = validate(source, columns, key_column=key_column)
        if validated.errors is not None:
            load.rows_rejected = validated.rows_rejected
            raise LoadRejected(validated.errors)
        del source
        reporter.update(phase=LoadPhaseChoices.WRITING, progress=30)
        _write(load, data_table, columns, key_column, validated.frame, reporter)
    except LoadRejected as exc:
        _reject(load, exc.errors)
    except Exception as exc:
        logger.exception("load %s failed", load.pk)
        _fail(load, exc)
    except BaseException as exc:
        _fail(load, exc)
        raise
    finally:
        reporter.close()
    return load


def _columns_for(load, data_table) -> list[dict]:
    """The columns this load writes: a replace rebuilds the table from the current info items; append and upsert
    write into the table as it is, so its items must not have changed type or been added or removed."""
    current = column_definitions(data_table.resource, previous=data_table.columns)
    if load.mode == LoadModeChoices.REPLACE:
        return current

    def shape(columns):
        return [(column["item_id"], column["column"], column["data_type"]) for column in columns]

    if shape(current) != shape(data_table.columns):
        raise LoadRejected([FileError(0, "", "", _(
            "资源的信息项在库表建成后有增删或改了数据类型，追加和按主键更新无法写入；请先用全量替换方式加载"))])
    return _keep_physical_masked_columns(current, data_table.columns)


def _key_column(load, columns) -> str | None:
    if load.key_item_id is None:
        return None
    column = next((column for column in columns if column["item_id"] == load.key_item_id), None)
    if column is None:
        raise LoadRejected([FileError(0, "", "", _("主键信息项已不在资源的信息项中"))])
    return column["column"]


def _write(load, data_table, columns, key_column, frame: pl.DataFrame, reporter):
    """Write the rows, the DataTable's counters and the TableLoad's result in one transaction."""
    rows = frame.height
    mode = load.mode

    def written(count):
        done = 30 + int(60 * count / max(rows, 1))
        if count >= rows and mode == LoadModeChoices.REPLACE:
            reporter.update(phase=LoadPhaseChoices.INDEXING, progress=90, rows_loaded=count)
        else:
            reporter.update(progress=min(done, 90), rows_loaded=count)

    writer = storage.TableWriter(columns, chunk_rows=_setting("GOVSHARE_MOUNT_CHUNK_ROWS", 100_000), progress=written)
    with transaction.atomic():
        reporter.in_transaction = True
        try:
            table = DataTable.objects.select_for_update().get(pk=data_table.pk)
            name = table.table_name
            if mode == LoadModeChoices.REPLACE:
                writer.replace(name, frame, key_column)
                table.row_count, table.last_seq = rows, rows
            else:
                first_seq = table.last_seq + 1
                if key_column:
                    _ensure_key(table, key_column, load)
                    writer.stage(frame, first_seq)
                    if mode == LoadModeChoices.APPEND:
                        _refuse_existing_keys(writer, name, key_column, columns)
                    writer.apply_stage(name, key_column, update=mode == LoadModeChoices.UPSERT)
                else:
                    writer.append(name, frame, first_seq)
                table.row_count = (storage.TableWriter.count(name) if mode == LoadModeChoices.UPSERT
                                   else table.row_count + rows)
                table.last_seq = table.last_seq + rows
            # Versions go up by one per successful load (the load's number when loads ran in order); a replace
            # starts a new epoch, so change-feed cursors of the old data are told to start over.
            table.version = max(table.version + 1, load.number)
            if mode == LoadModeChoices.REPLACE:
                table.epoch = table.version
            table.columns = columns
            table.key_item_id = load.key_item_id if load.key_item_id else (
                None if mode == LoadModeChoices.REPLACE else table.key_item_id)
            table.last_loaded_at = timezone.now()
            with acting_as(load.user):
                table.save()
            load.status = LoadStatusChoices.SUCCEEDED
            load.rows_loaded = rows
            load.progress = 100
            load.phase = LoadPhaseChoices.DONE
            load.finished_at = timezone.now()
            load.heartbeat_at = load.finished_at
            load.message = _("已加载%(rows)d行（%(mode)s），库表现有%(total)d行，数据版本%(version)d") % {
                "rows": rows, "mode": LoadModeChoices.label(mode), "total": table.row_count,
                "version": table.version,
            }
            load.save()
        finally:
            reporter.in_transaction = False
    data_table.refresh_from_db()


def _ensure_key(table, key_column, load):
    """Append and upsert need the unique index on the key; a table without a key gets one (if its rows allow)."""
    if table.key_item_id == load.key_item_id:
        return
    try:
        with transaction.atomic():
            storage.ensure_key_index(table.table_name, key_column)
    except IntegrityError as exc:
        raise LoadRejected([FileError(0, key_column, "", _(
            "库表已有数据中主键列有重复值，不能按此主键追加或更新；请用全量替换"))]) from exc


def _refuse_existing_keys(writer, table, key_column, columns):
    conflicts = writer.staged_conflicts(table, key_column, limit=1000)
    if conflicts:
        name = next(column["name"] for column in columns if column["column"] == key_column)
        raise LoadRejected([
            FileError(row, name, key, _("主键已存在于库表中：追加不能覆盖已有数据（要更新请用按主键更新）"))
            for row, key in conflicts
        ])


def _errors_frame(errors) -> pl.DataFrame:
    if isinstance(errors, pl.DataFrame):
        return errors
    return pl.DataFrame(
        {"row": [e.row for e in errors], "column": [e.column for e in errors], "value": [e.value for e in errors],
         "message": [str(e.message) for e in errors]},
        schema={"row": pl.Int64, "column": pl.String, "value": pl.String, "message": pl.String},
    )


def _reject(load, errors):
    """Record a rejected load with its error report; the table is untouched."""
    frame = _errors_frame(errors)
    report = loads_dir() / f"load-{load.pk}-errors.csv"
    frame.select(
        pl.when(pl.col("row") > 0).then(pl.col("row")).alias("行号"),
        pl.col("column").alias("列"),
        pl.col("value").alias("值"),
        pl.col("message").alias("问题"),
    ).write_csv(report, include_bom=True)
    rows = frame.filter(pl.col("row") > 0)["row"].n_unique()
    first = [FileError(*values) for values in frame.head(MESSAGE_ERRORS).iter_rows()]
    lines = [_("文件未通过校验，整个文件没有加载，库表数据不变。共%(n)d处问题%(rows)s。") % {
        "n": frame.height, "rows": _("，涉及%(rows)d行") % {"rows": rows} if rows else ""}]
    lines += [str(error) for error in first]
    if frame.height > MESSAGE_ERRORS:
        lines.append(_("……其余%(n)d处见错误报告") % {"n": frame.height - MESSAGE_ERRORS})
    load.status = LoadStatusChoices.REJECTED
    load.rows_rejected = load.rows_rejected or rows
    load.message = "\n".join(lines)
    load.error_report_path = str(report)
    _finish(load)


def _fail(load, exc):
    load.status = LoadStatusChoices.FAILED
    detail = str(exc).strip().splitlines()[0][:500] if str(exc).strip() else type(exc).__name__
    load.message = _("加载失败，库表数据不变：%(error)s") % {"error": detail}
    _finish(load)


def _finish(load):
    load.finished_at = timezone.now()
    load.phase = LoadPhaseChoices.DONE
    load.rows_loaded = 0
    try:
        TableLoad.objects.filter(pk=load.pk).update(
            status=load.status, message=load.message, error_report_path=load.error_report_path,
            rows_read=load.rows_read, rows_loaded=0, rows_rejected=load.rows_rejected, phase=load.phase,
            finished_at=load.finished_at, heartbeat_at=load.finished_at, encoding=load.encoding,
        )
    except Exception:  # noqa: BLE001 - the database may be what failed; mark_stale_loads catches up later
        logger.exception("could not record the end of load %s", load.pk)


def mark_stale_loads(*, now=None) -> int:
    """Mark as failed the running loads whose process is gone (same host, pid not alive) or silent too long; their
    transaction was rolled back, so their table is as before. Returns how many."""
    now = now or timezone.now()
    stale_after = int(_setting("GOVSHARE_MOUNT_STALE_SECONDS", DEFAULT_STALE_SECONDS))
    host, own = socket.gethostname(), _worker_id()
    marked = 0
    for load in TableLoad.objects.filter(status=LoadStatusChoices.RUNNING).only("pk", "worker", "heartbeat_at",
                                                                                "started_at"):
        if load.worker == own:
            continue
        worker_host, _sep, pid = load.worker.rpartition(":")
        dead = worker_host == host and pid.isdigit() and not _process_alive(int(pid))
        last_sign = load.heartbeat_at or load.started_at
        silent = last_sign is not None and (now - last_sign).total_seconds() > stale_after
        if dead or silent:
            marked += TableLoad.objects.filter(pk=load.pk, status=LoadStatusChoices.RUNNING).update(
                status=LoadStatusChoices.FAILED, phase=LoadPhaseChoices.DONE, finished_at=now, rows_loaded=0,
                message=_("加载进程已中断（进程退出或长时间没有响应），本次加载没有生效，库表数据不变"),
            )
    return marked


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True

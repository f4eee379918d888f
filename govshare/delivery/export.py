"""Bulk download writers: each turns a SELECT into a stream of bytes in one format, with flat memory.

On PostgreSQL, CSV is the database's own `COPY (SELECT …) TO STDOUT` streamed through in 256 KB chunks (the
masking is in the SELECT: the shadow columns masked at load time); the other formats read the rows through a
server-side cursor in batches. On SQLite a plain cursor is iterated with fetchmany, which also reads as it goes.

GBK (`csv-gbk`, for spreadsheet programs of Chinese Windows) cannot hold every character (rare given-name
characters outside GB 2312/GBK are the usual case). They are replaced by "?" rather than failing half way through
a stream; the download's completion audit entry records how many were replaced, and UTF-8 CSV keeps them all.
"""

import codecs
import csv
import datetime as dt
import io
import json
import os
import re
import tempfile

from django.db import connection, transaction

from .query import converters, json_value

__all__ = ["CHUNK_BYTES", "FORMATS", "XLSX_MAX_ROWS", "content_disposition", "stream_rows"]

CHUNK_BYTES = 256 * 1024
FETCH_ROWS = 5000
XLSX_MAX_ROWS = 1_048_575  # a worksheet's 1,048,576 rows less the header
UTF8_BOM = codecs.BOM_UTF8

# format → (content type, file extension)
FORMATS = {
    "csv": ("text/csv; charset=utf-8", "csv"),
    "csv-gbk": ("text/csv; charset=gbk", "csv"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    "jsonl": ("application/x-ndjson; charset=utf-8", "jsonl"),
    "parquet": ("application/vnd.apache.parquet", "parquet"),
}


def content_disposition(resource, extension: str) -> str:
    from urllib.parse import quote as url_quote

    stem = re.sub(r"[^A-Za-z0-9._-]+", "_", str(resource.code or f"resource-{resource.pk}")).strip("_")
    stamp = dt.date.today().strftime("%Y%m%d")
    readable = f"{resource.name}_{stamp}.{extension}"
    return f"attachment; filename=\"{stem}_{stamp}.{extension}\"; filename*=UTF-8''{url_quote(readable)}"


def stream_rows(sql, params, columns, fmt, counter):
    """The download as byte chunks; counter gets "rows" (and "replaced" for csv-gbk) as it goes."""
    counter.setdefault("rows", 0)
    counter.setdefault("bytes", 0)
    if fmt in ("csv", "csv-gbk"):
        chunks = _pg_copy_csv(sql, params, counter) if connection.vendor == "postgresql" else _csv(
            sql, params, columns, counter
        )
        if fmt == "csv":
            yield UTF8_BOM
            counter["bytes"] += len(UTF8_BOM)
            for chunk in chunks:
                counter["bytes"] += len(chunk)
                yield chunk
        else:
            for chunk in _to_gbk(chunks, counter):
                counter["bytes"] += len(chunk)
                yield chunk
        return
    writer = {"xlsx": _xlsx, "jsonl": _jsonl, "parquet": _parquet}[fmt]
    for chunk in writer(sql, params, columns, counter):
        counter["bytes"] += len(chunk)
        yield chunk


# ---- reading ----------------------------------------------------------------------------------------------------


def _batches(sql, params):
    """Rows in batches of FETCH_ROWS: a server-side cursor on PostgreSQL (inside a transaction, so nothing is
    materialised), a plain cursor on SQLite (no transaction: an IMMEDIATE one would lock out writers)."""
    if connection.vendor == "postgresql":
        with transaction.atomic(), connection.chunked_cursor() as cursor:
            cursor.execute(sql, params)
            while rows := cursor.fetchmany(FETCH_ROWS):
                yield rows
    else:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            while rows := cursor.fetchmany(FETCH_ROWS):
                yield rows


def _pg_copy_csv(sql, params, counter):
    connection.ensure_connection()
    raw = connection.connection
    with raw.cursor() as cursor:
        with cursor.copy(f"COPY ({sql}) TO STDOUT WITH (FORMAT csv, HEADER true)", params) as copy:
            buffer = bytearray()
            for data in copy:
                buffer += data
                if len(buffer) >= CHUNK_BYTES:
                    yield bytes(buffer)
                    buffer.clear()
            if buffer:
                yield bytes(buffer)
        counter["rows"] = max(cursor.rowcount, 0)


def _csv_text(value, data_type):
    if value is None:
        return ""
    if data_type == "L" and not isinstance(value, str):
        return "t" if value else "f"  # as PostgreSQL's COPY writes booleans
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    return value


def _csv(sql, params, columns, counter):
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([column.column for column in columns])
    types = [None if column.masked else column.data_type for column in columns]
    plain = not any(t in ("L", "T") for t in types)
    for rows in _batches(sql, params):
        if plain:
            writer.writerows(rows)
        else:
            writer.writerows([[_csv_text(v, t) for v, t in zip(row, types, strict=True)] for row in rows])
        counter["rows"] += len(rows)
        if buffer.tell() >= CHUNK_BYTES // 2:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue().encode("utf-8")


def _to_gbk(chunks, counter):
    decoder = codecs.getincrementaldecoder("utf-8")()
    counter.setdefault("replaced", 0)
    for chunk in chunks:
        text = decoder.decode(chunk)
        try:
            yield text.encode("gbk")
        except UnicodeEncodeError:
            encoded = text.encode("gbk", errors="replace")
            counter["replaced"] += encoded.count(b"?") - text.count("?")
            yield encoded
    tail = decoder.decode(b"", final=True)
    if tail:
        yield tail.encode("gbk", errors="replace")


# ---- other formats ----------------------------------------------------------------------------------------------


def _jsonl(sql, params, columns, counter):
    names = [column.column for column in columns]
    convert = converters(columns)
    buffer = []
    size = 0
    dumps = json.JSONEncoder(ensure_ascii=False, default=json_value, separators=(",", ":")).encode
    for rows in _batches(sql, params):
        for row in rows:
            record = {name: (fn(value) if fn else value) for name, fn, value in zip(names, convert, row, strict=True)}
            line = dumps(record) + "\n"
            buffer.append(line)
            size += len(line)
        counter["rows"] += len(rows)
        if size >= CHUNK_BYTES // 3:
            yield "".join(buffer).encode("utf-8")
            buffer, size = [], 0
    if buffer:
        yield "".join(buffer).encode("utf-8")


_ILLEGAL_XLSX = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _xlsx_value(value):
    if isinstance(value, str):
        return _ILLEGAL_XLSX.sub("", value)
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.replace(tzinfo=None)
    return value


def _xlsx(sql, params, columns, counter):
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("data")
    sheet.append([column.column for column in columns])
    convert = converters(columns)
    for rows in _batches(sql, params):
        for row in rows:
            sheet.append([_xlsx_value(fn(v) if fn else v) for fn, v in zip(convert, row, strict=True)])
        counter["rows"] += len(rows)
    # The workbook is zipped only when saved: write it to a temporary file, then stream that.
    handle, path = tempfile.mkstemp(prefix="govshare-xlsx-", suffix=".xlsx")
    os.close(handle)
    try:
        workbook.save(path)
        with open(path, "rb") as file:
            while chunk := file.read(CHUNK_BYTES):
                yield chunk
    finally:
        os.unlink(path)


class _Sink:
    """A write-only file for ParquetWriter whose bytes are taken out after each row group."""

    def __init__(self):
        self.parts = []
        self.position = 0
        self.closed = False

    def write(self, data):
        data = bytes(data)
        self.parts.append(data)
        self.position += len(data)
        return len(data)

    def tell(self):
        return self.position

    def flush(self):
        pass

    def close(self):
        self.closed = True

    def writable(self):
        return True

    def take(self) -> bytes:
        data = b"".join(self.parts)
        self.parts = []
        return data


def _parquet_type(column):
    import pyarrow as pa

    if column.masked:
        return pa.string()
    return {
        "I": pa.int64(), "B": pa.float64(), "F": pa.float64(), "D": pa.date32(), "T": pa.timestamp("us"),
        "L": pa.bool_(),
    }.get(column.data_type, pa.string())  # C, M, G text; N, Y exact decimal text (no scale is declared)


def _parquet_converter(column):
    if column.masked:
        return None
    data_type = column.data_type
    if data_type in ("N", "Y"):
        return lambda v: None if v is None else (v if isinstance(v, str) else str(v))
    if data_type == "D":
        return lambda v: dt.date.fromisoformat(v[:10]) if isinstance(v, str) else v
    if data_type == "T":
        return lambda v: dt.datetime.fromisoformat(v) if isinstance(v, str) else (
            v.replace(tzinfo=None) if isinstance(v, dt.datetime) and v.tzinfo else v
        )
    if data_type == "L":
        return lambda v: None if v is None else bool(v)
    if data_type in ("B", "F"):
        return lambda v: None if v is None else float(v)
    if data_type == "I":
        return lambda v: None if v is None else int(v)
    return lambda v: None if v is None else (v if isinstance(v, str) else str(v))


def _parquet(sql, params, columns, counter):
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = pa.schema([pa.field(column.column, _parquet_type(column)) for column in columns])
    convert = [_parquet_converter(column) for column in columns]
    sink = _Sink()
    writer = pq.ParquetWriter(sink, schema, compression="zstd")
    try:
        for rows in _batches(sql, params):
            arrays = []
            for index, (column, fn) in enumerate(zip(schema, convert, strict=True)):
                values = [row[index] for row in rows]
                if fn is not None:
                    values = [fn(v) for v in values]
                arrays.append(pa.array(values, type=column.type))
            writer.write_batch(pa.RecordBatch.from_arrays(arrays, schema=schema))
            counter["rows"] += len(rows)
            data = sink.take()
            if data:
                yield data
    finally:
        writer.close()
    data = sink.take()
    if data:
        yield data

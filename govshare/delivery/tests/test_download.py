"""Bulk download: every format parses back with the masked, filtered rows; audit before and after the stream."""

import csv
import io
import json

import pyarrow.parquet as pq
import pytest
from openpyxl import load_workbook

from govshare.core.testing import login_client

from .conftest import insert_rows, make_grant
from .helpers import BASE, assert_error, consumer, last_entries

pytestmark = pytest.mark.django_db


def download(client, world, **params):
    response = client.get(f"resources/{world['resource'].pk}/download", params)
    assert response.status_code == 200, getattr(response, "content", b"")
    assert "attachment;" in response["Content-Disposition"]
    return response, b"".join(response.streaming_content)


def test_csv_utf8_with_bom(world, grant):
    response, data = download(consumer(world["system"]), world, format="csv", ssjd="五星街道")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert len(rows) == 10
    assert rows[0]["sfzh"] == "320902********0011" and rows[0]["xm"] == "李*" and rows[0]["nl"] == "21"
    assert rows[0]["csrq"] == "1981-01-01" and rows[0]["djsj"] == "2024-01-01 08:00:01" and rows[0]["sfyx"] == "t"
    assert list(rows[0]) == ["sfzh", "xm", "lxdh", "zz", "nl", "ysr", "csrq", "djsj", "sfyx", "ssjd"]


def test_csv_gbk_replaces_what_gbk_cannot_hold(world, grant):
    insert_rows(world["data_table"], [("320902199901019999", "李䶮", None, None, 99, None, None, None, True,
                                       "街道😀")])
    _response, data = download(consumer(world["system"]), world, format="csv-gbk", sort="-nl", fields="nl,ssjd")
    text = data.decode("gbk")
    lines = text.splitlines()
    assert lines[0] == "nl,ssjd" and lines[1] == "99,街道?" and lines[2] == "49,毓龙街道"
    complete = last_entries()[0]
    assert complete.detail["phase"] == "complete" and complete.detail["replaced_characters"] == 1
    assert complete.record_count == 31


def test_xlsx(world, grant):
    _response, data = download(consumer(world["system"]), world, format="xlsx", fields="sfzh,nl,csrq", nl__lt="23")
    sheet = load_workbook(io.BytesIO(data), read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("sfzh", "nl", "csrq")
    assert [r[:2] for r in rows[1:]] == [("320902********0000", 20), ("320902********0011", 21),
                                          ("320902********0022", 22)]


def test_jsonl(world, grant):
    _response, data = download(consumer(world["system"]), world, format="jsonl", sort="-nl")
    records = [json.loads(line) for line in data.decode("utf-8").splitlines()]
    assert len(records) == 30
    assert records[0]["nl"] == 49 and records[0]["xm"] == "赵*" and records[0]["sfyx"] is True
    assert records[0]["djsj"] == "2024-01-01 08:00:29"


def test_parquet(world, grant):
    insert_rows(world["data_table"], [("320902199901019999", None, None, None, None, None, None, None, None, None)])
    _response, data = download(consumer(world["system"]), world, format="parquet")
    table = pq.read_table(io.BytesIO(data))
    assert table.num_rows == 31
    assert table.schema.field("nl").type == "int64" and str(table.schema.field("csrq").type) == "date32[day]"
    rows = table.to_pylist()
    assert rows[0]["sfzh"] == "320902********0000" and rows[0]["nl"] == 20 and rows[0]["sfyx"] is False
    assert rows[-1]["nl"] is None and rows[-1]["xm"] is None


def test_two_audit_entries_start_before_data_and_completion_with_count(world, grant):
    client = consumer(world["system"])
    response = client.get(f"resources/{world['resource'].pk}/download", {"format": "jsonl", "nl__gte": "40"})
    start = last_entries()[0]
    # Written before the first byte: the stream has not been read yet.
    assert start.detail == {"format": "jsonl", "phase": "start"} and start.record_count == 0
    assert start.filter == {"nl__gte": 40} and start.purpose
    b"".join(response.streaming_content)
    complete = last_entries()[0]
    assert complete.pk != start.pk and complete.record_count == 10
    assert complete.detail["phase"] == "complete" and complete.detail["start_entry"] == start.pk


@pytest.mark.django_db(transaction=True)
def test_abandoned_stream_is_audited_as_aborted(world, grant):
    response = consumer(world["system"]).get(f"resources/{world['resource'].pk}/download", {"format": "csv"})
    next(iter(response.streaming_content))
    response.close()  # the client went away after the first chunk: the server closes the response
    entry = last_entries()[0]
    assert entry.detail["phase"] == "aborted" and entry.result == "error"


def test_bad_format_400(world, grant):
    response = consumer(world["system"]).get(f"resources/{world['resource'].pk}/download", {"format": "pdf"})
    assert_error(response, 400, "invalid", "format")


def test_session_download_takes_purpose_from_the_form(world):
    make_grant(world["resource"], world["civil"])
    client = login_client(world["consumer_user"])
    url = f"{BASE}/resources/{world['resource'].pk}/download"
    assert_error(client.get(url, {"format": "csv"}), 400, "purpose_required")
    response = client.get(url, {"format": "csv", "purpose": "年度统计"})
    assert response.status_code == 200
    assert len(b"".join(response.streaming_content).decode("utf-8-sig").splitlines()) == 31
    assert last_entries()[0].purpose == "年度统计"

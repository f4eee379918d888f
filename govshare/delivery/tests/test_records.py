"""Records, lookup and verify: granted columns only, masking as granted, filters, sort, keyset pages, bad input."""

import pytest
from django.db import connection

from govshare.audit.models import AuditEntry, AuditSubject
from govshare.delivery.access import visible_columns

from .conftest import insert_rows, make_grant, person_rows
from .helpers import assert_error, consumer, last_entries

pytestmark = pytest.mark.django_db


def path(world, endpoint):
    return f"resources/{world['resource'].pk}/{endpoint}"


def all_pages(client, world, params):
    records, after, pages = [], None, 0
    while True:
        response = client.get(path(world, "records"), {**params, **({"after": after} if after else {})})
        assert response.status_code == 200, response.content
        body = response.json()
        records.extend(body["records"])
        pages += 1
        if not body["has_more"]:
            assert body["next_cursor"] is None
            return records, pages
        after = body["next_cursor"]


def test_only_granted_items_masked_unless_clear(world):
    make_grant(world["resource"], world["civil"], system=world["system"], items=["sfzh", "xm", "lxdh", "nl", "zz"],
               clear=["lxdh"])
    body = consumer(world["system"]).get(path(world, "records"), {"limit": 1}).json()
    assert [c["column"] for c in body["columns"]] == ["sfzh", "xm", "lxdh", "zz", "nl"]
    assert {c["column"]: c["masked"] for c in body["columns"]} == {
        "sfzh": True, "xm": True, "lxdh": False, "zz": True, "nl": False
    }
    record = body["records"][0]
    assert set(record) == {"sfzh", "xm", "lxdh", "zz", "nl"}
    assert record["sfzh"] == "320902********0000"
    assert record["xm"] == "王**"
    assert record["lxdh"] == "13800000000"  # granted in clear
    assert record["zz"] == "江苏省盐城市***"
    assert record["nl"] == 20


def test_fields_filters_and_types(world, grant):
    client = consumer(world["system"])
    body = client.get(path(world, "records"), {"fields": "nl,ssjd,sfyx", "ssjd": "五星街道", "nl__gte": "30",
                                               "nl__lt": "45"}).json()
    assert [c["column"] for c in body["columns"]] == ["nl", "ssjd", "sfyx"]
    ages = [r["nl"] for r in body["records"]]
    assert ages == [30, 33, 36, 39, 42]
    assert all(r["ssjd"] == "五星街道" and isinstance(r["sfyx"], bool) for r in body["records"])
    body = client.get(path(world, "records"), {"fields": "nl", "nl__in": "21,23,99"}).json()
    assert [r["nl"] for r in body["records"]] == [21, 23]
    body = client.get(path(world, "records"), {"fields": "csrq,djsj", "csrq__gt": "1998-06-01"}).json()
    assert [r["csrq"] for r in body["records"]] == ["1999-01-01"]
    assert body["records"][0]["djsj"] == "2024-01-01 08:00:19"
    body = client.get(path(world, "records"), {"fields": "nl", "sfyx": "false", "nl__lte": "26"}).json()
    assert [r["nl"] for r in body["records"]] == [20, 23, 26]


def test_masked_column_equality_filter_but_no_range_or_sort(world, grant):
    client = consumer(world["system"])
    body = client.get(path(world, "records"), {"sfzh": "320902199001010100", "fields": "sfzh,nl"}).json()
    assert body["records"] == [{"sfzh": "320902********0100", "nl": 30}]
    body = client.get(path(world, "records"), {"xm__in": "赵敏,李四", "fields": "nl"}).json()
    assert len(body["records"]) == 12
    assert_error(client.get(path(world, "records"), {"sfzh__gte": "3209"}), 400, "invalid", "sfzh__gte")
    assert_error(client.get(path(world, "records"), {"sort": "xm"}), 400, "invalid", "sort")


def test_sql_looking_values_are_just_values(world, grant):
    client = consumer(world["system"])
    for value in ["' OR '1'='1", "1; DROP TABLE gsd_1; --", "\" OR 1=1 --", "五星街道' --"]:
        body = client.get(path(world, "records"), {"ssjd": value}).json()
        assert body["records"] == []
    body = client.get(path(world, "records"), {"ssjd__in": "五星街道,' OR 1=1 --"}).json()
    assert len(body["records"]) == 10
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(world['data_table'].table_name)}")
        assert cursor.fetchone()[0] == 30


def test_unknown_and_ungranted_columns_400_naming_them(world):
    make_grant(world["resource"], world["civil"], system=world["system"], items=["nl", "ssjd"])
    client = consumer(world["system"])
    body = assert_error(client.get(path(world, "records"), {"nope": "1", "xm": "王五", "nl__like": "2"}), 400,
                        "invalid", "nope", "xm", "nl__like")
    assert len(body["error"]["fields"]) == 3
    assert_error(client.get(path(world, "records"), {"fields": "nl,sfzh"}), 400, "invalid", "sfzh")
    assert_error(client.get(path(world, "records"), {"nl": "abc"}), 400, "invalid", "nl")
    assert_error(client.get(path(world, "records"), {"limit": "1001"}), 400, "invalid", "limit")
    assert_error(client.get(path(world, "records"), {"after": "garbage"}), 400, "invalid", "after")
    assert last_entries()[0].result == "error"


def test_keyset_pages_cover_everything_once_in_order(world, grant):
    client = consumer(world["system"])
    records, pages = all_pages(client, world, {"limit": 7, "fields": "nl"})
    assert pages == 5 and [r["nl"] for r in records] == list(range(20, 50))

    records, _pages = all_pages(client, world, {"limit": 4, "fields": "ssjd,nl", "sort": "ssjd,-nl"})
    expected = sorted((r[9], -r[4]) for r in person_rows())
    assert [(r["ssjd"], -r["nl"]) for r in records] == expected


def test_keyset_with_nulls_and_duplicates(world, grant):
    insert_rows(world["data_table"], [(f"3209021990010199{i:02d}", "钱七", None, None, None, None, None, None, None,
                                        None) for i in range(5)])
    client = consumer(world["system"])
    for sort in ("nl", "-nl", "ssjd,nl", "-ssjd,-nl", "sfyx,-csrq"):
        records, _pages = all_pages(client, world, {"limit": 3, "fields": "nl,ssjd,sfyx", "sort": sort})
        assert len(records) == 35, sort
        first = sort.split(",")[0]
        values = [r[first.lstrip("-")] for r in records]
        present = [v for v in values if v is not None]
        # NULLs last ascending, first descending; the rest in order.
        if first.startswith("-"):
            assert values[: values.count(None)] == [None] * values.count(None), sort
            assert present == sorted(present, reverse=True), sort
        else:
            assert values[len(present):] == [None] * values.count(None), sort
            assert present == sorted(present), sort


def test_cursor_of_another_sort_is_refused(world, grant):
    client = consumer(world["system"])
    cursor = client.get(path(world, "records"), {"limit": 2, "sort": "nl"}).json()["next_cursor"]
    assert_error(client.get(path(world, "records"), {"limit": 2, "sort": "-nl", "after": cursor}), 400, None, "after")


def test_query_audit_names_items_filter_count_and_subjects(world, grant):
    client = consumer(world["system"])
    client.get(path(world, "records"), {"limit": 3, "fields": "xm,nl", "sfzh": "320902198001010000"})
    entry = last_entries()[0]
    assert entry.action == "query" and entry.result == "success" and entry.record_count == 1
    assert entry.items == ["xm", "nl"]
    # The ID number in the filter is kept masked in the log; the person is found through the subject HMAC.
    assert entry.filter == {"sfzh": "320902********0000"}
    assert AuditSubject.objects.filter(entry=entry).count() == 1


def test_lookup_by_key_returns_the_masked_record(world, grant):
    client = consumer(world["system"])
    body = client.get(path(world, "lookup"), {"sfzh": "320902198101010011"}).json()
    assert body["count"] == 1
    assert body["records"][0]["sfzh"] == "320902********0011" and body["records"][0]["nl"] == 21
    assert client.get(path(world, "lookup"), {"sfzh": "000000000000000000"}).json() == {"records": [], "count": 0}
    body = client.get(path(world, "lookup"), {"sfzh": "320902198101010011", "fields": "nl"}).json()
    assert body["records"] == [{"nl": 21}]
    entries = last_entries(3)
    assert [e.record_count for e in entries] == [1, 0, 1]
    assert all(e.action == "lookup" and e.subjects.count() == 1 for e in entries)
    assert entries[0].filter == {"sfzh": "320902********0011"}


def test_lookup_errors(world, grant):
    client = consumer(world["system"])
    assert_error(client.get(path(world, "lookup")), 400, "invalid", "sfzh")
    assert_error(client.get(path(world, "lookup"), {"sfzh": "1", "xm": "王"}), 400, "invalid", "xm")
    world["data_table"].key_item = None
    world["data_table"].save()
    assert_error(client.get(path(world, "lookup"), {"sfzh": "1"}), 400, "no_key")


def test_lookup_key_must_be_granted(world):
    make_grant(world["resource"], world["civil"], system=world["system"], items=["nl"])
    assert_error(consumer(world["system"]).get(path(world, "lookup"), {"sfzh": "1"}), 403, "key_not_granted")


def test_verify_answers_only_a_boolean(world, grant):
    client = consumer(world["system"])
    yes = client.post(path(world, "verify"), {"sfzh": "320902198001010000", "xm": "王小明"})
    assert yes.status_code == 200 and yes.json() == {"match": True}
    no = client.post(path(world, "verify"), {"sfzh": "320902198001010000", "xm": "李四"})
    assert no.json() == {"match": False}
    # Several rows match: still a bare boolean, no count.
    assert client.post(path(world, "verify"), {"ssjd": "五星街道"}).json() == {"match": True}
    entries = last_entries(3)
    assert [e.detail["match"] for e in entries] == [True, False, True]
    assert entries[2].items == ["sfzh", "xm"] and entries[2].filter == {"sfzh": "320902********0000", "xm": "王**"}
    assert entries[2].subjects.count() == 1


def test_verify_bad_input(world, grant):
    client = consumer(world["system"])
    assert_error(client.post(path(world, "verify"), {}), 400)
    assert_error(client.post(path(world, "verify"), {"nope": "x"}), 400, "invalid", "nope")
    assert_error(client.post(path(world, "verify"), {"nl": "abc"}), 400, "invalid", "nl")
    assert_error(client.post(path(world, "verify"), {"nl": [1, 2]}), 400, "invalid", "nl")
    assert_error(client.get(path(world, "verify")), 405)
    assert AuditEntry.objects.filter(action="verify", result="error").count() == 4


def test_visible_columns_follow_a_change_of_items(world, grant):
    columns = visible_columns(grant, world["data_table"])
    assert len(columns) == 10
    grant.items.set(list(world["resource"].items.filter(code__in=["nl"])))
    assert [c.column for c in visible_columns(grant, world["data_table"])] == ["nl"]

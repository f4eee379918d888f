"""The change feed: pages in _seq order, cursor "<epoch>:<seq>", new rows after an append, reset after a replace."""

import pytest

from .conftest import insert_rows, make_table, person_rows
from .helpers import assert_error, consumer, last_entries

pytestmark = pytest.mark.django_db


def feed(client, world, **params):
    response = client.get(f"resources/{world['resource'].pk}/changes", params)
    assert response.status_code == 200, response.content
    return response.json()


def test_pages_in_seq_order_then_only_new_rows(world, grant):
    client = consumer(world["system"])
    first = feed(client, world, limit=12)
    assert first["reset"] is True and first["has_more"] is True and first["cursor"] == "1:12"
    assert [r["_seq"] for r in first["records"]] == list(range(1, 13))
    assert first["records"][0]["sfzh"] == "320902********0000"  # masked as granted
    assert [c["column"] for c in first["columns"]] == [c["column"] for c in world["data_table"].columns]
    second = feed(client, world, limit=12, cursor=first["cursor"])
    third = feed(client, world, limit=12, cursor=second["cursor"])
    assert second["reset"] is False and third["has_more"] is False and third["cursor"] == "1:30"
    assert len(third["records"]) == 6
    idle = feed(client, world, cursor="1:30")
    assert (idle["records"], idle["has_more"], idle["cursor"], idle["reset"]) == ([], False, "1:30", False)
    insert_rows(world["data_table"], [(f"32090220000101000{i}", *row[1:]) for i, row in enumerate(person_rows(2))])
    news = feed(client, world, cursor="1:30")
    assert [r["_seq"] for r in news["records"]] == [31, 32] and news["cursor"] == "1:32"
    entry = last_entries()[0]
    assert entry.action == "sync" and entry.record_count == 2 and entry.filter == {"cursor": "1:30"}


def test_replace_makes_an_old_cursor_reset(world, grant):
    client = consumer(world["system"])
    cursor = feed(client, world, limit=10)["cursor"]
    make_table(world["resource"], person_rows(5), epoch=2)  # a replace: new table, _seq from 1 again
    page = feed(client, world, cursor=cursor)
    assert page["reset"] is True and page["cursor"] == "2:5" and len(page["records"]) == 5
    assert [r["_seq"] for r in page["records"]] == [1, 2, 3, 4, 5]
    assert feed(client, world, cursor="2:5")["reset"] is False


def test_bad_cursor_400(world, grant):
    client = consumer(world["system"])
    for bad in ("abc", "1", "5:1", "1:-1"):
        assert_error(client.get(f"resources/{world['resource'].pk}/changes", {"cursor": bad}), 400, "invalid",
                     "cursor")

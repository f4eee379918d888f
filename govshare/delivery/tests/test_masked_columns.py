"""Masked once at load time: the data plane reads a masked column's shadow when the table has one, the expression
when it has not (a table from before shadows), the clear column when the grant says so, and answers the same."""

import pytest
from django.db import connection

from govshare.delivery import query
from govshare.delivery.access import visible_columns
from govshare.delivery.masking import mask_sql

from .conftest import make_grant, make_table, person_rows
from .helpers import consumer

pytestmark = pytest.mark.django_db


def answers(world, client):
    """What the consumer gets from every path that returns rows."""
    base = f"resources/{world['resource'].pk}"
    results = [
        client.get(f"{base}/records", {"limit": 1000}).json(),
        client.get(f"{base}/records", {"sfzh__in": f"{person_rows()[2][0]},{person_rows()[7][0]}"}).json(),
        client.get(f"{base}/lookup", {"sfzh": person_rows()[3][0]}).json(),
        client.get(f"{base}/changes", {"limit": 1000}).json(),
        client.post(f"{base}/verify", {"sfzh": person_rows()[3][0], "xm": person_rows()[3][1]}).json(),
    ]
    for fmt in ("csv", "jsonl"):
        results.append(b"".join(client.get(f"{base}/download", {"format": fmt}).streaming_content))
    return results


def rebuild(world, *, shadows):
    from govshare.delivery import access

    world["data_table"] = make_table(world["resource"], person_rows(), shadows=shadows)
    access._columns_cache.clear()  # as a new last_updated would in another process


def test_answers_are_the_same_with_and_without_shadow_columns(world, grant):
    client = consumer(world["system"])
    rebuild(world, shadows=False)
    legacy = answers(world, client)
    rebuild(world, shadows=True)
    shadowed = answers(world, client)
    assert shadowed == legacy
    record = shadowed[0]["records"][2]
    assert (record["sfzh"], record["xm"], record["lxdh"], record["zz"]) == (
        "320902********0022", "欧阳**", "138****0002", "江苏省盐城市***")
    # A sensitive number is masked through its text: 3020.50 on PostgreSQL (NUMERIC keeps the scale), 3020.5 on SQLite.
    assert record["ysr"] == ("3*****0" if connection.vendor == "postgresql" else "3****5")
    assert shadowed[4] == {"match": True}, "verification compares the clear values"
    assert len(shadowed[1]["records"]) == 2, "an equality filter on a masked column matches clear values"


def test_a_masked_column_is_read_from_its_shadow_and_a_clear_one_from_the_column(world):
    grant = make_grant(world["resource"], world["civil"], system=world["system"], clear=["lxdh"])
    columns = {c.column: c for c in visible_columns(grant, world["data_table"])}
    sql, _params = query.export_sql(world["data_table"].table_name, query.QuerySpec(columns=list(columns.values())))
    q = connection.ops.quote_name
    expression = mask_sql(connection.vendor, "id_number", q("sfzh"), "C")
    if world["layout"] == "shadow":
        assert columns["sfzh"].masked_column == "sfzh__m"
        assert f"{q('sfzh__m')} AS {q('sfzh')}" in sql and expression not in sql
        # The date and time columns have no shadow and are not masked here anyway; nothing else is computed.
        assert "CASE" not in sql
    else:  # a table from before shadows: masked by the expression, as before
        assert columns["sfzh"].masked_column is None
        assert f"{expression} AS {q('sfzh')}" in sql and "__m" not in sql
    assert not columns["lxdh"].masked and f"{q('lxdh')}, " in sql and "lxdh__m" not in sql
    record = consumer(world["system"]).get(f"resources/{world['resource'].pk}/records", {"limit": 1}).json()
    assert record["records"][0]["lxdh"] == "13800000000" and record["records"][0]["sfzh"] == "320902********0000"


def test_shadow_columns_are_not_fields(world, grant):
    client = consumer(world["system"])
    base = f"resources/{world['resource'].pk}"
    body = client.get(f"{base}/records", {"limit": 1}).json()
    assert not [c for c in body["columns"] if "__" in c["column"]]
    assert not [name for name in body["records"][0] if "__" in name]
    for params in ({"fields": "sfzh__m"}, {"sfzh__m": "320902********0000"}, {"sort": "sfzh__m"}):
        assert client.get(f"{base}/records", params).status_code == 400, params

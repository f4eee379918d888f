"""Shadow columns: every maskable column of a mounted table has a stored generated twin holding its masked value,
kept right by the database through replace, append and upsert, on SQLite and PostgreSQL."""

import decimal

import pytest
from django.db import connection

from govshare.datastore import services, storage
from govshare.delivery.masking import mask

from .conftest import HEADER, csv_text, id_number, row

pytestmark = pytest.mark.django_db


@pytest.fixture
def table(resource, city):
    # A sensitive number (masked by the generic rule, through its text) and a sensitive date (no shadow: see below).
    resource.items.filter(code__in=["YSR", "CSRQ"]).update(is_sensitive=True)
    return services.ensure_table(resource, user=city["provider"])


@pytest.fixture
def load(table, city, write_file):
    def run(content, *, mode="replace", key="GMSFHM"):
        result = services.load_file(table, write_file(content), mode=mode, key_item=key, user=city["provider"])
        assert result.status == "succeeded", result.message
        table.refresh_from_db()
        return result

    return run


def physical_columns(table_name):
    with connection.cursor() as cursor:
        return [c.name for c in connection.introspection.get_table_description(cursor, table_name)]


def assert_shadows_hold_masks(data_table):
    """Every row's shadow equals mask() of its clear value, for every column that has a shadow."""
    shadowed = [c for c in data_table.columns if c.get("masked_column")]
    assert shadowed
    q = connection.ops.quote_name
    names = ", ".join(f"{q(c['column'])}, {q(c['masked_column'])}" for c in shadowed)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {names} FROM {q(data_table.table_name)} ORDER BY _seq")
        rows = cursor.fetchall()
    assert rows
    for values in rows:
        for index, column in enumerate(shadowed):
            clear, masked = values[2 * index], values[2 * index + 1]
            if isinstance(clear, (int, float)) and column["data_type"] in ("N", "Y"):
                clear = decimal.Decimal(str(clear))  # SQLite hands NUMERIC back as a number
            assert masked == mask(column["kind"], clear), (column["column"], clear, masked)
    return rows


def test_maskable_columns_get_a_shadow_after_the_item_columns(table):
    shadows = {c["column"]: c.get("masked_column") for c in table.columns}
    # ID number and name by kind, the sensitive number; not the credit code (not sensitive), not the sensitive date
    # (PostgreSQL's date-to-text cast depends on DateStyle, so it is masked by expression).
    assert shadows == {"gmsfhm": "gmsfhm__m", "xm": "xm__m", "csrq": None, "djsj": None, "ysr": "ysr__m",
                       "jtrs": None, "dwxydm": None, "sfzz": None, "pf": None}
    names = physical_columns(table.table_name)
    assert names[: 2 + len(table.columns)] == ["_row_id", "_seq", *shadows]
    assert names[2 + len(table.columns):] == ["gmsfhm__m", "xm__m", "ysr__m"]


def test_shadows_hold_the_masked_values_after_replace_append_and_upsert(load, table):
    load(csv_text(row(1, name="欧阳娜娜", income="8888.25"), row(2, name="李四")))
    rows = assert_shadows_hold_masks(table)
    assert rows[0][:4] == (id_number(serial=1), "320902********" + id_number(serial=1)[-4:], "欧阳娜娜", "欧阳**")
    assert "ysr__m" in physical_columns(table.table_name), "the replace rebuilt the table with its shadows"

    load(csv_text(row(3, name="王五")), mode="append", key=None)
    load(csv_text(row(2, name="上官婉儿", income="12.5"), row(4, name="张")), mode="upsert")
    rows = assert_shadows_hold_masks(table)
    assert [r[2:4] for r in rows] == [("欧阳娜娜", "欧阳**"), ("王五", "王*"), ("上官婉儿", "上官**"), ("张", "*")]
    assert decimal.Decimal(str(rows[2][4])) == decimal.Decimal("12.5") and rows[2][5] == "1**5"

    load(csv_text(row(9, name="赵敏")))
    assert [r[2:4] for r in assert_shadows_hold_masks(table)] == [("赵敏", "赵*")]


def test_a_table_from_before_shadows_keeps_loading_and_gets_them_on_replace(load, table, resource):
    # Build the table as it was before shadow columns: no shadow, no "masked_column".
    legacy = [{k: v for k, v in c.items() if k != "masked_column"} for c in table.columns]
    storage.drop_table(table.table_name)
    storage.create_table(table.table_name, legacy, "gmsfhm")
    table.columns = legacy
    table.save()
    load(csv_text(row(1), row(2)), mode="append")
    load(csv_text(row(2, name="李四改")), mode="upsert")
    assert not any(c.get("masked_column") for c in table.columns), "append and upsert write the table as it is"
    assert "xm__m" not in physical_columns(table.table_name)

    load(csv_text(row(3)))
    assert table.column_for_item(resource.items.get(code="XM").pk)["masked_column"] == "xm__m"
    assert_shadows_hold_masks(table)


def test_a_shadow_of_another_kind_is_not_used_after_the_item_changed(load, table, resource):
    load(csv_text(row(1)))
    # The name item now reads as a phone number: its shadow masks as a name, so it must not be used any more.
    resource.items.filter(code="XM").update(name="联系电话")
    load(csv_text(row(2), header=HEADER.replace("姓名", "联系电话")), mode="append")
    column = next(c for c in table.columns if c["column"] == "xm")
    assert column["kind"] == "phone" and "masked_column" not in column
    assert next(c for c in table.columns if c["column"] == "gmsfhm")["masked_column"] == "gmsfhm__m"
    if connection.vendor == "postgresql":  # a new shadow by the new kind, beside the unused one
        upgraded = services.add_masked_columns(table)
        assert next(c for c in upgraded.columns if c["column"] == "xm")["masked_column"] == "xm__m2"
        rows = assert_shadows_hold_masks(upgraded)
        assert rows[0][2:4] == ("张三", "**")  # two characters masked by the phone rule: all stars


def test_column_names_with_a_double_underscore_fall_back_to_position(resource):
    resource.items.filter(code="XM").update(code="xm__m")
    names = [c["column"] for c in services.column_definitions(resource)]
    assert names[1] == "f2" and "xm__m" not in names


def test_shadows_are_added_to_an_existing_table(load, table, city):
    load(csv_text(row(1, name="欧阳娜娜"), row(2)))
    legacy = [{k: v for k, v in c.items() if k != "masked_column"} for c in table.columns]
    q = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE {q('gsd_copy')} AS SELECT _row_id, _seq, "
                       f"{', '.join(q(c['column']) for c in legacy)} FROM {q(table.table_name)}")
    storage.drop_table(table.table_name)
    storage.create_table(table.table_name, legacy, "gmsfhm")
    with connection.cursor() as cursor:
        names = ", ".join(["_row_id", "_seq", *(q(c["column"]) for c in legacy)])
        cursor.execute(f"INSERT INTO {q(table.table_name)} ({names}) SELECT {names} FROM {q('gsd_copy')}")
    storage.drop_table("gsd_copy")
    table.columns = legacy
    table.save()

    upgraded = services.add_masked_columns(table, user=city["provider"])
    if connection.vendor == "postgresql":
        assert [c["column"] for c in upgraded.columns if c.get("masked_column")] == ["gmsfhm", "xm", "ysr"]
        rows = assert_shadows_hold_masks(upgraded)
        assert rows[0][2:4] == ("欧阳娜娜", "欧阳**")
        assert services.add_masked_columns(upgraded).columns == upgraded.columns, "a second call adds nothing"
    else:  # SQLite cannot add a stored generated column: the table stays masked by expression until a replace
        assert not any(c.get("masked_column") for c in upgraded.columns)

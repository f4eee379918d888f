"""Masking per kind, and the SQL twin giving exactly the Python result on this database."""

import pytest
from django.db import connection

from govshare.delivery.masking import is_masked, mask, mask_sql

CASES = [
    ("id_number", "320902198001011234", "320902********1234"),
    ("id_number", "32090219800101123X", "320902********123X"),
    ("id_number", "1234567890", "**********"),
    ("person_name", "王五", "王*"),
    ("person_name", "王小明", "王**"),
    ("person_name", "欧阳娜娜", "欧阳**"),
    ("person_name", "欧阳锋", "欧阳*"),
    ("person_name", "张", "*"),
    ("person_name", "欧小明", "欧**"),  # the first character of a compound surname, alone
    ("person_name", "司马", "司*"),  # a compound surname and nothing else: the given name is hidden
    ("person_name", "上官婉儿", "上官**"),
    ("person_name", "阳司马", "阳**"),  # "阳司" spans two surnames of the list: not one
    ("person_name", "|欧阳", "|**"),
    ("phone", "13812345678", "138****5678"),
    ("phone", "0515-88881234", "051******1234"),
    ("phone", "123456", "******"),
    ("credit_code", "91320902MA1XYZ123X", "91320902********3X"),
    ("address", "江苏省盐城市亭湖区解放南路1号", "江苏省盐城市***"),
    ("address", "盐城", "盐***"),
    (None, "机密备注内容", "机****容"),
    (None, "ab", "a*"),
    (None, "x", "*"),
    ("id_number", "", ""),
    ("person_name", None, None),
]


@pytest.mark.parametrize(("kind", "value", "expected"), CASES)
def test_mask_in_python(kind, value, expected):
    assert mask(kind, value) == expected


@pytest.mark.django_db
def test_sql_twin_gives_the_same_masks_on_this_database():
    with connection.cursor() as cursor:
        for kind, value, expected in CASES:
            expression = mask_sql(connection.vendor, kind, "v")
            cursor.execute(f"SELECT {expression} FROM (SELECT CAST(%s AS TEXT) AS v) t", [value])
            assert cursor.fetchone()[0] == expected, (kind, value)


@pytest.mark.django_db
def test_sql_twin_masks_non_text_columns_as_text():
    with connection.cursor() as cursor:
        expression = mask_sql(connection.vendor, None, "v", "I")
        cursor.execute(f"SELECT {expression} FROM (SELECT CAST(%s AS INTEGER) AS v) t", [1234567])
        assert cursor.fetchone()[0] == mask(None, 1234567) == "1*****7"


def test_which_columns_are_masked():
    assert is_masked({"item_id": 1, "kind": "id_number", "sensitive": False})
    assert is_masked({"item_id": 1, "kind": None, "sensitive": True})
    assert not is_masked({"item_id": 1, "kind": "credit_code", "sensitive": False})
    assert not is_masked({"item_id": 1, "kind": None, "sensitive": False})
    # Granted in clear: shown as is, whatever its kind.
    assert not is_masked({"item_id": 1, "kind": "id_number", "sensitive": True}, frozenset({1}))

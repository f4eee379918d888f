"""Shared data for the datastore tests: a city, the provider department with a user per role, and a published
population resource with one info item of each data type the loader checks."""

import pytest

from govshare.catalog import services as catalog
from govshare.core.testing import catalog_fields, make_department, make_jurisdiction, make_user

# name, code, data type, length
ITEMS = [
    ("公民身份号码", "GMSFHM", "C", 18),
    ("姓名", "XM", "C", 10),
    ("出生日期", "CSRQ", "D", None),
    ("登记时间", "DJSJ", "T", None),
    ("月收入", "YSR", "N", 10),
    ("家庭人数", "JTRS", "I", 3),
    ("单位统一社会信用代码", "DWXYDM", "C", 18),
    ("是否在职", "SFZZ", "L", None),
    ("评分", "PF", "F", None),
]
HEADER = ",".join(name for name, *_rest in ITEMS)

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def id_number(birth="19900101", serial=1, region="320902"):
    """A valid 18-digit resident ID number (GB 11643)."""
    first17 = f"{region}{birth}{serial:03d}"
    return first17 + "10X98765432"[sum(int(d) * w for d, w in zip(first17, ID_WEIGHTS, strict=True)) % 11]


def credit_code(serial=1):
    from govshare.core.validators import make_credit_code

    return make_credit_code("320900", serial)


def row(serial=1, *, name="张三", birth="1990-01-01", registered="2024-05-06 07:08:09", income="1234.50",
        family="3", employed="是", score="4.5", id_value=None, code=None):
    return ",".join([
        id_value if id_value is not None else id_number(serial=serial), name, birth, registered, income, family,
        code if code is not None else credit_code(serial), employed, score,
    ])


def csv_text(*rows, header=HEADER):
    return "\n".join([header, *rows]) + "\n"


@pytest.fixture
def city(db):
    jurisdiction = make_jurisdiction("盐城市", "320900")
    authority = make_department("市大数据管理局", jurisdiction, competent=True)
    police = make_department("市公安局", jurisdiction)
    market = make_department("市市场监管局", jurisdiction)
    return {
        "police": police,
        "market": market,
        "cataloguer": make_user("bianmu", police, roles=["cataloguer"]),
        "provider": make_user("tigong", police, roles=["data_provider"]),
        "dept_admin": make_user("bumen", police, roles=["department_admin"]),
        "colleague": make_user("tongshi", police),
        "other_provider": make_user("tigong2", market, roles=["data_provider"]),
        "reviewer": make_user("shenhe", authority, roles=["reviewer"]),
        "platform_admin": make_user("pingtai", roles=["platform_admin"]),
    }


@pytest.fixture
def resource(city):
    items = [
        {"name": name, "code": code, "data_type": data_type, "length": length, "share_type": "unconditional",
         "open_type": "not_open"}
        for name, code, data_type, length in ITEMS
    ]
    entry = catalog.create_entry(
        user=city["cataloguer"], fields=catalog_fields(city["police"], name="人口基本信息"), items=items
    )
    catalog.submit_entry(entry, user=city["cataloguer"])
    catalog.approve_entry(entry, user=city["reviewer"])
    entry.refresh_from_db()
    return entry


@pytest.fixture
def write_file(tmp_path):
    """Write text (or bytes) to a file in the test's folder and return its path."""

    def write(content, name="data.csv", encoding="utf-8"):
        path = tmp_path / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_bytes(content.encode(encoding))
        return path

    return write

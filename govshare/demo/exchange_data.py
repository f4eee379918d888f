"""Synthetic but valid records for the demo's mounted tables: people with GB 11643 ID numbers whose birth date and
sex agree with the number, companies with GB 32100 credit codes. Deterministic for a given seed.

Values are produced per info item *name*, so any demo entry whose items are drawn from `data_items` can be filled.
"""

import datetime as dt
import random

from govshare.core.validators import make_credit_code

__all__ = ["id_number", "records_for"]

# Yancheng's districts and counties (GB/T 2260), where the demo's people are registered.
DIVISIONS = ["320902", "320903", "320904", "320921", "320922", "320923", "320924", "320925", "320981"]
DIVISION_NAMES = {
    "320902": "亭湖区", "320903": "盐都区", "320904": "大丰区", "320921": "响水县", "320922": "滨海县",
    "320923": "阜宁县", "320924": "射阳县", "320925": "建湖县", "320981": "东台市",
}
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜"
    "崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国志海燕峰文春梅俊雪立新永"
ETHNICITIES = ["汉族"] * 46 + ["回族", "满族", "蒙古族", "壮族"]
STREETS = ["人民中路", "解放南路", "开放大道", "建军东路", "毓龙西路", "世纪大道", "范公路", "青年路", "希望大道"]
TRADES = ["科技", "贸易", "建设", "食品", "物流", "医药", "新能源", "纺织", "机械", "农业"]
SUFFIXES = ["有限公司", "股份有限公司", "有限责任公司"]
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def id_number(division: str, birth: dt.date, serial: int, male: bool) -> str:
    """An 18-character resident ID number (GB 11643) with a correct check character."""
    order = serial % 500 * 2 + (1 if male else 0)  # the 17th digit is odd for men
    first17 = f"{division}{birth:%Y%m%d}{order:03d}"
    total = sum(int(c) * w for c, w in zip(first17, _WEIGHTS, strict=True))
    return first17 + "10X98765432"[total % 11]


def _person(rng, serial):
    birth = dt.date(1940, 1, 1) + dt.timedelta(days=rng.randrange(0, 365 * 80))
    male = rng.random() < 0.5
    division = rng.choice(DIVISIONS)
    name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
    return {
        "id": id_number(division, birth, serial, male),
        "name": name,
        "sex": "男" if male else "女",
        "birth": birth,
        "division": division,
        "address": f"江苏省盐城市{DIVISION_NAMES[division]}{rng.choice(STREETS)}{rng.randrange(1, 300)}号",
        "phone": f"1{rng.choice('3578')}{rng.randrange(10**8, 10**9)}",
        "ethnicity": rng.choice(ETHNICITIES),
    }


def _company(rng, serial):
    name = f"盐城{rng.choice('华东恒瑞新海宏达鼎盛金港')}{rng.choice('华东恒瑞新海宏达鼎盛金港')}{rng.choice(TRADES)}"
    founded = dt.date(1995, 1, 1) + dt.timedelta(days=rng.randrange(0, 365 * 30))
    return {
        "code": make_credit_code(rng.choice(DIVISIONS), 500000 + serial, registry="9", kind="1"),
        "name": name + rng.choice(SUFFIXES),
        "person": rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN),
        "founded": founded,
        "capital": rng.choice((50, 100, 200, 500, 1000, 3000)) * 10000,
        "address": f"江苏省盐城市{DIVISION_NAMES[rng.choice(DIVISIONS)]}{rng.choice(STREETS)}{rng.randrange(1, 300)}号",
    }


def _value(item_name, data_type, subject, rng):
    """The value of one item for one person or company; unknown items get a plausible value of their type."""
    known = {
        "公民身份号码": "id", "姓名": "name", "性别": "sex", "出生日期": "birth", "民族": "ethnicity",
        "户籍地址": "address", "联系电话": "phone", "户籍地行政区划": "division", "统一社会信用代码": "code",
        "企业名称": "name", "法定代表人": "person", "成立日期": "founded", "注册资本": "capital", "住所": "address",
    }
    key = known.get(item_name)
    if key and key in subject:
        return subject[key]
    if data_type in ("D",):
        return dt.date(2015, 1, 1) + dt.timedelta(days=rng.randrange(0, 3650))
    if data_type in ("T",):
        return dt.datetime(2024, 1, 1, 8) + dt.timedelta(minutes=rng.randrange(0, 60 * 24 * 600))
    if data_type in ("N", "Y", "F", "B"):
        return round(rng.uniform(1, 10000), 2)
    if data_type == "I":
        return rng.randrange(1, 1000)
    if data_type == "L":
        return rng.choice(("是", "否"))
    if "日期" in item_name:
        return (dt.date(2015, 1, 1) + dt.timedelta(days=rng.randrange(0, 3650))).isoformat()
    if "机关" in item_name or "机构" in item_name:
        office = rng.choice(("公安局", "市场监督管理局", "民政局"))
        return f"盐城市{office}{DIVISION_NAMES[rng.choice(DIVISIONS)]}分局"
    if "状态" in item_name:
        return rng.choice(("正常", "有效", "存续"))
    if "类型" in item_name or "类别" in item_name:
        return rng.choice(("一类", "二类", "三类"))
    return f"{item_name}{rng.randrange(1000, 9999)}"


def records_for(items, count, *, seed=2026, companies=False):
    """`count` rows (dicts keyed by item name) for info items given as (name, data_type) pairs."""
    rng = random.Random(seed)
    rows = []
    for serial in range(count):
        subject = _company(rng, serial) if companies else _person(rng, serial)
        rows.append({name: _value(name, data_type, subject, rng) for name, data_type in items})
    return rows

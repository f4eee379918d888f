"""Synthetic but valid records for the demo's mounted tables: people with GB 11643 ID numbers whose birth date and
sex agree with the number, companies with GB 32100 credit codes. Deterministic for a given seed.

People and companies are drawn once (`people`, `companies`) and then written out per resource (`rows_for`), so the
same person has the same ID number, name and address in every table that holds them. Values are produced per info
item *name*, within the item's length, so any demo entry whose items are drawn from `data_items` can be filled.
"""

import datetime as dt
import random

from govshare.core.validators import make_credit_code

__all__ = ["EXCHANGE_ENTRIES", "companies", "id_number", "people", "rows_for"]

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
# GB/T 3304 codes: 01 汉族, 02 蒙古族, 03 回族, 08 壮族, 11 满族.
ETHNICITIES = ["01"] * 46 + ["02", "03", "08", "11"]
STREETS = ["人民中路", "解放南路", "开放大道", "建军东路", "毓龙西路", "世纪大道", "范公路", "青年路", "希望大道"]
TRADES = ["科技", "贸易", "建设", "食品", "物流", "医药", "新能源", "纺织", "机械", "农业"]
SUFFIXES = ["有限公司", "股份有限公司", "有限责任公司"]
# (trade word, GB/T 4754 industry code, business scope)
INDUSTRIES = {
    "科技": ("I6513", "软件开发；信息技术咨询服务；信息系统集成服务"),
    "贸易": ("F5191", "日用百货销售；五金产品批发；货物进出口"),
    "建设": ("E4720", "房屋建筑工程施工；市政设施管理；建筑材料销售"),
    "食品": ("C1469", "食品生产；食品销售；农副产品销售"),
    "物流": ("G5990", "普通货物仓储服务；道路货物运输；国内货物运输代理"),
    "医药": ("F5251", "药品批发；医疗器械销售；保健食品销售"),
    "新能源": ("D4415", "风力发电技术服务；太阳能发电技术服务；储能技术服务"),
    "纺织": ("C1713", "棉纺纱加工；面料纺织加工；服装制造"),
    "机械": ("C3434", "通用设备制造；机械零件加工；金属制品销售"),
    "农业": ("A0112", "谷物种植；农产品的生产、销售、加工、运输、贮藏；农业机械服务"),
}
COMPANY_TYPES = ["1110", "1130", "1150", "1190", "1210"]  # 市场主体类型代码 (有限责任公司、股份有限公司 …)
COMPANY_TYPE_NAMES = {"1110": "有限责任公司（国有独资）", "1130": "有限责任公司（自然人投资或控股）",
                      "1150": "有限责任公司（自然人独资）", "1190": "其他有限责任公司", "1210": "股份有限公司（上市）"}
# Codes of GB/T 4761 (relation to the head of household), GB/T 2261.2 (marital status), GB/T 4658 (education).
RELATIONS = ["02", "02", "10", "20", "20", "30", "50"]
EDUCATION = ["10", "20", "30", "40", "60", "70", "80", "90"]
DISABILITIES = ["视力残疾", "听力残疾", "言语残疾", "肢体残疾", "智力残疾", "精神残疾", "多重残疾"]
DISABILITY_LEVELS = ["一级", "二级", "三级", "四级"]
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
TODAY = dt.date(2026, 1, 15)  # the demo's "now" for ages and validity dates: fixed, so the data never changes


def id_number(division: str, birth: dt.date, serial: int, male: bool) -> str:
    """An 18-character resident ID number (GB 11643) with a correct check character."""
    order = serial % 500 * 2 + (1 if male else 0)  # the 17th digit is odd for men
    first17 = f"{division}{birth:%Y%m%d}{order:03d}"
    total = sum(int(c) * w for c, w in zip(first17, _WEIGHTS, strict=True))
    return first17 + "10X98765432"[total % 11]


def _add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _name(rng) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))


def _address(rng, division) -> str:
    return f"江苏省盐城市{DIVISION_NAMES[division]}{rng.choice(STREETS)}{rng.randrange(1, 300)}号"


def _person(rng, serial):
    birth = dt.date(1940, 1, 1) + dt.timedelta(days=rng.randrange(0, 365 * 80))
    male = rng.random() < 0.5
    division = rng.choice(DIVISIONS)
    age = (TODAY - birth).days // 365
    issued = TODAY - dt.timedelta(days=rng.randrange(30, 365 * 10))
    # An ID card is valid 10 years (under 26), 20 years (26–45), or for life after 46: shown as 2099-12-31 here.
    valid_years = 10 if age < 26 else 20 if age < 46 else None
    return {
        "id": id_number(division, birth, serial, male),
        "name": _name(rng),
        "sex": "男" if male else "女",
        "birth": birth,
        "age": age,
        "division": division,
        "district": DIVISION_NAMES[division],
        "address": _address(rng, division),
        "birthplace": f"江苏省盐城市{DIVISION_NAMES[rng.choice(DIVISIONS)]}",
        "native": rng.choice(("江苏盐城", "江苏盐城", "江苏南通", "江苏淮安", "山东临沂", "安徽阜阳")),
        "phone": f"1{rng.choice('3578')}{rng.randrange(10**8, 10**9)}",
        "ethnicity": rng.choice(ETHNICITIES),
        "household": f"{division}{rng.randrange(10**8, 10**9)}",
        "household_type": "1" if rng.random() < 0.95 else "2",
        "relation": rng.choice(RELATIONS),
        "marriage": "10" if age < 24 else rng.choice(("20", "20", "20", "20", "30" if age > 60 else "40")),
        "education": rng.choice(EDUCATION),
        "issued": issued,
        "valid_from": issued,  # a reissued card (补领) keeps the validity period of the card it replaces
        "valid_until": _add_years(issued, valid_years) if valid_years else dt.date(2099, 12, 31),
        "authority": f"盐城市公安局{DIVISION_NAMES[division]}分局",
        "disability": rng.choice(DISABILITIES),
        "disability_level": rng.choice(DISABILITY_LEVELS),
        "members": rng.randrange(1, 6),
    }


def people(count, *, seed=2026) -> list[dict]:
    """`count` people with distinct ID numbers."""
    rng = random.Random(seed)
    result, seen = [], set()
    serial = 0
    while len(result) < count:
        person = _person(rng, serial)
        serial += 1
        if person["id"] not in seen:
            seen.add(person["id"])
            result.append(person)
    return result


def _company(rng, serial):
    trade = rng.choice(TRADES)
    name = f"盐城{rng.choice('华东恒瑞新海宏达鼎盛金港')}{rng.choice('华东恒瑞新海宏达鼎盛金港')}{trade}"
    founded = dt.date(1995, 1, 1) + dt.timedelta(days=rng.randrange(0, 365 * 30))
    division = rng.choice(DIVISIONS)
    industry, scope = INDUSTRIES[trade]
    return {
        "code": make_credit_code(division, 500000 + serial, registry="9", kind="1"),
        # The serial keeps names distinct, as the registry requires.
        "name": f"{name}{rng.choice(SUFFIXES)}" if serial < 40 else f"{name}{serial:04d}{rng.choice(SUFFIXES)}",
        "person": rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN),
        "founded": founded,
        "capital": rng.choice((50, 100, 200, 500, 1000, 3000)) * 10000,
        "address": _address(rng, division),
        "division": division,
        "district": DIVISION_NAMES[division],
        "industry": industry,
        "scope": scope,
        "company_type": rng.choice(COMPANY_TYPES),
        "state": rng.choice(("存续", "存续", "存续", "在业", "迁出")),
        "tax_state": rng.choice(("正常", "正常", "正常", "正常", "非正常")),
    }


def companies(count, *, seed=2027) -> list[dict]:
    """`count` companies with distinct credit codes."""
    rng = random.Random(seed)
    return [_company(rng, serial) for serial in range(count)]


def _date_after(rng, start: dt.date, days: int) -> dt.date:
    return start + dt.timedelta(days=rng.randrange(0, days))


# Item name -> value from a person or company (subject) and the random source; by name, as the catalogue names items.
_BY_NAME = {
    "公民身份号码": lambda s, r: s["id"],
    "姓名": lambda s, r: s["name"],
    "性别": lambda s, r: s["sex"],
    "出生日期": lambda s, r: s["birth"],
    "民族": lambda s, r: s["ethnicity"],
    "出生地": lambda s, r: s["birthplace"],
    "籍贯": lambda s, r: s["native"],
    "户籍地址": lambda s, r: s["address"],
    "户籍地行政区划": lambda s, r: s["division"],
    "户号": lambda s, r: s["household"],
    "户别": lambda s, r: s["household_type"],
    "与户主关系": lambda s, r: s["relation"],
    "婚姻状况": lambda s, r: s["marriage"],
    "文化程度": lambda s, r: s["education"],
    "联系电话": lambda s, r: s["phone"],
    "签发机关": lambda s, r: s["authority"],
    "签发日期": lambda s, r: s["issued"],
    "有效期起始日期": lambda s, r: s["valid_from"],
    "有效期截止日期": lambda s, r: s["valid_until"],
    "残疾人证号": lambda s, r: s["id"] + str(DISABILITIES.index(s["disability"]) + 1)
    + str(DISABILITY_LEVELS.index(s["disability_level"]) + 1),
    "残疾类别": lambda s, r: s["disability"],
    "残疾等级": lambda s, r: s["disability_level"],
    "发证日期": lambda s, r: _date_after(r, dt.date(2012, 1, 1), 365 * 13),
    "监护人姓名": lambda s, r: _name(r) if s.get("age", 99) < 18 or s.get("disability") == "智力残疾" else "",
    "家庭成员人数": lambda s, r: s["members"],
    "保障类别": lambda s, r: "城市低保" if s["division"] in ("320902", "320903") else "农村低保",
    "月保障金额": lambda s, r: s["members"] * r.choice((560, 620, 705, 760)),
    "保障起始年月": lambda s, r: f"{r.randrange(2018, 2026)}{r.randrange(1, 13):02d}",
    "所属区县": lambda s, r: s["district"],
    "统一社会信用代码": lambda s, r: s["code"],
    "企业名称": lambda s, r: s["name"],
    "纳税人名称": lambda s, r: s["name"],
    "市场主体类型": lambda s, r: s["company_type"],
    "登记注册类型": lambda s, r: COMPANY_TYPE_NAMES[s["company_type"]][:20],
    "法定代表人": lambda s, r: s["person"],
    "成立日期": lambda s, r: s["founded"],
    "营业期限自": lambda s, r: s["founded"],
    "营业期限至": lambda s, r: _add_years(s["founded"], 30),
    "核准日期": lambda s, r: _date_after(r, s["founded"], max((TODAY - s["founded"]).days, 1)),
    "注册资本": lambda s, r: s["capital"],
    "住所": lambda s, r: s["address"],
    "生产经营地址": lambda s, r: s["address"],
    "经营范围": lambda s, r: s["scope"],
    "行业代码": lambda s, r: s["industry"],
    "登记机关": lambda s, r: f"盐城市{s['district']}市场监督管理局",
    "登记状态": lambda s, r: s["state"],
    "纳税人状态": lambda s, r: s["tax_state"],
    "主管税务机关": lambda s, r: f"国家税务总局盐城市{s['district']}税务局",
}


def _value(name, data_type, length, subject, rng):
    """The value of one item for one person or company; other items get a plausible value of their type."""
    make = _BY_NAME.get(name)
    if make is not None:
        try:
            return make(subject, rng)
        except KeyError:  # a company item asked of a person, or the reverse
            pass
    if data_type == "D":
        return dt.date(2015, 1, 1) + dt.timedelta(days=rng.randrange(0, 3650))
    if data_type == "T":
        return dt.datetime(2024, 1, 1, 8) + dt.timedelta(minutes=rng.randrange(0, 60 * 24 * 600))
    if data_type in ("N", "Y", "F", "B"):
        return round(rng.uniform(1, 10000), 2)
    if data_type == "I":
        return rng.randrange(1, 1000)
    if data_type == "L":
        return rng.choice(("是", "否"))
    if length and length <= 3:
        return f"{rng.randrange(1, 10 ** length):0{length}d}"
    if "机关" in name or "机构" in name:
        office = rng.choice(("公安局", "市场监督管理局", "民政局"))
        text = f"盐城市{office}{DIVISION_NAMES[rng.choice(DIVISIONS)]}分局"
    elif "状态" in name:
        text = rng.choice(("正常", "有效", "存续"))
    elif "类型" in name or "类别" in name:
        text = rng.choice(("一类", "二类", "三类"))
    else:
        text = f"{name}{rng.randrange(1000, 9999)}"
    return text[:length] if length else text


def rows_for(items, subjects, *, seed=2026) -> list[dict]:
    """One row (a dict keyed by item name) per person or company, for info items given as (name, data_type, length)
    triples; values a subject does not carry (dates of a licence …) are drawn from `seed`."""
    rng = random.Random(seed)
    return [{name: _value(name, data_type, length, subject, rng) for name, data_type, length in items}
            for subject in subjects]



# The catalogue entries the exchange demo uses, by name, with the share mode each needs (None: as planned). They are
# in every plan (the quick one too) and always published.
EXCHANGE_ENTRIES = {
    # mounted tables
    "居民身份证签发信息": "table",
    "户籍人口信息": "table",
    "企业登记信息": "table",
    "纳税人登记信息": "table",
    "持证残疾人基本信息": "table",
    "最低生活保障对象信息": "table",
    # an API behind the platform's proxy, and a mounted file
    "居民身份证电子证照": "api",
    "常住人口统计信息": "file",
    # share requests
    "失业保险待遇领取信息": None,
    "住房公积金缴存信息": None,
    "住房公积金贷款信息": None,
    "基本医疗保险参保信息": None,
    "居民电子健康档案信息": None,
    "机动车登记信息": None,
    "残疾人两项补贴发放信息": None,
    "严重精神障碍患者管理信息": None,
    "纳税人申报纳税明细信息": None,
}

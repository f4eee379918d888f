"""Turn the demo vocabulary into concrete catalogue entries (fields and info items), deterministically.

Nothing here touches the database: `build_plan()` returns `PlannedEntry` objects whose fields name the
classification, provider and office by code, key and name; the loader resolves them and calls the services.
"""

import random
from dataclasses import dataclass, field

from govshare.catalog.choices import (
    FormatCategoryChoices,
    OpenTypeChoices,
    ResourceCategoryChoices,
    ShareModeChoices,
    ShareTypeChoices,
    UpdateCycleChoices,
)

from .data_entries import BASE_ENTRIES, TOPIC_ENTRIES
from .data_entries_dept import DEPARTMENT_ENTRIES, GENERIC_TEMPLATES
from .data_items import GROUPS, ITEMS
from .data_org import CITY_DEPARTMENTS, COUNTIES, COUNTY_DEPARTMENTS
from .exchange_data import EXCHANGE_ENTRIES

__all__ = ["PlannedEntry", "build_plan", "department_specs"]

SEED = 2026

# Share conditions by provider, and general ones for the rest.
PROVIDER_CONDITIONS = {
    "ga": "仅限用于政务服务身份核验和公安业务协同，需经提供部门审核",
    "rs": "仅限用于办理社会保障业务，需经提供部门审核",
    "mz": "仅限用于社会救助、婚姻登记核验等民生保障业务，需经提供部门审核",
    "wjw": "仅限医疗卫生和民生保障业务使用，需经提供部门审核",
    "sw": "仅限依法履行税收协助职责的部门使用，需经提供部门审核",
    "bdc": "仅限用于不动产交易、税费征缴和司法查控业务",
    "yb": "仅限用于办理医疗保障和社会救助业务，需经提供部门审核",
    "gjj": "仅限用于住房保障资格审核、个人贷款审批，需经本人授权",
    "tyjr": "仅限用于退役军人服务保障业务，需经提供部门审核",
    "jy": "仅限用于教育、民政、卫健部门办理学生资助和入学业务，需经提供部门审核",
}
GENERAL_CONDITIONS = [
    "需提供明确的法定职责依据，经提供部门审核同意后共享",
    "仅限政务服务事项办理中按需调用，不得批量下载",
    "需签订数据安全保密协议，仅限申请部门内部业务使用",
    "仅提供核验服务，返回比对结果，不提供明细数据",
    "仅限在申请的使用目的和期限内使用，不得向第三方提供",
    "仅提供统计汇总结果，明细数据需经提供部门审核",
]
ITEM_CONDITION = "涉及个人信息，仅限核验使用，需经提供部门审核"
OPEN_CONDITION = "需在公共数据开放平台注册并签署数据利用协议，仅限用于科研和公益性开发利用"
DATABASE_TYPES = ["Dm", "Dm", "KingbaseES", "KingbaseES", "Oracle", "MySQL", "PostgreSQL"]
CYCLE_WEIGHTS = [
    (UpdateCycleChoices.REALTIME, 6), (UpdateCycleChoices.DAILY, 30), (UpdateCycleChoices.WEEKLY, 6),
    (UpdateCycleChoices.MONTHLY, 24), (UpdateCycleChoices.QUARTERLY, 10), (UpdateCycleChoices.HALF_YEARLY, 3),
    (UpdateCycleChoices.YEARLY, 13), (UpdateCycleChoices.IRREGULAR, 8),
]
TOPIC_USES = {
    "201": "公共服务事项办理", "202": "医疗卫生和健康服务", "203": "社会保障待遇审核和民生兜底",
    "204": "食品药品安全监管", "205": "安全生产监管和风险预警", "206": "价格监测和价格监管",
    "207": "能源运行监测", "208": "信用监管和联合奖惩", "209": "城乡建设管理和住房保障", "210": "基层社会治理",
    "211": "生态环境监测和污染防治", "212": "应急指挥和防灾减灾",
}


@dataclass
class PlannedEntry:
    """One entry to create: `fields` names classification by full code, provider by key, office by name."""

    category: str
    classification: str
    provider: str
    office: str
    fields: dict
    items: list[dict]
    sensitive: int = 0
    tags: set = field(default_factory=set)


def department_specs():
    """Every department as a dict: key, name, short, kind, division code, competent, offices, systems, contact."""
    specs = []
    for spec in CITY_DEPARTMENTS:
        specs.append({**spec, "division": "320900", "competent": spec.get("competent", False)})
    county_names = {code: name for name, code, _level in COUNTIES}
    for division, rows in COUNTY_DEPARTMENTS.items():
        county = county_names[division]
        for key, name, kind, competent, offices in rows:
            short = name.removeprefix("盐城市")
            specs.append({
                "key": key, "name": name, "short": short, "kind": kind, "org": "1", "competent": competent,
                "division": division, "offices": offices, "county": county,
                "systems": [f"{county}政务服务综合管理系统", f"{short.removeprefix(county)}业务管理系统"],
            })
    return specs


def _lines(text):
    for line in text.strip().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            yield [part.strip() for part in line.split("|")]


def _raw_entries():
    """(category, classification, provider, office, name, items, hints) for every entry, in a fixed order."""
    rows = []
    for classification, provider, office, name, items, hints in _lines(BASE_ENTRIES):
        rows.append((ResourceCategoryChoices.BASE, classification, provider, office, name, items, hints))
    for classification, provider, office, name, items, hints in _lines(TOPIC_ENTRIES):
        rows.append((ResourceCategoryChoices.TOPIC, classification, provider, office, name, items, hints))
    for target, office, name, items, hints in _lines(DEPARTMENT_ENTRIES):
        rows.append((ResourceCategoryChoices.DEPARTMENT, target, target.split(":", 1)[1], office, name, items, hints))
    specs = {spec["key"]: spec for spec in department_specs()}
    for keys, office_hint, name, items, hints in GENERIC_TEMPLATES:
        for key in keys:
            spec = specs[key]
            office = ""
            if office_hint:
                office = next((o for o in spec["offices"] if office_hint in o), "")
            rows.append((ResourceCategoryChoices.DEPARTMENT, f"3:{key}", key, office,
                         name.format(short=spec["short"]), items, hints))
    return rows


def _expand(spec):
    """Item names of an item list, with `*` (basic) kept on the names it marks."""
    names = []
    for token in spec.split():
        basic = token.startswith("*")
        token = token.lstrip("*")
        if token.startswith("@"):
            names.extend(("*" if basic else "") + name for name in GROUPS[token[1:]].split())
        else:
            names.append(("*" if basic else "") + token)
    return names


def _hints(text):
    hints = {}
    for token in text.split():
        key, _sep, value = token.partition(":")
        hints[key] = value
    return hints


def _weighted(rng, pairs):
    total = sum(weight for _value, weight in pairs)
    pick = rng.uniform(0, total)
    for value, weight in pairs:
        pick -= weight
        if pick <= 0:
            return value
    return pairs[-1][0]


def _abstract(rng, *, scope, name, items, provider, office, system, cycle, basis, use):
    subject = name.removesuffix("信息") if name.endswith("信息") and len(name) > 4 else name
    shown = "、".join(item["name"] for item in items[:4])
    cycle_label = str(UpdateCycleChoices.label(cycle))
    irregular = cycle in (UpdateCycleChoices.IRREGULAR, UpdateCycleChoices.OTHER)
    cycle_text = "根据业务变化不定期更新" if irregular else f"{cycle_label}更新"
    who = provider + (office or "")
    variants = [
        f"记录{scope}{subject}情况，主要包括{shown}等{len(items)}个信息项。数据由{who}依托{system}在日常业务办理中采集产生，"
        f"{cycle_text}，用于{use}。",
        f"{who}在履行法定职责过程中形成的{scope}{subject}数据，包含{shown}等内容，来源于{system}，{cycle_text}，"
        f"可支撑{use}。",
        f"汇集{scope}{name}，涵盖{shown}等信息项，由{who}负责维护，数据来源于{system}，{cycle_text}。"
        f"主要用于{use}。",
    ]
    text = rng.choice(variants)
    if basis:
        text += f"依据{basis}，本资源不予共享，确需使用的应与提供部门协商。"
    return text


_COMMON = set("信息系统管理平台综合服务数据业务江苏省市全国")


def _system(rng, systems, text):
    """The information system most likely to hold this data: most shared characters with its name and office."""
    wanted = set(text) - _COMMON
    scores = [len(wanted & set(system)) for system in systems]
    best = max(scores)
    return rng.choice([system for system, score in zip(systems, scores, strict=True) if score == best])


def _format(rng, hints, share_type):
    if "fmt" in hints:
        category, _sep, format_type = hints["fmt"].partition("/")
    else:
        category = FormatCategoryChoices.DATABASE
        format_type = rng.choice(DATABASE_TYPES)
    if share_type == ShareTypeChoices.NOT_SHARED:
        mode = ""
    elif category == FormatCategoryChoices.SERVICE:
        mode = ShareModeChoices.API
    elif category in (FormatCategoryChoices.SPREADSHEET, FormatCategoryChoices.IMAGE, FormatCategoryChoices.DOCUMENT):
        mode = ShareModeChoices.FILE
    else:
        mode = ShareModeChoices.TABLE if rng.random() < 0.75 else ShareModeChoices.API
    return category, format_type, mode


def _plan_entry(rng, row, specs):
    category, classification, provider_key, office, name, item_spec, hint_text = row
    spec = specs[provider_key]
    hints = _hints(hint_text)
    names = _expand(item_spec)
    if category == ResourceCategoryChoices.BASE and not any(n.startswith("*") for n in names):
        # An electronic licence is identified by its name, type code, number and identifier: its basic items.
        names = ["*" + n for n in names[:4]] + names[4:]
    missing = [n.lstrip("*") for n in names if n.lstrip("*") not in ITEMS]
    if missing:
        raise ValueError(f"{name}: unknown info items {missing}")
    if office and office not in spec["offices"]:
        raise ValueError(f"{name}: {spec['short']} has no office {office}")
    sensitive = sum(1 for n in names if ITEMS[n.lstrip("*")]["is_sensitive"])

    # Share type: base resources share their basic items unconditionally, so the resource is unconditional.
    basis = hints.get("ns", "")
    if basis:
        share_type = ShareTypeChoices.NOT_SHARED
    elif category == ResourceCategoryChoices.BASE or "u" in hints:
        share_type = ShareTypeChoices.UNCONDITIONAL
    elif "c" in hints:
        share_type = ShareTypeChoices.CONDITIONAL
    else:
        conditional_odds = 0.7 if sensitive >= 2 else 0.25
        share_type = ShareTypeChoices.CONDITIONAL if rng.random() < conditional_odds else ShareTypeChoices.UNCONDITIONAL
    condition = ""
    if share_type == ShareTypeChoices.CONDITIONAL:
        condition = hints.get("cond") or PROVIDER_CONDITIONS.get(provider_key) or rng.choice(GENERAL_CONDITIONS)

    if share_type == ShareTypeChoices.NOT_SHARED:
        open_type = OpenTypeChoices.NOT_OPEN
    elif "open" in hints:
        open_type = OpenTypeChoices.UNCONDITIONAL
    elif "openc" in hints:
        open_type = OpenTypeChoices.CONDITIONAL
    else:
        open_type = OpenTypeChoices.NOT_OPEN

    format_category, format_type, share_mode = _format(rng, hints, share_type)
    if "cyc" in hints:
        cycle = hints["cyc"]
    elif category == ResourceCategoryChoices.BASE:
        cycle = UpdateCycleChoices.DAILY
    else:
        cycle = _weighted(rng, CYCLE_WEIGHTS)

    items = []
    for raw in names:
        basic = raw.startswith("*") and category == ResourceCategoryChoices.BASE
        vocab = ITEMS[raw.lstrip("*")]
        item = {key: vocab[key] for key in ("name", "code", "data_type", "length", "description", "is_sensitive")}
        item["is_basic"] = basic
        item["share_condition"] = ""
        if share_type == ShareTypeChoices.NOT_SHARED:
            item["share_type"] = ShareTypeChoices.NOT_SHARED
        elif share_type == ShareTypeChoices.CONDITIONAL:
            item["share_type"] = ShareTypeChoices.CONDITIONAL
        elif vocab["is_sensitive"] and not basic:
            item["share_type"] = ShareTypeChoices.CONDITIONAL
            item["share_condition"] = ITEM_CONDITION
        else:
            item["share_type"] = ShareTypeChoices.UNCONDITIONAL
        if open_type == OpenTypeChoices.NOT_OPEN or vocab["is_sensitive"]:
            item["open_type"] = OpenTypeChoices.NOT_OPEN
        else:
            item["open_type"] = open_type
        items.append(item)

    scope = "全市" if spec["division"] == "320900" else spec["county"]
    subject_name = name
    if name.startswith(spec["short"]):
        scope, subject_name = "", name.removeprefix(spec["short"])  # the name already says whose data it is
    elif name.startswith(spec.get("county", spec["short"])):
        scope = ""
    if category == ResourceCategoryChoices.BASE:
        use = "各部门身份核验、资格审核等基础性共享应用"
    elif category == ResourceCategoryChoices.TOPIC:
        use = TOPIC_USES[classification[:3]] + "领域的跨部门业务协同"
    else:
        use = "部门间业务协同和政务服务办理"
    system = hints.get("sys") or _system(rng, spec["systems"], name + office)
    fields = {
        "name": name,
        "source_system": system,
        "abstract": _abstract(rng, scope=scope, name=subject_name, items=items, provider=spec["short"], office=office,
                              system=f"“{system}”", cycle=cycle, basis=basis, use=use),
        "format_category": format_category,
        "format_type": format_type,
        "share_type": share_type,
        "share_condition": condition,
        "share_basis": basis,
        "share_mode": share_mode,
        "open_type": open_type,
        "open_condition": OPEN_CONDITION if open_type == OpenTypeChoices.CONDITIONAL else "",
        "update_cycle": cycle,
    }
    return PlannedEntry(
        category=category, classification=classification, provider=provider_key, office=office, fields=fields,
        items=items, sensitive=sensitive,
    )


def build_plan(*, quick=False, rng=None):
    """Every entry of the demo catalogue (about 300), or every fifth of them (about 60) when quick; the entries the
    exchange demo uses are in both, with the share mode it needs."""
    rng = rng or random.Random(SEED)
    specs = {spec["key"]: spec for spec in department_specs()}
    rows = _raw_entries()
    if quick:
        rows = [row for index, row in enumerate(rows) if index % 5 == 0 or row[4] in EXCHANGE_ENTRIES]
    plan = []
    for row in rows:
        entry = _plan_entry(rng, row, specs)
        # Set after planning, so the random choices of every other entry stay as they were.
        mode = EXCHANGE_ENTRIES.get(entry.fields["name"])
        if mode:
            entry.fields["share_mode"] = mode
        plan.append(entry)
    return plan

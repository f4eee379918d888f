"""Load the demo city: jurisdictions, departments, offices, classification 目, users, catalogue entries, duties,
then the sharing and exchange of that catalogue (`exchange.py`): mounted data, grants, requests, objections, the
service items (`service_items.py`), and governance (`governance.py`): system inventories and their usage, zombie
flags and cleanup plans, project filings, the Yancheng work plan with its progress.

Entries are created through the catalogue services acting as the demo users (a cataloguer of the provider
creates and submits, the competent authority's reviewer approves or returns), so codes, versions and the change
history are real. Everything runs in one transaction: a failure leaves nothing half-loaded.
"""

import datetime
import random
import time
from collections import Counter
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from govshare.catalog import services
from govshare.catalog.choices import (
    DutyChangeKindChoices,
    EntryStatusChoices,
    ResourceCategoryChoices,
    ShareTypeChoices,
    UpdateCycleChoices,
)
from govshare.catalog.models import Classification, Resource
from govshare.catalog.rules import entry_rule_errors
from govshare.core.validators import make_credit_code
from govshare.organizations.models import Department, Jurisdiction, Office
from govshare.users.choices import RoleChoices
from govshare.users.models import User
from govshare.users.services import set_roles

from .data_entries import NODES
from .data_org import CITY, COUNTIES, PROVINCE
from .exchange import ExchangeSummary, load_exchange
from .exchange_data import EXCHANGE_ENTRIES
from .governance import GovernanceSummary, load_governance
from .plan import SEED, build_plan, department_specs
from .service_items import load_service_items

__all__ = ["DEFAULT_PASSWORD", "DemoConflict", "Summary", "already_loaded", "load"]

DEFAULT_PASSWORD = "Govshare@2026"

# The named demo accounts: username, full name, department key, office, roles.
NAMED_USERS = [
    ("bianmu", "王丽娟", "ga", "科技信息化处", [RoleChoices.CATALOGUER, RoleChoices.DATA_PROVIDER]),
    ("bianmu2", "李明", "scjg", "登记注册处", [RoleChoices.CATALOGUER]),
    ("shenhe", "陈静", "jxw", "数据资源处", [RoleChoices.REVIEWER, RoleChoices.AUTHORITY_OFFICER]),
    ("bumen", "张伟", "ga", "科技信息化处", [RoleChoices.DEPARTMENT_ADMIN]),
    ("shiyong", "刘洋", "rs", "社会保险处", [RoleChoices.DATA_CONSUMER]),
    ("shiyong2", "马丽萍", "mz", "社会救助处", [RoleChoices.DATA_CONSUMER]),
    ("tigong", "黄志强", "scjg", "登记注册处", [RoleChoices.DATA_PROVIDER]),
    ("pingtai", "赵磊", "xxzy", "资源目录科", [RoleChoices.PLATFORM_ADMIN]),
    ("xitong", "孙强", "dzzw", "网络运维科", [RoleChoices.SYSTEM_ADMIN]),
    ("anquan", "周敏", "dzzw", "安全保障科", [RoleChoices.SECURITY_ADMIN]),
    ("shenji", "吴涛", "xxzy", "数据治理科", [RoleChoices.AUDIT_ADMIN]),
]
# The governance demo's accounts (created after the others, with fixed phone numbers, so the random draws of the
# catalogue demo stay as they were): the department admins of 市民政局 and 市人社局 file projects and report cleanup,
# the reviewers of 市发改委 and 市财政局 give the project opinions.
GOVERNANCE_USERS = [
    ("minzheng", "韩冬梅", "mz", "养老服务处", [RoleChoices.DEPARTMENT_ADMIN], "0515-88503318"),
    ("renshe", "蒋文军", "rs", "社会保险处", [RoleChoices.DEPARTMENT_ADMIN], "0515-88504412"),
    ("fagai", "潘立群", "fgw", "固定资产投资处", [RoleChoices.REVIEWER], "0515-88501108"),
    ("caizheng", "丁晓红", "cz", "预算处", [RoleChoices.REVIEWER], "0515-88513567"),
]
# The cataloguer of these departments is a named account; every other department with entries gets `bm_<key>`.
NAMED_CATALOGUERS = {"ga": "bianmu", "scjg": "bianmu2"}
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范"
    "金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史黎贺顾毛郝龚邵万钱覃武戴孔汤"
)
GIVEN = ["建华", "海燕", "志强", "秀英", "晓峰", "丽萍", "国庆", "文静", "春梅", "俊杰", "雪梅", "立新", "红霞", "永刚",
         "玉兰", "明辉", "晓燕", "德胜", "桂芳", "宏伟", "佳琪", "子涵", "雨婷", "思远", "浩然", "欣怡", "宇航", "梦瑶"]

RETURN_REASONS = [
    "资源摘要过于简略，请补充数据范围、采集方式和更新机制后重新提交",
    "共享条件表述不清，请明确可使用的部门范围和用途限制",
    "来源系统名称与政务信息系统清单不一致，请核实后修改",
    "信息项“{item}”的数据类型和长度与实际数据不符，请核实",
    "敏感信息项“{item}”应设为有条件共享并注明使用限制，请调整共享属性",
]
WITHDRAW_REASONS = [
    "因机构改革职能划转，相关数据不再由本部门产生，原目录注销",
    "该资源已整合至同类目录统一提供，原目录注销",
]
CHANGE_REASONS = ["根据《政务数据共享条例》要求完善目录", "业务系统升级", "明确数据归集渠道"]


class DemoConflict(Exception):
    """The database already holds objects the demo would create (usernames)."""


@dataclass
class Summary:
    jurisdictions: int = 0
    departments: list = field(default_factory=list)  # (jurisdiction, name, credit code, competent)
    offices: int = 0
    nodes: int = 0
    entries_by_status: Counter = field(default_factory=Counter)
    entries_by_category: Counter = field(default_factory=Counter)
    pending_changes: int = 0
    second_versions: int = 0
    duties: list = field(default_factory=list)
    users: list = field(default_factory=list)  # (username, full name, department, roles)
    cataloguers: int = 0
    password: str = DEFAULT_PASSWORD
    seconds: float = 0.0
    exchange: ExchangeSummary | None = None  # the sharing and exchange part
    governance: GovernanceSummary | None = None  # inventories, zombies, projects, the work plan


def already_loaded():
    """True when 盐城市 exists with its competent authority (the demo, or a real installation of the city)."""
    return Department.objects.filter(jurisdiction__division_code=CITY[1], is_competent_authority=True).exists()


class _Loader:
    def __init__(self, *, password, quick, log):
        self.password = password
        self.quick = quick
        self.log = log or (lambda message: None)
        self.rng = random.Random(SEED)
        self.summary = Summary(password=password)
        self.departments = {}  # key -> Department
        self.offices = {}  # (key, name) -> Office
        self.specs = {spec["key"]: spec for spec in department_specs()}
        self.users = {}  # username -> User
        self.cataloguers = {}  # department key -> User
        self.dept_nodes = {}  # department key -> Classification (目, or 项 for counties)
        self.password_hash = make_password(password)
        self.today = timezone.localdate()

    # --- organisations ------------------------------------------------------------------------------------------

    def jurisdictions(self):
        province, _created = Jurisdiction.objects.get_or_create(
            division_code=PROVINCE[1], defaults={"name": PROVINCE[0], "level": PROVINCE[2]}
        )
        city, _created = Jurisdiction.objects.get_or_create(
            division_code=CITY[1], defaults={"name": CITY[0], "level": CITY[2], "parent": province}
        )
        self.jurisdiction = {PROVINCE[1]: province, CITY[1]: city}
        for name, code, level in COUNTIES:
            county, _created = Jurisdiction.objects.get_or_create(
                division_code=code, defaults={"name": name, "level": level, "parent": city}
            )
            self.jurisdiction[code] = county
        self.summary.jurisdictions = len(self.jurisdiction)

    def organisations(self):
        for index, spec in enumerate(department_specs()):
            # Deterministic organisation codes (the 8 digits before the organisation check character).
            serial = 14090000 + index * 137 + (7 if spec["division"] == CITY[1] else 3)
            jurisdiction = self.jurisdiction[spec["division"]]
            contact_name, contact_phone = spec.get("contact", ("", ""))
            department, _created = Department.objects.get_or_create(
                jurisdiction=jurisdiction, name=spec["name"],
                defaults={
                    "short_name": spec["short"],
                    "credit_code": make_credit_code(spec["division"], serial, kind=spec.get("org", "1")),
                    "is_competent_authority": spec["competent"],
                    "contact_name": contact_name,
                    "contact_phone": contact_phone,
                    "description": spec.get("description", ""),
                },
            )
            self.departments[spec["key"]] = department
            for office_name in spec["offices"]:
                office, _created = Office.objects.get_or_create(department=department, name=office_name)
                self.offices[(spec["key"], office_name)] = office
            self.summary.departments.append(
                (jurisdiction.name, department.name, department.credit_code, department.is_competent_authority)
            )
        self.summary.offices = len(self.offices)

    def classification(self):
        def node(parent_code, segment, name):
            full_code = parent_code + segment
            existing = Classification.objects.filter(full_code=full_code).first()
            if existing:
                return existing
            created = Classification(parent=Classification.objects.get(full_code=parent_code), segment=segment,
                                     name=name)
            created.save()
            self.summary.nodes += 1
            return created

        for parent_code, segment, name in NODES:
            node(parent_code, segment, name)
        per_kind = Counter()
        for spec in department_specs():
            if spec["division"] == CITY[1]:
                per_kind[spec["kind"]] += 1
                self.dept_nodes[spec["key"]] = node(spec["kind"], f"{per_kind[spec['kind']]:03d}", spec["name"])
            else:
                self.dept_nodes[spec["key"]] = Classification.objects.get(full_code=spec["kind"])

    # --- users --------------------------------------------------------------------------------------------------

    def _user(self, username, full_name, key, office, roles, phone=None):
        user = User.objects.create(
            username=username, password=self.password_hash, full_name=full_name,
            department=self.departments[key] if key else None,
            office=self.offices.get((key, office)) if office else None,
            phone=phone or f"0515-8{self.rng.randint(1000000, 9999999)}",
        )
        set_roles(user, roles)
        user = User.objects.get(pk=user.pk)
        self.users[username] = user
        self.summary.users.append((username, full_name, user.department.name if user.department else "",
                                   [str(RoleChoices.label(role)) for role in roles]))
        return user

    def accounts(self, plan):
        wanted = [username for username, *_rest in NAMED_USERS + GOVERNANCE_USERS]
        providers = sorted({entry.provider for entry in plan}, key=list(self.specs).index)
        wanted += [f"bm_{key}" for key in providers if key not in NAMED_CATALOGUERS]
        taken = sorted(User.objects.filter(username__in=wanted).values_list("username", flat=True))
        if taken:
            raise DemoConflict("、".join(taken))
        for username, full_name, key, office, roles in NAMED_USERS:
            self._user(username, full_name, key, office, roles)
        for key in providers:
            if key in NAMED_CATALOGUERS:
                self.cataloguers[key] = self.users[NAMED_CATALOGUERS[key]]
                continue
            spec = self.specs[key]
            name = self.rng.choice(SURNAMES) + self.rng.choice(GIVEN)
            office = spec["offices"][0] if spec["offices"] else ""
            self.cataloguers[key] = self._user(
                f"bm_{key}", name, key, office, [RoleChoices.CATALOGUER, RoleChoices.DATA_PROVIDER]
            )
            self.summary.cataloguers += 1
        for username, full_name, key, office, roles, phone in GOVERNANCE_USERS:
            self._user(username, full_name, key, office, roles, phone=phone)
        self.reviewer = self.users["shenhe"]

    # --- entries ------------------------------------------------------------------------------------------------

    def _classification(self, entry):
        if entry.classification.startswith("3:"):
            return self.dept_nodes[entry.classification[2:]]
        return Classification.objects.get(full_code=entry.classification)

    def _fields(self, entry, classification):
        fields = dict(entry.fields)
        fields["classification"] = classification
        fields["provider"] = self.departments[entry.provider]
        fields["provider_office"] = self.offices.get((entry.provider, entry.office)) if entry.office else None
        return fields

    def _assign_statuses(self, plan):
        """Target status of each planned entry: most published, some in review, returned, drafts, withdrawn."""
        n = len(plan)
        order = list(range(n))
        self.rng.shuffle(order)
        counts = {
            EntryStatusChoices.SUBMITTED: max(4, round(n * 0.06)),
            EntryStatusChoices.RETURNED: max(2, round(n * 0.03)),
            EntryStatusChoices.DRAFT: max(2, round(n * 0.025)),
            EntryStatusChoices.WITHDRAWN: 2,
            "pending_change": 3 if n > 100 else 2,
            "second_version": 3 if n > 100 else 2,
        }
        status = {}
        # The entries the exchange demo mounts, shares and requests stay published.
        protected = {i for i in range(n) if plan[i].fields["name"] in EXCHANGE_ENTRIES}
        # The named cataloguers' departments show every state: 市公安局 a draft and a returned entry, 市市场监管局 one
        # in review, so logging in as bianmu or bianmu2 shows the whole lifecycle.
        forced = [("ga", EntryStatusChoices.RETURNED), ("ga", EntryStatusChoices.DRAFT),
                  ("scjg", EntryStatusChoices.SUBMITTED), ("ga", "pending_change")]
        for key, target in forced:
            index = next((i for i in order if plan[i].provider == key and i not in status and i not in protected
                          and plan[i].category == ResourceCategoryChoices.DEPARTMENT), None)
            if index is not None:
                status[index] = target
                counts[target] -= 1
        for target, count in counts.items():
            candidates = [i for i in order if i not in status and i not in protected]
            if target in ("pending_change", "second_version", EntryStatusChoices.WITHDRAWN):
                # Changes and withdrawals need a shareable published entry; keep the not-shared ones simple.
                candidates = [i for i in candidates if plan[i].fields["share_type"] != ShareTypeChoices.NOT_SHARED]
            for index in candidates[:max(count, 0)]:
                status[index] = target
        return [status.get(i, EntryStatusChoices.PUBLISHED) for i in range(n)]

    def _changed(self, resource, variant):
        """A realistic change of a published entry (a new item, a faster update cycle, a fuller abstract) and its
        change summary."""
        data = services.entry_snapshot(resource)
        fields, items = dict(data["fields"]), [dict(item) for item in data["items"]]
        share = fields["share_type"]
        notes = []
        if variant in (0, 2):
            name, code, data_type, length, description = (
                ("数据更新时间", "SJGXSJ", "T", 14, "记录最近一次更新的时间") if variant == 0
                else ("数据来源", "SJLY", "C", 100, "数据归集渠道")
            )
            if all(item["name"] != name for item in items):
                items.append({
                    "name": name, "code": code, "data_type": data_type, "length": length, "description": description,
                    "is_sensitive": False, "is_basic": False, "share_type": share, "share_condition": "",
                    "open_type": "not_open",
                })
                notes.append(f"新增信息项“{name}”")
        if variant in (0, 1):
            before = fields["update_cycle"]
            if before != UpdateCycleChoices.REALTIME:
                daily = before == UpdateCycleChoices.DAILY
                after = UpdateCycleChoices.REALTIME if daily else UpdateCycleChoices.DAILY
                fields["update_cycle"] = after
                notes.append(f"更新周期由{UpdateCycleChoices.label(before)}调整为{UpdateCycleChoices.label(after)}")
        if variant == 1:
            fields["abstract"] += "自2026年起通过共享交换平台库表方式按日增量同步。"
            notes.append("完善资源摘要")
        return fields, items, CHANGE_REASONS[variant] + "：" + "，".join(notes)

    @staticmethod
    def _return_reason(entry, pick):
        """A reviewer's reason that fits the entry (a sensitive item shared unconditionally, a vague condition…)."""
        fields = entry.fields
        reasons = [RETURN_REASONS[0], RETURN_REASONS[2], RETURN_REASONS[3].format(item=entry.items[-1]["name"])]
        if fields["share_type"] == ShareTypeChoices.CONDITIONAL:
            reasons.append(RETURN_REASONS[1])
        loose = [item["name"] for item in entry.items
                 if item["is_sensitive"] and not item["is_basic"]
                 and item["share_type"] == ShareTypeChoices.UNCONDITIONAL]
        if loose:
            reasons.append(RETURN_REASONS[4].format(item=loose[0]))
        return reasons[pick % len(reasons)]

    def entries(self, plan):
        statuses = self._assign_statuses(plan)
        changes = {"pending_change": 0, "second_version": 0}
        withdrawn = 0
        reasons = iter(self.rng.sample(range(10_000), len(plan)))
        for index, (entry, target) in enumerate(zip(plan, statuses, strict=True)):
            classification = self._classification(entry)
            errors = entry_rule_errors(entry.fields, entry.items, classification.category)
            if errors:
                raise ValueError(f"演示目录“{entry.fields['name']}”不符合编目规则：{errors}")
            cataloguer = self.cataloguers[entry.provider]
            if index and index % 50 == 0:
                self.log(f"已编目 {index}/{len(plan)} 条")
            resource = services.create_entry(
                user=cataloguer, fields=self._fields(entry, classification), items=entry.items
            )
            if target != EntryStatusChoices.DRAFT:
                services.submit_entry(resource, user=cataloguer)
            if target == EntryStatusChoices.RETURNED:
                reason = self._return_reason(entry, next(reasons))
                services.return_entry(resource, user=self.reviewer, reason=reason)
            elif target not in (EntryStatusChoices.DRAFT, EntryStatusChoices.SUBMITTED):
                services.approve_entry(resource, user=self.reviewer, comment="经审核，目录信息完整，同意发布。")
            if target == EntryStatusChoices.WITHDRAWN:
                reason = WITHDRAW_REASONS[withdrawn % len(WITHDRAW_REASONS)]
                withdrawn += 1
                services.withdraw_entry(resource, user=cataloguer, reason=reason)
            elif target in changes:
                variant = changes[target] % len(CHANGE_REASONS)
                changes[target] += 1
                fields, items, summary = self._changed(resource, variant)
                services.update_entry(resource, user=cataloguer, fields=fields, items=items, change_summary=summary)
                services.submit_entry(resource, user=cataloguer, change_summary=summary)
                if target == "second_version":
                    services.approve_entry(resource, user=self.reviewer, comment="变更内容合理，同意发布新版本。")
        self.summary.pending_changes = changes["pending_change"]
        self.summary.second_versions = changes["second_version"]
        resources = Resource.objects.filter(provider__in=self.departments.values())
        self.summary.entries_by_status = Counter(resources.values_list("status", flat=True))
        self.summary.entries_by_category = Counter(
            code[0] for code in resources.values_list("classification__full_code", flat=True)
        )

    # --- update duties ------------------------------------------------------------------------------------------

    def duties(self):
        admin = self.users["bumen"]
        department = self.departments["ga"]
        rows = [
            (DutyChangeKindChoices.LAW, "《居住证暂行条例》实施细则修订，流动人口居住登记信息项需调整", 60, False),
            (DutyChangeKindChoices.DUTY, "机构改革：出入境证件受理职能调整至市政务服务中心窗口", 3, False),
            (DutyChangeKindChoices.LAW, "《政务数据共享条例》施行，需补充共享属性和不予共享依据", 45, True),
        ]
        for kind, title, days_ago, done in rows:
            duty = services.record_update_duty(
                user=admin, department=department, kind=kind, title=title,
                occurred_on=self.today - datetime.timedelta(days=days_ago),
            )
            if done:
                services.complete_update_duty(duty, user=admin, completed_on=self.today - datetime.timedelta(days=20))
            state = "已完成" if done else ("已逾期" if duty.is_overdue(self.today) else "办理中")
            self.summary.duties.append((department.short_name, title, duty.due_on, state))


def load(*, password=DEFAULT_PASSWORD, quick=False, log=None) -> Summary:
    """Load the demo city in one transaction and return what was created."""
    started = time.monotonic()
    loader = _Loader(password=password, quick=quick, log=log)
    plan = build_plan(quick=quick, rng=loader.rng)
    with transaction.atomic():
        loader.jurisdictions()
        loader.organisations()
        loader.classification()
        loader.accounts(plan)
        loader.entries(plan)
        loader.duties()
        loader.summary.exchange = load_exchange(loader)
        load_service_items(loader)
        loader.summary.governance = load_governance(loader)
    loader.summary.seconds = time.monotonic() - started
    return loader.summary

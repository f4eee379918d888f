"""The sharing and exchange part of the demo city (issue 3): mounted tables, an API and a file, consumer systems,
subscriptions and share requests in every state, a revoked grant, objections, and a history of data use.

Everything goes through the services, acting as the demo users: the providers' data providers mount and answer,
the consumers' data consumers subscribe, apply and object, the competent authority (shenhe) decides. Three things
the services cannot do are set directly, and only here: the systems' app keys and secrets are derived from the demo
password (so a user can try the API with keys printed in the summary), and two pending requests are dated back (one
overdue, one due soon), since a service always stamps the present.
"""

import base64
import csv
import datetime as dt
import hashlib
import hmac
import io
import json
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from django.utils import timezone

from govshare.audit import services as audit
from govshare.audit.choices import AuditActionChoices, AuditResultChoices
from govshare.catalog.models import Resource
from govshare.datastore import services as datastore
from govshare.datastore.choices import LoadModeChoices, LoadStatusChoices
from govshare.datastore.models import DataTable
from govshare.objections import services as objections
from govshare.objections.choices import ObjectionKindChoices
from govshare.objections.models import Objection
from govshare.sharing import services as sharing
from govshare.sharing.models import ConsumerSystem, Grant, ShareRequest, ShareRequestEvent
from govshare.workdays.services import WorkCalendar

from .exchange_data import TODAY, companies, people, rows_for

__all__ = ["API_BASE_URL", "ExchangeSummary", "demo_app_key", "demo_secret", "load_exchange"]

# Where the demo's provider API "lives": nothing listens on port 9 (discard), so a proxied call shows the platform's
# answer to an unavailable provider.
API_BASE_URL = "http://127.0.0.1:9/unavailable"

# Consumer systems: department key, name, description, the purposes its calls state.
SYSTEMS = [
    ("rs", "社保经办系统", "市人社局社会保险经办业务系统：参保登记、待遇申领和资格认证",
     ["社会保险参保登记身份核验", "养老保险待遇领取资格认证", "城乡居民养老保险代缴对象核对"]),
    ("mz", "社会救助系统", "市民政局社会救助业务系统：最低生活保障、特困供养和临时救助的申请审核",
     ["最低生活保障申请家庭经济状况核对", "特困人员认定身份核验", "临时救助对象身份核验"]),
]

# Subscriptions to unconditional resources: consumer key, resource name, with the consumer's system or without
# (then the department's users download from the web).
SUBSCRIPTIONS = [
    ("rs", "居民身份证签发信息", True),
    ("rs", "户籍人口信息", True),
    ("rs", "企业登记信息", True),
    ("rs", "持证残疾人基本信息", True),
    ("rs", "居民身份证电子证照", True),
    ("rs", "纳税人登记信息", False),
    ("mz", "居民身份证签发信息", True),
    ("mz", "户籍人口信息", True),
    ("mz", "持证残疾人基本信息", True),
    ("mz", "企业登记信息", True),
    ("mz", "纳税人登记信息", True),  # revoked below
]
REVOKED = ("mz", "纳税人登记信息",
           "经核查，社会救助系统近期批量下载纳税人登记信息，超出“家庭经济状况核对”按需查询的订阅用途，暂停授权；"
           "整改后可重新订阅。")

LEGAL_BASIS = {
    "rs": "《中华人民共和国社会保险法》第七十三条、《政务数据共享条例》第十四条",
    "mz": "《社会救助暂行办法》第十一条、第六十条，《政务数据共享条例》第十四条",
}

# Share requests: consumer, resource, what happens, purpose, use scenario, the answers along the way.
REQUESTS = [
    {"consumer": "mz", "resource": "住房公积金缴存信息", "outcome": "overdue",
     "purpose": "核对最低生活保障申请家庭成员的住房公积金缴存情况，作为家庭经济状况认定依据",
     "scenario": "低保审核时按申请家庭成员身份证号逐一查询"},
    {"consumer": "rs", "resource": "基本医疗保险参保信息", "outcome": "due_soon",
     "purpose": "核对灵活就业人员基本医疗保险参保状态，办理社会保险关系转移接续",
     "scenario": "社保经办窗口按申请人身份证号查询"},
    {"consumer": "rs", "resource": "最低生活保障对象信息", "outcome": "partial",
     "purpose": "确定城乡居民基本养老保险由政府代缴保费的低保对象名单",
     "scenario": "每月批量比对代缴名单",
     "approve": ["公民身份号码", "姓名", "性别", "出生日期", "保障类别", "保障起始年月", "所属区县"],
     "clear": ["姓名"],
     "answer": "同意共享身份和保障资格信息，姓名以明文提供以便核对代缴名单；家庭成员人数、月保障金额和户籍地址涉及"
               "家庭经济状况，与养老保险代缴业务无关，不予共享。"},
    {"consumer": "mz", "resource": "失业保险待遇领取信息", "outcome": "approved",
     "purpose": "核对低保申请家庭成员领取失业保险金情况，计算家庭收入",
     "scenario": "低保审核时按身份证号查询", "answer": "同意共享，请严格按申请用途使用，不得向第三方提供。"},
    {"consumer": "rs", "resource": "居民电子健康档案信息", "outcome": "refused",
     "purpose": "工伤认定时核实伤者既往病史", "scenario": "工伤认定调查",
     "refusal": "居民电子健康档案仅限医疗卫生机构在诊疗过程中经本人授权调阅，工伤认定所需病历请通过医疗机构"
                "依法调取，不予共享。"},
    {"consumer": "mz", "resource": "机动车登记信息", "outcome": "negotiating",
     "purpose": "核查低保申请家庭成员名下机动车情况，作为家庭财产认定依据", "scenario": "低保审核时按身份证号查询",
     "refusal": "机动车登记信息含车辆识别代号等敏感信息，且申请未说明查询频次和范围，暂不同意共享。",
     "negotiation": "申请只需“所有人证件号码、号牌号码、车辆类型、机动车状态”四项，按身份证号逐条查询，"
                    "每月不超过2000次，请再研究。",
     "comment": ("ga", "可以就上述四项按核验方式提供，请补充低保审核的书面授权材料后重新确认。")},
    {"consumer": "rs", "resource": "住房公积金贷款信息", "outcome": "escalated",
     "purpose": "核实参保人员住房公积金贷款情况，办理失业保险金申领的家庭困难认定", "scenario": "按身份证号查询",
     "refusal": "公积金贷款信息涉及个人金融信息，需经本人授权，不予共享。",
     "escalation": "申领人已在申请表中签署授权，提供部门仍拒绝共享，请共享主管部门协调。"},
    {"consumer": "mz", "resource": "严重精神障碍患者管理信息", "outcome": "escalated",
     "purpose": "对在册严重精神障碍患者家庭落实临时救助和监护补贴", "scenario": "按季度比对救助名单"},
    {"consumer": "mz", "resource": "残疾人两项补贴发放信息", "outcome": "granted",
     "purpose": "避免困难残疾人生活补贴与低保重复计算，核定救助金额", "scenario": "每月比对发放名单",
     "refusal": "两项补贴数据正在与省残联系统对接，暂不对外共享。",
     "escalation": "两项补贴与低保政策衔接需要逐月比对，提供部门以系统对接为由拒绝，请主管部门协调。",
     "decision": "困难残疾人生活补贴与最低生活保障的衔接属于民政部门法定职责，依据《政务数据共享条例》第十五条，"
                 "决定由市残联向市民政局共享该资源的全部信息项，有效期一年。"},
    {"consumer": "rs", "resource": "纳税人申报纳税明细信息", "outcome": "denied",
     "purpose": "核定企业社会保险缴费基数", "scenario": "按单位统一社会信用代码批量查询",
     "decision": "纳税申报明细属于《中华人民共和国税收征收管理法》第八条规定保密的纳税人信息，社会保险费缴费基数"
                 "可通过“社会保险费缴费信息”取得，决定不予共享。"},
]


def _secret_bytes(password: str, label: str) -> bytes:
    return hmac.new(password.encode(), f"govshare-demo:{label}".encode(), hashlib.sha256).digest()


def demo_app_key(password: str, system_name: str) -> str:
    """The app key of a demo system: derived from the demo password, so it is the same in every demo database."""
    return "gs" + _secret_bytes(password, f"app-key:{system_name}").hex()[:32]


def demo_secret(password: str, system_name: str) -> str:
    """The app secret of a demo system (the demo only: real secrets are random and shown once)."""
    return base64.urlsafe_b64encode(_secret_bytes(password, f"secret:{system_name}")).decode().rstrip("=")


@dataclass
class ExchangeSummary:
    tables: list = field(default_factory=list)  # (resource, provider, rows, version, loads: "succeeded/total")
    rejected: list = field(default_factory=list)  # (resource, first line of the message, error report path)
    api_endpoint: str = ""
    files: list = field(default_factory=list)  # (resource, file name)
    systems: list = field(default_factory=list)  # (department, system, app key, secret)
    grants_by_basis: Counter = field(default_factory=Counter)
    revoked_grants: int = 0
    requests_by_status: Counter = field(default_factory=Counter)
    objections_by_status: Counter = field(default_factory=Counter)
    usage_entries: int = 0
    # For the try-it lines: the resource id, its key column, a key value, the purpose.
    try_resource: int = 0
    try_resource_name: str = ""
    try_key_column: str = ""
    try_key: str = ""
    try_purpose: str = ""


class _Exchange:
    def __init__(self, loader, folder: Path):
        self.loader = loader
        self.folder = folder
        self.quick = loader.quick
        self.password = loader.password
        self.users = loader.users
        self.departments = loader.departments
        self.summary = ExchangeSummary()
        self.today = timezone.localdate()
        self.systems = {}  # department key -> ConsumerSystem
        self.keys = {}  # resource name -> key values in the table (for lookups and objections)
        self.people = people(200 if self.quick else 5000)
        self.companies = companies(200 if self.quick else 2000)

    # --- helpers --------------------------------------------------------------------------------------------------

    def resource(self, name) -> Resource:
        return Resource.objects.get(name=name, provider__jurisdiction__division_code="320900")

    def provider_user(self, resource):
        """Who acts for the provider: the named data providers of 市公安局 and 市市场监管局, else the cataloguer."""
        key = next(key for key, department in self.departments.items() if department.pk == resource.provider_id)
        return {"ga": self.users["bianmu"], "scjg": self.users["tigong"]}.get(key) or self.loader.cataloguers[key]

    def consumer_user(self, key):
        return {"rs": self.users["shiyong"], "mz": self.users["shiyong2"]}[key]

    @staticmethod
    def items_named(resource, names):
        by_name = {item.name: item for item in resource.items.all()}
        return [by_name[name] for name in names]

    def write(self, name, rows, *, encoding="utf-8-sig", fmt="csv") -> Path:
        """Rows (dicts keyed by item name) as a file a provider would upload."""
        path = self.folder / name
        if fmt == "jsonl":
            lines = [json.dumps({k: _text(v) for k, v in row.items()}, ensure_ascii=False) for row in rows]
            path.write_text("\n".join(lines) + "\n", encoding="utf-8")
            return path
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(list(rows[0]))
        writer.writerows([_text(value) for value in row.values()] for row in rows)
        path.write_bytes(buffer.getvalue().encode(encoding))
        return path

    # --- mounted tables ---------------------------------------------------------------------------------------------

    def mount(self, name, subjects, key, *, encoding="utf-8-sig", fmt="csv", seed=2026):
        """Create the table of entry `name` with its key and load `subjects` into it (replace); returns the rows."""
        resource = self.resource(name)
        user = self.provider_user(resource)
        items = [(item.name, item.data_type, item.length) for item in resource.items.order_by("position", "id")]
        rows = rows_for(items, subjects, seed=seed)
        data_table = datastore.ensure_table(resource, key_item=key, user=user)
        suffix = "jsonl" if fmt == "jsonl" else "csv"
        path = self.write(f"{name}.{suffix}", rows, encoding=encoding, fmt=fmt)
        self._load(data_table, path, LoadModeChoices.REPLACE, key, user)
        self.keys[name] = [row[key] for row in rows]
        return resource, data_table, rows, items, user

    def _load(self, data_table, path, mode, key, user, *, expect=LoadStatusChoices.SUCCEEDED):
        load = datastore.load_file(data_table, path, mode=mode, key_item=key, user=user, source_name=path.name)
        if load.status != expect:
            raise RuntimeError(f"演示数据“{path.name}”加载结果为{load.status}，应为{expect}：{load.message}")
        return load

    def tables(self):
        persons, firms = self.people, self.companies
        # 居民身份证签发信息: a full load, then an upsert with newly issued cards and reissued ones (a second version).
        first, new = (persons[:180], persons[180:200]) if self.quick else (persons[:4600], persons[4600:])
        resource, data_table, rows, items, user = self.mount("居民身份证签发信息", first, "公民身份号码")
        reissued = [dict(person, issued=TODAY - dt.timedelta(days=40 + index)) for index, person in
                    enumerate(first[10:10 + (10 if self.quick else 200)])]
        upsert = rows_for(items, [*reissued, *new], seed=2031)
        path = self.write("居民身份证签发信息-增量.csv", upsert)
        self._load(data_table, path, LoadModeChoices.UPSERT, "公民身份号码", user)
        self.keys["居民身份证签发信息"] += [row["公民身份号码"] for row in upsert[len(reissued):]]

        # 户籍人口信息, exported from the provider's system in GBK: the first file has a wrong check digit and is
        # rejected as a whole (with its error report); the corrected file is then loaded.
        household = persons[:200] if self.quick else persons[:3000]
        resource = self.resource("户籍人口信息")
        user = self.provider_user(resource)
        items = [(item.name, item.data_type, item.length) for item in resource.items.order_by("position", "id")]
        rows = rows_for(items, household, seed=2032)
        bad = [dict(row) for row in rows]
        for index in (3, 17):
            number = bad[index]["公民身份号码"]
            bad[index]["公民身份号码"] = number[:17] + ("0" if number[17] != "0" else "1")
        data_table = datastore.ensure_table(resource, key_item="公民身份号码", user=user)
        path = self.write("户籍人口信息-导出.csv", bad, encoding="gbk")
        rejected = self._load(data_table, path, LoadModeChoices.REPLACE, "公民身份号码", user,
                              expect=LoadStatusChoices.REJECTED)
        self.summary.rejected.append(
            ("户籍人口信息", rejected.message.splitlines()[1] if "\n" in rejected.message else rejected.message,
             rejected.error_report_path)
        )
        path = self.write("户籍人口信息-导出（已更正）.csv", rows, encoding="gbk")
        self._load(data_table, path, LoadModeChoices.REPLACE, "公民身份号码", user)
        self.keys["户籍人口信息"] = [row["公民身份号码"] for row in rows]

        self.mount("企业登记信息", firms if self.quick else firms[:2000], "统一社会信用代码", seed=2033)
        self.mount("纳税人登记信息", firms[:150] if self.quick else firms[:1500], "统一社会信用代码", fmt="jsonl",
                   seed=2034)
        step = 5 if self.quick else 12
        self.mount("持证残疾人基本信息", persons[1::step][:400], "公民身份号码", seed=2035)
        step = 5 if self.quick else 8
        self.mount("最低生活保障对象信息", persons[3::step][:600], "公民身份号码", seed=2036)

    def other_mounts(self):
        """The provider API behind 居民身份证电子证照 and the yearly statistics file, if the mounting app is there."""
        try:
            from govshare.mounting import services as mounting
        except ImportError:  # pragma: no cover - the mounting app is optional for the demo
            return
        resource = self.resource("居民身份证电子证照")
        endpoint = mounting.save_api_endpoint(
            resource, user=self.provider_user(resource), base_url=API_BASE_URL, allowed_methods="GET",
            description="居民身份证电子证照查询接口（演示用地址，调用将返回“提供方接口不可用”）",
        )
        self.summary.api_endpoint = f"{resource.name} → {endpoint.base_url}"
        if not hasattr(mounting, "upload_file"):  # pragma: no cover
            return
        from django.core.files.uploadedfile import SimpleUploadedFile

        resource = self.resource("常住人口统计信息")
        name = "2025年盐城市常住人口统计.xlsx"
        mounting.upload_file(resource, SimpleUploadedFile(name, _statistics_workbook()),
                             user=self.provider_user(resource), name=name,
                             description="2025年度各县（市、区）常住人口主要数据")
        self.summary.files.append((resource.name, name))

    # --- systems and grants -------------------------------------------------------------------------------------------

    def consumer_systems(self):
        admin = self.users["pingtai"]  # the platform admin registers the departments' systems
        for key, name, description, _purposes in SYSTEMS:
            system, _random_secret = sharing.create_system(self.departments[key], user=admin, name=name,
                                                           description=description)
            # Demo only: keys derived from the demo password, so they can be printed and tried.
            secret = demo_secret(self.password, name)
            ConsumerSystem.objects.filter(pk=system.pk).update(
                app_key=demo_app_key(self.password, name), secret_hash=hashlib.sha256(secret.encode()).hexdigest()
            )
            system.refresh_from_db()
            self.systems[key] = system
            self.summary.systems.append((self.departments[key].short_name, name, system.app_key, secret))

    def subscriptions(self):
        for key, name, with_system in SUBSCRIPTIONS:
            sharing.subscribe(self.resource(name), self.departments[key], user=self.consumer_user(key),
                              system=self.systems[key] if with_system else None)
        key, name, reason = REVOKED
        resource = self.resource(name)
        grant = Grant.objects.get(resource=resource, consumer=self.departments[key], system=self.systems[key])
        sharing.revoke_grant(grant, user=self.provider_user(resource), reason=reason)

    def requests(self):
        period_start, period_end = self.today, self.today + dt.timedelta(days=365)
        authority = self.users["shenhe"]
        for spec in REQUESTS:
            key = spec["consumer"]
            consumer = self.consumer_user(key)
            resource = self.resource(spec["resource"])
            provider = self.provider_user(resource)
            request = sharing.submit_request(
                resource, self.departments[key], user=consumer, items=list(resource.items.all()),
                purpose=spec["purpose"], legal_basis=LEGAL_BASIS[key], use_scenario=spec["scenario"],
                period_start=period_start, period_end=period_end, system=self.systems[key],
            )
            outcome = spec["outcome"]
            if outcome in ("overdue", "due_soon"):
                self._date_back(request, overdue=outcome == "overdue")
            elif outcome in ("partial", "approved"):
                items = self.items_named(resource, spec["approve"]) if "approve" in spec else None
                clear = self.items_named(resource, spec.get("clear", ()))
                sharing.approve_request(request, user=provider, items=items, clear_items=clear,
                                        comment=spec["answer"])
            elif "refusal" in spec:
                sharing.refuse_request(request, user=provider, reason=spec["refusal"])
                if outcome == "negotiating":
                    sharing.start_negotiation(request, user=consumer, message=spec["negotiation"])
                    sharing.add_comment(request, user=provider, body=spec["comment"][1])
                elif outcome in ("escalated", "granted"):
                    sharing.escalate_request(request, user=consumer, reason=spec["escalation"])
            if outcome == "granted":
                sharing.decide_request(request, user=authority, grant=True, reason=spec["decision"])
            elif outcome == "denied":
                sharing.decide_request(request, user=authority, grant=False, reason=spec["decision"])
        # What the hourly job would send now: the overdue notice and the reminder for the dated-back requests.
        sharing.remind_deadlines(today=self.today)

    def _date_back(self, request, *, overdue):
        """Date a pending request back: submitted 25 days ago (its deadline passed), or so that its deadline is
        within the reminder days."""
        calendar = WorkCalendar()
        days = request.answer_days
        if overdue:
            back = 25
        else:
            back = next(back for back in range(0, 30)
                        if calendar.working_days_between(self.today, calendar.add_working_days(
                            self.today - dt.timedelta(days=back), days).date) <= sharing.reminder_days())
        submitted = timezone.now() - dt.timedelta(days=back)
        due = calendar.add_working_days(self.today - dt.timedelta(days=back), days)
        ShareRequest.objects.filter(pk=request.pk).update(submitted_at=submitted, due_on=due.date,
                                                          due_is_estimate=due.estimated)
        ShareRequestEvent.objects.filter(request=request).update(time=submitted)

    # --- objections ---------------------------------------------------------------------------------------------------

    def objections(self):
        rs, mz = self.users["shiyong"], self.users["shiyong2"]
        ids, disabled = self.keys["户籍人口信息"], self.keys["持证残疾人基本信息"]

        def item(resource, name):
            return resource.items.get(name=name)

        resource = self.resource("户籍人口信息")
        objections.raise_objection(
            user=rs, resource=resource, kind=ObjectionKindChoices.DATA_QUALITY, record_key=ids[7],
            field=item(resource, "婚姻状况"),
            description="该居民已于2025年在民政部门办理结婚登记，户籍人口信息中婚姻状况与婚姻登记信息不一致。",
            business_continues=True, business_note="申请人已提供结婚证原件，社保待遇申领按规定继续办理。",
        )

        resource = self.resource("居民身份证签发信息")
        objection = objections.raise_objection(
            user=mz, resource=resource, kind=ObjectionKindChoices.DATA_QUALITY, record_key=ids[11],
            field=item(resource, "签发机关"),
            description="申请人所持身份证的签发机关为东台市公安局，库表中为其他分局，请核实。",
        )
        objections.start_verification(objection, user=self.provider_user(resource), note="已转户政管理处核查签发记录。")

        resource = self.resource("企业登记信息")
        firm = self.companies[3]
        provider = self.provider_user(resource)
        objection = objections.raise_objection(
            user=rs, resource=resource, kind=ObjectionKindChoices.DATA_QUALITY, record_key=firm["code"],
            field=item(resource, "登记状态"),
            description="该企业已于2025年10月注销并办理社保登记注销，企业登记信息中登记状态仍为存续。",
        )
        objections.start_verification(objection, user=provider)
        # The correction is real: the provider upserts the corrected record, which gives the table a new version.
        items = [(i.name, i.data_type, i.length) for i in resource.items.order_by("position", "id")]
        row = rows_for(items, [dict(firm, state="注销")], seed=2033)
        path = self.write("企业登记信息-更正.csv", row)
        self._load(resource.data_table, path, LoadModeChoices.UPSERT, "统一社会信用代码", provider)
        objections.correct(objection, user=provider, correction_note="已核实该企业于2025年10月28日核准注销，"
                           "登记状态已更正为注销，库表数据已同步更新。", response="感谢反馈。")

        resource = self.resource("纳税人登记信息")
        firm = next(firm for firm in self.companies if firm["tax_state"] == "非正常")
        provider = self.provider_user(resource)
        objection = objections.raise_objection(
            user=mz, resource=resource, kind=ObjectionKindChoices.DATA_QUALITY, record_key=firm["code"],
            field=item(resource, "纳税人状态"),
            description="救助申请人所在企业的纳税人状态为非正常，但申请人称企业仍在经营，请核实。",
        )
        objections.start_verification(objection, user=provider)
        objections.reject(objection, user=provider, reasons="经核查，该纳税人2025年9月起连续三个月未申报，依照"
                          "《中华人民共和国税收征收管理法实施细则》认定为非正常户，状态无误，不予更正。")

        resource = self.resource("持证残疾人基本信息")
        objection = objections.raise_objection(
            user=mz, resource=resource, kind=ObjectionKindChoices.DATA_QUALITY, record_key=disabled[2],
            field=item(resource, "户籍地址"),
            description="持证人户籍已迁至盐都区，残疾人基本信息中的户籍地址仍为原地址。",
        )
        provider = self.provider_user(resource)
        objections.start_verification(objection, user=provider)
        objections.transfer(objection, user=provider, department=self.departments["ga"],
                            reason="户籍地址以公安机关户籍登记为准，本会数据来源于户籍信息，转市公安局核查。")

        resource = self.resource("居民身份证签发信息")
        provider = self.provider_user(resource)
        objection = objections.raise_objection(
            user=rs, resource=resource, kind=ObjectionKindChoices.CATALOGUE, field=item(resource, "有效期截止日期"),
            description="长期有效的身份证在库表中的有效期截止日期为2099-12-31，目录中没有说明，使用部门容易误解。",
        )
        objections.start_verification(objection, user=provider)
        objections.correct(objection, user=provider, correction_note="已在信息项说明中注明：长期有效的证件，"
                           "有效期截止日期填写为2099-12-31。")
        objections.rate(objection, user=rs, rating=5, comment="答复及时，说明清楚。")

    # --- data use -----------------------------------------------------------------------------------------------------

    def usage(self):
        """Audit entries of the consumer systems' calls, so the usage pages and "who looked at me" have content."""
        try:
            from govshare.delivery.access import visible_columns
            from govshare.delivery.masking import mask
        except ImportError:  # pragma: no cover - the data plane is optional for the demo
            visible_columns = mask = None
        purposes = {key: purposes for key, _name, _description, purposes in SYSTEMS}
        grants = (Grant.objects.active().filter(system__isnull=False, resource__data_table__isnull=False)
                  .select_related("resource__data_table", "system", "consumer").order_by("pk"))
        scale = 1 if self.quick else 8
        entries = 0
        for number, grant in enumerate(grants):
            key = next(k for k, system in self.systems.items() if system.pk == grant.system_id)
            data_table = grant.resource.data_table
            if visible_columns is not None:
                columns = [(c.column, c.kind, c.masked) for c in visible_columns(grant, data_table)]
            else:
                granted = set(grant.items.values_list("pk", flat=True))
                columns = [(c["column"], c["kind"], c["sensitive"]) for c in data_table.columns
                           if c["item_id"] in granted]
            names = [column for column, _kind, _masked in columns]
            key_column = data_table.key_column
            key_kind, key_masked = next(((kind, masked) for column, kind, masked in columns if column == key_column),
                                        (None, True))
            values = self.keys.get(grant.resource.name, [])
            common = {"system": grant.system.name, "department": grant.consumer, "resource": grant.resource}
            for call in range(5 * scale + number % 4):
                value = values[(call * 37 + number * 11) % len(values)]
                # The log keeps no personal data in clear: a masked key is logged masked (the subject names it).
                shown = value if not key_masked else mask(key_kind, value) if mask is not None else ""
                audit.append(action=AuditActionChoices.LOOKUP, items=names, filter={key_column: shown},
                             record_count=1, purpose=purposes[key][call % 3], latency_ms=4 + call % 9,
                             subjects=[value] if key_kind == "id_number" else (), **common)
                entries += 1
            for call in range(scale + number % 2):
                audit.append(action=AuditActionChoices.QUERY, items=names, filter={"limit": 100},
                             record_count=100, purpose=purposes[key][0], latency_ms=20 + call, **common)
                entries += 1
            if number % 3 == 0:
                audit.append(action=AuditActionChoices.DOWNLOAD, items=names, record_count=data_table.row_count,
                             purpose=purposes[key][2], latency_ms=800, detail={"format": "csv", "phase": "end"},
                             **common)
                entries += 1
        # A call with the revoked grant: refused, and logged as such.
        key, name, _reason = REVOKED
        audit.append(system=self.systems[key].name, department=self.departments[key], resource=self.resource(name),
                     action=AuditActionChoices.QUERY, purpose=purposes[key][0], result=AuditResultChoices.DENIED,
                     detail={"status": 403, "code": "no_grant", "message": "授权已撤销"})
        self.summary.usage_entries = entries + 1

    # --- summary ------------------------------------------------------------------------------------------------------

    def summarize(self):
        for data_table in DataTable.objects.select_related("resource__provider").order_by("pk"):
            loads = data_table.loads.all()
            succeeded = sum(1 for load in loads if load.status == LoadStatusChoices.SUCCEEDED)
            self.summary.tables.append((data_table.resource.name, data_table.resource.provider.short_name,
                                        data_table.row_count, data_table.version, f"{succeeded}/{len(loads)}"))
        grants = Grant.objects.filter(consumer__in=[self.departments[key] for key, *_rest in SYSTEMS])
        self.summary.grants_by_basis = Counter(grants.filter(revoked_at__isnull=True).values_list("basis", flat=True))
        self.summary.revoked_grants = grants.filter(revoked_at__isnull=False).count()
        self.summary.requests_by_status = Counter(ShareRequest.objects.values_list("status", flat=True))
        self.summary.objections_by_status = Counter(Objection.objects.values_list("status", flat=True))
        resource = self.resource("居民身份证签发信息")
        self.summary.try_resource = resource.pk
        self.summary.try_resource_name = resource.name
        self.summary.try_key_column = resource.data_table.key_column
        self.summary.try_key = self.keys[resource.name][0]
        self.summary.try_purpose = SYSTEMS[0][3][0]


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _statistics_workbook() -> bytes:
    """常住人口统计信息 for 2025 as a workbook, one row per county and indicator."""
    from openpyxl import Workbook

    from .exchange_data import DIVISION_NAMES

    book = Workbook()
    sheet = book.active
    sheet.title = "常住人口"
    sheet.append(["统计年度", "统计期别", "行政区划代码", "统计指标名称", "指标值", "计量单位"])
    population = {"320902": 73.6, "320903": 72.1, "320904": 65.8, "320921": 49.0, "320922": 89.3, "320923": 84.2,
                  "320924": 80.5, "320925": 63.4, "320981": 90.1}
    for code, value in population.items():
        sheet.append(["2025", "年度", code, f"{DIVISION_NAMES[code]}常住人口", value, "万人"])
        sheet.append(["2025", "年度", code, f"{DIVISION_NAMES[code]}城镇化率", round(50 + value / 4, 1), "%"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def load_exchange(loader) -> ExchangeSummary:
    """Run the exchange demo after the catalogue demo (inside its transaction), acting as its users."""
    with tempfile.TemporaryDirectory(prefix="govshare-demo-") as folder:
        exchange = _Exchange(loader, Path(folder))
        exchange.tables()
        exchange.other_mounts()
        exchange.consumer_systems()
        exchange.subscriptions()
        exchange.requests()
        exchange.objections()
        exchange.usage()
        exchange.summarize()
    return exchange.summary

"""`govshare demo [--quick] [--password P]`: load the demo city (盐城市) with departments, users and catalogue, and
its sharing and exchange (mounted tables, consumer systems, grants, share requests, objections, data use).

Idempotent: when 盐城市 already has its competent authority, it says so and changes nothing.
"""

from django.core.management.base import BaseCommand, CommandError

from govshare.catalog.choices import EntryStatusChoices, ResourceCategoryChoices
from govshare.demo.loader import DEFAULT_PASSWORD, DemoConflict, already_loaded, load
from govshare.objections.choices import ObjectionStatusChoices
from govshare.sharing.choices import GrantBasisChoices, RequestStatusChoices


class Command(BaseCommand):
    help = "载入演示数据：盐城市的部门、用户、目录、共享交换、信息系统、项目备案与督查台账 / load the demo city"

    def add_arguments(self, parser):
        parser.add_argument(
            "--password", default=DEFAULT_PASSWORD,
            help=f"演示用户的统一密码（默认 {DEFAULT_PASSWORD}）/ password of every demo user",
        )
        parser.add_argument("--quick", action="store_true",
                            help="只载入约80条目录和小库表（用于测试）/ about 80 entries, small tables")

    def handle(self, *args, password, quick, **options):
        if already_loaded():
            self.stdout.write("演示数据已存在（盐城市及其共享主管部门已在库中），未作任何修改。")
            return
        verbose = options.get("verbosity", 1) > 1
        try:
            summary = load(password=password, quick=quick, log=self.stdout.write if verbose else None)
        except DemoConflict as error:
            raise CommandError(f"以下用户名已被占用，无法载入演示数据：{error}") from error
        self._report(summary)

    def _report(self, summary):
        out = self.stdout.write
        departments = summary.departments
        city = [row for row in departments if row[0] == "盐城市"]
        authorities = [f"{row[0]}：{row[1]}" for row in departments if row[3]]
        out(self.style.SUCCESS(f"演示数据已载入（用时 {summary.seconds:.1f} 秒）"))
        out(f"行政区域 {summary.jurisdictions} 个；政务部门 {len(departments)} 个（市级 {len(city)} 个，"
            f"县区 {len(departments) - len(city)} 个），内设机构 {summary.offices} 个；新增分类“目” {summary.nodes} 个")
        out("共享主管部门：" + "；".join(authorities))
        total = sum(summary.entries_by_status.values())
        by_status = "，".join(
            f"{EntryStatusChoices.label(status)} {summary.entries_by_status.get(status, 0)}"
            for status in EntryStatusChoices.values
        )
        out(f"资源目录 {total} 条：{by_status}")
        by_category = "，".join(
            f"{ResourceCategoryChoices.label(code)} {summary.entries_by_category.get(code, 0)}"
            for code in ResourceCategoryChoices.values
        )
        out(f"  按类别：{by_category}")
        out(f"  已发布目录中变更待审核 {summary.pending_changes} 条，已发布第二版 {summary.second_versions} 条")
        for department, title, due_on, state in summary.duties:
            out(f"  目录更新任务（{department}）：{title}，期限 {due_on:%Y-%m-%d}，{state}")
        out("演示用户（统一密码：" + summary.password + "）：")
        for username, full_name, department, roles in summary.users:
            if username.startswith("bm_"):
                continue
            out(f"  {username:<10} {full_name:<4} {department}  {'、'.join(roles)}")
        out(f"  另有各部门编目员 {summary.cataloguers} 个：bm_<部门代号>（如 bm_mz 市民政局、bm_rs 市人社局），"
            "角色为编目员、数据提供方")
        if summary.exchange is not None:
            self._report_exchange(summary.exchange)
        if getattr(summary, "governance", None) is not None:
            from govshare.demo.governance import report_lines

            for line in report_lines(summary.governance):
                self.stdout.write(line)

    def _report_exchange(self, exchange):
        """What the sharing and exchange demo loaded, and how to try the data plane with a demo system."""
        out = self.stdout.write
        out("共享交换：")
        out(f"  挂接库表 {len(exchange.tables)} 张：")
        for name, provider, rows, version, loads in exchange.tables:
            out(f"    {name}（{provider}）{rows} 行，数据版本 {version}，加载成功/总次数 {loads}")
        for name, message, report in exchange.rejected:
            out(f"    {name} 有一次被拒绝的加载：{message}")
            out(f"      错误报告：{report}")
        if exchange.api_endpoint:
            out(f"  接口挂接：{exchange.api_endpoint}")
        for name, file_name in exchange.files:
            out(f"  文件挂接：{name} → {file_name}")
        grants = "，".join(f"{GrantBasisChoices.label(basis)} {exchange.grants_by_basis.get(basis, 0)}"
                          for basis in GrantBasisChoices.values)
        out(f"  授权（生效中）：{grants}；已撤销 {exchange.revoked_grants}")
        requests = "，".join(f"{RequestStatusChoices.label(status)} {count}"
                            for status in RequestStatusChoices.values
                            if (count := exchange.requests_by_status.get(status, 0)))
        out(f"  共享申请 {sum(exchange.requests_by_status.values())} 件：{requests}")
        objections = "，".join(f"{ObjectionStatusChoices.label(status)} {count}"
                              for status in ObjectionStatusChoices.values
                              if (count := exchange.objections_by_status.get(status, 0)))
        out(f"  数据疑义 {sum(exchange.objections_by_status.values())} 件：{objections}")
        out(f"  数据使用记录（审计日志）{exchange.usage_entries} 条")
        out("  演示应用系统（密钥由演示密码导出，仅供演示；正式系统的密钥随机生成、只显示一次）：")
        for department, name, app_key, secret in exchange.systems:
            out(f"    {department} {name}：app_key={app_key}  app_secret={secret}")
        if not exchange.systems or not exchange.try_resource:
            return
        _department, _name, app_key, secret = exchange.systems[0]
        base = "http://127.0.0.1:8000/api/v1/exchange"
        resource = f"$BASE/resources/{exchange.try_resource}"
        out(f"  试用数据接口（开发服务器 govshare runserver；以{exchange.systems[0][1]}查询"
            f"“{exchange.try_resource_name}”）：")
        out(f"    BASE={base}")
        out(f"    TOKEN=$(curl -s -X POST $BASE/token -H 'Content-Type: application/json' "
            f"-d '{{\"app_key\": \"{app_key}\", \"app_secret\": \"{secret}\"}}' "
            "| python3 -c 'import json,sys; print(json.load(sys.stdin)[\"access_token\"])')")
        auth = '-H "Authorization: Bearer $TOKEN"'
        purpose = f"--data-urlencode 'purpose={exchange.try_purpose}'"
        out(f"    curl -s -G {resource}/lookup {auth} {purpose} "
            f"--data-urlencode '{exchange.try_key_column}={exchange.try_key}'")
        out(f"    curl -s -G {resource}/download {auth} {purpose} -d format=csv -o {exchange.try_resource_name}.csv")

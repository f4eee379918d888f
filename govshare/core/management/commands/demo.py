"""`govshare demo [--quick] [--password P]`: load the demo city (盐城市) with departments, users and catalogue.

Idempotent: when 盐城市 already has its competent authority, it says so and changes nothing.
"""

from django.core.management.base import BaseCommand, CommandError

from govshare.catalog.choices import EntryStatusChoices, ResourceCategoryChoices
from govshare.demo.loader import DEFAULT_PASSWORD, DemoConflict, already_loaded, load


class Command(BaseCommand):
    help = "载入演示数据：盐城市的政务部门、用户和约300条政务信息资源目录 / load the demo city"

    def add_arguments(self, parser):
        parser.add_argument(
            "--password", default=DEFAULT_PASSWORD,
            help=f"演示用户的统一密码（默认 {DEFAULT_PASSWORD}）/ password of every demo user",
        )
        parser.add_argument("--quick", action="store_true", help="只载入约60条目录（用于测试）/ about 60 entries")

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

"""`govshare inventory import FILE | export FILE | usage FILE`: the audit list and usage figures from the console."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from govshare.inventory.excel import export_systems, import_systems, import_usage_csv
from govshare.inventory.models import InformationSystem
from govshare.organizations.models import Department

# Errors printed to the console; the rest are in the --report workbook.
MAX_PRINTED_ERRORS = 200


class Command(BaseCommand):
    help = _(
        "信息系统审计清单 Excel 导入导出，以及使用情况 CSV 导入。导入前检查整个文件：只要有一处错误，整个文件都不"
        "导入，并按行列出错误；全部正确时在一个事务中全部导入。按“所属部门 + 系统名称”匹配：已有的更新，没有的新建。"
    )

    def add_arguments(self, parser):
        subparsers = parser.add_subparsers(dest="subcommand", required=True)

        importer = subparsers.add_parser("import", help=_("导入审计清单（.xlsx）；有错误时整个文件不导入"))
        importer.add_argument("file", help=_("工作簿路径"))
        importer.add_argument("--department", help=_("文件所属部门的统一社会信用代码：空白的“所属部门”归入该部门，"
                                                     "其他部门的行视为错误"))
        importer.add_argument("--user", help=_("以此用户身份导入（默认：第一个超级用户）"))
        importer.add_argument("--report", help=_("文件被拒绝时，把错误清单写入此 .xlsx 文件"))

        exporter = subparsers.add_parser("export", help=_("把信息系统清单导出为可再次导入的工作簿（.xlsx）"))
        exporter.add_argument("file", help=_("输出路径"))
        exporter.add_argument("--department", help=_("只导出此部门（统一社会信用代码）的系统"))

        usage = subparsers.add_parser("usage", help=_("导入每月使用情况（CSV，UTF-8 或 GBK）"))
        usage.add_argument("file", help=_("CSV 文件路径"))
        usage.add_argument("--user", help=_("以此用户身份导入（默认：第一个超级用户）"))

    def handle(self, *args, **options):
        getattr(self, "handle_" + options["subcommand"])(**options)

    def _user(self, username):
        users = get_user_model().objects
        if username:
            try:
                return users.get(username=username)
            except users.model.DoesNotExist as exc:
                raise CommandError(_("用户不存在：%(user)s") % {"user": username}) from exc
        user = users.filter(is_superuser=True, is_active=True).order_by("pk").first()
        if user is None:
            raise CommandError(_("没有超级用户；请用 --user 指定导入用户，或先运行 govshare createadmin"))
        return user

    def _department(self, credit_code):
        if not credit_code:
            return None
        department = Department.objects.filter(credit_code=credit_code.strip().upper()).first()
        if department is None:
            raise CommandError(_("没有统一社会信用代码为 %(code)s 的部门") % {"code": credit_code})
        return department

    def _fail(self, result):
        for error in result.errors[:MAX_PRINTED_ERRORS]:
            self.stderr.write(str(error))
        if len(result.errors) > MAX_PRINTED_ERRORS:
            self.stderr.write(_("……另有%(n)d处错误未列出") % {"n": len(result.errors) - MAX_PRINTED_ERRORS})
        raise CommandError(_("文件有%(n)d处错误，整个文件未导入") % {"n": len(result.errors)}, returncode=1)

    def handle_import(self, file, department=None, user=None, report=None, **options):
        acting_user = self._user(user)
        try:
            result = import_systems(file, user=acting_user, department=self._department(department),
                                    report_path=report)
        except OSError as exc:
            raise CommandError(_("无法打开文件：%(error)s") % {"error": exc}) from exc
        if not result.ok:
            if report:
                self.stderr.write(_("错误清单已写入 %(path)s") % {"path": report})
            self._fail(result)
        self.stdout.write(self.style.SUCCESS(
            _("导入完成：新建%(created)d个系统，更新%(updated)d个系统") % {
                "created": result.created, "updated": result.updated}
        ))

    def handle_export(self, file, department=None, **options):
        queryset = InformationSystem.objects.all()
        if department:
            queryset = queryset.filter(owner=self._department(department))
        try:
            count = export_systems(queryset, file)
        except OSError as exc:
            raise CommandError(_("无法写入文件：%(error)s") % {"error": exc}) from exc
        self.stdout.write(self.style.SUCCESS(_("已导出%(n)d个信息系统到 %(file)s") % {"n": count, "file": file}))

    def handle_usage(self, file, user=None, **options):
        acting_user = self._user(user)
        try:
            result = import_usage_csv(file, user=acting_user)
        except OSError as exc:
            raise CommandError(_("无法打开文件：%(error)s") % {"error": exc}) from exc
        if not result.ok:
            self._fail(result)
        self.stdout.write(self.style.SUCCESS(_("使用情况导入完成：新增%(created)d条，更新%(updated)d条") % {
            "created": result.created, "updated": result.updated}))

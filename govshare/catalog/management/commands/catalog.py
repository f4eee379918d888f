"""`govshare catalog import FILE | export FILE`: the catalogue's Excel workbook from the console."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from govshare.catalog.choices import EntryStatusChoices
from govshare.catalog.excel import export_catalog, import_catalog
from govshare.catalog.models import Resource

# Errors printed to the console; the rest are in the --report workbook.
MAX_PRINTED_ERRORS = 200


class Command(BaseCommand):
    help = _(
        "资源目录 Excel 导入导出。导入前检查整个文件：只要有一处错误，整个文件都不导入（不会只导入一部分），"
        "并按“工作表、行号、列名”列出错误；全部正确时在一个事务中全部导入。资源代码为空的行新建为提供方的"
        "编目中目录；已有资源代码的行修改该目录（已发布的目录生成待审核的变更）。"
    )

    def add_arguments(self, parser):
        subparsers = parser.add_subparsers(dest="subcommand", required=True)

        importer = subparsers.add_parser(
            "import",
            help=_("导入目录工作簿（.xlsx）；有错误时整个文件不导入"),
            description=_(
                "检查整个文件，全部正确才在一个事务中导入；任何一处错误都拒绝整个文件，什么也不写入，"
                "并列出“第N行「列名」：错误”，退出码非零。"
            ),
        )
        importer.add_argument("file", help=_("工作簿路径"))
        importer.add_argument("--user", help=_("以此用户身份导入（默认：第一个超级用户）"))
        importer.add_argument("--report", help=_("文件被拒绝时，把错误清单写入此 .xlsx 文件"))

        exporter = subparsers.add_parser("export", help=_("把目录导出为可再次导入的工作簿（.xlsx）"))
        exporter.add_argument("file", help=_("输出路径"))
        exporter.add_argument("--status", help=_("只导出此状态的目录，如 published 或 已发布"))
        exporter.add_argument("--provider", help=_("只导出此提供方（统一社会信用代码）的目录"))

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

    def handle_import(self, file, user=None, report=None, **options):
        acting_user = self._user(user)
        try:
            result = import_catalog(file, user=acting_user, report_path=report)
        except OSError as exc:
            raise CommandError(_("无法打开文件：%(error)s") % {"error": exc}) from exc
        if not result.ok:
            for error in result.errors[:MAX_PRINTED_ERRORS]:
                self.stderr.write(str(error))
            if len(result.errors) > MAX_PRINTED_ERRORS:
                self.stderr.write(_("……另有%(n)d处错误未列出") % {"n": len(result.errors) - MAX_PRINTED_ERRORS})
            if result.error_report_path:
                self.stderr.write(_("错误清单已写入 %(path)s") % {"path": result.error_report_path})
            raise CommandError(
                _("文件有%(n)d处错误，整个文件未导入") % {"n": len(result.errors)}, returncode=1
            )
        self.stdout.write(self.style.SUCCESS(
            _("导入完成：新建%(created)d条，修改%(updated)d条，未变化%(unchanged)d条")
            % {"created": result.created, "updated": result.updated, "unchanged": result.unchanged}
        ))

    def handle_export(self, file, status=None, provider=None, **options):
        queryset = Resource.objects.all()
        if status:
            value = EntryStatusChoices.value_for_label(status)
            if value is None:
                raise CommandError(
                    _("未知状态：%(status)s，可选：%(allowed)s")
                    % {"status": status, "allowed": "、".join(EntryStatusChoices.values)}
                )
            queryset = queryset.filter(status=value)
        if provider:
            queryset = queryset.filter(provider__credit_code=provider.strip().upper())
        queryset = queryset.order_by("provider__credit_code", "classification__full_code", "code", "pk")
        try:
            count = export_catalog(queryset, file)
        except OSError as exc:
            raise CommandError(_("无法写入文件：%(error)s") % {"error": exc}) from exc
        self.stdout.write(self.style.SUCCESS(_("已导出%(n)d条目录到 %(file)s") % {"n": count, "file": file}))

"""`govshare plan import FILE [--name NAME]`: a work plan from its task table (.xlsx)."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from govshare.organizations.models import Jurisdiction
from govshare.supervision.excel import import_plan

MAX_PRINTED = 200


class Command(BaseCommand):
    help = _(
        "督查台账：从任务表（序号、工作任务、牵头单位、协同单位、时序进度）导入工作计划。任何一行有错误，"
        "整个文件都不导入，并按“工作表、行号、列名”列出错误；未匹配到部门的单位按文本保留并提示。"
    )

    def add_arguments(self, parser):
        subparsers = parser.add_subparsers(dest="subcommand", required=True)
        importer = subparsers.add_parser("import", help=_("导入任务表（.xlsx），建立一个新的工作计划"))
        importer.add_argument("file", help=_("工作簿路径"))
        importer.add_argument("--name", help=_("计划名称（默认：表格标题行或文件名）"))
        importer.add_argument("--issuing-body", default="", help=_("印发机关"))
        importer.add_argument("--document-number", default="", help=_("文号"))
        importer.add_argument("--year", type=int, help=_("计划年度（时序进度未写年份时使用）"))
        importer.add_argument("--jurisdiction", help=_("所属区域的行政区划代码（默认：导入用户所在区域）"))
        importer.add_argument("--user", help=_("以此用户身份导入（默认：第一个超级用户）"))
        importer.add_argument("--strict", action="store_true", help=_("有未匹配到部门的单位时拒绝整个文件"))
        importer.add_argument("--report", help=_("文件被拒绝时，把错误清单写入此 .xlsx 文件"))

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

    def handle_import(self, file, name=None, issuing_body="", document_number="", year=None, jurisdiction=None,
                      user=None, strict=False, report=None, **options):
        acting_user = self._user(user)
        area = None
        if jurisdiction:
            area = Jurisdiction.objects.filter(division_code=jurisdiction).first()
            if area is None:
                raise CommandError(_("行政区划代码不存在：%(code)s") % {"code": jurisdiction})
        if year is not None and not 2000 <= year <= 2100:
            raise CommandError(_("年度应在2000至2100之间"))
        try:
            result = import_plan(
                file, user=acting_user, name=name, jurisdiction=area, issuing_body=issuing_body,
                document_number=document_number, year=year, strict_units=strict, report_path=report, filename=file,
            )
        except OSError as exc:
            raise CommandError(_("无法打开文件：%(error)s") % {"error": exc}) from exc
        for warning in result.warnings[:MAX_PRINTED]:
            self.stderr.write(_("提示：%(warning)s") % {"warning": warning})
        if not result.ok:
            for error in result.errors[:MAX_PRINTED]:
                self.stderr.write(str(error))
            if result.error_report_path:
                self.stderr.write(_("错误清单已写入 %(path)s") % {"path": result.error_report_path})
            raise CommandError(_("文件有%(n)d处错误，整个文件未导入") % {"n": len(result.errors)}, returncode=1)
        self.stdout.write(self.style.SUCCESS(
            _("已导入工作计划“%(name)s”（编号 %(id)d），共%(n)d项任务；%(w)d个单位按文本保留")
            % {"name": result.plan_name, "id": result.plan_id, "n": result.created, "w": len(result.warnings)}
        ))

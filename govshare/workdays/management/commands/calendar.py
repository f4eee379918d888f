"""`govshare calendar import FILE | show YEAR | due START DAYS`: the working-day calendar from the console."""

import datetime

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from govshare.workdays import services
from govshare.workdays.choices import DayStatusSourceChoices

WEEKDAYS = "一二三四五六日"


def _date_argument(text):
    try:
        return datetime.date.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(_("日期格式应为 YYYY-MM-DD：%(value)s") % {"value": text}) from exc


class Command(BaseCommand):
    help = _("工作日历：导入节假日安排、查看某年节假日、计算到期日")

    def add_arguments(self, parser):
        subparsers = parser.add_subparsers(dest="subcommand", required=True)

        importer = subparsers.add_parser("import", help=_("导入 CSV/XLSX 日历文件（列：日期、类型、名称）"))
        importer.add_argument("file", help=_("文件路径"))
        importer.add_argument(
            "--partial", action="store_true",
            help=_("文件只含个别更正：不把文件中的年份标记为整年已载入"),
        )
        importer.add_argument("--note", default="", help=_("已载入年份的备注，例如依据的通知文号"))
        importer.add_argument("--user", help=_("记入变更历史的用户名"))

        show = subparsers.add_parser("show", help=_("列出某年的节假日和调休上班日及其来源"))
        show.add_argument("year", type=int)

        due = subparsers.add_parser("due", help=_("计算起始日期之后第 N 个工作日"))
        due.add_argument("start", help="YYYY-MM-DD")
        due.add_argument("days", type=int)

    def handle(self, *args, **options):
        getattr(self, "handle_" + options["subcommand"])(**options)

    def handle_import(self, file, partial=False, note="", user=None, **options):
        acting_user = None
        if user:
            try:
                acting_user = get_user_model().objects.get(username=user)
            except get_user_model().DoesNotExist as exc:
                raise CommandError(_("用户不存在：%(user)s") % {"user": user}) from exc
        try:
            result = services.import_calendar(file, user=acting_user, mark_years_loaded=not partial, note=note)
        except OSError as exc:
            raise CommandError(_("无法打开文件：%(error)s") % {"error": exc}) from exc
        if not result.ok:
            for issue in result.errors:
                self.stderr.write(str(issue))
            raise CommandError(
                _("文件有 %(count)d 处错误，未导入任何数据") % {"count": len(result.errors)}, returncode=2
            )
        self.stdout.write(
            _("已导入：新增 %(created)d 天，更新 %(updated)d 天，未变 %(unchanged)d 天")
            % {"created": result.created, "updated": result.updated, "unchanged": result.unchanged}
        )
        years = "、".join(str(year) for year in result.years)
        if partial:
            self.stdout.write(_("涉及年份：%(years)s（未标记为整年已载入）") % {"years": years})
        else:
            self.stdout.write(_("已标记为整年已载入：%(years)s") % {"years": years})

    def handle_show(self, year, **options):
        calendar = services.WorkCalendar()
        source = calendar.year_source(year)
        if source == DayStatusSourceChoices.WEEKEND_FALLBACK:
            self.stdout.write(
                _("%(year)d年：节假日安排未载入，按周末估算（可用 govshare calendar import 文件 载入）")
                % {"year": year}
            )
        else:
            self.stdout.write(
                _("%(year)d年：节假日安排来自%(source)s")
                % {"year": year, "source": DayStatusSourceChoices.label(source)}
            )
        days = calendar.special_days(year)
        if not days:
            self.stdout.write(_("（没有节假日或调休上班日）"))
        for day, status in days:
            kind = _("调休上班") if status.is_working_day and day.weekday() >= 5 else (
                _("工作日") if status.is_working_day else _("休息日")
            )
            self.stdout.write(
                f"{day:%Y-%m-%d} {_('周')}{WEEKDAYS[day.weekday()]}  {kind}  {status.name or '-'}  "
                f"[{DayStatusSourceChoices.label(status.source)}]"
            )

    def handle_due(self, start, days, **options):
        start_date = _date_argument(start)
        if days < 0:
            raise CommandError(_("工作日数不能为负数"))
        due = services.add_working_days(start_date, days)
        self.stdout.write(
            _("%(start)s 之后第 %(days)d 个工作日：%(due)s（周%(weekday)s）")
            % {"start": start_date.isoformat(), "days": days, "due": due.date.isoformat(),
               "weekday": WEEKDAYS[due.date.weekday()]}
        )
        if due.estimated:
            self.stdout.write(_("注意：%(note)s，结果仅供参考") % {"note": due.note})
        else:
            self.stdout.write(_("已按节假日安排计算"))

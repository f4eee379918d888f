"""`govshare bulletin --week YYYY-Www OUT`: the weekly supervision bulletin as a PDF or DOCX document."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from govshare.supervision.bulletin import build_bulletin, render_docx, render_pdf
from govshare.supervision.models import WorkPlan


class Command(BaseCommand):
    help = _("生成督查周通报（ISO 周次，如 2026-W41）；输出文件以 .pdf 或 .docx 结尾决定格式。")

    def add_arguments(self, parser):
        parser.add_argument("out", help=_("输出文件（.pdf 或 .docx）"))
        parser.add_argument("--week", required=True, help=_("ISO 周次，如 2026-W41"))
        parser.add_argument("--plan", type=int, action="append", help=_("只统计此工作计划（编号，可重复）"))

    def handle(self, *args, out, week, plan=None, **options):
        path = Path(out)
        suffix = path.suffix.lower()
        if suffix not in (".pdf", ".docx"):
            raise CommandError(_("输出文件须以 .pdf 或 .docx 结尾"))
        if plan:
            missing = set(plan) - set(WorkPlan.objects.filter(pk__in=plan).values_list("pk", flat=True))
            if missing:
                raise CommandError(_("工作计划不存在：%(ids)s") % {"ids": "、".join(map(str, sorted(missing)))})
        try:
            bulletin = build_bulletin(week, plans=plan)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        content = render_pdf(bulletin) if suffix == ".pdf" else render_docx(bulletin)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)
        except OSError as exc:
            raise CommandError(_("无法写入文件：%(error)s") % {"error": exc}) from exc
        counts = bulletin.counts
        self.stdout.write(self.style.SUCCESS(
            _("已生成%(week)s周通报：%(path)s（任务%(total)d项，已完成%(done)d项，已逾期%(overdue)d项）")
            % {"week": bulletin.week, "path": path, "total": counts["total"], "done": counts["done"],
               "overdue": counts["overdue"]}
        ))

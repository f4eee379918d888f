"""`govshare zombies [--detect] [--department CREDIT_CODE]`: the systems flagged as zombies, with their reasons."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from govshare.organizations.models import Department
from govshare.zombies import services
from govshare.zombies.choices import FlagStatusChoices
from govshare.zombies.models import ZombieFlag


class Command(BaseCommand):
    help = _("列出被标记为疑似僵尸系统（待确认或已确认）的信息系统及认定理由；--detect 先按规则重新检测。")

    def add_arguments(self, parser):
        parser.add_argument(
            "--detect", action="store_true", help=_("先运行检测（与每日任务相同，并通知新标记的系统所属部门）")
        )
        parser.add_argument("--department", help=_("只看此部门（统一社会信用代码）的系统"))

    def handle(self, *args, **options):
        department = None
        if options.get("department"):
            code = options["department"].strip().upper()
            department = Department.objects.filter(credit_code=code).first()
            if department is None:
                raise CommandError(_("没有统一社会信用代码为 %(code)s 的部门") % {"code": code})
        if options.get("detect"):
            systems = department.information_systems.all() if department else None
            flags = services.run_detection(systems=systems)
            new = sum(1 for flag in flags if getattr(flag, "opened_now", False))
            self.stdout.write(_("检测完成：%(total)d 个系统有认定理由，其中新标记 %(new)d 个") % {
                "total": len(flags), "new": new})
        flags = ZombieFlag.objects.filter(status__in=FlagStatusChoices.ACTIVE).select_related("system__owner")
        if department is not None:
            flags = flags.filter(system__owner=department)
        flags = list(flags.order_by("system__owner__name", "system__name"))
        if not flags:
            self.stdout.write(_("没有被标记的系统"))
            return
        for flag in flags:
            self.stdout.write(f"{flag.system.owner.name}\t{flag.system.name}\t{flag.get_status_display()}\t"
                              f"{flag.opened_at:%Y-%m-%d}")
            for text in flag.reason_texts:
                self.stdout.write(f"  - {text}")
        self.stdout.write(_("共 %(n)d 个被标记的系统") % {"n": len(flags)})

"""`govshare audit verify [--export DIR] | seal`: check the audit chain, export it for an auditor, seal its head."""

import time

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from govshare.audit import services
from govshare.audit.verify import export_log, verify_database


class Command(BaseCommand):
    help = _("审计日志：校验 SM3 杂凑链与封印（verify，可导出供外部审计），或以平台密钥封印当前链头（seal）。")

    def add_arguments(self, parser):
        subparsers = parser.add_subparsers(dest="subcommand", required=True)
        verifier = subparsers.add_parser(
            "verify",
            help=_("校验审计日志；有问题时指出第一条被篡改、插入或缺失的条目，退出码非零"),
        )
        verifier.add_argument(
            "--export", metavar="DIR", help=_("同时导出 audit.jsonl、seals.jsonl 和独立校验程序 verify_audit.py")
        )
        subparsers.add_parser("seal", help=_("以平台密钥（HMAC-SM3）封印当前链头"))

    def handle(self, *args, **options):
        getattr(self, "handle_" + options["subcommand"])(**options)

    def handle_verify(self, export=None, **options):
        started = time.perf_counter()
        result = verify_database()
        elapsed = time.perf_counter() - started
        if export:
            count = export_log(export)
            self.stdout.write(_("已导出 %(count)d 条到 %(dir)s") % {"count": count, "dir": export})
        if not result.ok:
            raise CommandError(
                _("审计日志校验失败（第 %(seq)s 条，%(problem)s）：%(message)s")
                % {
                    "seq": result.first_bad_seq,
                    "problem": result.problem,
                    "message": result.message,
                }
            )
        self.stdout.write(self.style.SUCCESS(result.message + _("（用时 %(s).2f 秒）") % {"s": elapsed}))

    def handle_seal(self, **options):
        seal = services.seal()
        if seal is None:
            self.stdout.write(_("没有新的审计条目需要封印"))
        else:
            self.stdout.write(self.style.SUCCESS(_("已封印至第 %(seq)d 条") % {"seq": seal.seq}))

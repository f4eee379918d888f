"""`govshare mount RESOURCE_CODE FILE [--mode replace|append|upsert] [--key ITEM_CODE]`: load a file into a
resource's mounted table from the console, all or nothing."""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from govshare.catalog.models import Resource
from govshare.datastore import services
from govshare.datastore.choices import LoadModeChoices, LoadPhaseChoices, LoadStatusChoices


class Command(BaseCommand):
    help = _(
        "把 CSV（UTF-8/GBK 自动识别）、Excel 或 JSON 文件加载到资源的库表。先检查整个文件，任何一处错误都"
        "拒绝整个文件（库表数据不变）并写出错误报告；全部正确时在一个事务中加载。退出码：0 成功，1 文件被拒绝，"
        "2 加载失败。"
    )

    def add_arguments(self, parser):
        parser.add_argument("resource", help=_("资源代码（如 201001/000001）或资源编号"))
        parser.add_argument("file", help=_("数据文件路径（.csv、.xlsx、.json、.jsonl）"))
        parser.add_argument("--mode", choices=LoadModeChoices.values, default=LoadModeChoices.REPLACE,
                            help=_("replace 全量替换（默认），append 追加，upsert 按主键更新"))
        parser.add_argument("--key", help=_("主键信息项的代码或名称（upsert 必填）"))
        parser.add_argument("--user", help=_("以此用户身份加载（默认不记录用户）"))

    def handle(self, *args, resource, file, mode, key=None, user=None, **options):
        target = Resource.objects.filter(code=resource).first()
        if target is None and resource.isdigit():
            target = Resource.objects.filter(pk=int(resource)).first()
        if target is None:
            raise CommandError(_("资源不存在：%(code)s") % {"code": resource})
        acting_user = None
        if user:
            acting_user = get_user_model().objects.filter(username=user).first()
            if acting_user is None:
                raise CommandError(_("用户不存在：%(user)s") % {"user": user})
        shown = {"phase": None, "progress": -10}

        def progress(load):
            if load.phase != shown["phase"] or load.progress >= shown["progress"] + 10:
                shown.update(phase=load.phase, progress=load.progress)
                self.stdout.write(f"[{load.progress:3d}%] {LoadPhaseChoices.label(load.phase)}")

        try:
            data_table = services.ensure_table(target, key_item=None, user=acting_user)
            load = services.load_file(data_table, file, mode=mode, key_item=key, user=acting_user, progress=progress)
        except (ValidationError, PermissionDenied) as exc:
            messages = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
            raise CommandError("；".join(messages), returncode=2) from exc
        self.stdout.write(_("读取%(read)d行，加载%(loaded)d行，拒绝%(rejected)d行") % {
            "read": load.rows_read, "loaded": load.rows_loaded, "rejected": load.rows_rejected})
        if load.status == LoadStatusChoices.SUCCEEDED:
            self.stdout.write(self.style.SUCCESS(load.message))
            return
        self.stderr.write(load.message)
        if load.error_report_path:
            self.stderr.write(_("错误报告：%(path)s") % {"path": load.error_report_path})
        raise CommandError(LoadStatusChoices.label(load.status),
                           returncode=1 if load.status == LoadStatusChoices.REJECTED else 2)

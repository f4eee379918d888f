"""`govshare serve [--demo]`: set up and run the platform on this machine (embedded default).

Migrates the database, collects static files, creates the first administrator, optionally loads the demo city,
starts a background worker for long jobs and serves the site with waitress on 127.0.0.1:8000.
"""

import subprocess
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from govshare.users.models import User

from .createadmin import initial_password_file


class Command(BaseCommand):
    help = "初始化并启动平台（迁移数据库、创建管理员、可选载入演示数据、启动后台任务进程与网站）"

    def add_arguments(self, parser):
        parser.add_argument("--demo", action="store_true", help="载入演示数据（盐城市）/ load the demo city")
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--threads", type=int, default=8)
        parser.add_argument(
            "--no-worker", action="store_true", help="不启动后台任务进程 / no background worker"
        )

    def handle(self, *args, demo, host, port, threads, no_worker, **options):
        call_command("migrate", interactive=False, verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        call_command("createadmin", if_missing=True)
        if demo:
            call_command("demo")
        self._print_login(host, port)
        worker = None
        if not no_worker:
            # The embedded default's broker is a folder in the data directory; production runs workers itself.
            worker = subprocess.Popen(  # noqa: S603 - our own interpreter and module, fixed arguments
                # -B runs the periodic jobs (reminders, audit chaining, pulls) in the same process; production runs
                # exactly one `celery beat` beside its workers instead.
                [sys.executable, "-m", "celery", "-A", "govshare", "--quiet", "worker", "--pool=solo",
                 "--loglevel=WARNING", "-B", "--schedule", str(settings.DATA_DIR / "celerybeat-schedule")],
            )
        from waitress import serve

        from govshare.wsgi import application

        try:
            serve(application, host=host, port=port, threads=threads, ident="govshare")
        finally:
            if worker is not None:
                worker.terminate()
                worker.wait(timeout=10)

    def _print_login(self, host, port):
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"政务信息资源共享交换平台已启动：http://{host}:{port}/"))
        path = initial_password_file()
        if path.exists():
            username, password = path.read_text().split()[:2]
            user = User.objects.filter(username=username).first()
            if user and user.check_password(password):
                self.stdout.write(f"管理员账号 / admin login: {username} / {password}")
            else:
                self.stdout.write(f"管理员账号 / admin login: {username}（初始密码已修改）")
        self.stdout.write(f"数据目录 / data directory: {settings.DATA_DIR}")
        self.stdout.write("按 Ctrl+C 停止 / press Ctrl+C to stop\n")

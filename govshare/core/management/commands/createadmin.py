"""`govshare createadmin`: the installation's first administrator account."""

import secrets
import string

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from govshare.users.models import User

__all__ = ["Command", "initial_password_file", "make_password"]


def initial_password_file():
    return settings.DATA_DIR / "admin-initial-password.txt"


def make_password(length=16):
    """A random password that satisfies the password policy (all four character classes)."""
    alphabet = string.ascii_letters + string.digits + "#@%+=-"
    while True:
        password = "".join(secrets.choice(alphabet) for _ in range(length))
        if (any(c.islower() for c in password) and any(c.isupper() for c in password)
                and any(c.isdigit() for c in password) and any(c in "#@%+=-" for c in password)):
            return password


class Command(BaseCommand):
    help = "创建平台初始管理员账号（超级用户），随机生成密码并打印。Create the first administrator."

    def add_arguments(self, parser):
        parser.add_argument("--username", default="admin")
        parser.add_argument("--password", help="不指定则随机生成 / generated when omitted")
        parser.add_argument("--if-missing", action="store_true", help="已存在则不做任何事 / no-op when it exists")

    def handle(self, *args, username, password, if_missing, **options):
        if User.objects.filter(username=username).exists():
            if if_missing:
                return
            raise CommandError(f"用户 {username} 已存在")
        password = password or make_password()
        User.objects.create_superuser(username=username, password=password, full_name="平台管理员")
        # Kept only so `govshare serve` can remind the operator until the password is changed.
        path = initial_password_file()
        path.write_text(f"{username}\n{password}\n")
        path.chmod(0o600)
        self.stdout.write(self.style.SUCCESS(f"已创建管理员 {username}，初始密码：{password}（请登录后立即修改）"))

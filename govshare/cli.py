"""The `govshare` console command: Django's management commands under one name.

`govshare serve`, `govshare demo`, `govshare catalog import FILE`, ... are management commands that live in the
app they belong to (`<app>/management/commands/`), so each app owns its own CLI.
"""

import os
import sys

__all__ = ["main"]


def main(argv=None):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govshare.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["govshare", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    main()

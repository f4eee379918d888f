"""What every benchmark starts with: Django on a throwaway data directory and database, migrated."""

import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

__all__ = ["setup_django"]


def setup_django(prefix):
    """Settings for a throwaway run: a temporary data directory and database, then migrate; returns the cleanup.

    With a PostgreSQL DATABASE_URL a database is created on that server for the run and dropped by the cleanup, so
    the named database is never touched; otherwise a SQLite file in the temporary data directory.
    """
    data_dir = tempfile.mkdtemp(prefix=f"govshare-bench-{prefix}-")
    os.environ["GOVSHARE_DATA_DIR"] = data_dir
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govshare.settings")
    url = os.environ.get("DATABASE_URL", "")

    def cleanup():
        shutil.rmtree(data_dir, ignore_errors=True)

    if url.startswith("postgres"):
        import psycopg

        name = f"govshare_bench_{os.getpid()}"
        with psycopg.connect(url, autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        os.environ["DATABASE_URL"] = url.rsplit("/", 1)[0] + "/" + name

        def cleanup():
            from django.db import connections

            connections.close_all()
            with psycopg.connect(url, autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
            shutil.rmtree(data_dir, ignore_errors=True)
    else:
        os.environ["DATABASE_URL"] = f"sqlite:///{data_dir}/bench.sqlite3"

    import django

    django.setup()
    from django.core.management import call_command

    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    print(f"database: {os.environ['DATABASE_URL'].split('@')[-1]}  (migrate {time.perf_counter() - started:.1f} s)")
    return cleanup

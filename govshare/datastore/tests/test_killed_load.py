"""A load whose process is killed half-way through writing leaves the previous data intact, and is then marked
failed. The load runs in a real separate process (the same as `govshare mount` or a worker) killed by SIGKILL."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from govshare.core.testing import ensure_seed_data
from govshare.datastore import services
from govshare.datastore.models import DataTable, TableLoad

from .conftest import csv_text, row
from .test_services import table_rows

ROOT = Path(__file__).resolve().parents[3]

LOADER = """
import os, signal, sys
import django
django.setup()
from django.conf import settings
from govshare.datastore import services
from govshare.datastore.models import DataTable

settings.GOVSHARE_MOUNT_CHUNK_ROWS = 20
table = DataTable.objects.get(pk=int(sys.argv[1]))

def progress(load):
    # Die like a killed worker once half of the rows are written (inside the load's transaction).
    if load.rows_loaded >= int(sys.argv[3]):
        os.kill(os.getpid(), signal.SIGKILL)

services.load_file(table, sys.argv[2], mode=sys.argv[4], key_item="GMSFHM", progress=progress)
"""


def database_url():
    config = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{config['NAME']}"
    password = f":{config['PASSWORD']}" if config.get("PASSWORD") else ""
    return f"postgres://{config['USER']}{password}@{config['HOST']}:{config['PORT'] or 5432}/{config['NAME']}"


@pytest.fixture
def seeded(transactional_db):
    ensure_seed_data()


@pytest.mark.parametrize("mode", ["replace", "upsert"])
def test_killed_load_leaves_old_data_and_is_marked_failed(seeded, resource, city, tmp_path, mode):
    table = services.ensure_table(resource, user=city["provider"])
    first = tmp_path / "first.csv"
    first.write_text(csv_text(*[row(n) for n in range(1, 6)]), encoding="utf-8")
    assert services.load_file(table, first, mode="replace", key_item="GMSFHM").status == "succeeded"
    table.refresh_from_db()
    before = table_rows(table, "_row_id", "_seq", "gmsfhm", "xm")

    second = tmp_path / "second.csv"
    second.write_text(csv_text(*[row(n, name="新数据") for n in range(1, 201)]), encoding="utf-8")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "govshare.settings", "DATABASE_URL": database_url(),
           "GOVSHARE_DATA_DIR": str(settings.DATA_DIR)}
    connection.close()  # SQLite: let the child take the write lock
    result = subprocess.run([sys.executable, "-c", LOADER, str(table.pk), str(second), "100", mode],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == -9, result.stderr[-2000:]

    killed = TableLoad.objects.exclude(pk__in=table.loads.filter(number=1).values("pk")).get(data_table=table)
    assert killed.status == "running", "nobody has noticed yet"
    assert 0 < killed.rows_loaded < 200 or connection.vendor == "sqlite", "PostgreSQL shows live progress"
    table.refresh_from_db()
    assert table_rows(table, "_row_id", "_seq", "gmsfhm", "xm") == before
    assert (table.row_count, table.last_seq, table.version) == (5, 5, 1)

    assert services.mark_stale_loads() == 1
    killed.refresh_from_db()
    assert killed.status == "failed" and killed.finished_at is not None

    # The table still works: the same file loads when nobody kills it.
    again = services.load_file(DataTable.objects.get(pk=table.pk), second, mode=mode, key_item="GMSFHM")
    assert again.status == "succeeded", again.message
    table.refresh_from_db()
    assert table.row_count == 200

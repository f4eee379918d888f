"""`govshare sync` against a live test server: first copy, continuation from the stored cursor, updated rows,
reset after a replace; into a SQLite file and into a PostgreSQL database."""

import io
import sqlite3

import psycopg
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from govshare.audit.models import AuditEntry

from .conftest import SECRET, insert_rows, make_table, person_rows

pytestmark = pytest.mark.django_db(transaction=True)

SYNC_DB = "h_delivery_sync"


def run_sync(live_server, world, target, **extra):
    out = io.StringIO()
    args = ["--url", live_server.url, "--app-key", world["system"].app_key, "--app-secret", SECRET,
            "--resource", str(world["resource"].pk), "--target", target, "--page-size", "7"]
    for key, value in extra.items():
        args += [f"--{key.replace('_', '-')}", value]
    call_command("sync", *args, stdout=out)
    return out.getvalue()


def new_rows(count, start):
    return [(f"3209022000010{start + i:05d}", *row[1:]) for i, row in enumerate(person_rows(count))]


def bump_age(world, row_id, age):
    """An upsert load: the row keeps its _row_id and gets a new _seq."""
    table = connection.ops.quote_name(world["data_table"].table_name)
    data_table = world["data_table"]
    data_table.last_seq += 1
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET nl = %s, _seq = %s WHERE _row_id = %s", [age, data_table.last_seq, row_id])
    data_table.save()


def check_scenario(live_server, world, grant, target, read):
    """read(sql) → rows of the local database."""
    output = run_sync(live_server, world, target, purpose="前置机同步测试")
    assert "5 页，30 条记录，重置 1 次" in output
    assert read("SELECT COUNT(*) FROM gsd_{id}")[0][0] == 30
    assert read("SELECT sfzh, xm FROM gsd_{id} WHERE _row_id = 1")[0] == ("320902********0000", "王**")
    assert read("SELECT sync_cursor FROM _govshare_sync")[0][0] == "1:30"
    assert AuditEntry.objects.filter(action="sync", purpose="前置机同步测试").count() == 5

    insert_rows(world["data_table"], new_rows(2, 0))
    bump_age(world, 1, 77)
    output = run_sync(live_server, world, target)
    assert "1 页，3 条记录，重置 0 次" in output and "共 32 条" in output
    assert read("SELECT nl FROM gsd_{id} WHERE _row_id = 1")[0][0] == 77

    assert "1 页，0 条记录" in run_sync(live_server, world, target)  # nothing new: one empty page
    assert read("SELECT COUNT(*) FROM gsd_{id}")[0][0] == 32

    make_table(world["resource"], person_rows(4), epoch=2)  # the provider replaced the whole table
    output = run_sync(live_server, world, target)
    assert "重置 1 次" in output and "共 4 条" in output
    assert read("SELECT sync_cursor FROM _govshare_sync")[0][0] == "2:4"


def test_sync_into_sqlite(live_server, world, grant, tmp_path):
    path = tmp_path / "local.db"

    def read(sql):
        with sqlite3.connect(path) as local:
            return local.execute(sql.format(id=world["resource"].pk)).fetchall()

    check_scenario(live_server, world, grant, f"sqlite:///{path}", read)


def test_sync_into_postgresql(live_server, world, grant):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL target tested when the suite runs on PostgreSQL")
    settings = connection.settings_dict
    server = f"postgres://{settings['USER']}@{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [SYNC_DB]).fetchone():
            admin.execute(f'CREATE DATABASE "{SYNC_DB}"')
    target = f"{server}/{SYNC_DB}"
    with psycopg.connect(target, autocommit=True) as local:
        local.execute(f'DROP TABLE IF EXISTS "gsd_{world["resource"].pk}"')
        local.execute("DROP TABLE IF EXISTS _govshare_sync")

    def read(sql):
        with psycopg.connect(target) as local:
            return local.execute(sql.format(id=world["resource"].pk)).fetchall()

    check_scenario(live_server, world, grant, target, read)
    # Typed columns: numbers and dates arrive as such.
    assert read("SELECT nl, csrq FROM gsd_{id} WHERE _row_id = 1")[0][0] == 20


def test_sync_reports_refusal(live_server, world, tmp_path):
    with pytest.raises(CommandError, match="未获得该资源的共享授权"):
        run_sync(live_server, world, f"sqlite:///{tmp_path / 'x.db'}")
    with pytest.raises(CommandError, match="获取访问令牌失败"):
        call_command("sync", "--url", live_server.url, "--app-key", "nope", "--app-secret", "x", "--resource", "1",
                     "--target", f"sqlite:///{tmp_path / 'x.db'}")

"""`govshare sync`: the client side of the change feed (前置机同步), keeping a local copy of a granted resource.

    govshare sync --url https://platform.example --app-key K --app-secret S --resource 42 \
        --target sqlite:///data/renkou.db [--purpose 用途] [--table NAME]

It obtains a token, pulls /changes page by page and upserts each page into a local table keyed by `_row_id`
(created on first use, typed from the feed's column list), together with the cursor, in one local transaction; so
an interrupted run loses nothing and the next run continues from the stored cursor. When the platform answers
`reset` (the provider replaced the whole table, or this is the first run) the local table is emptied (rebuilt if the
columns changed) in that same transaction before the page is written. The target is a SQLite file or a PostgreSQL
database; the cursor lives in its table `_govshare_sync`.
"""

import datetime as dt
import json
import re
import sqlite3
from pathlib import Path
from urllib.parse import quote, urlparse

import httpx
from django.core.management.base import BaseCommand, CommandError

__all__ = ["Command", "LocalTarget"]

META_TABLE = "_govshare_sync"
NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,62}$")
PG_TYPES = {"N": "NUMERIC", "Y": "NUMERIC", "B": "DOUBLE PRECISION", "F": "DOUBLE PRECISION", "I": "BIGINT",
            "D": "DATE", "T": "TIMESTAMP", "L": "BOOLEAN"}
SQLITE_TYPES = {"N": "NUMERIC", "Y": "NUMERIC", "B": "REAL", "F": "REAL", "I": "INTEGER", "L": "INTEGER"}


class LocalTarget:
    """The local database the copy is written to: SQLite (a file path) or PostgreSQL (a URL).

    Table and column names are formatted into its SQL; every one was checked against NAME first.
    """

    def __init__(self, url: str):
        self.url = url
        if url.startswith("sqlite:///"):
            self.vendor = "sqlite"
            path = Path(url[len("sqlite:///"):])
            path.parent.mkdir(parents=True, exist_ok=True)
            self.connection = sqlite3.connect(path, isolation_level=None)
            self.connection.execute("PRAGMA journal_mode=WAL")
            self.mark = "?"
        elif url.startswith(("postgres://", "postgresql://")):
            import psycopg

            self.vendor = "postgresql"
            self.connection = psycopg.connect(url, autocommit=True)
            self.mark = "%s"
        else:
            raise CommandError("--target 须为 sqlite:///文件路径 或 postgres://用户@主机:端口/数据库")
        self.execute(
            f"CREATE TABLE IF NOT EXISTS {META_TABLE} (table_name TEXT PRIMARY KEY, source TEXT NOT NULL, "
            "resource_id BIGINT NOT NULL, sync_cursor TEXT, columns TEXT NOT NULL, synced_at TEXT NOT NULL)"
        )

    def execute(self, sql, params=()):
        sql = sql.replace("%s", self.mark) if self.mark != "%s" else sql
        return self.connection.execute(sql, params)

    def begin(self):
        self.execute("BEGIN")

    def commit(self):
        self.execute("COMMIT")

    def rollback(self):
        self.execute("ROLLBACK")

    def close(self):
        self.connection.close()

    def state(self, table):
        row = self.execute(
            f"SELECT sync_cursor, columns, source, resource_id FROM {META_TABLE} WHERE table_name = %s", (table,)  # noqa: S608 - checked identifiers only
        ).fetchone()
        return (row[0], json.loads(row[1]), row[2], row[3]) if row else (None, None, None, None)

    def save_state(self, table, source, resource_id, cursor, columns):
        now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        self.execute(
            f"INSERT INTO {META_TABLE} (table_name, source, resource_id, sync_cursor, columns, synced_at) "  # noqa: S608 - checked identifiers only
            "VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT (table_name) DO UPDATE SET source = excluded.source, "
            "resource_id = excluded.resource_id, sync_cursor = excluded.sync_cursor, columns = excluded.columns, "
            "synced_at = excluded.synced_at",
            (table, source, resource_id, cursor, json.dumps(columns, ensure_ascii=False), now),
        )

    def _type(self, column):
        if column.get("masked"):
            return "TEXT"
        types = PG_TYPES if self.vendor == "postgresql" else SQLITE_TYPES
        return types.get(column.get("data_type"), "TEXT")

    def create_table(self, table, columns):
        row_id = "BIGINT PRIMARY KEY" if self.vendor == "postgresql" else "INTEGER PRIMARY KEY"
        definitions = "".join(f', "{c["column"]}" {self._type(c)}' for c in columns)
        self.execute(f'CREATE TABLE IF NOT EXISTS "{table}" (_row_id {row_id}, _seq BIGINT NOT NULL{definitions})')

    def drop_table(self, table):
        self.execute(f'DROP TABLE IF EXISTS "{table}"')

    def empty_table(self, table):
        self.execute(f'DELETE FROM "{table}"')  # noqa: S608 - checked identifiers only

    def upsert(self, table, columns, records):
        names = ["_row_id", "_seq", *(c["column"] for c in columns)]
        quoted = ", ".join(f'"{n}"' for n in names)
        marks = ", ".join([self.mark] * len(names))
        updates = ", ".join(f'"{n}" = excluded."{n}"' for n in names[1:])
        sql = f'INSERT INTO "{table}" ({quoted}) VALUES ({marks}) ON CONFLICT (_row_id) DO UPDATE SET {updates}'  # noqa: S608 - checked identifiers only
        rows = [[record.get(n) for n in names] for record in records]
        if self.vendor == "postgresql":
            with self.connection.cursor() as cursor:
                cursor.executemany(sql, rows)
        else:
            self.connection.executemany(sql, rows)

    def count(self, table):
        return self.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]  # noqa: S608 - checked identifiers only


class Command(BaseCommand):
    help = "从共享交换平台按变更流增量同步一个已授权的库表资源到本地 SQLite 或 PostgreSQL 数据库"

    def add_arguments(self, parser):
        parser.add_argument("--url", required=True, help="平台地址，如 https://share.example.gov.cn")
        parser.add_argument("--app-key", required=True, help="应用标识")
        parser.add_argument("--app-secret", required=True, help="应用密钥")
        parser.add_argument("--resource", required=True, type=int, help="资源编号")
        parser.add_argument("--target", required=True, help="sqlite:///路径.db 或 postgres://…")
        parser.add_argument("--purpose", default="前置机数据同步", help="用途（记入平台审计日志）")
        parser.add_argument("--table", help="本地表名（默认 gsd_<资源编号>）")
        parser.add_argument("--page-size", type=int, default=1000, help="每页条数（1-1000）")
        parser.add_argument("--timeout", type=float, default=60.0, help="每次请求超时秒数")

    def handle(self, *args, **options):
        table = options["table"] or f"gsd_{options['resource']}"
        if not NAME.match(table) or table == META_TABLE:
            raise CommandError(f"本地表名“{table}”无效：只能包含字母、数字和下划线")
        base = options["url"].rstrip("/")
        if not base.endswith("/api/v1/exchange"):
            base += "/api/v1/exchange"
        if urlparse(base).scheme not in ("http", "https"):
            raise CommandError("--url 须以 http:// 或 https:// 开头")
        target = LocalTarget(options["target"])
        try:
            with httpx.Client(timeout=options["timeout"], trust_env=False) as http:
                self._run(http, base, target, table, options)
        finally:
            target.close()

    def _token(self, http, base, options):
        response = http.post(f"{base}/token", json={"app_key": options["app_key"], "app_secret": options["app_secret"]})
        if response.status_code != 200:
            raise CommandError(f"获取访问令牌失败：{_message(response)}")
        return response.json()["access_token"]

    def _run(self, http, base, target, table, options):
        resource_id = options["resource"]
        headers = {"Authorization": f"Bearer {self._token(http, base, options)}",
                   "X-Purpose": quote(options["purpose"], safe="")}
        cursor, columns, source, stored_resource = target.state(table)
        if stored_resource is not None and (stored_resource != resource_id or source != base):
            raise CommandError(
                f"本地表“{table}”已用于同步其他来源（资源 {stored_resource}，{source}），请用 --table 另选表名"
            )
        pages = records = resets = 0
        while True:
            params = {"limit": options["page_size"]}
            if cursor:
                params["cursor"] = cursor
            response = http.get(f"{base}/resources/{resource_id}/changes", params=params, headers=headers)
            if response.status_code == 401 and pages:
                headers["Authorization"] = f"Bearer {self._token(http, base, options)}"
                continue
            if response.status_code != 200:
                raise CommandError(f"同步失败（HTTP {response.status_code}）：{_message(response)}")
            page = response.json()
            bad = [c.get("column") for c in page["columns"] if not NAME.match(str(c.get("column", "")))]
            if bad:  # names go into local SQL: only plain identifiers are accepted from the server
                raise CommandError(f"平台返回的字段名无效：{bad}")
            if page["reset"] and page["cursor"] is None:
                cursor = None  # the table was replaced while the platform read it: ask again
                continue
            target.begin()
            try:
                if page["reset"]:
                    if columns is not None and columns != page["columns"]:
                        target.drop_table(table)
                    target.create_table(table, page["columns"])
                    target.empty_table(table)
                    resets += 1
                elif columns is None:
                    target.create_table(table, page["columns"])
                columns = page["columns"]
                if page["records"]:
                    target.upsert(table, columns, page["records"])
                cursor = page["cursor"]
                target.save_state(table, base, resource_id, cursor, columns)
                target.commit()
            except BaseException:
                target.rollback()
                raise
            pages += 1
            records += len(page["records"])
            if not page["has_more"]:
                break
        self.stdout.write(
            f"同步完成：{pages} 页，{records} 条记录，重置 {resets} 次；本地表 {table} 共 {target.count(table)} 条，"
            f"游标 {cursor}"
        )


def _message(response):
    try:
        return response.json()["error"]["message"]
    except (ValueError, KeyError, TypeError):
        return response.text[:200]

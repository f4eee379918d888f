"""Scheduled pulls (定时抽取) against a second, real PostgreSQL database playing the provider's own system:
full and incremental pulls, the watermark, refused queries, an unreachable database, data left intact on failure.

Skipped only when PostgreSQL is unreachable on 127.0.0.1:5432 (GOVSHARE_TEST_PG_ADMIN overrides the admin URL).
"""

import csv
import datetime
import os

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from govshare.core.testing import api_client, login_client
from govshare.mounting import services
from govshare.mounting.models import PullSource

pytestmark = pytest.mark.django_db

# One provider database per test process: parallel workers (and parallel runs) must not drop each other's.
PROVIDER_DB = f"govshare_pull_provider_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}_{os.getpid()}"
ADMIN_URL = os.environ.get("GOVSHARE_TEST_PG_ADMIN", "postgresql://postgres@127.0.0.1:5432/postgres")
PROVIDER_URL = ADMIN_URL.rsplit("/", 1)[0] + f"/{PROVIDER_DB}"
UNREACHABLE_URL = "postgresql://reader:pa55word@127.0.0.1:1/nowhere"

ROWS = [
    ("11320900000000019K", "盐城甲有限公司", "100.50", "2026-01-01 08:00:00+08"),
    ("11320900000000027E", "盐城乙有限公司", "2000", "2026-01-02 08:00:00+08"),
    ("113209000000000359", "盐城丙有限公司", None, "2026-01-03 08:00:00+08"),
]


def provider_execute(*statements):
    import psycopg

    with psycopg.connect(PROVIDER_URL, autocommit=True) as conn:
        for statement in statements:
            if isinstance(statement, tuple):
                conn.execute(*statement)
            else:
                conn.execute(statement)


@pytest.fixture
def provider_db():
    """A fresh provider database with an `enterprise` table of three rows."""
    psycopg = pytest.importorskip("psycopg")
    try:
        admin = psycopg.connect(ADMIN_URL, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError:
        pytest.skip("PostgreSQL is unreachable on 127.0.0.1:5432")
    with admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{PROVIDER_DB}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{PROVIDER_DB}"')
    provider_execute(
        "CREATE TABLE enterprise (id serial, credit_code text PRIMARY KEY, name text NOT NULL, capital numeric,"
        " updated_at timestamptz NOT NULL)",
        'CREATE TABLE "Mixed Case 表" (code text, title text, "Capital Amount" numeric)',
        """INSERT INTO "Mixed Case 表" VALUES ('11320900000000094C', '带空格的表', 9)""",
        "CREATE SEQUENCE counter",
    )
    for row in ROWS:
        provider_execute(
            ("INSERT INTO enterprise (credit_code, name, capital, updated_at) VALUES (%s, %s, %s, %s)", row)
        )
    yield PROVIDER_URL
    with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{PROVIDER_DB}" WITH (FORCE)')


def mapping(resource):
    items = list(resource.items.order_by("position"))
    return {str(items[0].pk): "credit_code", str(items[1].pk): "name", str(items[2].pk): "capital"}


def configure(world, url=PROVIDER_URL, **overrides):
    resource = world["resource"]
    arguments = {
        "connection_url": url, "source_table": "enterprise", "column_mapping": mapping(resource),
        "interval_minutes": 60,
    }
    arguments.update(overrides)
    return services.save_pull_source(resource, user=world["provider"], **arguments)


def table_rows(resource):
    resource.refresh_from_db()
    _headers, rows = services.preview_rows(resource.data_table, limit=1000)
    return sorted((str(row[0]), row[1], None if row[2] is None else float(row[2])) for row in rows)


# --- Rules that need no loader ----------------------------------------------------------------------------------


@pytest.mark.parametrize("query", [
    "DELETE FROM enterprise",
    "UPDATE enterprise SET name = 'x'",
    "SELECT 1; DROP TABLE enterprise",
    "select * from enterprise -- comment",
    "SELECT * INTO copy_of FROM enterprise",
    "SELECT * FROM enterprise FOR UPDATE",
    "WITH gone AS (DELETE FROM enterprise RETURNING *) SELECT * FROM gone",
    "   ",
])
def test_a_query_must_be_a_single_select(world, query):
    with pytest.raises(ValidationError) as error:
        configure(world, source_table="", query=query)
    assert set(error.value.message_dict) & {"query", "source_table"}
    assert not PullSource.objects.exists()


def test_a_table_name_cannot_smuggle_sql(world):
    with pytest.raises(ValidationError) as error:
        configure(world, source_table='enterprise"; DROP TABLE enterprise; --')
    assert "source_table" in error.value.message_dict


def test_configuration_rules(world):
    with pytest.raises(ValidationError) as error:
        configure(world, url="mysql://root@localhost/x")
    assert "connection_url" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        configure(world, mode="incremental_key", key_column="")
    assert "key_column" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        configure(world, mode="incremental_timestamp")
    assert "timestamp_column" in error.value.message_dict
    with pytest.raises(PermissionDenied):
        services.save_pull_source(world["resource"], user=world["other_provider"], connection_url=PROVIDER_URL,
                                  source_table="enterprise")
    source = configure(world)
    assert source.next_run_at is not None
    # The connection URL is write-only: left blank, it is kept.
    source = configure(world, url=None, interval_minutes=30)
    assert (source.connection_url, source.interval_minutes) == (PROVIDER_URL, 30)


def test_unreachable_database_is_a_clear_failure(world):
    source = configure(world, url=UNREACHABLE_URL)
    assert services.run_pull(source) is None
    source.refresh_from_db()
    assert source.last_status == "failed"
    assert "无法连接提供部门数据库" in source.last_message
    assert "pa55word" not in source.last_message
    assert source.watermark == ""
    assert source.next_run_at > timezone.now()


def test_copy_writes_utf8_csv_with_item_headers_and_the_watermark(world, provider_db, tmp_path):
    source = configure(world, mode="incremental_timestamp", timestamp_column="updated_at", key_column="credit_code")
    path = tmp_path / "out.csv"
    rows, watermark = services._copy_to_csv(source, services.source_columns(source), path)
    assert rows == 3
    assert watermark.startswith("2026-01-03 08:00:00")
    with open(path, encoding="utf-8", newline="") as stream:
        records = list(csv.reader(stream))
    assert records[0] == ["统一社会信用代码", "企业名称", "注册资本"]
    assert records[1:] == [[code, name, capital or ""] for code, name, capital, _ts in ROWS]
    source.watermark = watermark
    assert services._copy_to_csv(source, services.source_columns(source), path) == (0, watermark)


def test_a_write_hidden_in_a_select_fails_in_the_read_only_transaction(world, provider_db, tmp_path):
    source = configure(world, source_table="", query="SELECT credit_code, name, capital, nextval('counter') AS n "
                                                      "FROM enterprise")
    with pytest.raises(services.PullError) as error:
        services._copy_to_csv(source, services.source_columns(source), tmp_path / "x.csv")
    assert "读取提供部门数据失败" in str(error.value)
    assert "read-only" in str(error.value)


def test_missing_source_columns_are_named(world, provider_db, tmp_path):
    resource = world["resource"]
    source = configure(world, column_mapping={**mapping(resource), str(resource.items.last().pk): "registered_capital"})
    with pytest.raises(services.PullError) as error:
        services._copy_to_csv(source, services.source_columns(source), tmp_path / "x.csv")
    assert "registered_capital" in str(error.value)


# --- With the table loader (govshare.datastore.services) -------------------------------------------------------


@pytest.fixture
def loader():
    return pytest.importorskip("govshare.datastore.services")


def test_full_pull_replaces_the_table(world, provider_db, loader):
    source = configure(world)
    load = services.run_pull(source)
    source.refresh_from_db()
    assert source.last_status == "succeeded", source.last_message
    assert load.status == "succeeded" and load.mode == "replace"
    assert source.last_load == load and source.last_rows == 3
    assert table_rows(world["resource"]) == [
        ("11320900000000019K", "盐城甲有限公司", 100.5), ("11320900000000027E", "盐城乙有限公司", 2000.0),
        ("113209000000000359", "盐城丙有限公司", None),
    ]
    provider_execute("DELETE FROM enterprise WHERE credit_code = '11320900000000027E'")
    services.run_pull(source)
    assert [row[0] for row in table_rows(world["resource"])] == ["11320900000000019K", "113209000000000359"]


def test_incremental_by_timestamp_upserts_new_and_changed_rows_and_moves_the_watermark(world, provider_db, loader):
    source = configure(world, mode="incremental_timestamp", timestamp_column="updated_at", key_column="credit_code")
    first = services.run_pull(source)
    source.refresh_from_db()
    assert first.mode == "upsert" and source.last_rows == 3
    assert source.watermark.startswith("2026-01-03 08:00:00")
    provider_execute(
        "UPDATE enterprise SET name = '盐城甲（更名）有限公司', updated_at = '2026-02-01 09:00:00+08' "
        "WHERE credit_code = '11320900000000019K'",
        "INSERT INTO enterprise (credit_code, name, capital, updated_at) VALUES "
        "('113209000000000434', '盐城丁有限公司', 5, '2026-02-02 09:30:00+08')",
    )
    second = services.run_pull(source)
    source.refresh_from_db()
    assert second.status == "succeeded"
    assert source.last_rows == 2 and second.rows_read == 2
    assert source.watermark.startswith("2026-02-02 09:30:00")
    rows = table_rows(world["resource"])
    assert len(rows) == 4
    assert ("11320900000000019K", "盐城甲（更名）有限公司", 100.5) in rows
    assert ("113209000000000434", "盐城丁有限公司", 5.0) in rows
    # Nothing new: no load, the watermark stays, the run still counts as a success.
    assert services.run_pull(source) is None
    source.refresh_from_db()
    assert source.last_status == "succeeded" and source.watermark.startswith("2026-02-02 09:30:00")


def test_incremental_by_key_takes_rows_above_the_watermark(world, provider_db, loader):
    resource = world["resource"]
    source = configure(world, source_table="", query="SELECT id, credit_code, name, capital FROM enterprise",
                       mode="incremental_key", key_column="credit_code")
    services.run_pull(source)
    source.refresh_from_db()
    assert source.watermark == "113209000000000359"
    provider_execute("INSERT INTO enterprise (credit_code, name, capital, updated_at) VALUES "
                     "('11320900000000051Y', '盐城戊有限公司', 1, now())")
    services.run_pull(source)
    source.refresh_from_db()
    assert source.last_rows == 1 and source.watermark == "11320900000000051Y"
    assert len(table_rows(resource)) == 4


def test_quoted_table_and_column_names_with_spaces_and_case(world, provider_db, loader):
    resource = world["resource"]
    items = list(resource.items.order_by("position"))
    source = configure(world, source_table="Mixed Case 表", column_mapping={
        str(items[0].pk): "code", str(items[1].pk): "title", str(items[2].pk): "Capital Amount",
    })
    services.run_pull(source)
    source.refresh_from_db()
    assert source.last_status == "succeeded", source.last_message
    assert table_rows(resource) == [("11320900000000094C", "带空格的表", 9.0)]
    # A mapped column the source lacks is named in the failure; the data stays.
    source = configure(world, source_table="Mixed Case 表", column_mapping={
        str(items[0].pk): "code", str(items[1].pk): "title", str(items[2].pk): "capital",
    })
    assert services.run_pull(source) is None
    source.refresh_from_db()
    assert source.last_status == "failed" and "capital" in source.last_message
    assert table_rows(resource) == [("11320900000000094C", "带空格的表", 9.0)]


def test_every_info_item_needs_a_source_column(world):
    resource = world["resource"]
    resource.items.filter(code="ZCZB").update(code="")
    items = list(resource.items.order_by("position"))
    with pytest.raises(ValidationError) as error:
        configure(world, column_mapping={str(items[0].pk): "credit_code", str(items[1].pk): "name"})
    assert "注册资本" in error.value.message_dict["column_mapping"][0]


def test_failure_leaves_previous_data_and_watermark_intact(world, provider_db, loader):
    incremental = {"mode": "incremental_timestamp", "timestamp_column": "updated_at", "key_column": "credit_code"}
    source = configure(world, **incremental)
    services.run_pull(source)
    source.refresh_from_db()
    before_rows, before_watermark = table_rows(world["resource"]), source.watermark
    version = world["resource"].data_table.version

    # The provider's database goes away.
    source = configure(world, url=UNREACHABLE_URL, **incremental)
    assert services.run_pull(source) is None
    source.refresh_from_db()
    assert source.last_status == "failed"
    assert table_rows(world["resource"]) == before_rows and source.watermark == before_watermark

    # The table is dropped at the source: the query fails, nothing changes.
    source = configure(world, url=PROVIDER_URL, **incremental)
    provider_execute("DROP TABLE enterprise")
    assert services.run_pull(source) is None
    source.refresh_from_db()
    assert source.last_status == "failed" and "读取提供部门数据失败" in source.last_message
    assert table_rows(world["resource"]) == before_rows and source.watermark == before_watermark
    world["resource"].data_table.refresh_from_db()
    assert world["resource"].data_table.version == version


def test_run_due_pulls_runs_only_due_sources(world, provider_db, loader):
    source = configure(world)
    PullSource.objects.filter(pk=source.pk).update(next_run_at=timezone.now() + datetime.timedelta(minutes=5))
    assert services.run_due_pulls() == 0
    PullSource.objects.filter(pk=source.pk).update(next_run_at=timezone.now() - datetime.timedelta(minutes=1))
    from govshare.mounting.tasks import run_due_pulls

    assert run_due_pulls.delay().get() == 1
    source.refresh_from_db()
    assert source.last_status == "succeeded"
    assert source.next_run_at > timezone.now() + datetime.timedelta(minutes=50)
    assert services.run_due_pulls() == 0


def test_pull_tab_never_shows_the_connection_and_runs_now(world, provider_db, loader):
    client = login_client(world["provider"])
    resource = world["resource"]
    items = list(resource.items.order_by("position"))
    secret_url = PROVIDER_URL.replace("postgres@", "postgres:Secr3tPass@")
    response = client.post(reverse("mounting:pull_save", args=[resource.pk]), {
        "connection_url": secret_url, "source_table": "enterprise", "mode": "full", "interval_minutes": 60,
        "enabled": "on", f"map_{items[0].pk}": "credit_code", f"map_{items[1].pk}": "name",
        f"map_{items[2].pk}": "capital",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    page = client.get(reverse("mounting:resource", args=[resource.pk]) + "?tab=pull").content.decode()
    assert "Secr3tPass" not in page and PROVIDER_DB not in page
    response = client.post(reverse("mounting:pull_run", args=[resource.pk]), follow=True)
    assert "抽取完成" in response.content.decode()
    assert len(table_rows(resource)) == 3


def test_api_crud_and_run_with_write_only_connection(world, provider_db, loader):
    client = api_client(world["provider"])
    resource = world["resource"]
    response = client.post("/api/v1/mounting/pull-sources/", {
        "resource": resource.pk, "connection_url": PROVIDER_URL, "source_table": "enterprise", "mode": "full",
        "column_mapping": mapping(resource), "interval_minutes": 120,
    }, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["has_connection"] is True and "connection_url" not in body
    ran = client.post(f"/api/v1/mounting/pull-sources/{body['id']}/run/")
    assert ran.status_code == 200
    assert ran.json()["last_status"]["value"] == "succeeded"
    assert PROVIDER_DB not in client.get("/api/v1/mounting/pull-sources/").content.decode()
    patched = client.patch(f"/api/v1/mounting/pull-sources/{body['id']}/", {"interval_minutes": 30}, format="json")
    assert patched.status_code == 200, patched.content
    assert PullSource.objects.get().connection_url == PROVIDER_URL
    refused = client.patch(f"/api/v1/mounting/pull-sources/{body['id']}/", {"source_table": "",
                           "query": "DELETE FROM enterprise"}, format="json")
    assert refused.status_code == 400 and "query" in refused.json()["error"]["fields"]
    other = api_client(world["other_provider"])
    assert other.post(f"/api/v1/mounting/pull-sources/{body['id']}/run/").status_code == 404
    assert client.delete(f"/api/v1/mounting/pull-sources/{body['id']}/").status_code == 204

"""A real Celery worker process takes an import job from the embedded broker and writes to the same database."""

import json
import os
import subprocess
import sys
import time

import pytest
from django.conf import settings
from django.db import connection

from govshare.catalog import services
from govshare.catalog.excel import export_catalog
from govshare.catalog.models import Resource
from govshare.catalog.tasks import import_catalog_task
from govshare.core.testing import catalog_fields, catalog_items, ensure_seed_data, make_department, make_user

pytestmark = pytest.mark.django_db(transaction=True)


def database_url():
    """The URL of the test database, for a process that is not this one."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or 5432
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{host}:{port}/{db['NAME']}"


@pytest.fixture
def worker():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "govshare.settings",
        "DATABASE_URL": database_url(),
        "GOVSHARE_DATA_DIR": str(settings.DATA_DIR),
        "GOVSHARE_BROKER_URL": "filesystem://",
        "GOVSHARE_TASKS_EAGER": "0",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "govshare", "--quiet", "worker", "--pool=solo", "--loglevel=WARNING"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )
    yield process
    process.terminate()
    process.wait(timeout=20)


@pytest.fixture
def not_eager():
    """Send real messages: the test settings run jobs eagerly everywhere else."""
    conf = import_catalog_task.app.conf
    previous = conf.task_always_eager
    conf.task_always_eager = False
    yield
    conf.task_always_eager = previous


def test_worker_imports_a_workbook_sent_through_the_embedded_broker(worker, not_eager, tmp_path):
    name = str(connection.settings_dict["NAME"])
    if connection.vendor == "sqlite" and (name in ("", ":memory:") or "mode=memory" in name):
        pytest.fail("the test database must be a file another process can open (see govshare/test_settings.py)")
    ensure_seed_data()
    department = make_department("盐城市公安局")
    cataloguer = make_user("bianmu", department, roles=["cataloguer"])
    entry = services.create_entry(
        user=cataloguer, fields=catalog_fields(department, name="流动人口居住登记信息"), items=catalog_items()
    )
    workbook = tmp_path / "目录.xlsx"
    export_catalog(Resource.objects.filter(pk=entry.pk), workbook)
    Resource.objects.filter(pk=entry.pk).delete()

    # Send it as the web page does: a real message on the broker, no eager shortcut.
    result_path = tmp_path / "result.json"
    import_catalog_task.delay(str(workbook), cataloguer.pk, result_path=str(result_path))

    deadline = time.monotonic() + 90
    while not result_path.exists() and time.monotonic() < deadline:
        assert worker.poll() is None, worker.stdout.read().decode(errors="replace")
        time.sleep(0.5)
    assert result_path.exists(), "the worker did not finish the job in 90 s"
    result = json.loads(result_path.read_text(encoding="utf-8"))
    assert result["ok"] and result["created"] == 1, result
    imported = Resource.objects.get(name="流动人口居住登记信息")
    assert imported.status == "draft"
    assert list(imported.items.values_list("name", flat=True)) == ["统一社会信用代码", "企业名称", "法定代表人"]

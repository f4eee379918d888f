"""Benchmark: queries and time of the catalogue list and detail pages as the catalogue grows.

Target: a constant number of queries whatever the number of entries (the tests guard this too; this prints the
figures on a larger catalogue).

    .venv/bin/python bench/bench_pages.py                    # temporary SQLite database
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/govshare_bench_pages .venv/bin/python bench/bench_pages.py

With PostgreSQL, name a throwaway database: its tables are created by migrate and left behind.
"""

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
SIZES = (100, 1000, 5000)


def setup_django():
    os.environ.setdefault("GOVSHARE_DATA_DIR", tempfile.mkdtemp(prefix="govshare-bench-pages-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govshare.settings")
    os.environ.setdefault("GOVSHARE_ALLOWED_HOSTS", "testserver")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def grow_to(size, provider, classification, user):
    """Add published entries (bulk, with items and search rows) until the catalogue holds `size`."""
    from govshare.catalog import search
    from govshare.catalog.models import InfoItem, Resource

    have = Resource.objects.count()
    if have >= size:
        return
    resources = Resource.objects.bulk_create(
        Resource(
            classification=classification, name=f"企业登记信息{n}", provider=provider, abstract="本市企业登记注册信息",
            format_category="database", share_type="unconditional", share_mode="table", open_type="not_open",
            update_cycle="daily", status="published", code=f"201/{n:06d}", code_sequence=n, version=1,
        )
        for n in range(have + 1, size + 1)
    )
    InfoItem.objects.bulk_create(
        InfoItem(resource=resource, position=i, name=name, data_type="C", share_type="unconditional",
                 open_type="not_open")
        for resource in resources
        for i, name in enumerate(("统一社会信用代码", "企业名称", "法定代表人", "注册资本", "成立日期"), start=1)
    )
    search.index_resources([resource.pk for resource in resources])


def measure(client, url, runs=5):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times = []
    for _ in range(runs):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return len(queries), statistics.median(times)


def main():
    setup_django()
    from django.test import Client

    from govshare.catalog.models import Classification, Resource
    from govshare.core.testing import make_department, make_jurisdiction, make_user

    jurisdiction = make_jurisdiction()
    provider = make_department("盐城市市场监督管理局", jurisdiction)
    user = make_user(f"bench{int(time.time())}", provider, roles=["cataloguer"])
    classification = Classification.objects.get(full_code="201")
    client = Client()
    client.force_login(user)

    columns = ("entries", "list q", "list ms", "search q", "search ms", "detail q", "detail ms")
    print(" ".join(f"{column:>10}" for column in columns))
    for size in SIZES:
        grow_to(size, provider, classification, user)
        first = Resource.objects.order_by("pk").first()
        list_q, list_ms = measure(client, "/catalog/")
        search_q, search_ms = measure(client, "/catalog/?q=企业登记")
        detail_q, detail_ms = measure(client, f"/catalog/{first.pk}/")
        figures = (size, list_q, f"{list_ms:.1f}", search_q, f"{search_ms:.1f}", detail_q, f"{detail_ms:.1f}")
        print(" ".join(f"{figure:>10}" for figure in figures))


if __name__ == "__main__":
    main()

"""Benchmark: bulk CSV download of 1,000,000 rows through the data plane vs raw `COPY TO` (target ≥ 50 %).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/bench_export.py
    ... bench/bench_export.py --rows 1000000 --formats csv,csv-gbk,jsonl,parquet

Same data set as bench_lookup.py (a throwaway PostgreSQL database, a mounted table of personal data, a grant that
masks four of its eight columns). In one run it times, each read to the end and thrown away:
- raw `COPY gsd_<id> TO STDOUT (FORMAT csv, HEADER)` through psycopg (the baseline: no masking, no HTTP);
- raw `COPY (SELECT … masked …) TO STDOUT` (what the endpoint asks PostgreSQL for);
- GET /download?format=csv from a gunicorn worker (the way production serves it), read by httpx as a stream;
and prints MB/s, rows/s, the endpoint's share of the baseline, and the peak RSS (VmHWM) of the worker process
before and after the download, to show memory stays flat. Other formats can be timed with --formats.
"""

import argparse
import os
import sys
import time
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _setup import setup_django  # noqa: E402
from bench_lookup import make_world, start_server, stop_server, token  # noqa: E402

TARGET_RATIO = 0.5


def worker_pids(master_pid):
    pids = []
    for task in Path(f"/proc/{master_pid}/task").iterdir():
        children = (task / "children").read_text().split()
        pids.extend(int(pid) for pid in children)
    return pids


def rss_kb(pid, field="VmHWM"):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def raw_copy(sql):
    import psycopg

    url = os.environ["DATABASE_URL"]
    with psycopg.connect(url) as connection, connection.cursor() as cursor:
        started = time.perf_counter()
        size = 0
        with cursor.copy(f"COPY {sql} TO STDOUT WITH (FORMAT csv, HEADER true)") as copy:
            for data in copy:
                size += len(data)
        return size, time.perf_counter() - started


def download(base, resource_id, bearer, fmt):
    import httpx

    headers = {"Authorization": f"Bearer {bearer}", "X-Purpose": quote("批量下载基准测试")}
    size = 0
    started = time.perf_counter()
    with httpx.stream("GET", f"{base}/api/v1/exchange/resources/{resource_id}/download", params={"format": fmt},
                      headers=headers, timeout=600) as response:
        response.raise_for_status()
        for chunk in response.iter_raw(1024 * 1024):
            size += len(chunk)
    return size, time.perf_counter() - started


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--formats", default="csv", help="comma-separated: csv,csv-gbk,xlsx,jsonl,parquet")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("set DATABASE_URL to a PostgreSQL server: the COPY path is PostgreSQL's")
    cleanup = setup_django("export")
    process = None
    try:
        resource, _system = make_world(args.rows)
        from django.db import connection, connections

        from govshare.delivery import query
        from govshare.delivery.access import visible_columns
        from govshare.sharing.models import Grant

        grant = Grant.objects.get(resource=resource)
        columns = visible_columns(grant, resource.data_table)
        spec = query.QuerySpec(columns=columns)
        masked_sql, _params = query.export_sql(resource.data_table.table_name, spec)
        table = connection.ops.quote_name(resource.data_table.table_name)
        connections.close_all()

        raw_copy(table)  # warm the table into the cache
        raw_size, raw_time = raw_copy(table)
        masked_size, masked_time = raw_copy(f"({masked_sql})")
        process, base = start_server(1)
        worker = worker_pids(process.pid)[0]
        bearer = token(base)
        print(f"{args.rows:,} rows, PostgreSQL, one gunicorn sync worker")
        print(f"raw COPY table:           {raw_size / 1e6:7.1f} MB in {raw_time:6.2f} s = "
              f"{raw_size / 1e6 / raw_time:6.1f} MB/s, {args.rows / raw_time:10,.0f} rows/s")
        print(f"raw COPY masked SELECT:   {masked_size / 1e6:7.1f} MB in {masked_time:6.2f} s = "
              f"{masked_size / 1e6 / masked_time:6.1f} MB/s, {args.rows / masked_time:10,.0f} rows/s")
        for fmt in [f.strip() for f in args.formats.split(",") if f.strip()]:
            before = rss_kb(worker)
            size, elapsed = download(base, resource.pk, bearer, fmt)
            after = rss_kb(worker)
            ratio = (args.rows / elapsed) / (args.rows / raw_time)
            print(f"download format={fmt:8s}: {size / 1e6:7.1f} MB in {elapsed:6.2f} s = "
                  f"{size / 1e6 / elapsed:6.1f} MB/s, {args.rows / elapsed:10,.0f} rows/s; "
                  f"{ratio:.0%} of raw COPY rows/s{' (target ≥ 50 %)' if fmt == 'csv' else ''}; "
                  f"worker peak RSS {before / 1024:.0f} → {after / 1024:.0f} MB")
    finally:
        if process is not None:
            stop_server(process)
        cleanup()


if __name__ == "__main__":
    main()

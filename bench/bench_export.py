"""Benchmark: bulk CSV download of 1,000,000 rows through the data plane vs raw `COPY TO` (target ≥ 50 %).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/bench_export.py
    ... bench/bench_export.py --rows 1000000 --formats csv,csv-gbk,jsonl,parquet

Same data set as bench_lookup.py (a throwaway PostgreSQL database, a mounted table of personal data, a grant that
masks four of its eight columns), then `datastore.services.add_masked_columns` gives the table its shadow columns
(the masked values, stored generated columns, as a load builds them). In one run it times, each read to the end and
thrown away:
- raw `COPY gsd_<id> (_row_id, _seq, <the eight item columns>) TO STDOUT (FORMAT csv, HEADER)` through psycopg
  (the baseline: the table's own columns, no masking, no HTTP; the shadows are left out so it reads what it did
  before them);
- raw `COPY (SELECT … masked …) TO STDOUT` (what the endpoint asks PostgreSQL for: the shadow columns), and the same
  SELECT masking by expression (what it asked before shadows, and still asks for a table without them);
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
    parser.add_argument("--runs", type=int, default=3, help="the best of this many runs of each COPY and of csv")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("set DATABASE_URL to a PostgreSQL server: the COPY path is PostgreSQL's")
    cleanup = setup_django("export")
    process = None
    try:
        resource, _system = make_world(args.rows)
        import dataclasses

        from django.db import connection, connections

        from govshare.datastore import services
        from govshare.delivery import query
        from govshare.delivery.access import visible_columns
        from govshare.sharing.models import Grant

        started = time.perf_counter()
        data_table = services.add_masked_columns(resource.data_table)
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM ANALYZE {connection.ops.quote_name(data_table.table_name)}")
        shadows = [c["masked_column"] for c in data_table.columns if c.get("masked_column")]
        print(f"shadow columns {', '.join(shadows)} added in {time.perf_counter() - started:.1f} s")
        grant = Grant.objects.get(resource=resource)
        columns = visible_columns(grant, data_table)
        spec = query.QuerySpec(columns=columns)
        masked_sql, _params = query.export_sql(data_table.table_name, spec)
        expression_spec = query.QuerySpec(columns=[dataclasses.replace(c, masked_column=None) for c in columns])
        expression_sql, _params = query.export_sql(data_table.table_name, expression_spec)
        quote = connection.ops.quote_name
        own_columns = ", ".join(quote(name) for name in ["_row_id", "_seq", *(c["column"] for c in data_table.columns)])
        table = f"{quote(data_table.table_name)} ({own_columns})"
        connections.close_all()

        raw_copy(table)  # warm the table into the cache
        runs = max(args.runs, 1)

        def best(measure, count):
            # Interleaved with the others would be fairer still; the best of a few runs already hides most of the
            # shared machine's noise.
            return min((measure() for _run in range(count)), key=lambda result: result[1])

        raw_size, raw_time = best(lambda: raw_copy(table), runs)
        masked_size, masked_time = best(lambda: raw_copy(f"({masked_sql})"), runs)
        expression_size, expression_time = best(lambda: raw_copy(f"({expression_sql})"), runs)
        assert expression_size == masked_size, "the shadow columns hold what the expressions compute"
        process, base = start_server(1)
        worker = worker_pids(process.pid)[0]
        bearer = token(base)
        print(f"{args.rows:,} rows, PostgreSQL, one gunicorn sync worker; best of {runs} runs (csv and COPY)")
        print(f"raw COPY table:           {raw_size / 1e6:7.1f} MB in {raw_time:6.2f} s = "
              f"{raw_size / 1e6 / raw_time:6.1f} MB/s, {args.rows / raw_time:10,.0f} rows/s")
        print(f"raw COPY masked SELECT:   {masked_size / 1e6:7.1f} MB in {masked_time:6.2f} s = "
              f"{masked_size / 1e6 / masked_time:6.1f} MB/s, {args.rows / masked_time:10,.0f} rows/s; "
              f"{raw_time / masked_time:.0%} of raw COPY (shadow columns)")
        print(f"raw COPY by expression:   {expression_size / 1e6:7.1f} MB in {expression_time:6.2f} s = "
              f"{expression_size / 1e6 / expression_time:6.1f} MB/s, {args.rows / expression_time:10,.0f} rows/s; "
              f"{raw_time / expression_time:.0%} of raw COPY (a table without shadows)")
        for fmt in [f.strip() for f in args.formats.split(",") if f.strip()]:
            before = rss_kb(worker)
            size, elapsed = best(lambda fmt=fmt: download(base, resource.pk, bearer, fmt), runs if fmt == "csv" else 1)
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

"""Benchmark: verify the SM3 audit chain (target: at least 200,000 entries/s).

    .venv/bin/python bench/bench_audit.py                       # temporary SQLite database, 1,000,000 entries
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test .venv/bin/python bench/bench_audit.py
    .venv/bin/python bench/bench_audit.py --entries 200000 --runs 1

With a PostgreSQL DATABASE_URL a throwaway database is created on that server for the run and dropped afterwards.
Realistic entries (Chinese names, items, filters) are bulk-inserted unchained, as append leaves them, then chained
by services.chain_pending (timed: the database builds each canonical text, Python hashes it), sealed, and
verify_database() is timed, both as shipped (split across processes for a large log) and in one process.
"""

import argparse
import datetime as dt
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _setup import setup_django  # noqa: E402

TARGET = 200_000
ITEMS = ["姓名", "公民身份号码", "性别", "出生日期", "住址", "统一社会信用代码", "单位名称", "登记机关", "许可证编号"]
PURPOSES = ["办理户籍迁移业务", "企业开办核验", "社会保险待遇资格认证", "不动产登记办理", "低保救助审核"]
SYSTEMS = ["一网通办", "公安综合平台", "人社业务系统", "不动产登记系统"]


def populate(count, seed=2026, batch=5000):
    """Bulk-insert `count` unchained entries (seq, canonical and hashes NULL, as services.append writes them)."""
    from django.db import transaction

    from govshare.audit.choices import AuditActionChoices, AuditResultChoices
    from govshare.audit.models import AuditEntry

    rng = random.Random(seed)
    actions = [a for a, _ in AuditActionChoices.choices]
    results = [r for r, _ in AuditResultChoices.choices]
    start = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    pending = []
    for n in range(1, count + 1):
        pending.append(
            AuditEntry(
                time=start + dt.timedelta(microseconds=n * 150_001),
                user_id=rng.randint(1, 500),
                username=f"user{rng.randint(1, 500)}",
                department_id=rng.randint(1, 40),
                department_name=rng.choice(["市公安局", "市人力资源和社会保障局", "市市场监督管理局", "市民政局"]),
                system=rng.choice(SYSTEMS),
                action=rng.choice(actions),
                resource_id=rng.randint(1, 10_000),
                resource_code=f"201{rng.randint(0, 10**9):012d}",
                items=rng.sample(ITEMS, 3),
                filter={"gmsfhm": f"320902{rng.randint(0, 10**12):012d}", "范围": {"起": "2026-01-01"}},
                record_count=rng.randint(0, 1000),
                purpose=rng.choice(PURPOSES),
                result=rng.choice(results),
                latency_ms=rng.randint(1, 900),
                detail={"request_id": f"{n:012x}"},
            )
        )
        if len(pending) == batch:
            with transaction.atomic():
                AuditEntry.objects.bulk_create(pending)
            pending = []
    if pending:
        AuditEntry.objects.bulk_create(pending)


def timed_verify(label, count, **options):
    from govshare.audit.verify import verify_database

    started, cpu_started = time.perf_counter(), time.process_time()
    result = verify_database(**options)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    assert result.ok and result.checked == count, result
    rate = count / elapsed
    # This process's CPU time (both threads; on SQLite the database work too): a figure less bent by other jobs.
    print(
        f"{label}: verified {result.checked:,} entries in {elapsed:.2f} s = {rate:,.0f} entries/s "
        f"(CPU of this process {cpu:.2f} s, load average {os.getloadavg()[0]:.1f})"
    )
    return rate


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    cleanup = setup_django("audit")
    try:
        from django.db import connection

        from govshare.audit.services import chain_pending, seal

        started = time.perf_counter()
        populate(args.entries)
        print(f"inserted {args.entries:,} unchained entries in {time.perf_counter() - started:.1f} s")
        started = time.perf_counter()
        chained = chain_pending()
        elapsed = time.perf_counter() - started
        print(f"chained {chained:,} entries in {elapsed:.1f} s = {chained / elapsed:,.0f} entries/s")
        seal()
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
            cursor.execute("SELECT AVG(LENGTH(canonical)) FROM audit_auditentry")
            print(f"average canonical text: {cursor.fetchone()[0]:.0f} characters")
        best = {}
        for run in range(1, args.runs + 1):
            for label, options in (("shipped (parallel)", {}), ("one process", {"parallel": False})):
                rate = timed_verify(f"run {run} {label}", args.entries, **options)
                best[label] = max(best.get(label, 0), rate)
        for label, rate in best.items():
            verdict = "OK" if rate >= TARGET else "BELOW TARGET"
            print(f"best {label}: {rate:,.0f} entries/s = {rate / TARGET:.2f} x target {TARGET:,}/s: {verdict}")
    finally:
        cleanup()


if __name__ == "__main__":
    main()

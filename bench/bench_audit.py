"""Benchmark: verify the SM3 audit chain (target: at least 200,000 entries/s).

    .venv/bin/python bench/bench_audit.py                       # temporary SQLite database
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test .venv/bin/python bench/bench_audit.py
    .venv/bin/python bench/bench_audit.py --entries 50000

With a PostgreSQL DATABASE_URL a throwaway database is created on that server for the run and dropped afterwards.
The entries are realistic (Chinese names, items, filters) and chained in Python with the same canonical form and
hash as services.append, then bulk-inserted (append's per-entry lock is not what is measured here); the log is
sealed, and verify_database() — streaming tuples from the database, rehashing every entry, checking the seal — is
timed.
"""

import argparse
import datetime as dt
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
    """Chain `count` entries in Python (services.entry_values + entry_hash, as append does) and bulk-insert them."""
    from django.db import transaction

    from govshare.audit.choices import AuditActionChoices, AuditResultChoices
    from govshare.audit.models import AuditEntry
    from govshare.audit.services import entry_values
    from govshare.audit.standalone_verifier import GENESIS_HASH, entry_hash

    rng = random.Random(seed)
    actions = [a for a, _ in AuditActionChoices.choices]
    results = [r for r, _ in AuditResultChoices.choices]
    start = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    prev = GENESIS_HASH
    pending = []
    for seq in range(1, count + 1):
        entry = AuditEntry(
            seq=seq,
            time=start + dt.timedelta(microseconds=seq * 150_001),
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
            detail={"request_id": f"{seq:012x}"},
            prev_hash=prev,
        )
        entry.entry_hash = prev = entry_hash(prev, entry_values(entry))
        pending.append(entry)
        if len(pending) == batch:
            with transaction.atomic():
                AuditEntry.objects.bulk_create(pending)
            pending = []
    if pending:
        AuditEntry.objects.bulk_create(pending)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    cleanup = setup_django("audit")
    try:
        from govshare.audit.services import seal
        from govshare.audit.verify import verify_database

        started = time.perf_counter()
        populate(args.entries)
        print(f"inserted {args.entries:,} chained entries in {time.perf_counter() - started:.1f} s")
        seal()
        best = None
        for run in range(1, args.runs + 1):
            started = time.perf_counter()
            result = verify_database()
            elapsed = time.perf_counter() - started
            assert result.ok and result.checked == args.entries, result
            rate = args.entries / elapsed
            best = max(best or 0, rate)
            print(f"run {run}: verified {result.checked:,} entries in {elapsed:.2f} s = {rate:,.0f} entries/s")
        verdict = "OK" if best >= TARGET else "BELOW TARGET"
        print(f"best {best:,.0f} entries/s vs target {TARGET:,}/s: {verdict}")
    finally:
        cleanup()


if __name__ == "__main__":
    main()

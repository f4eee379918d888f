"""Benchmark: a validated table load against a plain COPY of the same file (target: at most 2.5x the COPY).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test .venv/bin/python bench/bench_load.py
    DATABASE_URL=... .venv/bin/python bench/bench_load.py --rows 200000 --runs 1 --profile

PostgreSQL only (a throwaway database is created on that server for the run and dropped afterwards). It writes a
CSV of 1,000,000 rows x 8 columns in a temporary folder: resident ID numbers with valid check digits (the key),
Chinese names, birth dates, registration times, decimal incomes, integers, credit codes with valid check characters
and Y/N flags. Then, alternately:

(a) plain COPY: the file streamed into `COPY ... FROM STDIN (FORMAT csv, HEADER)` into an equivalent typed table
    (`_row_id` identity primary key, `_seq`, the eight typed columns), then the same indexes as a mounted table
    (unique on the key, `_seq`), committed;
(b) `datastore.services.load_file(..., mode="replace")`: read, every value checked column-wise (types, dates,
    lengths, ID number and credit code check characters, key unique and present), `_seq` numbered, a new table
    built, loaded by COPY, indexed, swapped in and the old one dropped, in one transaction.

It prints each run, the phases of the load, and the ratio of the best (b) to the best (a).
"""

import argparse
import cProfile
import datetime as dt
import io
import pstats
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _setup import setup_django  # noqa: E402

TARGET_RATIO = 2.5
ITEMS = [  # name, code, data type, length
    ("公民身份号码", "GMSFHM", "C", 18),
    ("姓名", "XM", "C", 20),
    ("出生日期", "CSRQ", "D", None),
    ("登记时间", "DJSJ", "T", None),
    ("月收入", "YSR", "N", 12),
    ("家庭人数", "JTRS", "I", 3),
    ("单位统一社会信用代码", "DWXYDM", "C", 18),
    ("是否在职", "SFZZ", "L", None),
]
PG_TYPES = {"C": "TEXT", "D": "DATE", "T": "TIMESTAMP", "N": "NUMERIC", "I": "BIGINT", "L": "BOOLEAN"}
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华建国志红玉萍文斌宇浩凯鑫晨欣怡佳悦子涵梓轩"
REGIONS = ["320902", "320903", "320904", "320921", "320922", "320923", "320924", "320925", "320981"]


def generate(path: Path, rows: int, seed=2026):
    """The CSV: unique valid ID numbers (birth date and sequence from the row number), valid credit codes."""
    from govshare.core.validators import credit_code_check_char, organization_code_check_char

    rng = random.Random(seed)
    start = dt.date(1940, 1, 1)
    registered = dt.datetime(2024, 1, 1)
    credit_codes = []
    for _serial in range(5000):
        digits = f"{rng.randrange(10**8):08d}"
        first17 = f"91{rng.choice(REGIONS)}{digits}{organization_code_check_char(digits)}"
        credit_codes.append(first17 + credit_code_check_char(first17))
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write(",".join(name for name, *_rest in ITEMS) + "\n")
        for index in range(rows):
            region = REGIONS[index % len(REGIONS)]
            birth = start + dt.timedelta(days=index // 999)
            first17 = f"{region}{birth:%Y%m%d}{index % 999:03d}"
            check = "10X98765432"[sum(int(d) * w for d, w in zip(first17, ID_WEIGHTS, strict=True)) % 11]
            name = rng.choice(SURNAMES) + rng.choice(GIVEN) + (rng.choice(GIVEN) if index % 3 else "")
            when = registered + dt.timedelta(seconds=rng.randrange(365 * 86400))
            out.write(
                f"{first17}{check},{name},{birth:%Y-%m-%d},{when:%Y-%m-%d %H:%M:%S},"
                f"{rng.randrange(150000, 9999999) / 100:.2f},{rng.randrange(1, 9)},{rng.choice(credit_codes)},"
                f"{'Y' if index % 4 else 'N'}\n"
            )


def make_resource():
    """A published resource with the eight info items, made directly (the catalogue rules are not measured)."""
    from govshare.catalog.models import Classification, InfoItem, Resource
    from govshare.core.testing import make_department

    provider = make_department("市公安局")
    resource = Resource.objects.create(
        classification=Classification.objects.get(full_code="101"), name="人口基本信息", provider=provider,
        abstract="全市户籍人口基本信息。", format_category="database", format_type="PostgreSQL",
        share_type="unconditional", share_mode="table", open_type="not_open", update_cycle="daily",
        status="published", code="101/000001", code_sequence=1,
    )
    InfoItem.objects.bulk_create(
        InfoItem(resource=resource, position=position, name=name, code=code, data_type=data_type, length=length,
                 share_type="unconditional", open_type="not_open")
        for position, (name, code, data_type, length) in enumerate(ITEMS, start=1)
    )
    return resource


def plain_copy(path: Path) -> float:
    """(a): COPY the file into an equivalent typed table and build the same indexes; seconds."""
    from django.db import connection, transaction

    columns = ", ".join(f"{code.lower()} {PG_TYPES[data_type]}" for _name, code, data_type, _length in ITEMS)
    names = ", ".join(code.lower() for _name, code, *_rest in ITEMS)
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_plain")
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE bench_plain (_row_id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, "
            f"_seq BIGSERIAL NOT NULL, {columns})"
        )
        with cursor.cursor.copy(f"COPY bench_plain ({names}) FROM STDIN (FORMAT csv, HEADER)") as copy, \
                path.open("rb") as source:
            while chunk := source.read(1 << 20):
                copy.write(chunk)
        cursor.execute("CREATE UNIQUE INDEX bench_plain_key ON bench_plain (gmsfhm)")
        cursor.execute("CREATE INDEX bench_plain_seq ON bench_plain (_seq)")
    elapsed = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM bench_plain")
        assert cursor.fetchone()[0] > 0
        cursor.execute("DROP TABLE bench_plain")
    return elapsed


def validated_load(table, path: Path, profile=False):
    """(b): load_file in replace mode; seconds and the time of each phase."""
    from govshare.datastore import services

    marks = []

    def progress(load):
        if not marks or marks[-1][0] != load.phase:
            marks.append((load.phase, time.perf_counter()))

    profiler = cProfile.Profile() if profile else None
    started = time.perf_counter()
    if profiler:
        profiler.enable()
    load = services.load_file(table, path, mode="replace", key_item="GMSFHM", progress=progress)
    if profiler:
        profiler.disable()
    elapsed = time.perf_counter() - started
    assert load.status == "succeeded", load.message
    ends = [stamp for _phase, stamp in marks[1:]] + [started + elapsed]
    phases = {phase: end - stamp for (phase, stamp), end in zip(marks, ends, strict=True)}
    return elapsed, phases, profiler


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--profile", action="store_true", help="cProfile the last validated load")
    args = parser.parse_args()
    import os

    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("bench_load.py measures COPY on PostgreSQL: set DATABASE_URL=postgres://...")
    cleanup = setup_django("load")
    try:
        from django.db import connection

        from govshare.datastore import services

        folder = Path(tempfile.mkdtemp(prefix="govshare-bench-load-"))
        path = folder / "人口基本信息.csv"
        started = time.perf_counter()
        generate(path, args.rows)
        size = path.stat().st_size
        print(f"generated {args.rows:,} rows x {len(ITEMS)} columns, {size / 1e6:.1f} MB, in "
              f"{time.perf_counter() - started:.1f} s")
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            print(f"PostgreSQL {cursor.fetchone()[0]}, polars threads: {__import__('polars').thread_pool_size()}")
        table = services.ensure_table(make_resource())
        plain, loaded = [], []
        profiler = None
        for run in range(1, args.runs + 1):
            plain.append(plain_copy(path))
            elapsed, phases, profiler = validated_load(table, path, profile=args.profile and run == args.runs)
            loaded.append(elapsed)
            shown = ", ".join(f"{phase} {seconds:.2f}" for phase, seconds in phases.items())
            print(f"run {run}: (a) plain COPY + indexes {plain[-1]:.2f} s   (b) load_file replace {elapsed:.2f} s "
                  f"[{shown}]   ratio {elapsed / plain[-1]:.2f}")
        table.refresh_from_db()
        assert table.row_count == args.rows
        ratio = min(loaded) / min(plain)
        verdict = "OK" if ratio <= TARGET_RATIO else "ABOVE TARGET"
        print(f"best (a) {min(plain):.2f} s = {args.rows / min(plain):,.0f} rows/s; best (b) {min(loaded):.2f} s = "
              f"{args.rows / min(loaded):,.0f} rows/s; ratio {ratio:.2f} vs target {TARGET_RATIO}: {verdict}")
        if profiler is not None:
            stream = io.StringIO()
            pstats.Stats(profiler, stream=stream).sort_stats("cumulative").print_stats(25)
            print(stream.getvalue())
        for child in folder.iterdir():
            child.unlink()
        folder.rmdir()
    finally:
        cleanup()


if __name__ == "__main__":
    main()

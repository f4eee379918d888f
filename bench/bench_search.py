"""Benchmark catalogue search on 100,000 entries (target: p95 under 50 ms), on SQLite or PostgreSQL.

    .venv/bin/python bench/bench_search.py                      # a temporary SQLite file
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/govshare_bench .venv/bin/python bench/bench_search.py --reset

It generates realistic Chinese entries (government terms, ~400 departments, 5-10 info items each) with bulk_create,
indexes them with index_resources() in batches of 2,000, then runs ~200 queries of one and two words through
search() the way the list page does: permission-restricted or facet-filtered queryset, first page of 20 rows
fetched with their provider, total counted (up to search.COUNT_CAP for relevance order). It prints generation and
index times, p50/p95/max per query against the target, and the facet counts of one common word.
--reset drops every table of the database first (PostgreSQL: the public schema), so point it at a bench database.
--reuse keeps an existing data set of the requested size and only runs the queries.
--count-cap N runs with another search.COUNT_CAP, to weigh a larger exact count against the p95.
"""

import argparse
import atexit
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

JURISDICTIONS = [
    ("盐城市", "city", "320900"), ("亭湖区", "county", "320902"), ("盐都区", "county", "320903"),
    ("大丰区", "county", "320904"), ("响水县", "county", "320921"), ("滨海县", "county", "320922"),
    ("阜宁县", "county", "320923"), ("射阳县", "county", "320924"), ("建湖县", "county", "320925"),
    ("东台市", "county", "320981"),
]
DEPARTMENTS = [
    "公安局", "市场监督管理局", "人力资源和社会保障局", "自然资源和规划局", "住房和城乡建设局", "卫生健康委员会",
    "民政局", "教育局", "税务局", "交通运输局", "生态环境局", "农业农村局", "应急管理局", "医疗保障局", "司法局",
    "财政局", "统计局", "文化广电和旅游局", "商务局", "水利局", "退役军人事务局", "政务服务管理办公室",
    "大数据管理局", "住房公积金管理中心", "不动产登记中心", "城市管理局", "审计局", "残疾人联合会", "档案馆",
    "行政审批局", "发展和改革委员会", "工业和信息化局", "科学技术局", "市场监管综合行政执法支队", "消防救援支队",
    "人民法院", "人民检察院", "气象局", "地震局", "烟草专卖局",
]
SUBJECTS = [
    "居民", "企业", "法人", "个体工商户", "社会组织", "学校", "医疗机构", "机动车", "驾驶人", "房屋", "土地",
    "建设工程", "食品经营者", "药品零售企业", "特种设备", "道路运输企业", "参保人员", "低保对象", "残疾人",
    "退役军人", "流动人口", "新生儿", "老年人", "农业经营主体", "律师事务所", "旅行社", "危险化学品企业", "",
]
TOPICS = [
    "电子证照", "营业执照", "不动产登记", "社会保险缴费", "社保缴费", "户籍", "婚姻登记", "出生医学证明", "死亡登记",
    "行政许可", "行政处罚", "纳税信用", "公积金缴存", "医保结算", "就业登记", "失业登记", "学籍", "资质认定",
    "信用评价", "监督抽检", "检验检测", "执法检查", "补贴发放", "社会救助", "房产交易", "抵押登记", "规划许可",
    "施工许可", "竣工验收", "环评审批", "排污许可", "安全生产许可", "特种作业证", "驾驶证", "行驶证", "交通违法",
    "交通事故", "医师执业注册", "护士执业注册", "教师资格", "卫生许可", "危化品经营许可", "养老服务", "殡葬服务",
    "住房保障", "公租房", "水电气缴费", "企业年报", "经营异常名录", "严重违法失信名单",
]
SUFFIXES = ["信息", "数据", "基本信息", "目录", "记录", "名单", "明细", "统计", "库", "台账", "档案", "办理信息"]
PURPOSES = [
    "跨部门业务协同", "政务服务一网通办", "事中事后监管", "信用体系建设", "统计分析和决策支持", "便民服务",
    "联合惩戒", "数据核验", "精准帮扶", "应急指挥",
]
ASPECTS = [
    "办理时间和办理结果", "主体名称和证件号码", "登记机关和核准日期", "金额和缴费期间", "状态和有效期",
    "地址和联系方式", "处理结果和依据", "申请材料和审批意见",
]
GENERIC_ITEMS = [
    "统一社会信用代码", "企业名称", "法定代表人", "身份证号码", "姓名", "性别", "出生日期", "证照编号", "发证机关",
    "发证日期", "有效期起", "有效期至", "登记日期", "住所地址", "联系电话", "办理状态", "审批意见", "经办人",
    "数据更新时间", "所属区域", "缴费基数", "缴费金额", "缴费月份", "不动产单元号", "权利人", "坐落", "建筑面积",
    "房屋用途", "营业执照注册号", "经营范围", "注册资本", "成立日期", "车牌号码", "准驾车型", "处罚决定书文号",
    "违法事实", "救助金额", "学校名称", "学籍号", "执业证书编号", "许可证编号", "抽检结果", "检验项目",
]
QUERIES = [
    "电子证照", "营业执照", "不动产登记", "社保 缴费", "社会保险", "户籍", "婚姻登记", "出生医学证明", "行政许可",
    "行政处罚", "纳税", "公积金", "医保", "就业 登记", "学籍", "资质", "信用", "抽检", "检验检测", "补贴",
    "救助", "房产 交易", "抵押", "规划许可", "施工许可", "环评", "排污", "安全生产", "驾驶证", "交通 违法",
    "医师", "教师资格", "养老", "住房保障", "企业 年报", "失信", "公安局", "市场监督管理局", "人力资源",
    "身份证号码", "统一社会信用代码", "居民 电子证照", "企业 信用评价", "个体工商户 营业执照", "低保",
    "残疾人", "退役军人", "危险化学品", "特种设备", "食品", "药品", "旅行社", "律师", "建设工程 竣工",
    "信息", "登记", "数据核验", "一网通办", "应急", "殡葬", "水电气", "税", "东台市", "卫生", "不存在的词语",
]


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--reset", action="store_true", help="drop every table first (use a bench database)")
    parser.add_argument("--reuse", action="store_true", help="keep an existing data set of this size")
    parser.add_argument("--seed", type=int, default=20261123)
    parser.add_argument(
        "--sqlite-cache-mb", type=int, default=0, help="SQLite page cache for this run (default: the settings' 2 MB)"
    )
    parser.add_argument("--count-cap", type=int, default=0, help="search.COUNT_CAP for this run (default: as shipped)")
    return parser.parse_args()


TARGET_P95_MS = 50


def setup_django(args):
    temporary = None
    if not os.environ.get("DATABASE_URL"):
        temporary = Path(tempfile.mkdtemp(prefix="govshare-bench-"))
        atexit.register(shutil.rmtree, temporary, ignore_errors=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{temporary / 'bench.sqlite3'}"
    os.environ.setdefault("GOVSHARE_DATA_DIR", str(temporary or Path(tempfile.gettempdir()) / "govshare-bench"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govshare.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    if args.reset and connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    elif args.reset and connection.vendor == "sqlite":
        Path(connection.settings_dict["NAME"]).unlink(missing_ok=True)
        connection.close()
    call_command("migrate", verbosity=0)
    if args.sqlite_cache_mb and connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = -{args.sqlite_cache_mb * 1024}")
    return connection


def generate(count, rng):
    """bulk_create jurisdictions, departments and `count` entries with 5-10 info items each; returns the ids."""
    from django.db import transaction

    from govshare.catalog.models import Classification, InfoItem, Resource
    from govshare.core.validators import make_credit_code
    from govshare.organizations.models import Department, Jurisdiction

    jurisdictions = Jurisdiction.objects.bulk_create(
        [Jurisdiction(name=name, level=level, division_code=code) for name, level, code in JURISDICTIONS]
    )
    departments = Department.objects.bulk_create(
        [
            Department(
                name=(jurisdiction.name + name),
                credit_code=make_credit_code(jurisdiction.division_code, number),
                jurisdiction=jurisdiction,
            )
            for number, (jurisdiction, name) in enumerate(
                ((j, d) for j in jurisdictions for d in DEPARTMENTS), start=1
            )
        ]
    )
    classifications = list(Classification.objects.filter(level=2))
    sequences = dict.fromkeys((c.pk for c in classifications), 0)
    formats = [
        ("database", "Dm"), ("database", "MySQL"), ("spreadsheet", "xlsx"), ("document", "OFD"),
        ("service", "RESTful"), ("self_describing", "JSON"),
    ]
    ids = []
    batch = 2000
    for start in range(0, count, batch):
        resources, item_lists = [], []
        for _ in range(min(batch, count - start)):
            provider = rng.choice(departments)
            subject, topic, suffix = rng.choice(SUBJECTS), rng.choice(TOPICS), rng.choice(SUFFIXES)
            other_topic = rng.choice(TOPICS)
            abstract = (
                f"本资源由{provider.name}提供，记录{provider.jurisdiction.name}{subject}{topic}的"
                f"{rng.choice(ASPECTS)}，并关联{other_topic}数据，用于{rng.choice(PURPOSES)}。"
            )
            if rng.random() < 0.06:
                abstract += "相关证照已接入全市电子证照库。"
            classification = rng.choice(classifications)
            sequences[classification.pk] += 1
            published = rng.random() < 0.9
            format_category, format_type = rng.choice(formats)
            resources.append(
                Resource(
                    name=f"{subject}{topic}{suffix}",
                    abstract=abstract,
                    provider=provider,
                    classification=classification,
                    code_sequence=sequences[classification.pk],
                    code=f"{classification.full_code}/{sequences[classification.pk]:05d}",
                    share_type=rng.choice(["unconditional", "unconditional", "conditional", "not_shared"]),
                    open_type=rng.choice(["not_open", "not_open", "conditional", "unconditional"]),
                    format_category=format_category,
                    format_type=format_type,
                    update_cycle=rng.choice(["realtime", "daily", "weekly", "monthly", "yearly", "irregular"]),
                    status="published" if published else rng.choice(["draft", "submitted"]),
                    version=1 if published else 0,
                )
            )
            names = rng.sample(GENERIC_ITEMS, rng.randint(4, 9))
            names.append(f"{topic}编号")
            item_lists.append(names)
        with transaction.atomic():
            Resource.objects.bulk_create(resources)
            InfoItem.objects.bulk_create(
                [
                    InfoItem(
                        resource=resource, position=position, name=name, data_type="C", share_type="unconditional",
                        open_type="not_open",
                    )
                    for resource, names in zip(resources, item_lists, strict=True)
                    for position, name in enumerate(names, start=1)
                ],
                batch_size=5000,
            )
        ids.extend(resource.pk for resource in resources)
    return ids, departments


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def main():
    args = parse_args()
    connection = setup_django(args)
    from django.db import transaction
    from django.db.models import Q

    from govshare.catalog import search
    from govshare.catalog.models import Resource
    from govshare.organizations.models import Department

    rng = random.Random(args.seed)
    if args.count_cap:
        search.COUNT_CAP = args.count_cap
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}, totals counted to {search.COUNT_CAP:,}")
    if args.reuse and Resource.objects.count() == args.entries:
        departments = list(Department.objects.all())
        print(f"reusing {args.entries} entries")
    else:
        started = time.perf_counter()
        ids, departments = generate(args.entries, rng)
        print(f"generated {len(ids)} entries with info items in {time.perf_counter() - started:.1f} s")
        started = time.perf_counter()
        for start in range(0, len(ids), search.BATCH_SIZE):
            with transaction.atomic():
                search.index_resources(ids[start : start + search.BATCH_SIZE])
        print(f"indexed in {time.perf_counter() - started:.1f} s")
        if connection.vendor == "postgresql":
            # What autovacuum does soon after a bulk load: planner statistics, the GIN pending list merged, and the
            # visibility map set, without which search's probes of resource_visible_idx are not index-only.
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
        else:
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")

    base = Resource.objects.select_related("provider", "classification")
    published = Q(status__in=["published", "withdrawn"])

    def scopes():
        """The querysets a list page passes: a user's view restriction, a facet filter, an admin's everything."""
        own = rng.choice(departments)
        return [
            ("user", base.filter(published | Q(provider_id=own.pk))),
            ("facet", base.filter(published, share_type="unconditional")),
            ("provider", base.filter(published, provider_id=own.pk)),
            ("admin", base.all()),
        ]

    def run(query, scope, queryset, order):
        started, cpu = time.perf_counter(), time.process_time()
        result = search.search(queryset, query, order=order)
        rows = [(row.name, row.provider.name) for row in result[0:20]]
        elapsed = (time.perf_counter() - started) * 1000
        return elapsed, result.total, len(rows), (time.process_time() - cpu) * 1000, result.total_is_capped

    plan = []
    for number in range(args.queries):
        query = QUERIES[number % len(QUERIES)]
        scope, queryset = scopes()[number % 4 if number % 10 else 0]
        order = "name" if number % 7 == 3 else search.RELEVANCE
        plan.append((query, scope, queryset, order))

    for query, scope, queryset, order in plan:  # warm the caches, as a running server would have them
        run(query, scope, queryset, order)
    timings, cpu_times = [], []
    load_before = os.getloadavg()[0]
    for query, scope, queryset, order in plan:
        elapsed, total, shown, cpu, capped = run(query, scope, queryset, order)
        timings.append((elapsed, query, scope, order, f"{total}+" if capped else str(total), shown))
        cpu_times.append(cpu)

    values = [t[0] for t in timings]
    p95 = percentile(values, 0.95)
    print(
        f"{len(values)} queries: p50 {statistics.median(values):.1f} ms, p95 {p95:.1f} ms, "
        f"max {max(values):.1f} ms, mean {statistics.mean(values):.1f} ms "
        f"(load average {load_before:.1f} -> {os.getloadavg()[0]:.1f})"
    )
    verdict = "meets" if p95 < TARGET_P95_MS else "MISSES"
    print(f"target p95 < {TARGET_P95_MS} ms: p95 is {p95 / TARGET_P95_MS:.2f} x the target, {verdict} it")
    # On SQLite the database works in this process, so CPU time is the query time without other processes' load.
    print(f"client CPU per query: p50 {statistics.median(cpu_times):.1f} ms, p95 {percentile(cpu_times, 0.95):.1f} ms")
    capped = sum(t[4].endswith("+") for t in timings)
    print(f"totals capped at {search.COUNT_CAP:,}: {capped} of {len(timings)} queries")
    print("slowest:")
    for elapsed, query, scope, order, total, _shown in sorted(timings, reverse=True)[:10]:
        print(f"  {elapsed:6.1f} ms  {query!r:24} {scope:8} {order:9} total={total}")

    for _attempt in range(2):  # the second run is the warm one a user paging facets would see
        started = time.perf_counter()
        facets = search.facet_counts(search.search(base.filter(published), "电子证照").matches)
        facet_ms = (time.perf_counter() - started) * 1000
    entries = sum(c for _v, _l, c in facets["share_type"])
    print(f"facet counts for 电子证照 ({entries} entries, not part of the target): {facet_ms:.1f} ms")


if __name__ == "__main__":
    main()

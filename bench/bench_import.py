"""Benchmark: import a catalogue workbook of 10,000 entries with 100,000 info items (target: under 60 s).

    .venv/bin/python bench/bench_import.py                       # temporary SQLite database
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test .venv/bin/python bench/bench_import.py
    .venv/bin/python bench/bench_import.py --entries 2000 --items 10 --profile

With a PostgreSQL DATABASE_URL a throwaway database is created on that server for the run and dropped afterwards,
so the named database is never touched. The workbook is generated in the guideline's layout (realistic Chinese
names, every share and open type), imported through `import_catalog` as a superuser, then exported again.
"""

import argparse
import cProfile
import os
import pstats
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _setup import setup_django  # noqa: E402

DEPARTMENTS = [
    "公安局", "民政局", "人力资源和社会保障局", "自然资源和规划局", "住房和城乡建设局", "交通运输局", "卫生健康委员会",
    "市场监督管理局", "生态环境局", "教育局", "财政局", "税务局", "农业农村局", "水利局", "商务局", "文化广电和旅游局",
    "应急管理局", "医疗保障局", "统计局", "司法局",
]
SUBJECTS = [
    "企业登记", "个体工商户", "社会组织", "居民户籍", "婚姻登记", "社会保险参保", "就业失业登记", "不动产登记",
    "建设工程规划许可", "房屋网签备案", "道路运输经营许可", "机动车驾驶人", "医疗机构执业", "出生医学证明",
    "食品经营许可", "排污许可", "学校办学许可", "财政补贴发放", "纳税信用评价", "农业补贴", "取水许可",
    "外商投资企业", "旅行社经营许可", "安全生产许可", "医保定点机构", "人口抽样调查", "法律援助", "低保救助",
    "特困人员供养", "残疾人证",
]
ASPECTS = [
    "基本信息", "变更信息", "注销信息", "年度报告", "许可信息", "处罚信息", "统计信息", "办理记录", "核验信息",
    "证照信息",
]
ITEM_NAMES = [
    ("统一社会信用代码", "TYSHXYDM", "C", 18), ("单位名称", "DWMC", "C", 200), ("法定代表人", "FDDBR", "C", 50),
    ("公民身份号码", "GMSFHM", "C", 18), ("姓名", "XM", "C", 50), ("性别", "XB", "C", 1),
    ("出生日期", "CSRQ", "D", None), ("民族", "MZ", "C", 2), ("住址", "ZZ", "C", 200), ("联系电话", "LXDH", "C", 20),
    ("登记机关", "DJJG", "C", 100),
    ("登记日期", "DJRQ", "D", None), ("核准日期", "HZRQ", "D", None), ("注册资本", "ZCZB", "Y", 20),
    ("经营范围", "JYFW", "M", None), ("许可证编号", "XKZBH", "C", 50), ("有效期起", "YXQQ", "D", None),
    ("有效期止", "YXQZ", "D", None), ("发证机关", "FZJG", "C", 100), ("状态", "ZT", "C", 2), ("金额", "JE", "Y", 18),
    ("数量", "SL", "I", 10), ("面积", "MJ", "N", 12), ("坐标经度", "ZBJD", "F", 12), ("坐标纬度", "ZBWD", "F", 12),
    ("更新时间", "GXSJ", "T", None), ("是否有效", "SFYX", "L", 1), ("备注", "BZ", "M", None),
    ("行政区划代码", "XZQHDM", "C", 6), ("所属街道", "SSJD", "C", 100), ("办理结果", "BLJG", "C", 100),
    ("处罚决定书文号", "CFJDSWH", "C", 100), ("处罚事由", "CFSY", "C", 500), ("处罚依据", "CFYJ", "C", 500),
    ("不动产单元号", "BDCDYH", "C", 28), ("权利人", "QLR", "C", 200), ("证件类型", "ZJLX", "C", 2),
    ("证件号码", "ZJHM", "C", 50), ("参保单位", "CBDW", "C", 200), ("缴费基数", "JFJS", "Y", 12),
]
DATA_TYPE_LABELS = {"C": "字符型 C", "N": "数值型 N", "Y": "货币型 Y", "D": "日期型 D", "T": "日期时间型 T",
                    "L": "逻辑型 L", "M": "备注型 M", "I": "整型 I", "F": "浮点型 F"}




def make_reference_data():
    from govshare.core.testing import make_department, make_jurisdiction
    from govshare.users.models import User

    jurisdiction = make_jurisdiction()
    departments = [make_department(f"盐城市{name}", jurisdiction) for name in DEPARTMENTS]
    admin = User.objects.create_superuser("bench-admin", password=None)
    return departments, admin


def generate(path, departments, entries, items_per_entry, seed=2026):
    """Write the workbook with openpyxl's write-only mode, as the export does."""
    from openpyxl import Workbook

    from govshare.catalog.excel import ITEM_COLUMNS, ITEM_SHEET, RESOURCE_COLUMNS, RESOURCE_SHEET
    from govshare.catalog.models import Classification

    rng = random.Random(seed)
    classifications = list(Classification.objects.filter(level=2).values_list("full_code", flat=True))
    book = Workbook(write_only=True)
    resources = book.create_sheet(RESOURCE_SHEET)
    items = book.create_sheet(ITEM_SHEET)
    resource_headers = [column.header for column in RESOURCE_COLUMNS]
    item_headers = [column.header for column in ITEM_COLUMNS]
    resources.append(resource_headers)
    items.append(item_headers)
    for key in range(1, entries + 1):
        department = departments[key % len(departments)]
        name = f"{rng.choice(SUBJECTS)}{rng.choice(ASPECTS)}（第{key}批）"
        roll = rng.random()
        classification = rng.choice(classifications)
        base = classification.startswith("1")
        if roll < 0.6 or base:
            share = ("无条件共享", "", "", "共享平台-库表")
            open_type, open_condition = rng.choice(
                [("无条件开放", ""), ("有条件开放", "经申请审核后开放"), ("不予开放", "")]
            )
        elif roll < 0.9:
            share = ("有条件共享", "仅用于行政审批和监管执法，需说明用途并经提供方审核同意", "", "共享平台-接口")
            open_type, open_condition = rng.choice([("有条件开放", "用于科研的经申请开放"), ("不予开放", "")])
        else:
            share = ("不予共享", "", "《中华人民共和国个人信息保护法》第十三条", "")
            open_type, open_condition = "不予开放", ""
        row = {
            "序号": key, "资源名称": name, "资源分类代码": classification, "资源提供方": department.name,
            "提供方代码": department.credit_code, "来源系统": f"{department.name[3:]}业务系统",
            "资源摘要": f"记录{department.name}在履行职责过程中产生的{name}，包括相关主体、办理时间、办理结果等信息，"
                        f"数据覆盖全市，自2015年起按规定更新。",
            "资源格式分类": "数据库", "资源格式类型": rng.choice(["Dm", "KingbaseES", "PostgreSQL", "MySQL"]),
            "共享类型": share[0], "共享条件": share[1], "不予共享依据": share[2], "共享方式": share[3],
            "开放属性": open_type, "开放条件": open_condition,
            "更新周期": rng.choice(["实时", "每日", "每周", "每月", "每季度", "每年"]),
            "关联资源代码": "", "说明": "",
        }
        resources.append([row.get(header) for header in resource_headers])
        for position, (item_name, code, data_type, length) in enumerate(
            rng.sample(ITEM_NAMES, items_per_entry), start=1
        ):
            sensitive = item_name in ("公民身份号码", "联系电话", "住址", "证件号码")
            item = {
                "资源序号": key, "资源名称": name, "序号": position, "信息项名称": item_name, "英文名称": code,
                "数据类型": DATA_TYPE_LABELS[data_type], "数据长度": length, "说明": "",
                "是否敏感": "是" if sensitive else "否", "是否基本信息项": "否",
                # Items are at most as open as their resource: the same share type, not open when sensitive.
                "共享类型": share[0], "共享条件": "",
                "开放属性": "不予开放" if sensitive else open_type,
            }
            items.append([item.get(header) for header in item_headers])
    book.save(path)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--items", type=int, default=10, help="info items per entry")
    parser.add_argument("--profile", action="store_true", help="profile the import with cProfile (slower)")
    args = parser.parse_args()

    cleanup = setup_django("import")
    try:
        from govshare.catalog.excel import export_catalog, import_catalog
        from govshare.catalog.models import InfoItem, Resource

        departments, admin = make_reference_data()
        path = Path(os.environ["GOVSHARE_DATA_DIR"]) / "bench.xlsx"

        started = time.perf_counter()
        generate(path, departments, args.entries, args.items)
        generated = time.perf_counter() - started
        print(f"generate: {generated:.1f} s  ({path.stat().st_size / 1e6:.1f} MB, "
              f"{args.entries} entries, {args.entries * args.items} items)")

        profiler = cProfile.Profile() if args.profile else None
        started, cpu = time.perf_counter(), time.process_time()
        if profiler:
            profiler.enable()
        result = import_catalog(path, user=admin)
        if profiler:
            profiler.disable()
        imported, cpu = time.perf_counter() - started, time.process_time() - cpu
        if not result.ok:
            for error in result.errors[:20]:
                print(error)
            raise SystemExit(f"import rejected: {len(result.errors)} errors")
        rows = Resource.objects.count() + InfoItem.objects.count()
        # CPU time too: on a shared machine the wall time also measures everyone else's load.
        print(f"import:   {imported:.1f} s, CPU {cpu:.1f} s  ({result.created} entries created, "
              f"{rows / imported:,.0f} rows/s)  {'OK' if imported < 60 else 'OVER'} the 60 s target")

        started, cpu = time.perf_counter(), time.process_time()
        export_catalog(Resource.objects.order_by("pk"), Path(os.environ["GOVSHARE_DATA_DIR"]) / "export.xlsx")
        print(f"export:   {time.perf_counter() - started:.1f} s, CPU {time.process_time() - cpu:.1f} s")

        if profiler:
            stats = pstats.Stats(profiler)
            stats.sort_stats("cumulative").print_stats(35)
            stats.sort_stats("tottime").print_stats(25)
    finally:
        cleanup()


if __name__ == "__main__":
    main()

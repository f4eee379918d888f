"""Seed the classification with the guideline's 类 and the base and topic 项.

Why: every entry needs a classification and its code is derived from it; the base and topic items are fixed by
the national guideline, so a fresh installation must have them before the first cataloguer arrives.
"""

from django.db import migrations

TREE = {
    ("1", "基础信息资源"): [
        ("01", "人口"), ("02", "法人单位"), ("03", "自然资源和空间地理"), ("04", "社会信用"), ("05", "电子证照"),
    ],
    ("2", "主题信息资源"): [
        ("01", "公共服务"), ("02", "健康保障"), ("03", "社会保障"), ("04", "食品药品安全"), ("05", "安全生产"),
        ("06", "价格监管"), ("07", "能源安全"), ("08", "信用体系"), ("09", "城乡建设"), ("10", "社区治理"),
        ("11", "生态环保"), ("12", "应急维稳"),
    ],
    ("3", "部门信息资源"): [
        ("01", "政府组成部门"), ("02", "直属特设机构"), ("03", "直属机构"), ("04", "部门管理机构"),
        ("05", "直属事业单位"), ("06", "其他机构"),
    ],
}


def seed(apps, schema_editor):
    Classification = apps.get_model("catalog", "Classification")
    for (segment, name), children in TREE.items():
        top = Classification.objects.create(level=1, segment=segment, full_code=segment, name=name)
        for child_segment, child_name in children:
            Classification.objects.create(
                parent=top, level=2, segment=child_segment, full_code=segment + child_segment, name=child_name
            )


def unseed(apps, schema_editor):
    Classification = apps.get_model("catalog", "Classification")
    Classification.objects.filter(level=2).delete()
    Classification.objects.filter(level=1).delete()


class Migration(migrations.Migration):
    dependencies = [("catalog", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]

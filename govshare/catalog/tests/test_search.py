"""Catalogue search: Chinese recall, ranking, facets, hostile input and index maintenance, on SQLite and PostgreSQL."""

import itertools

import pytest
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Q

from govshare.catalog import search
from govshare.catalog.models import Classification, InfoItem, Resource
from govshare.core.testing import ensure_seed_data
from govshare.core.validators import make_credit_code
from govshare.organizations.models import Department, Jurisdiction

pytestmark = pytest.mark.django_db

_serial = itertools.count(1)


@pytest.fixture
def city():
    ensure_seed_data()
    jurisdiction = Jurisdiction.objects.create(name="盐城市", level="city", division_code="320900")
    return {
        "jurisdiction": jurisdiction,
        "police": department("盐城市公安局", jurisdiction),
        "market": department("盐城市市场监督管理局", jurisdiction),
        "base": Classification.objects.get(full_code="101"),
        "licence": Classification.objects.get(full_code="105"),
    }


def department(name, jurisdiction):
    return Department.objects.create(
        name=name, credit_code=make_credit_code("320900", next(_serial)), jurisdiction=jurisdiction
    )


def entry(city, name, abstract="本资源记录相关业务数据。", *, items=("办理日期",), provider=None, index=True, **fields):
    """A published entry with info items, indexed the way the catalogue services index it."""
    values = {
        "share_type": "unconditional",
        "open_type": "not_open",
        "format_category": "database",
        "update_cycle": "daily",
        "status": "published",
        "classification": city["base"],
    }
    values.update(fields)
    resource = Resource.objects.create(name=name, abstract=abstract, provider=provider or city["police"], **values)
    for position, item in enumerate(items, start=1):
        InfoItem.objects.create(
            resource=resource,
            position=position,
            name=item,
            data_type="C",
            share_type="unconditional",
            open_type="not_open",
        )
    if index:
        search.index_resources([resource.pk])
    return resource


def found(query, queryset=None, **kwargs):
    result = search.search(queryset if queryset is not None else Resource.objects.all(), query, **kwargs)
    return result, [resource.name for resource in result[0 : result.total]]


def test_tokens_are_bigrams_last_character_and_long_words():
    tokens = search.document_tokens("居民电子证照信息", "OFD格式，代码ＡＢ12")
    assert {"居民", "民电", "电子", "子证", "证照", "照信", "信息", "息"} <= set(tokens)
    assert {"ofd", "格式", "式", "代码", "码", "ab12"} <= set(tokens)
    assert len(tokens) == len(set(tokens))
    # Segmented words are added only when longer than a bigram.
    assert {"不动产", "营业执照"} <= set(search.document_tokens("不动产登记", "营业执照"))


def test_finds_by_name_abstract_info_item_and_provider(city):
    entry(city, "户籍基础信息")
    entry(city, "企业登记信息", "包含市场主体的营业执照登记内容。", provider=city["market"])
    entry(city, "婚姻登记信息", items=("婚姻登记机关", "结婚证字号"))
    assert found("户籍")[1] == ["户籍基础信息"]
    assert found("营业执照")[1] == ["企业登记信息"]
    assert found("结婚证")[1] == ["婚姻登记信息"]
    assert found("市场监督管理局")[1] == ["企业登记信息"]
    assert sorted(found("登记")[1]) == ["企业登记信息", "婚姻登记信息"]


def test_finds_a_word_inside_longer_words(city):
    entry(city, "居民电子证照信息")
    entry(city, "证照目录", "汇集全市电子证照库的目录数据。")
    entry(city, "证照核验记录", items=("电子证照类型代码",))
    entry(city, "电子印章目录", "电子印章和证照的对应关系。")  # 电子 and 证照, but not 子证
    result, names = found("电子证照")
    assert sorted(names) == ["居民电子证照信息", "证照核验记录", "证照目录"]
    assert result.total == 3


def test_recall_equals_substring_search(city):
    prefixes = ["", "居民", "企业", "法人", "全市", "个体工商户", "省级", "历史"]
    suffixes = ["", "库", "信息", "目录", "类型代码", "签发记录", "核验日志", "共享"]
    contexts = ["name", "abstract", "item"]
    expected = set()
    for number, (prefix, suffix, context) in enumerate(itertools.product(prefixes, suffixes, contexts)):
        phrase = f"{prefix}电子证照{suffix}"
        name = phrase if context == "name" else f"业务数据{number}"
        abstract = f"本资源汇集{phrase}，按日更新。" if context == "abstract" else "本资源汇集业务数据。"
        items = (f"{phrase}{number}",) if context == "item" else ("办理日期",)
        resource = entry(city, name, abstract, items=items, index=False)
        expected.add(resource.pk)
    for number in range(120):
        resource = entry(city, f"电子印章{number}", "电子化的证照办理记录。", items=("证照编号",), index=False)
    search.index_resources(Resource.objects.values_list("pk", flat=True))
    assert len(expected) == 192

    result = search.search(Resource.objects.all(), "电子证照")
    assert result.total == len(expected)
    assert {resource.pk for resource in result[0 : result.total]} == expected
    assert result.queryset.count() == len(expected)
    assert set(result.queryset.values_list("pk", flat=True)) == expected

    small = search.search(Resource.objects.all(), "电子证照", limit_candidates=50)
    assert small.total == len(expected)
    assert {resource.pk for resource in small[0 : small.total]} == expected
    assert [resource.pk for resource in small[40:70]] == list(small.queryset.values_list("pk", flat=True)[40:70])


def test_a_word_not_present_finds_nothing(city):
    entry(city, "人口基础信息")
    assert found("不动产登记")[0].total == 0
    assert found("zzqx")[0].total == 0


def test_single_character_query_finds_every_position(city):
    entry(city, "税务登记")
    entry(city, "纳税信息")
    entry(city, "个人所得税")
    entry(city, "人口信息")
    assert sorted(found("税")[1]) == ["个人所得税", "税务登记", "纳税信息"]


def test_name_match_ranks_above_abstract_match(city):
    entry(city, "人口基础信息", "包含户籍人口的不动产登记关联数据。")
    entry(city, "不动产登记信息", "记录不动产权利。")
    entry(city, "房屋交易信息", items=("不动产登记证明号",))
    result, names = found("不动产登记")
    assert names[0] == "不动产登记信息"
    assert result.total == 3
    assert list(result.queryset.values_list("name", flat=True))[0] == "不动产登记信息"


def test_order_by_field_and_empty_query(city):
    entry(city, "乙类登记")
    entry(city, "甲类登记")
    entry(city, "人口信息")
    result, names = found("登记", order="name")
    assert names == sorted(["乙类登记", "甲类登记"])
    assert result.total == 2
    everything = search.search(Resource.objects.all(), "  ")
    assert everything.total == 3


def test_pages_past_the_ranked_ids_continue_in_order(city):
    for number in range(30):
        entry(city, f"登记信息{number:02d}", index=False)
    search.index_resources(Resource.objects.values_list("pk", flat=True))
    by_name = search.search(Resource.objects.all(), "登记", order="-name", limit_candidates=7)
    assert by_name.total == 30
    names = [resource.name for resource in by_name[0:30]]
    assert names == sorted(names, reverse=True)
    assert [resource.name for resource in by_name[5:12]] == names[5:12]
    assert list(by_name.queryset.values_list("name", flat=True)) == names
    relevance = search.search(Resource.objects.all(), "登记", limit_candidates=7)
    assert [resource.pk for resource in relevance[0:30]] == list(relevance.queryset.values_list("pk", flat=True))


def test_search_respects_the_given_queryset(city):
    entry(city, "公安登记", provider=city["police"])
    entry(city, "市场登记", provider=city["market"])
    result, names = found("登记", Resource.objects.filter(provider=city["market"]))
    assert names == ["市场登记"]
    assert search.search(Resource.objects.none(), "登记").total == 0


def test_codes_and_ascii_words_are_searchable(city):
    resource = entry(city, "企业年报", format_type="PostgreSQL")
    Resource.objects.filter(pk=resource.pk).update(code="101/00012")
    search.index_resources([resource.pk])
    assert found("101/00012")[1] == ["企业年报"]
    assert found("postgre")[1] == ["企业年报"]
    assert found(city["police"].credit_code.lower())[1] == ["企业年报"]


@pytest.mark.parametrize(
    "query",
    [
        '" OR * NEAR(',
        "'; DROP TABLE catalog_resource; --",
        "*",
        '"',
        "NOT 登记",
        "登记 OR 人口",
        "a:b",
        "()",
        "\\",
        "%",
        "登记*",
        "(登记",
        "title:登记",
        "NEAR(登记 人口)",
        "' & '登记' | !'x'",
        "\x00",
        "登" * 400,
    ],
)
def test_hostile_queries_neither_raise_nor_match_everything(city, query):
    entry(city, "人口信息")
    entry(city, "企业登记信息")
    result = search.search(Resource.objects.all(), query)
    rows = result[0:20]
    assert result.total < 2
    assert len(rows) == result.total
    assert Resource.objects.count() == 2


def test_boolean_words_are_plain_terms(city):
    entry(city, "企业登记信息")
    entry(city, "人口信息")
    assert found("登记 OR 人口")[0].total == 0
    assert found("登记 信息")[1] == ["企业登记信息"]


def test_rename_reindexes_and_delete_removes(city):
    resource = entry(city, "户籍基础信息")
    resource.name = "法人基础信息"
    resource.save()
    search.index_resources([resource.pk])
    assert found("户籍")[0].total == 0
    assert found("法人")[1] == ["法人基础信息"]

    pk = resource.pk
    resource.items.all().delete()
    resource.delete()
    search.index_resources([pk])
    assert _index_rows() == 0
    assert found("法人")[0].total == 0


def test_remove_and_rebuild(city):
    first = entry(city, "人口基础信息")
    entry(city, "法人基础信息", index=False)
    search.remove_resources([first.pk])
    assert _index_rows() == 0
    assert search.rebuild_index() == 2
    assert _index_rows() == 2
    assert found("基础")[0].total == 2


def test_paginator_accepts_the_result(city):
    for number in range(25):
        entry(city, f"登记信息{number}", index=False)
    search.index_resources(Resource.objects.values_list("pk", flat=True))
    result = search.search(Resource.objects.all(), "登记", limit_candidates=10)
    paginator = Paginator(result, 10)
    assert paginator.count == 25
    pages = [[resource.pk for resource in paginator.page(number)] for number in paginator.page_range]
    assert [len(page) for page in pages] == [10, 10, 5]
    assert len({pk for page in pages for pk in page}) == 25
    assert result[24].pk == pages[2][4]


def test_first_page_takes_few_queries(city, django_assert_max_num_queries):
    for number in range(30):
        entry(city, f"登记信息{number}", index=False)
    search.index_resources(Resource.objects.values_list("pk", flat=True))
    # Name tier, newest matches with their count, the page; PostgreSQL first sizes the queryset (one more).
    with django_assert_max_num_queries(4):
        result = search.search(Resource.objects.select_related("provider"), "登记")
        names = [f"{resource.provider.name} {resource.name}" for resource in result[0:20]]
    assert len(names) == 20


def _ranked_result(queryset, query, **kwargs):
    result = search.search(queryset, query, **kwargs)
    return result.total, result.total_is_capped, result.ranked_ids, [row.pk for row in result[0 : result.total]]


@pytest.fixture
def crowded(city):
    """40 entries matching 登记 (12 of them in the name, 6 a draft of the market department), and others."""
    for number in range(40):
        name = f"登记信息{number:02d}" if number % 3 == 0 else f"业务数据{number:02d}"
        status = "draft" if number % 7 == 0 else "published"
        entry(city, name, "本资源记录登记业务数据。", provider=city["market"] if number % 2 else None, status=status,
              index=False)
    for number in range(10):
        entry(city, f"人口信息{number}", index=False)
    search.index_resources(Resource.objects.values_list("pk", flat=True))
    return city


@pytest.mark.parametrize("small_scope", [0, 10_000])
def test_total_is_capped_beyond_the_cap(crowded, monkeypatch, small_scope):
    monkeypatch.setattr(search, "SMALL_SCOPE", small_scope)  # PostgreSQL: both plans
    everything = Resource.objects.all()
    total, capped, ranked, rows = _ranked_result(everything, "登记")
    assert (total, capped) == (40, False)
    assert len(rows) == 40

    monkeypatch.setattr(search, "COUNT_CAP", 25)
    total, capped, ranked_capped, rows = _ranked_result(everything, "登记")
    assert (total, capped) == (25, True)
    # The ranking is that of the uncapped search; slicing (and so a Paginator) stops at the cap.
    assert ranked_capped == ranked
    assert rows == ranked[:25]
    result = search.search(everything, "登记")
    assert len(result) == result.count() == 25
    assert result.queryset.count() == 40
    # 14 of them hold 登记 in the name: with 5 ranked ids and a cap of 8 the names decide both (PostgreSQL then skips
    # counting the others), and the ranking is the uncapped one.
    monkeypatch.setattr(search, "COUNT_CAP", 8)
    short = _ranked_result(everything, "登记", limit_candidates=5)
    assert short[:3] == (8, True, ranked[:5])
    monkeypatch.setattr(search, "COUNT_CAP", 14)
    assert _ranked_result(everything, "登记", limit_candidates=5)[:3] == (14, True, ranked[:5])
    # Exactly at the cap nothing is capped.
    monkeypatch.setattr(search, "COUNT_CAP", 40)
    assert _ranked_result(everything, "登记")[:2] == (40, False)
    # Other orders read every match anyway and count them all.
    monkeypatch.setattr(search, "COUNT_CAP", 25)
    by_name = search.search(everything, "登记", order="name")
    assert (by_name.total, by_name.total_is_capped) == (40, False)


@pytest.mark.parametrize("query", ["登记", "登记信息", "数据", "人口", "zzqx"])
def test_every_plan_finds_and_ranks_the_same(crowded, monkeypatch, query):
    """PostgreSQL reads a small queryset first, else GIN, and walks the newest rows past the cap; SQLite streams."""
    city = crowded
    scopes = [
        Resource.objects.all(),
        Resource.objects.filter(status="published"),
        Resource.objects.filter(Q(status="published") | Q(provider=city["market"])),
        Resource.objects.filter(status="published", provider=city["police"]),
    ]
    for queryset in scopes:
        expected = _ranked_result(queryset, query)
        assert len(set(expected[3])) == expected[0] == queryset.filter(pk__in=expected[3]).count()
        for small_scope in (10_000, 0):
            monkeypatch.setattr(search, "SMALL_SCOPE", small_scope)
            assert _ranked_result(queryset, query) == expected
            # Past a cap of 5 the newest ids come from a walk, and a tiny NAME_CAP makes the name tier walk too.
            monkeypatch.setattr(search, "COUNT_CAP", 5)
            monkeypatch.setattr(search, "NAME_CAP", 2)
            total, capped, ranked, rows = _ranked_result(queryset, query)
            assert (total, capped) == (min(expected[0], 5), expected[0] > 5)
            assert ranked == expected[2]
            assert rows == expected[3][:5]
            monkeypatch.undo()


def test_a_short_walk_ranks_fewer_and_pages_on_in_list_order(crowded, monkeypatch):
    monkeypatch.setattr(search, "SMALL_SCOPE", 0)
    monkeypatch.setattr(search, "COUNT_CAP", 5)
    monkeypatch.setattr(search, "NAME_CAP", 2)
    monkeypatch.setattr(search, "WALK_ROWS", 8)  # PostgreSQL: the walk sees only the 8 newest entries
    result = search.search(Resource.objects.all(), "登记")
    assert (result.total, result.total_is_capped) == (5, True)
    pks = [row.pk for row in result[0:5]]
    assert len(set(pks)) == 5
    assert pks == list(result.queryset.values_list("pk", flat=True)[:5])
    matching = set(search.search(Resource.objects.all(), "登记", order="pk").queryset.values_list("pk", flat=True))
    assert set(pks) <= matching


def test_facet_counts_of_a_search_in_one_query(crowded, django_assert_max_num_queries):
    city = crowded
    result = search.search(Resource.objects.all(), "登记")
    # The counts themselves, then provider names, classification codes and item names.
    with django_assert_max_num_queries(4):
        facets = search.facet_counts(result.matches)
    police, market = city["police"].pk, city["market"].pk
    assert facets["provider"] == [(police, "盐城市公安局", 20), (market, "盐城市市场监督管理局", 20)]
    assert facets["classification"] == [("101", "人口", 40)]
    assert facets["share_type"] == [("unconditional", "无条件共享", 40)]
    assert search.facet_counts(Resource.objects.none()) == {name: [] for name in search.FACETS}


def test_index_many_entries_in_few_queries(city, django_assert_max_num_queries):
    for number in range(50):
        entry(city, f"登记信息{number}", index=False)
    ids = list(Resource.objects.values_list("pk", flat=True))
    # Classifications, entries, info items, then delete and insert per index table, and a savepoint: a constant.
    with django_assert_max_num_queries(10):
        assert search.index_resources(ids) == 50


def test_facet_counts(city):
    entry(city, "人口信息", provider=city["police"], share_type="conditional", update_cycle="monthly")
    entry(city, "户籍信息", provider=city["police"], format_category="spreadsheet")
    entry(city, "企业信息", provider=city["market"], classification=city["licence"], open_type="unconditional")
    facets = search.facet_counts(Resource.objects.all())
    assert list(facets) == list(search.FACETS)
    assert facets["provider"] == [
        (city["police"].pk, "盐城市公安局", 2),
        (city["market"].pk, "盐城市市场监督管理局", 1),
    ]
    assert facets["classification"] == [("101", "人口", 2), ("105", "电子证照", 1)]
    assert facets["share_type"] == [("unconditional", "无条件共享", 2), ("conditional", "有条件共享", 1)]
    assert facets["open_type"] == [("not_open", "不予开放", 2), ("unconditional", "无条件开放", 1)]
    assert facets["format_category"] == [("database", "数据库", 2), ("spreadsheet", "电子表格", 1)]
    assert facets["update_cycle"] == [("daily", "每日", 2), ("monthly", "每月", 1)]

    result = search.search(Resource.objects.all(), "信息")
    assert search.facet_counts(result.matches)["provider"] == facets["provider"]
    assert search.facet_counts(result.queryset)["provider"] == facets["provider"]
    narrow = search.search(Resource.objects.all(), "户籍").matches
    assert search.facet_counts(narrow)["provider"] == [(city["police"].pk, "盐城市公安局", 1)]
    joined = Resource.objects.filter(items__name__in=["办理日期", "x"]).distinct()
    assert search.facet_counts(joined)["share_type"][0][2] == 2


def _index_rows():
    table = search.SQLITE_TABLE if connection.vendor == "sqlite" else search.POSTGRES_TABLE
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {table}")
        return cursor.fetchone()[0]


@pytest.mark.django_db(transaction=True)
def test_index_outside_a_test_transaction(city):
    # Committed rows and the flush after this test: the index table must not block Django's TRUNCATE/DELETE.
    entry(city, "社会保险缴费记录")
    assert found("社保")[0].total == 0
    assert found("保险缴费")[1] == ["社会保险缴费记录"]

"""Catalogue search: what is indexed, how Chinese text is tokenised, and how matches are counted and ranked.

No search server: the index lives in the database, as an FTS5 table on SQLite and a tsvector table with a GIN
index on PostgreSQL (created by migration 0003). Both store text tokenised here in Python when an entry is
written, so the two databases find exactly the same entries:

* every run of Chinese characters is indexed as its character bigrams plus its last character, so a query is
  matched as "all its bigrams present" and recall equals a substring search (word segmentation alone misses
  entries where the query sits inside a longer word, e.g. 电子证照 in 居民电子证照信息);
* jieba's search-mode words of three or more characters are indexed as well; they never decide whether an entry
  matches, they lift entries where the query is a whole word above those where it only straddles two words;
* other letters and digits (resource codes, credit codes, format types) are lowercased words.

Ranking reads no stored document: bm25() and ts_rank() cost a read of every match, which is most of a query's time
on a common word. Instead the index answers which matches hold the query in their name (ranked by whole words, then
name length) and which are newest; at most `limit_candidates` ids are ranked, and the rest follow in list order.
For the same reason a relevance search counts its matches only up to COUNT_CAP (SearchResult.total_is_capped).

The index is not maintained by signals: the catalogue services call `index_resources()` after every write and
`remove_resources()` after a delete. Search always joins back to the (permission-restricted) Resource queryset,
so a row left behind by a deleted entry is never shown; ids are never reused (AUTOINCREMENT, sequences).
"""

import json
import logging
import re
import threading
import unicodedata
from collections import defaultdict

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, NotSupportedError, connections, transaction
from django.db.models import Case, Count, IntegerField, Value, When, Window
from django.db.models.expressions import RawSQL

from .choices import FormatCategoryChoices, OpenTypeChoices, ShareTypeChoices, UpdateCycleChoices
from .models import Classification, InfoItem, Resource

__all__ = [
    "FACETS",
    "RELEVANCE",
    "SearchResult",
    "document_tokens",
    "facet_counts",
    "index_resources",
    "rebuild_index",
    "remove_resources",
    "search",
]

RELEVANCE = "relevance"
FACETS = ("provider", "classification", "share_type", "open_type", "format_category", "update_cycle")

SQLITE_TABLE = "catalog_resource_fts"
POSTGRES_TABLE = "catalog_resource_search"
BATCH_SIZE = 2000
# A pasted paragraph would otherwise become hundreds of required terms; dropping the tail only widens the match.
MAX_QUERY_TERMS = 32
# Relevance-ordered totals are exact up to COUNT_CAP; beyond it SearchResult.total is COUNT_CAP and total_is_capped
# is True (the list shows "1,000+", and pages as far as the ranked ids reach). Counting is what a common word costs:
# each counted match is read and checked against the caller's queryset, 3-5 µs apiece on PostgreSQL with its default
# settings, so an exact 90,000 took 100-200 ms. Benchmark p95 on PostgreSQL, 100,000 entries (bench/README.md): cap
# 1,000 → 36-45 ms, 2,000 → 44-53, 5,000 → 50-58, 10,000 → 63-75; SQLite 20-29 ms with any of them.
COUNT_CAP = 1_000
# PostgreSQL plan limits, see _PostgresIndex: a queryset of at most SMALL_SCOPE entries is read first; the name tier
# reads at most NAME_CAP name matches through GIN before walking the newest rows instead; a walk reads at most
# WALK_ROWS rows (about 4 ms).
SMALL_SCOPE = 2_000
NAME_CAP = 3_000
WALK_ROWS = 5_000
# CJK unified ideographs (with extensions A-G and compatibility ideographs) and 〇.
_CJK = "\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_TOKEN_RE = re.compile(rf"([{_CJK}]+)|([^\W_{_CJK}]+)")

_jieba = None
_jieba_lock = threading.Lock()


# --- Tokenising ---------------------------------------------------------------------------------------------------


def _segmenter():
    """jieba, initialised once on first use, quietly, with its cache in the data directory (not site-packages)."""
    global _jieba
    if _jieba is None:
        with _jieba_lock:
            if _jieba is None:
                import jieba

                jieba.setLogLevel(logging.WARNING)
                jieba.dt.tmp_dir = str(settings.DATA_DIR)
                jieba.initialize()
                _jieba = jieba
    return _jieba


def _runs(text):
    """(chinese_run, other_word) pairs of the normalised text; exactly one of the two is non-empty."""
    # NFKC turns full-width letters and digits (ＡＢＣ１２３) into ASCII, as users type both.
    return _TOKEN_RE.findall(unicodedata.normalize("NFKC", text or "").lower())


def _words(run):
    """jieba's search-mode words of three or more characters (shorter ones are already bigrams)."""
    return [word for word in _segmenter().cut_for_search(run, HMM=False) if len(word) >= 3]


def document_tokens(*texts) -> list[str]:
    """The index tokens of some text: bigrams and the last character of each Chinese run, long words, other words.

    Each token appears once (term frequency carries little in short catalogue texts and would bloat the index).
    """
    tokens = {}
    for text in texts:
        for run, word in _runs(text):
            if word:
                tokens[word] = None
                continue
            for start in range(len(run) - 1):
                tokens[run[start : start + 2]] = None
            # With the last character indexed alone, a one-character query (a prefix query) finds every entry.
            tokens[run[-1]] = None
            if len(run) >= 3:
                tokens.update(dict.fromkeys(_words(run)))
    return list(tokens)


class _Query:
    """A user's query as index terms: required (term, is_prefix) pairs, and whole words that only affect ranking."""

    def __init__(self, text):
        required, words = {}, {}
        for run, word in _runs(text):
            if word:
                # Prefix matching lets a partial code (9132090…) or format (post…) find the entry.
                required.setdefault(word, len(word) >= 2)
            elif len(run) == 1:
                required.setdefault(run, True)
            else:
                for start in range(len(run) - 1):
                    required.setdefault(run[start : start + 2], False)
                if len(run) >= 3:
                    words.update(dict.fromkeys(_words(run)))
        self.required = list(required.items())[:MAX_QUERY_TERMS]
        self.words = [word for word in words if word not in required][:MAX_QUERY_TERMS]

    def fts5(self, column=None):
        """An FTS5 MATCH expression, optionally limited to one column; every term is a quoted string, so user
        input never becomes FTS syntax."""
        terms = " AND ".join(
            '"' + term.replace('"', '""') + '"' + ("*" if prefix else "") for term, prefix in self.required
        )
        return f"{column} : ({terms})" if column else terms

    def fts5_body_only(self):
        """Matches whose name does not match: the second tier of the ranking."""
        return f"({self.fts5()}) NOT {self.fts5('name_tokens')}"

    @staticmethod
    def _tsquery_term(term, prefix=False):
        return "'" + term.replace("\\", "\\\\").replace("'", "''") + "'" + (":*" if prefix else "")

    def tsquery(self):
        """A tsquery literal requiring every term (cast with ::tsquery, so no parser or dictionary touches it)."""
        return " & ".join(self._tsquery_term(term, prefix) for term, prefix in self.required)

    def words_tsquery(self):
        """A tsquery literal matching any of the query's whole words ('-' is never a token: no words, no match)."""
        return " | ".join(self._tsquery_term(word) for word in self.words) or "'-'"


def _ranked(name_rows, newest_ids, limit):
    """The ranking: matches in the name, then the others newest first; at most `limit` ids.

    name_rows are (id, name length in tokens, whole query words found in the name), newest first. An entry whose
    name holds the query as a whole word (营业执照 in 个体工商户营业执照, not in 经营业执照) comes first, then shorter
    names, which are closer to the query, then newer entries.
    """
    ordered = sorted(enumerate(name_rows), key=lambda row: (-row[1][2], row[1][1], row[0]))
    ranked = [pk for _position, (pk, _length, _words) in ordered][:limit]
    in_name = set(ranked)
    ranked.extend(pk for pk in newest_ids if pk not in in_name)
    return ranked[:limit]


# --- The two index backends ---------------------------------------------------------------------------------------
#
# Each backend answers three calls for a search:
#   scope(cursor, queryset): the caller's queryset (permission-restricted, facet-filtered) as the backend needs it;
#   match(scope, query): SQL for the ids of every match, which SearchResult.matches/.queryset filter on;
#   candidates(cursor, scope, query, limit, cap), for relevance order:
#     name_rows:  the newest `limit` matches in the name, with what the ranking needs;
#     newest_ids: the newest `limit` matches anywhere;
#     total, capped: the number of matches counted up to `cap`, and whether there are more.
# Only entries of the caller's queryset count: `exists` below is SQL compiled by Django from it (its values travel
# in params), tested for each match. Neither backend uses bm25() or ts_rank(): both read every match's stored
# document. What a query costs is then the number of matches it reads and checks against the queryset (1-5 µs each),
# which the cap bounds for common words (信息 matches 90% of the catalogue).


def _restricted_exists(queryset, outer_column, *, fenced=False):
    """SQL for EXISTS(the queryset's row whose pk is outer_column), and its parameters.

    fenced (PostgreSQL): OFFSET 0 keeps the test a per-row primary-key probe. Left to itself the planner may build a
    hash of the whole queryset (a sequential scan of catalog_resource, 40 ms, or 400 ms when it is not cached) to
    check a few thousand matches, or a merge join that walks every document in id order.
    """
    correlated = queryset.order_by().filter(pk=RawSQL(outer_column, ())).values("pk")  # noqa: S611 (a constant)
    sql, params = correlated.query.sql_with_params()
    return f"EXISTS ({sql}{' OFFSET 0' if fenced else ''})", list(params)


class _Scope:
    """The caller's queryset, as the backends test index rows against it."""

    def __init__(self, queryset, ids_sql="", ids_params=(), *, small=False):
        self.queryset = queryset
        self.ids_sql = ids_sql
        self.ids_params = list(ids_params)
        self.small = small

    def exists(self):
        """The fenced EXISTS test of an index row aliased "hit", compiled once per search."""
        if not hasattr(self, "_exists"):
            self._exists = _restricted_exists(self.queryset, '"hit"."resource_id"', fenced=True)
        return self._exists


class _SQLiteIndex:
    """FTS5 table keyed by rowid = resource id; the 'ascii' tokenizer splits our pre-tokenised text on spaces.

    FTS5 reads a term's matches from its doclists in rowid order, either way, without touching the documents, so
    "newest first, stop after n" is what it does best: one query per tier, each stopping at its LIMIT.
    """

    def scope(self, cursor, queryset):
        return _Scope(queryset)

    def match(self, scope, query):
        return "SELECT rowid FROM catalog_resource_fts WHERE catalog_resource_fts MATCH %s", [query.fts5()]

    def candidates(self, cursor, scope, query, limit, cap):
        exists, params = _restricted_exists(scope.queryset, '"catalog_resource_fts"."rowid"')
        cursor.execute(
            "SELECT rowid, name_tokens FROM catalog_resource_fts "  # noqa: S608
            "WHERE catalog_resource_fts MATCH %s AND " + exists + " ORDER BY rowid DESC LIMIT %s",
            [query.fts5("name_tokens"), *params, limit],
        )
        words = set(query.words)
        name_rows = []
        for pk, tokens in cursor.fetchall():
            tokens = tokens.split()
            name_rows.append((pk, len(tokens), len(words.intersection(tokens))))
        # The newest cap + 1 matches (or `limit`, if more): the first `limit` are the ranking's second tier, and their
        # number is the total, or tells that there are more than the cap. `limit` ids are enough: at most
        # len(name_rows) of them are also name matches, and the ranking needs only limit - len(name_rows) others.
        cursor.execute(
            "SELECT rowid, count(*) OVER () FROM ("  # noqa: S608
            "  SELECT rowid FROM catalog_resource_fts WHERE catalog_resource_fts MATCH %s AND " + exists
            + "  ORDER BY rowid DESC LIMIT %s"
            ") ORDER BY rowid DESC LIMIT %s",
            [query.fts5(), *params, max(cap + 1, limit), limit],
        )
        rows = cursor.fetchall()
        count = rows[0][1] if rows else 0
        return name_rows, [row[0] for row in rows], min(count, cap), count > cap

    def delete(self, cursor, ids):
        cursor.execute(
            "DELETE FROM catalog_resource_fts WHERE rowid IN (SELECT value FROM json_each(%s))", [json.dumps(ids)]
        )

    def insert(self, cursor, rows):
        cursor.executemany(
            "INSERT INTO catalog_resource_fts (rowid, name_tokens, body_tokens) VALUES (%s, %s, %s)",
            [(pk, " ".join(name), " ".join(body)) for pk, name, body in rows],
        )

    def clear(self, cursor):
        cursor.execute("DELETE FROM catalog_resource_fts")

    def optimize(self, cursor):
        # Merge the b-trees written batch by batch into one, which is what queries read fastest.
        cursor.execute("INSERT INTO catalog_resource_fts (catalog_resource_fts) VALUES ('optimize')")


class _PostgresIndex:
    """A tsvector of every field per entry (catalog_resource_search) and one of the name alone (…_search_name).

    The name has its own small table: a weight-restricted match ('电子':A) on one vector would recheck every hit
    against the large document, and its heap would be read for every name match.

    Unlike FTS5, a GIN index yields matches in no useful order, and each match costs a visit to the table's heap (GIN
    has no index-only scans; a document is ~1 KB, 8 to a page, 110 MB for 100,000 entries, close to the default
    shared_buffers) plus a probe of the caller's queryset: 3-5 µs a match on the development machine. Each tier
    picks one of three plans, fixed by the SQL rather than left to the planner, whose estimates for a conjunction
    of bigrams are far too low (营业 & 业执 & 执照: 669 rows, 18,628 real) and which, given a LIMIT, prefers
    sequential scans that test every document:

    * a queryset of at most SMALL_SCOPE entries (one department's) is read first and each entry is checked against
      the index by primary key, so a common word does not cost its 100,000 matches (`scope()` tells which);
    * otherwise GIN finds the matches, each is probed against the queryset by primary key (resource_visible_idx
      makes that index-only), and the scan stops after cap + 1 visible ones: count and newest ids in one query. The
      matches are a MATERIALIZED CTE, which is planned for full retrieval (a bitmap scan; a sequential one for words
      in most documents) yet read only as far as the LIMIT pulls; planned under the LIMIT, the same scan became a
      sequential scan testing 60,000 documents for 10,000 matches of a word in 18% of them;
    * when it stopped there, the newest matches are found by walking the newest rows by primary key instead; there
      are then at least `cap` matches, so the walk is short. It reads at most WALK_ROWS rows: when fewer than
      `limit` matches turn up within them, the ranking has fewer ids and the rest follows in list order.
    """

    def scope(self, cursor, queryset):
        """The caller's queryset as SQL for its ids, and whether it holds at most SMALL_SCOPE entries."""
        ids_sql, ids_params = queryset.order_by().values("pk").query.sql_with_params()
        cursor.execute(
            f"SELECT count(*) FROM ({ids_sql} LIMIT %s) AS visible",  # noqa: S608 (SQL compiled by Django)
            [*ids_params, SMALL_SCOPE + 1],
        )
        return _Scope(queryset, ids_sql, list(ids_params), small=cursor.fetchone()[0] <= SMALL_SCOPE)

    def match(self, scope, query):
        """SQL (and params) for the ids of all the matches, for `pk IN (…)`."""
        if scope.small:
            return (
                f"SELECT visible.pk FROM ({scope.ids_sql}) AS visible, LATERAL ("  # noqa: S608
                "  SELECT document FROM catalog_resource_search WHERE resource_id = visible.pk OFFSET 0"
                ") AS hit WHERE hit.document @@ %s::tsquery",
                [*scope.ids_params, query.tsquery()],
            )
        # ARRAY() reads the GIN index once, first, instead of letting the planner test every document.
        return (
            "SELECT unnest(ARRAY(SELECT resource_id FROM catalog_resource_search WHERE document @@ %s::tsquery))",
            [query.tsquery()],
        )

    def candidates(self, cursor, scope, query, limit, cap):
        tsquery = query.tsquery()
        # The name tier: name length in tokens, and whether the name holds one of the query's whole words.
        name_rows, name_count, name_capped = self._newest(
            cursor, scope, "catalog_resource_search_name", tsquery, limit, NAME_CAP,
            ", length(hit.document), hit.document @@ %s::tsquery", [query.words_tsquery()],
        )
        name_rows = [(pk, size, int(whole_words)) for pk, size, whole_words in name_rows]
        # name_count stops at NAME_CAP (name_capped: there are more).
        if len(name_rows) == limit and (name_count > cap or (name_capped and name_count >= cap)):
            # Matches in the name alone fill the ranking and exceed the cap: the other matches change neither, and
            # counting them would read the large table. Most common words end here.
            return name_rows, [], cap, True
        # `limit` newest ids are enough (see _SQLiteIndex), and none are needed when the names fill the ranking.
        rows, total, capped = self._newest(
            cursor, scope, "catalog_resource_search", tsquery, limit, cap, walk=len(name_rows) < limit
        )
        return name_rows, [row[0] for row in rows], total, capped

    def _newest(self, cursor, scope, table, tsquery, limit, cap, columns="", column_params=(), *, walk=True):
        """The newest `limit` visible matches in `table` as (resource_id, *columns) rows, their number up to `cap`,
        and whether there are more."""
        if scope.small:
            cursor.execute(
                f"SELECT hit.resource_id{columns}, count(*) OVER () FROM ({scope.ids_sql}) AS visible, LATERAL ("  # noqa: S608
                f"  SELECT resource_id, document FROM {table} WHERE resource_id = visible.pk OFFSET 0"
                ") AS hit WHERE hit.document @@ %s::tsquery ORDER BY 1 DESC LIMIT %s",
                [*column_params, *scope.ids_params, tsquery, limit],
            )
            rows = cursor.fetchall()
            count = rows[0][-1] if rows else 0
            return [row[:-1] for row in rows], min(count, cap), count > cap
        exists, params = scope.exists()
        cursor.execute(
            f"WITH hit AS MATERIALIZED (SELECT hit.resource_id{columns} FROM {table} AS hit"  # noqa: S608
            "  WHERE hit.document @@ %s::tsquery) "
            "SELECT *, count(*) OVER () FROM (SELECT * FROM hit WHERE " + exists + " LIMIT %s) AS capped "
            "ORDER BY 1 DESC LIMIT %s",
            [*column_params, tsquery, *params, cap + 1, limit],
        )
        rows = cursor.fetchall()
        count = rows[0][-1] if rows else 0
        if count <= cap or not walk:
            return [row[:-1] for row in rows], min(count, cap), count > cap
        # The inner OFFSET 0 keeps the probe after the match test, so the plan's cost (and JIT) counts only matches.
        cursor.execute(
            f"SELECT hit.* FROM ("  # noqa: S608
            f"  SELECT hit.resource_id{columns} FROM ("
            f"    SELECT resource_id, document FROM {table} ORDER BY resource_id DESC LIMIT %s"
            "  ) AS hit WHERE hit.document @@ %s::tsquery OFFSET 0"
            ") AS hit WHERE " + exists + " ORDER BY 1 DESC LIMIT %s",
            [*column_params, WALK_ROWS, tsquery, *params, limit],
        )
        return cursor.fetchall(), cap, True

    @staticmethod
    def _tsvector(tokens):
        # A literal rather than to_tsvector(): PostgreSQL's parser would split some tokens again by its own rules.
        # No positions or weights: nothing reads them, and without them the table is a third smaller, which is
        # what a count of many matches reads (GIN has no index-only scans).
        return " ".join(_Query._tsquery_term(token) for token in tokens)

    def delete(self, cursor, ids):
        cursor.execute("DELETE FROM catalog_resource_search WHERE resource_id = ANY(%s)", [list(ids)])
        cursor.execute("DELETE FROM catalog_resource_search_name WHERE resource_id = ANY(%s)", [list(ids)])

    def insert(self, cursor, rows):
        cursor.executemany(
            "INSERT INTO catalog_resource_search (resource_id, document) VALUES (%s, %s::tsvector)",
            [(pk, self._tsvector(name + body)) for pk, name, body in rows],
        )
        cursor.executemany(
            "INSERT INTO catalog_resource_search_name (resource_id, document) VALUES (%s, %s::tsvector)",
            [(pk, self._tsvector(name)) for pk, name, _body in rows],
        )

    def clear(self, cursor):
        # DELETE, not TRUNCATE: searches keep reading the old rows while a rebuild runs, instead of waiting for it.
        cursor.execute("DELETE FROM catalog_resource_search")
        cursor.execute("DELETE FROM catalog_resource_search_name")

    def optimize(self, cursor):
        pass


def _backend(using):
    vendor = connections[using].vendor
    if vendor == "sqlite":
        return _SQLiteIndex()
    if vendor == "postgresql":
        return _PostgresIndex()
    raise NotSupportedError(f"catalogue search supports SQLite and PostgreSQL, not {vendor}")


# --- Writing the index --------------------------------------------------------------------------------------------


def _batches(ids, size=BATCH_SIZE):
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def _classification_names(using):
    """Each classification's name with its ancestors' names (电子证照 基础信息资源), by id, in one query."""
    nodes = {
        pk: (parent_id, name)
        for pk, parent_id, name in Classification.objects.using(using).values_list("pk", "parent_id", "name")
    }
    paths = {}
    for pk in nodes:
        names, node = [], pk
        while node is not None and node in nodes:
            parent_id, name = nodes[node]
            names.append(name)
            node = parent_id
        paths[pk] = " ".join(names)
    return paths


def _documents(ids, using, classification_names):
    """(resource id, name tokens, body tokens) of the entries among ids that exist, in two queries."""
    items = defaultdict(list)
    for resource_id, name in (
        InfoItem.objects.using(using).filter(resource_id__in=ids).order_by().values_list("resource_id", "name")
    ):
        items[resource_id].append(name)
    entries = (
        Resource.objects.using(using)
        .filter(pk__in=ids)
        .order_by()
        .values_list(
            "pk",
            "name",
            "abstract",
            "code",
            "format_type",
            "classification_id",
            "provider__name",
            "provider__short_name",
            "provider__credit_code",
        )
    )
    rows = []
    for pk, name, abstract, code, format_type, classification_id, provider, short_name, credit_code in entries:
        name_tokens = document_tokens(name)
        seen = set(name_tokens)
        body_tokens = [
            token
            for token in document_tokens(
                abstract,
                *items[pk],
                provider,
                short_name,
                classification_names.get(classification_id, ""),
                code,
                credit_code,
                format_type,
            )
            if token not in seen
        ]
        rows.append((pk, name_tokens, body_tokens))
    return rows


def index_resources(resource_ids, *, using=DEFAULT_DB_ALIAS) -> int:
    """(Re)write the index rows of these entries, and drop the rows of those that no longer exist.

    Call it after every write of an entry or its info items, inside the same transaction. It works in batches of
    2,000 with a handful of queries each, so an import of 10,000 entries is indexed in one call. Returns the rows
    written.
    """
    ids = sorted({int(pk) for pk in resource_ids})
    if not ids:
        return 0
    backend = _backend(using)
    classification_names = _classification_names(using)
    written = 0
    with transaction.atomic(using=using), connections[using].cursor() as cursor:
        for chunk in _batches(ids):
            rows = _documents(chunk, using, classification_names)
            backend.delete(cursor, chunk)
            if rows:
                backend.insert(cursor, rows)
            written += len(rows)
    return written


def remove_resources(resource_ids, *, using=DEFAULT_DB_ALIAS) -> None:
    """Drop the index rows of these entries (after they are deleted)."""
    ids = sorted({int(pk) for pk in resource_ids})
    if not ids:
        return
    backend = _backend(using)
    with connections[using].cursor() as cursor:
        for chunk in _batches(ids):
            backend.delete(cursor, chunk)


def rebuild_index(*, using=DEFAULT_DB_ALIAS, batch_size=BATCH_SIZE) -> int:
    """Empty the index and index every entry again, batch by batch; returns the number of entries indexed."""
    backend = _backend(using)
    classification_names = _classification_names(using)
    total, last_pk = 0, 0
    with transaction.atomic(using=using), connections[using].cursor() as cursor:
        backend.clear(cursor)
        while True:
            chunk = list(
                Resource.objects.using(using)
                .filter(pk__gt=last_pk)
                .order_by("pk")
                .values_list("pk", flat=True)[:batch_size]
            )
            if not chunk:
                break
            rows = _documents(chunk, using, classification_names)
            if rows:
                backend.insert(cursor, rows)
            total += len(rows)
            last_pk = chunk[-1]
        backend.optimize(cursor)
    return total


# --- Searching ----------------------------------------------------------------------------------------------------


class SearchResult:
    """The entries matching a query, in order, with their count; a Paginator accepts it as object_list.

    `total` is exact, except that a relevance search stops counting at COUNT_CAP: then `total_is_capped` is True,
    `total` is COUNT_CAP (so len(), count() and slicing, hence the Paginator, stop there) and the list should read
    "1,000+" (the total followed by "+"). `queryset` and `matches` still hold every match.

    The first `limit_candidates` entries are known by id (`ranked_ids`), so a page among them is one query by
    primary key; later pages continue in the list order. `queryset` is the whole result as an ordered QuerySet
    (for relevance, a CASE over the ranked ids), for callers that need one.
    """

    ordered = True

    def __init__(
        self, query, queryset, total, *, matches=None, ranked_ids=(), ordering=(), relevance=False,
        total_is_capped=False,
    ):
        self.query = query
        self.total = total
        self.total_is_capped = total_is_capped
        self.ranked_ids = list(ranked_ids)
        self._queryset = queryset
        self._matches = matches
        self._ordering = list(ordering)
        self._relevance = relevance

    @property
    def matches(self):
        """The matching entries, unordered: what facet_counts() should be given."""
        return (self._matches if self._matches is not None else self._queryset).order_by()

    @property
    def queryset(self):
        if self._matches is None:
            return self._queryset
        if not (self._relevance and self.ranked_ids):
            return self._matches.order_by(*self._ordering)
        unranked = len(self.ranked_ids)
        position = Case(
            *[When(pk=pk, then=Value(index)) for index, pk in enumerate(self.ranked_ids)],
            default=Value(unranked),
            output_field=IntegerField(),
        )
        # The IN test first, so the long CASE is evaluated only for the ranked rows, not for every match.
        rank = Case(When(pk__in=self.ranked_ids, then=position), default=Value(unranked), output_field=IntegerField())
        return self._matches.annotate(search_rank=rank).order_by("search_rank", *self._ordering)

    def count(self):
        return self.total

    def __len__(self):
        return self.total

    def __iter__(self):
        return iter(self[0 : self.total])

    def __getitem__(self, key):
        if isinstance(key, int):
            if key < 0:
                key += self.total
            rows = self[key : key + 1]
            if not rows:
                raise IndexError(key)
            return rows[0]
        start, stop, step = key.indices(self.total)
        if step != 1:
            raise ValueError("SearchResult slices take no step")
        if self._matches is None:
            return list(self._queryset[start:stop])
        ranked = len(self.ranked_ids)
        page_ids = self.ranked_ids[start:stop]
        rows = []
        if page_ids:
            by_pk = {row.pk: row for row in self._queryset.filter(pk__in=page_ids)}
            rows = [by_pk[pk] for pk in page_ids if pk in by_pk]
        if stop > ranked:
            tail = self._matches.exclude(pk__in=self.ranked_ids).order_by(*self._ordering)
            rows.extend(tail[max(start - ranked, 0) : stop - ranked])
        return rows


def search(queryset, query, *, order=RELEVANCE, limit_candidates=1000) -> SearchResult:
    """The entries of `queryset` (already permission-restricted and facet-filtered) matching `query`.

    Matching requires every term, so a Chinese query finds what a substring search would. With order="relevance"
    up to `limit_candidates` matches are ranked from the index (matches in the name first, then the others newest
    first) and the rest follow in the queryset's order; any other `order` is a field name for order_by ("name",
    "-published_on", ...). An empty query returns the queryset itself; a query of punctuation only returns nothing.
    """
    text = (query or "").strip()
    relevance = order == RELEVANCE
    ordering = list(queryset.query.order_by or Resource._meta.ordering) if relevance else [order, "-pk"]
    if not text:
        ordered = queryset.order_by(*ordering)
        return SearchResult(text, ordered, ordered.count())
    parsed = _Query(text)
    if not parsed.required or queryset.query.is_empty():
        return SearchResult(text, queryset.none(), 0)

    using = queryset.db
    backend = _backend(using)
    with connections[using].cursor() as cursor:
        scope = backend.scope(cursor, queryset)
        # Fixed SQL; the user's query only ever travels as a bound parameter.
        matches = queryset.filter(pk__in=RawSQL(*backend.match(scope, parsed)))  # noqa: S611
        if relevance:
            name_rows, newest_ids, total, capped = backend.candidates(
                cursor, scope, parsed, limit_candidates, COUNT_CAP
            )
            ranked_ids = _ranked(name_rows, newest_ids, limit_candidates)
    if not relevance:
        # Another order needs every match anyway (the first page by name may be any of them), so one pass gives
        # the first ids in this order and, as a window count over the same rows, the exact total: no cap.
        rows = list(
            matches.annotate(search_total=Window(Count("pk")))
            .order_by(*ordering)
            .values_list("pk", "search_total")[:limit_candidates]
        )
        ranked_ids, total, capped = [pk for pk, _total in rows], rows[0][1] if rows else 0, False
    return SearchResult(
        text, queryset, total, matches=matches, ranked_ids=ranked_ids, ordering=ordering, relevance=relevance,
        total_is_capped=capped,
    )


# --- Facets -------------------------------------------------------------------------------------------------------

_CHOICE_FACETS = {
    "share_type": ShareTypeChoices,
    "open_type": OpenTypeChoices,
    "format_category": FormatCategoryChoices,
    "update_cycle": UpdateCycleChoices,
}


def _sorted(counts):
    return sorted(counts, key=lambda row: (-row[2], str(row[1])))


def facet_counts(queryset) -> dict[str, list[tuple]]:
    """Counts of the entries in `queryset` by provider, classification 项, share type, open attribute, format and
    update cycle: {facet: [(value, label, count), ...]}, most frequent first.

    The provider value is the department id; the classification value is the full code of the level-2 item
    (e.g. "105"), so a filter can match it as a code prefix of the entry's classification.

    One query: the entries are read once into a materialized CTE and each facet is a GROUP BY over it. Six GROUP BY
    queries over a search result would find and permission-check every match six times (12,366 matches of 电子证照:
    six passes took 360-440 ms on PostgreSQL). Labels come from two small lookups by id.
    """
    if queryset.query.distinct or queryset.query.annotations:
        # A DISTINCT queryset joined to info items would count an entry once per item, and an annotation (such as
        # the relevance of SearchResult.queryset) would join the GROUP BY; group the plain entries instead.
        queryset = Resource.objects.using(queryset.db).filter(pk__in=queryset.order_by().values("pk"))
    using = queryset.db
    columns = ("provider_id", "classification_id", *_CHOICE_FACETS)
    counts = {column: {} for column in columns}
    if not queryset.query.is_empty():
        entries_sql, params = queryset.order_by().values_list(*columns).query.sql_with_params()
        # Column names are our constants; the caller's values travel in params.
        groups = " UNION ALL ".join(
            f"SELECT {number}, CAST(entry.{column} AS TEXT), COUNT(*) FROM entry GROUP BY entry.{column}"  # noqa: S608
            for number, column in enumerate(columns)
        )
        with connections[using].cursor() as cursor:
            cursor.execute(f"WITH entry AS MATERIALIZED ({entries_sql}) {groups}", params)  # noqa: S608
            for number, value, count in cursor.fetchall():
                counts[columns[number]][value] = count
    facets = {}
    providers = {int(pk): count for pk, count in counts["provider_id"].items()}
    provider_model = Resource._meta.get_field("provider").related_model
    names = dict(provider_model.objects.using(using).filter(pk__in=list(providers)).values_list("pk", "name"))
    facets["provider"] = _sorted((pk, names.get(pk, str(pk)), count) for pk, count in providers.items())
    classification_codes = dict(
        Classification.objects.using(using)
        .filter(pk__in=[int(pk) for pk in counts["classification_id"]])
        .values_list("pk", "full_code")
    )
    item_counts = defaultdict(int)
    for pk, count in counts["classification_id"].items():
        item_counts[classification_codes.get(int(pk), "")[:3]] += count
    names = dict(
        Classification.objects.using(using).filter(full_code__in=list(item_counts)).values_list("full_code", "name")
    )
    facets["classification"] = _sorted((code, names.get(code, code), count) for code, count in item_counts.items())
    for field, choices in _CHOICE_FACETS.items():
        facets[field] = _sorted((value, str(choices.label(value)), count) for value, count in counts[field].items())
    return {name: facets[name] for name in FACETS}

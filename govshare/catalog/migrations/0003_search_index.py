"""Create the catalogue search index: an FTS5 table on SQLite, tsvector tables with GIN indexes on PostgreSQL.

Why raw SQL: neither table is a Django model. The FTS5 table is a virtual table Django cannot describe, and both
hold tokens written by govshare.catalog.search (Chinese bigrams and words), which is the only code that reads them.
There is no foreign key to catalog_resource on PostgreSQL on purpose: Django's test flush TRUNCATEs the model tables
without CASCADE, which a referencing table would make fail; search joins back to catalog_resource, so a row left by a
deleted entry is never shown, and index_resources/remove_resources delete such rows.
Nothing is indexed here: a fresh database has no entries, and search.rebuild_index() indexes existing ones.
"""

from django.db import migrations

SQLITE_FORWARD = [
    # rowid is the resource id. The 'ascii' tokenizer keeps every non-ASCII character inside a token, so our
    # space-separated tokens are stored as they are (unicode61 would drop CJK extension characters it does not
    # know). detail=column: queries never use phrases or NEAR, so token positions would only take space.
    "CREATE VIRTUAL TABLE catalog_resource_fts USING fts5(name_tokens, body_tokens, tokenize='ascii', detail='column')",
]
SQLITE_BACKWARD = ["DROP TABLE IF EXISTS catalog_resource_fts"]

POSTGRES_FORWARD = [
    # document: every indexed field. The name alone has its own small table, for the first tier of the ranking.
    "CREATE TABLE catalog_resource_search (resource_id bigint PRIMARY KEY, document tsvector NOT NULL)",
    "CREATE INDEX catalog_resource_search_document_idx ON catalog_resource_search USING gin (document)",
    "CREATE TABLE catalog_resource_search_name (resource_id bigint PRIMARY KEY, document tsvector NOT NULL)",
    "CREATE INDEX catalog_resource_search_name_document_idx ON catalog_resource_search_name USING gin (document)",
]
POSTGRES_BACKWARD = ["DROP TABLE IF EXISTS catalog_resource_search, catalog_resource_search_name"]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    # Both 0002 migrations: the index reads classifications and resources, and this also joins the two leaves.
    dependencies = [("catalog", "0002_seed_classification"), ("catalog", "0002_initial")]
    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}),
            _run({"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}),
        )
    ]

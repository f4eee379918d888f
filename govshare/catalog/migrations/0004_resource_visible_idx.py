"""An index that answers search's "may the caller see this entry?" without reading the entry.

Search finds matches in its own index tables and then checks each against the caller's queryset by primary key
(permission restriction and facet filters). With the id first and the columns those querysets filter on after it,
PostgreSQL makes each check an index-only probe of this 10 MB index instead of a visit to catalog_resource's 37 MB
heap, and no longer hashes the whole table for a user's "published or my department's" restriction (one 4,800-page
sequential scan per query). Index-only scans need the visibility map, which autovacuum keeps set; after a bulk load,
VACUUM ANALYZE catalog_resource does it at once (bench/bench_search.py does).
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("catalog", "0003_search_index")]

    operations = [
        migrations.AddIndex(
            model_name="resource",
            index=models.Index(
                fields=[
                    "id",
                    "status",
                    "provider",
                    "share_type",
                    "open_type",
                    "format_category",
                    "update_cycle",
                    "classification",
                ],
                name="resource_visible_idx",
            ),
        ),
    ]

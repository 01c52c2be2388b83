"""The full-text index of services (see catalog/search.py and catalog/search_schema.py).

SQLite: an FTS5 table (porter tokenizer) kept in step by three triggers. PostgreSQL: a
stored generated tsvector column ('english' configuration, weighted) with a GIN index (not on
the model: Django never writes it). A later migration that makes Django rebuild the services
table on SQLite drops the triggers with the old table: it must call
`search_schema.create_in_migration` again, as requests/0006 does for requests.
"""

from django.db import migrations

from staffdesk.catalog import search_schema


class Migration(migrations.Migration):
    dependencies = [("catalog", "0006_form_field_limits")]

    operations = [
        migrations.RunPython(search_schema.create_in_migration, search_schema.drop_in_migration)
    ]

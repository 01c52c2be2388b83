"""The full-text index of requests (see requests/search.py).

SQLite: an external-content FTS5 table over subject and description, kept in step by three
triggers. PostgreSQL: a stored generated tsvector column with a GIN index (the column is not
on the model: Django never writes it). A later migration that makes Django rebuild the
requests table on SQLite drops the triggers with the old table: it must call
`search_schema.create` again (tests/requests/test_search.py fails if it does not).
"""

from django.db import migrations

from staffdesk.requests import search_schema


class Migration(migrations.Migration):
    dependencies = [("requests", "0004_next_escalation_at")]

    operations = [
        migrations.RunPython(search_schema.create_in_migration, search_schema.drop_in_migration)
    ]

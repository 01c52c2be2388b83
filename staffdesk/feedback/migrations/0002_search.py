from django.db import migrations

from staffdesk.feedback import search_schema


class Migration(migrations.Migration):
    dependencies = [("feedback", "0001_initial")]

    operations = [
        migrations.RunPython(search_schema.create_in_migration, search_schema.drop_in_migration),
    ]

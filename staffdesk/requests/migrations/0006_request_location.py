"""Where a request is about (Open311 sends it): location in words, coordinates, address id.

On SQLite adding these fields rebuilds the requests table, which drops the full-text
triggers with the old table (see 0005): they are recreated after, and before the reverse.
"""

from django.conf import settings
from django.db import migrations, models

from staffdesk.requests import search_schema


class Migration(migrations.Migration):

    dependencies = [
        ('catalog', '0004_service_is_public'),
        ('directory', '0001_initial'),
        ('requests', '0005_request_search'),
        ('sla', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(migrations.RunPython.noop, search_schema.create_in_migration),
        migrations.AddField(
            model_name='request',
            name='address_id',
            field=models.CharField(blank=True, help_text="The place's id in the organization's address register.", max_length=64),
        ),
        migrations.AddField(
            model_name='request',
            name='latitude',
            field=models.FloatField(blank=True, help_text='WGS84 degrees.', null=True),
        ),
        migrations.AddField(
            model_name='request',
            name='location',
            field=models.CharField(blank=True, help_text='In words: a building and room, or an address.', max_length=255),
        ),
        migrations.AddField(
            model_name='request',
            name='longitude',
            field=models.FloatField(blank=True, help_text='WGS84 degrees.', null=True),
        ),
        migrations.AddConstraint(
            model_name='request',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('latitude__isnull', True), ('longitude__isnull', True)), models.Q(('latitude__gte', -90), ('latitude__lte', 90), ('longitude__gte', -180), ('longitude__lte', 180)), _connector='OR'), name='request_coordinates_valid', violation_error_message='Latitude and longitude go together, within range.'),
        ),
        migrations.RunPython(search_schema.create_in_migration, migrations.RunPython.noop),
    ]

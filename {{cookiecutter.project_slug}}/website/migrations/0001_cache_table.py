from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    # The database cache (CACHE_URL's default) needs its table before the first
    # request; made here, it comes with migrate, the step every deploy already
    # runs. createcachetable does nothing for a cache kept elsewhere, such as Redis.
    call_command("createcachetable", database=schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = []

    operations = [
        migrations.RunPython(create_cache_table, migrations.RunPython.noop),
    ]

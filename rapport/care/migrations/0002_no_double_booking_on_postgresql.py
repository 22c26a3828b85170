"""No double-booking, enforced by PostgreSQL itself: an exclusion constraint over
(therapist, [blocked_from, blocked_until)) for every booking that is not cancelled.

btree_gist lets the GiST index compare the therapist id with "=" next to the range
overlap "&&". Both only exist on PostgreSQL, so this migration does nothing elsewhere: on
SQLite the booking service serialises writes (IMMEDIATE transactions) and re-checks
overlap inside its transaction instead.
"""

from django.db import migrations

CONSTRAINT = "care_booking_no_overlap"


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
    schema_editor.execute(
        f"ALTER TABLE care_booking ADD CONSTRAINT {CONSTRAINT} EXCLUDE USING gist "
        "(therapist_id WITH =, tstzrange(blocked_from, blocked_until, '[)') WITH &&) "
        "WHERE (status <> 'cancelled')"
    )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"ALTER TABLE care_booking DROP CONSTRAINT IF EXISTS {CONSTRAINT}")


class Migration(migrations.Migration):
    dependencies = [("care", "0001_practices_therapists_bookings")]

    operations = [migrations.RunPython(create, drop)]

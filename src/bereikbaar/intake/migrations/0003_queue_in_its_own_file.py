"""Moves the intake queue of a SQLite install made before it had a file of its own.

Until now intake_inbound lived in the main file. Migrating the queue's file copies the rows
over (ids, statuses and all: rows still waiting are filed as before), and only once they are
all in does it drop the old table, so an interrupted run can simply be run again. On
PostgreSQL, or where the queue is not apart, there is nothing to move.
"""

from django.db import connections, migrations

from bereikbaar.intake.router import QUEUE, queue_apart

COLUMNS = (
    "id, channel, dedupe_key, order_key, payload, received_at, status, claimed_by, claimed_at,"
    " attempts, error, processed_at, message_ids, conversation_id"
)


def move_rows(apps, schema_editor) -> None:
    queue = schema_editor.connection
    if queue.alias != QUEUE or not queue_apart():
        return
    main = connections["default"]
    if "intake_inbound" not in main.introspection.table_names():
        return
    with queue.cursor() as cursor:
        cursor.execute("ATTACH DATABASE %s AS main_file", [str(main.settings_dict["NAME"])])
        try:
            cursor.execute(
                f"INSERT OR IGNORE INTO intake_inbound ({COLUMNS})"  # noqa: S608 - constants
                f" SELECT {COLUMNS} FROM main_file.intake_inbound"
            )
        finally:
            cursor.execute("DETACH DATABASE main_file")
    with main.cursor() as cursor:
        cursor.execute("DROP TABLE intake_inbound")


class Migration(migrations.Migration):
    atomic = False  # ATTACH is refused inside a transaction

    dependencies = [("intake", "0002_unfinished_by_sender_index")]

    operations = [migrations.RunPython(move_rows, migrations.RunPython.noop)]

"""Indexes for a province's meetings (issue 12), on PostgreSQL only.

- planned_start DESC (and per branch): the meeting lists and the calendar feeds order by it and
  read the first page only;

SQLite (development, tests) keeps the indexes Django makes from the models: nothing runs there.
"""

from django.db import migrations

FORWARD = [
    "CREATE INDEX IF NOT EXISTS meeting_planned_start_desc ON meetings_meeting (planned_start DESC, id DESC)",
    "CREATE INDEX IF NOT EXISTS meeting_branch_planned_start ON meetings_meeting (branch_id, planned_start DESC)",
]
BACKWARD = [
    "DROP INDEX IF EXISTS meeting_branch_planned_start",
    "DROP INDEX IF EXISTS meeting_planned_start_desc",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("meetings", "0005_reminder_rules")]

    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD), elidable=False)]

"""Indexes for a province-sized register (issue 12), on PostgreSQL only.

- pg_trgm and a trigram GIN index on the stored search key, so ``name_key LIKE '%nguyen van%'``
  (the accent-free name search) uses an index instead of scanning every member;
- (branch_id, name_key, id): a branch's member list in its order without a sort;
- current members by branch (partial, ``left_on IS NULL``): the counts of a commune's or a
  province's members read this small index only (an index-only scan), not the member rows.

SQLite (development, tests) has neither pg_trgm nor a use for them: the operations do nothing there.
"""

from django.db import migrations

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS member_name_key_trgm ON members_member USING gin (name_key gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS member_branch_name_key ON members_member (branch_id, name_key, id)",
    "CREATE INDEX IF NOT EXISTS member_active_branch ON members_member (branch_id) WHERE left_on IS NULL",
]
# The extension stays: other databases objects may use it.
BACKWARD = [
    "DROP INDEX IF EXISTS member_active_branch",
    "DROP INDEX IF EXISTS member_branch_name_key",
    "DROP INDEX IF EXISTS member_name_key_trgm",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("members", "0004_officer_role")]

    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD), elidable=False)]

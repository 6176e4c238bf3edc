"""The router against a real streaming replica (``bash .ci/replica``; CI's "Read replica" step):
the dashboard is read from the replica (its own statistics say so), a user who has just written
reads the primary, a paused replay is flagged on the page, and a replica that is down leaves the
page to the primary with a logged warning."""

import time

import psycopg2
import pytest
from django.conf import settings
from django.db import connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from chibo import replicas
from oversight import tasks as oversight_tasks

from ..factories import MemberFactory

pytestmark = [pytest.mark.replica, pytest.mark.django_db(transaction=True, databases="__all__")]

ALIAS = "replica_0"


def raw(alias):
    """A connection of our own (not Django's) to the test database on that server."""
    params = connections[alias].get_connection_params()
    conn = psycopg2.connect(**{k: v for k, v in params.items() if k in {"host", "port", "user", "dbname", "password"}})
    conn.autocommit = True
    return conn


def wait_replayed(timeout=30):
    """Until the replica has replayed everything the primary has written so far."""
    with raw("default") as primary, primary.cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()")
        target = cursor.fetchone()[0]
    with raw(ALIAS) as replica, replica.cursor() as cursor:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            cursor.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [target])
            if cursor.fetchone()[0]:
                return
            time.sleep(0.05)
    raise AssertionError("the replica did not catch up")


def replica_scans():
    """Rows scanned on the replica's user tables, by its own statistics (all backends)."""
    # The request's backend reports its counters when it next goes idle.
    with connections[ALIAS].cursor() as cursor:
        cursor.execute("SELECT pg_stat_force_next_flush()")
    time.sleep(0.2)
    with raw(ALIAS) as replica, replica.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute("SELECT coalesce(sum(seq_scan + coalesce(idx_scan, 0)), 0) FROM pg_stat_user_tables")
        return cursor.fetchone()[0]


@pytest.fixture(autouse=True)
def _fresh_state():
    replicas._down_until.clear()
    replicas._lag_cache.clear()
    yield
    replicas._down_until.clear()
    replicas._lag_cache.clear()


def test_the_replica_is_a_replica():
    assert settings.DATABASE_REPLICAS == [ALIAS]
    with connections[ALIAS].cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery()")
        assert cursor.fetchone()[0] is True


def test_the_dashboard_reads_from_the_replica(leader, tree):
    MemberFactory.create_batch(3, branch=tree.branch)
    wait_replayed()
    before = replica_scans()
    with CaptureQueriesContext(connections[ALIAS]) as on_replica:
        response = leader.get(reverse("oversight:overview"))
    assert response.status_code == 200
    assert len(on_replica) > 0
    assert replica_scans() > before, "the replica's own statistics show the dashboard's reads"


def test_a_user_who_just_wrote_reads_the_primary(leader, tree):
    wait_replayed()
    response = leader.post(reverse("notifications:preferences"), {"email_enabled": "on"})
    assert response.status_code in (200, 302)
    with CaptureQueriesContext(connections[ALIAS]) as on_replica:
        assert leader.get(reverse("oversight:overview")).status_code == 200
    assert len(on_replica) == 0


def test_a_lagging_replica_is_flagged_on_the_page(leader, tree, settings):
    settings.REPLICA_LAG_WARNING_SECONDS = 1
    wait_replayed()
    with raw(ALIAS) as replica, replica.cursor() as cursor:
        cursor.execute("SELECT pg_wal_replay_pause()")
        try:
            MemberFactory(branch=tree.branch)  # a write the replica receives and does not replay
            time.sleep(2.5)
            cursor.execute("SELECT pg_last_wal_receive_lsn() > pg_last_wal_replay_lsn()")
            assert cursor.fetchone()[0], "the replica received WAL it has not replayed"
            page = leader.get(reverse("oversight:overview")).content.decode()
        finally:
            cursor.execute("SELECT pg_wal_replay_resume()")
    assert "có thể chưa hiện" in page


def test_a_replica_that_is_down_leaves_the_page_to_the_primary(leader, tree, caplog):
    connection = connections[ALIAS]
    port = connection.settings_dict["PORT"]
    connection.close()
    connection.settings_dict["PORT"] = 1  # nothing listens there
    try:
        with CaptureQueriesContext(connections["default"]) as on_primary, caplog.at_level("WARNING", "chibo.replicas"):
            response = leader.get(reverse("oversight:overview"))
    finally:
        connection.close()
        connection.settings_dict["PORT"] = port
    assert response.status_code == 200
    assert any("does not answer" in record.getMessage() for record in caplog.records)
    # The dashboard's figures by commune, read from the primary.
    assert any('SUBSTRING("members_organization"."path"' in query["sql"] for query in on_primary.captured_queries)


def test_the_digest_task_reads_from_the_replica(leader, tree):
    wait_replayed()
    with CaptureQueriesContext(connections[ALIAS]) as on_replica:
        oversight_tasks.weekly_digest.apply()
    assert len(on_replica) > 0

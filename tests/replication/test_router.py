"""The router's choices without a real replica: with none configured everything reads the
primary; with one, only the pages and tasks named in the settings read from it, and never after
a write, inside a transaction, or from a browser that has just written."""

import pytest
from django.db import transaction
from django.urls import reverse

from chibo import replicas
from members.models import Organization


@pytest.fixture
def one_replica(settings, monkeypatch):
    """A replica alias that answers with no lag, without a server behind it."""
    settings.DATABASE_REPLICAS = ["replica_0"]
    monkeypatch.setattr(replicas, "choose_replica", lambda: ("replica_0", None, None))
    return "replica_0"


def test_without_replicas_reads_go_to_the_primary(settings):
    settings.DATABASE_REPLICAS = []
    router = replicas.ReplicaRouter()
    with replicas.replica_reads():
        assert router.db_for_read(Organization) is None
    assert router.allow_migrate("default", "members") is True


def test_reads_in_a_replica_block_go_to_it_until_a_write(one_replica):
    router = replicas.ReplicaRouter()
    with replicas.replica_reads():
        assert router.db_for_read(Organization) == one_replica
        assert router.db_for_write(Organization) is None
        # Having written, the block reads its own writes from the primary.
        assert router.db_for_read(Organization) is None
    assert router.db_for_read(Organization) is None  # outside any block


@pytest.mark.django_db(transaction=True)
def test_reads_inside_a_transaction_on_the_primary_stay_there(one_replica):
    router = replicas.ReplicaRouter()
    with replicas.replica_reads(), transaction.atomic():
        assert router.db_for_read(Organization) is None


def test_replicas_are_never_migrated(one_replica):
    assert replicas.ReplicaRouter().allow_migrate(one_replica, "members") is False


def test_only_named_get_pages_and_browsers_that_did_not_just_write(one_replica, leader, settings, monkeypatch):
    seen = []
    monkeypatch.setattr(replicas.ReplicaRouter, "db_for_read", lambda self, model, **h: seen.append(
        replicas.current_alias()))  # fmt: skip
    # The session and the user's roles are read before the view is chosen: from the primary.
    leader.get(reverse("oversight:overview"))
    assert one_replica in seen
    seen.clear()
    leader.get(reverse("members:home"))
    assert seen and set(seen) == {None}
    seen.clear()
    response = leader.post(reverse("notifications:preferences"), {"email_enabled": "on"})
    assert response.cookies[replicas.PIN_COOKIE]["max-age"] == settings.REPLICA_PIN_SECONDS
    leader.get(reverse("oversight:overview"))
    assert seen and set(seen) == {None}, "a browser that has just written reads the primary"


def test_the_page_says_how_fresh_a_lagging_replica_is(settings, rf):
    settings.REPLICA_LAG_WARNING_SECONDS = 60
    state = replicas._Reads(alias="replica_0", lag=replicas.datetime.timedelta(seconds=61))
    token = replicas._reads.set(state)
    try:
        assert replicas.freshness(rf.get("/"))["replica_freshness"]["lag_seconds"] == 61
        state.lag = replicas.datetime.timedelta(seconds=59)
        assert replicas.freshness(rf.get("/")) == {}
    finally:
        replicas._reads.reset(token)

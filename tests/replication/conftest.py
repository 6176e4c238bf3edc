"""The tests marked ``replica`` need a real streaming replica (``bash .ci/replica`` starts one) and
``DATABASE_REPLICA_URL``; without it they are deselected (not skipped), and CI runs them in a
step of their own with the replica up (CHIBO_REQUIRE_REPLICA=1 makes a missing one an error)."""

import os

import pytest
from django.conf import settings


def pytest_collection_modifyitems(config, items):
    if settings.DATABASE_REPLICAS:
        return
    if os.environ.get("CHIBO_REQUIRE_REPLICA") == "1":
        raise pytest.UsageError("CHIBO_REQUIRE_REPLICA=1 but DATABASE_REPLICA_URL is not set")
    deselected = [item for item in items if item.get_closest_marker("replica")]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = [item for item in items if not item.get_closest_marker("replica")]

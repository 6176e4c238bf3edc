"""/healthz tells a load balancer whether the database and the Celery broker answer."""

import pytest
from django.db import OperationalError

from chibo import health


@pytest.fixture
def reachable_broker(settings, tmp_path):
    """The broker of this test run; the filesystem broker gets a folder that exists."""
    if settings.CELERY_BROKER_URL.startswith("filesystem://"):
        queue = tmp_path / "queue"
        queue.mkdir()
        settings.CELERY_BROKER_TRANSPORT_OPTIONS = {
            **settings.CELERY_BROKER_TRANSPORT_OPTIONS,
            "data_folder_in": str(queue),
            "data_folder_out": str(queue),
        }
    return settings


class BrokenConnection:
    def cursor(self):
        raise OperationalError("connection refused")


@pytest.mark.django_db
def test_healthy_when_database_and_broker_answer(client, reachable_broker):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"status": "ok", "checks": {"database": True, "broker": True}, "down": []}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_unreachable_broker_is_named(client, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["down"] == ["broker"]
    assert response.json()["checks"]["database"] is True


@pytest.mark.django_db
def test_missing_filesystem_broker_folder_is_named(client, settings, tmp_path):
    settings.CELERY_BROKER_URL = "filesystem://"
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {"data_folder_in": str(tmp_path / "absent")}

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["down"] == ["broker"]


@pytest.mark.django_db
def test_failing_database_is_named(client, reachable_broker, monkeypatch):
    monkeypatch.setattr(health, "connection", BrokenConnection())

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["down"] == ["database"]
    assert response.json()["status"] == "down"

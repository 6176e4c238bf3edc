"""Every Celery task and management command enters its own scope.

Test bodies run guarded (tests/conftest.py): here no scope is entered, so a task or command that
forgets ``system_scope()`` or ``scope_for(user)`` meets ``ScopeError`` on its first query of
branch data. Tasks and commands are found, not listed: a new one is covered without editing this
file, and one whose arguments this file cannot supply fails until they are added below.
"""

import inspect
import re
from io import StringIO

import pytest
from django.core.management import call_command, get_commands, load_command_class
from django.utils import timezone

from chibo.celery import app as celery_app
from meetings.models import Guidance, Meeting
from members.access import ScopeError, scoping
from notifications.models import Notification

from .factories import MemberFactory, UserFactory
from .meetings.conftest import make_meeting
from .test_architecture import ROOT, existing_packages

PROJECT = set(existing_packages())


@pytest.fixture
def world(tree, tmp_path):
    """One of each thing a task is handed the id of."""
    user = UserFactory()
    MemberFactory(branch=tree.branch)
    meeting = make_meeting(tree.branch, day=timezone.localdate())
    guidance = Guidance.objects.create(
        organization=tree.commune,
        month=timezone.localdate().replace(day=1),
        title="Định hướng",
        body="…",
        published_by=user,
    )
    notification = Notification.objects.create(
        recipient=user,
        channel="inbox",
        kind="test",
        subject="Thử",
        body="Thử",
        due_at=timezone.now(),
        dedupe_key="scope-guard-test",
    )
    return {
        "meeting_id": meeting.pk,
        "guidance_id": guidance.pk,
        "notification_id": notification.pk,
        "ids": [notification.pk],
        "branch_ids": [tree.branch.pk],
        "months": [timezone.localdate().replace(day=1).isoformat()],
        "path": str(tmp_path / "pong"),
        "email": "nobody@example.com",
        "domain": "testserver",
        "use_https": False,
        "language": "vi",
    }


def project_tasks() -> list[str]:
    celery_app.loader.import_default_modules()
    return sorted(name for name in celery_app.tasks if name.split(".")[0] in PROJECT)


def test_tasks_are_found():
    assert len(project_tasks()) >= 10


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("name", project_tasks())
def test_every_task_enters_its_own_scope(world, name):
    assert scoping._current.get() is None  # the test body runs guarded
    task = celery_app.tasks[name]
    arguments = {}
    for parameter in inspect.signature(task.run).parameters.values():
        if parameter.default is inspect.Parameter.empty:  # those with defaults keep them
            assert parameter.name in world, f"{name}: add {parameter.name!r} to world()"
            arguments[parameter.name] = world[parameter.name]
    result = task.apply(kwargs=arguments)
    assert not isinstance(result.result, ScopeError), result.traceback
    assert result.successful(), result.traceback


# Commands measured elsewhere, each by a test module that runs guarded (not marked system_scope):
# they drive a server or worker processes for minutes, too long to repeat here.
RUN_ELSEWHERE = {
    "benchmark_pages": "tests/test_scale_commands.py",
    "benchmark_weight": "tests/demo/test_benchmark_weight_command.py",
    "benchmark_reminders": "tests/notifications/test_benchmark.py",
    # A backup needs its own transaction and a restore an empty database: a round trip there.
    "backup": "tests/notifications/test_backups.py",
    "restore": "tests/notifications/test_backups.py",
}
ARGUMENTS = {"seed_scale": {"members": 60, "branches": 3, "months": 1}}


def project_commands() -> list[str]:
    return sorted(name for name, app in get_commands().items() if app.split(".")[0] in PROJECT)


@pytest.mark.parametrize("name", project_commands())
def test_every_command_enters_its_own_scope(tree, settings, name):
    assert scoping._current.get() is None
    if name in RUN_ELSEWHERE:
        module = RUN_ELSEWHERE[name]
        text = (ROOT / module).read_text(encoding="utf-8")
        assert name in text, f"{module} no longer runs {name}"
        assert not re.search(r"^pytestmark.*system_scope", text, re.M), f"{module} must run {name} guarded"
        return
    settings.DEBUG = True  # the demo commands refuse production mode before touching data
    load_command_class(get_commands()[name], name)  # importable
    call_command(name, stdout=StringIO(), stderr=StringIO(), **ARGUMENTS.get(name, {}))


def test_a_task_that_forgets_its_scope_is_caught(world):
    """The checks above can fail: a query of branch data in a test body raises."""
    with pytest.raises(ScopeError):
        Meeting.objects.filter(pk=world["meeting_id"]).exists()

"""seed_scale and benchmark_pages at a tiny size, so they cannot rot."""

import gc
import io
import random
import subprocess
import sys

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from demo import benchmark, scale
from meetings.models import Attendance, Meeting
from members.access import subtree_q
from members.models import Member, Organization, OrganizationKind, Role, RoleKind

pytestmark = pytest.mark.django_db


def _seed(**options):
    out = io.StringIO()
    call_command("seed_scale", members=240, branches=8, months=2, stdout=out, **options)
    return out.getvalue()


@pytest.fixture
def debug(settings):
    settings.DEBUG = True


@pytest.mark.system_scope  # the checks after the command read across branches
def test_seed_scale_builds_a_province_once(debug):
    output = _seed()
    root = Organization.objects.get(code=scale.ROOT_CODE)
    branches = Organization.objects.filter(subtree_q([root]), kind=OrganizationKind.BRANCH)
    assert branches.count() == 8
    # treebeard agrees with the paths written directly.
    assert [b.pk for b in root.get_descendants().filter(kind=OrganizationKind.BRANCH)] == sorted(b.pk for b in branches)
    assert root.get_children_count() == 1 and root.get_children()[0].get_children_count() == 8
    members = Member.objects.filter(branch__in=branches)
    assert members.count() == 240
    assert all(9 <= b.members.count() <= 300 for b in branches)
    member = members.first()
    assert member.name_key == scale.search_key(member.full_name)
    assert Meeting.objects.filter(branch__in=branches).count() >= 8 * 2
    assert Attendance.objects.filter(meeting__branch__in=branches).exists()
    assert Role.objects.filter(kind=RoleKind.LEADER, organization=root, user__username="scale-leader").exists()
    assert Role.objects.filter(kind=RoleKind.SECRETARY, organization__in=branches).count() == 8
    assert "Logins (password for all: chibo-scale-2026)" in output and "scale-leader" in output

    again = _seed()
    assert "nothing built" in again
    assert Member.objects.filter(branch__in=branches).count() == 240
    assert Organization.objects.filter(code=scale.ROOT_CODE).count() == 1

    _seed(rebuild=True)
    root = Organization.objects.get(code=scale.ROOT_CODE)
    assert Member.objects.filter(subtree_q([root], prefix="branch__")).count() == 240
    assert Organization.objects.filter(code__startswith=scale.PREFIX).count() == 1 + 1 + 8


@pytest.mark.system_scope  # the checks after the command read across branches
def test_seed_scale_is_refused_in_production_mode(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="production"):
        _seed()
    assert not Organization.objects.filter(code=scale.ROOT_CODE).exists()


def test_branch_sizes_add_up_and_stay_in_range():
    sizes = scale.branch_sizes(random.Random(1), 100_000, 3_000)
    assert sum(sizes) == 100_000 and min(sizes) >= 9 and max(sizes) == 300
    with pytest.raises(ValueError):
        scale.branch_sizes(random.Random(1), 100, 20)


def test_benchmark_pages_prints_every_page_and_the_summary(debug):
    _seed()
    out = io.StringIO()
    call_command("benchmark_pages", repeat=2, warmup=0, stdout=out)
    lines = out.getvalue().strip().splitlines()
    assert lines[-1].startswith("worst p95 ") and "; secretary pages p95 " in lines[-1]
    rows = [line for line in lines if line.startswith(("leader ", "staff ", "secretary "))]
    assert any(line.startswith("secretary  roll tap") for line in rows)
    assert any(line.startswith("leader     tree") for line in rows)
    # The dashboard page belongs to the dashboard app and is tested there; the rest must answer.
    assert not any("HTTP" in line for line in rows if " dashboard " not in line), rows

    # The taps left history rows (and the pages access-log entries) pointing at the generated
    # users and meetings: a rebuild clears them instead of failing on the foreign keys.
    assert Attendance.history.filter(history_user__username__startswith=scale.PREFIX).exists()
    _seed(rebuild=True)
    connection.check_constraints()
    assert not Attendance.history.filter(
        history_user__isnull=False, history_user__username__startswith=scale.PREFIX
    ).exists()


def test_benchmark_pages_needs_the_province(debug):
    with pytest.raises(CommandError, match="seed_scale"):
        call_command("benchmark_pages", repeat=1, stdout=io.StringIO())


def test_benchmark_pages_times_with_the_application_frozen_as_the_server_does(debug, monkeypatch):
    _seed()
    frozen = []
    real = benchmark._timed

    def timed(*args, **kwargs):
        frozen.append(gc.get_freeze_count())
        return real(*args, **kwargs)

    monkeypatch.setattr(benchmark, "_timed", timed)
    gc.unfreeze()
    call_command("benchmark_pages", repeat=1, warmup=0, stdout=io.StringIO())
    assert frozen and frozen[0] > 10_000
    assert gc.get_freeze_count() == 0  # the command's process is left as it was


def test_the_wsgi_application_loads_its_views_then_freezes_them():
    # In a process of its own, as a server worker starts.
    script = (
        "import gc, sys, chibo.wsgi; "
        "print('meetings.views.schedule' in sys.modules, gc.get_freeze_count() > 10000, len(gc.get_objects()) < 10000)"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["True", "True", "True"], done.stderr

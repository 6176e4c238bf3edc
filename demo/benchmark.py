"""Server time of the main pages for three personas (``manage.py benchmark_pages``).

Each page is requested through Django's test client inside the command (no network, no
server), so the time is the server's: middleware, view, SQL and rendering. The SQL alone is
timed with ``connection.execute_wrapper`` around every query the page runs; the ratio
page / SQL shows how much of the time is Python (rendering, loops) rather than the database.

The personas are the generated province's (``demo.scale``): its leader, the staff of its
first commune, and the secretary of its largest branch.
"""

from __future__ import annotations

import gc
import math
import re
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse

from meetings.models import NOT_YET_HELD, Meeting, MeetingStatus
from members.access import subtree_q
from members.models import Organization, OrganizationKind, Role, RoleKind

from .scale import ROOT_CODE, largest_branch

DASHBOARD_URL_NAME = "oversight:overview"
SEARCH = "nguyen van"


@dataclass
class Page:
    persona: str
    name: str
    url: str
    method: str = "get"
    data: Callable[[int], dict] | None = None  # POST data for the i-th request
    htmx: bool = False
    targets: list[str] = field(default_factory=list)  # URLs taken in turn instead of ``url``


@dataclass
class Result:
    page: Page
    times: list[float] = field(default_factory=list)  # ms
    sql: list[float] = field(default_factory=list)  # ms
    queries: int = 0
    size: int = 0
    status: int = 0

    @property
    def p50(self) -> float:
        return statistics.median(self.times)

    @property
    def p95(self) -> float:
        ordered = sorted(self.times)
        return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]

    @property
    def sql_p50(self) -> float:
        return statistics.median(self.sql)

    @property
    def ratio(self) -> float:
        return self.p50 / self.sql_p50 if self.sql_p50 else math.inf


class _SqlTimer:
    def __init__(self):
        self.total = 0.0
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.total += time.perf_counter() - started
            self.count += 1


def dashboard_url() -> str | None:
    try:
        return reverse(DASHBOARD_URL_NAME)
    except NoReverseMatch:
        return None


def personas() -> dict[str, object]:
    """The users the benchmark logs in as, found in the generated province."""
    root = Organization.objects.filter(code=ROOT_CODE).first()
    if root is None:
        raise LookupError("No generated province: run manage.py seed_scale first.")
    branch = largest_branch(root)

    def holder(kind: str, organization: Organization):
        role = Role.objects.filter(kind=kind, organization=organization).select_related("user").order_by("pk").first()
        if role is None:
            raise LookupError(f"Nobody holds the role {kind} at {organization}.")
        return role.user

    commune = Organization.objects.filter(subtree_q([root]), kind=OrganizationKind.COMMUNE).order_by("path").first()
    return {
        "leader": holder(RoleKind.LEADER, root),
        "staff": holder(RoleKind.COMMUNE_STAFF, commune),
        "secretary": holder(RoleKind.SECRETARY, branch),
        "root": root,
        "commune": commune,
        "branch": branch,
    }


def pages(found: dict) -> list[Page]:
    """Each persona's main pages."""
    root, commune, branch = found["root"], found["commune"], found["branch"]
    # The meeting a secretary works on: the latest held one whose minutes are still open
    # (adopted minutes lock the roll), else the next one planned.
    meeting = (
        Meeting.objects.filter(branch=branch, status=MeetingStatus.HELD).order_by("-planned_start").first()
        or Meeting.objects.filter(branch=branch, status__in=NOT_YET_HELD).order_by("planned_start").first()
    )
    if meeting is None:
        raise LookupError(f"{branch} has no meeting yet.")
    member_ids = list(
        branch.members.filter(left_on__isnull=True, exempt_since__isnull=True)
        .order_by("pk")
        .values_list("pk", flat=True)[:50]
    )
    marks = ("present", "late")
    listed = [
        ("home", reverse("members:home")),
        ("tree", reverse("members:tree")),
        ("member list", reverse("members:list")),
        ("member search", reverse("members:list") + "?q=" + SEARCH.replace(" ", "+")),
        ("meeting list", reverse("meetings:list")),
        ("flags", reverse("oversight:flags")),
        ("cadre report", reverse("oversight:cadre_report")),
    ]
    result = []
    for persona, node in (("leader", root), ("staff", commune)):
        result += [Page(persona, name, url) for name, url in listed]
        result.append(Page(persona, "organisation", reverse("members:organization", args=[node.pk])))
        result.append(Page(persona, "tree node", reverse("members:tree_children", args=[node.pk]), htmx=True))
        if url := dashboard_url():
            result.append(Page(persona, "dashboard", url))
    result += [
        Page("secretary", "home", reverse("members:home")),
        Page("secretary", "meeting page", reverse("meetings:detail", args=[meeting.pk])),
        Page("secretary", "roll page", reverse("meetings:roll", args=[meeting.pk])),
        Page("secretary", "member list", reverse("members:list")),
        Page(
            "secretary",
            "roll tap",
            "",
            method="post",
            data=lambda i: {"mark": marks[i % 2], "reason": ""},
            htmx=True,
        ),
    ]
    # The tap goes to a different member each time, as a secretary working down the roll.
    tap = result[-1]
    tap.url = reverse("meetings:roll_mark", args=[meeting.pk, member_ids[0]])
    tap.targets = [reverse("meetings:roll_mark", args=[meeting.pk, pk]) for pk in member_ids]
    return result


def run(
    *, repeat: int, warmup: int = 1, skip: tuple[str, ...] = (), say: Callable[[str], None] = lambda text: None
) -> list[Result]:
    """Request every page ``repeat`` times (after ``warmup`` untimed requests) as its persona;
    pages whose "persona page" name contains one of ``skip`` are left out."""
    found = personas()
    clients = {}
    for persona in ("leader", "staff", "secretary"):
        client = Client(SERVER_NAME="127.0.0.1")
        client.force_login(found[persona])
        clients[persona] = client
    listed = pages(found)
    # As the server does (chibo/wsgi.py): what is loaded before the first request is frozen out
    # of the garbage collector, so a full collection does not walk the whole application.
    gc.freeze()
    try:
        return _timed(listed, clients, repeat=repeat, warmup=warmup, skip=skip, say=say)
    finally:
        gc.unfreeze()


def _timed(listed, clients, *, repeat, warmup, skip, say) -> list[Result]:
    results = []
    for page in listed:
        if any(text in f"{page.persona} {page.name}" for text in skip):
            continue
        result = Result(page)
        client = clients[page.persona]
        headers = {"HX-Request": "true"} if page.htmx else {}
        for i in range(warmup + repeat):
            timer = _SqlTimer()
            url = page.targets[i % len(page.targets)] if page.targets else page.url
            started = time.perf_counter()
            with connection.execute_wrapper(timer):
                if page.method == "post":
                    response = client.post(url, page.data(i), headers=headers)
                else:
                    response = client.get(url, headers=headers)
                body = response.content
            elapsed = (time.perf_counter() - started) * 1000
            if i >= warmup:
                result.times.append(elapsed)
                result.sql.append(timer.total * 1000)
            result.queries, result.size, result.status = timer.count, len(body), response.status_code
        say(line(result))
        results.append(result)
    return results


BIG_TABLES = re.compile(r"Seq Scan on (members_member|meetings_meeting|meetings_attendance)\b")
DECLARE = re.compile(r'DECLARE "[^"]+" NO SCROLL CURSOR WITH HOLD FOR (.*)', re.S)


def explain(*, skip: tuple[str, ...] = (), say: Callable[[str], None] = lambda text: None) -> int:
    """EXPLAIN ANALYZE every SELECT of every page (the GETs), once each, on PostgreSQL; report the
    plans with a sequential scan over members, meetings or roll marks. Returns how many."""
    found = personas()
    clients = {}
    for persona in ("leader", "staff", "secretary"):
        clients[persona] = Client(SERVER_NAME="127.0.0.1")
        clients[persona].force_login(found[persona])
    scans = 0
    for page in pages(found):
        if page.method != "get" or any(text in f"{page.persona} {page.name}" for text in skip):
            continue
        with CaptureQueriesContext(connection) as captured:
            clients[page.persona].get(page.url)
        for query in captured.captured_queries:
            sql = query["sql"]
            if declared := DECLARE.match(sql):
                sql = declared.group(1)
            if not sql.lstrip().upper().startswith("SELECT"):
                continue
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN ANALYZE " + sql)
                plan = [row[0] for row in cursor.fetchall()]
            for line in plan:
                if BIG_TABLES.search(line):
                    scans += 1
                    say(f"{page.persona} {page.name}: {line.strip()} ({plan[-1].strip()})\n    {sql[:240]}")
                    break
    return scans


HEADER = f"{'persona':<10} {'page':<14} {'p50':>8} {'p95':>8} {'queries':>7} {'KB':>7} {'SQL p50':>8} {'page/SQL':>8}"


def line(result: Result) -> str:
    status = "" if result.status in (200, 302) else f"  HTTP {result.status}"
    return (
        f"{result.page.persona:<10} {result.page.name:<14} {result.p50:>6.1f}ms {result.p95:>6.1f}ms "
        f"{result.queries:>7} {result.size / 1024:>7.1f} {result.sql_p50:>6.1f}ms {result.ratio:>7.1f}×{status}"
    )


def summary(results: list[Result]) -> str:
    """The last line: the worst page, the dashboard, the secretary's pages."""
    worst = max(results, key=lambda r: r.p95)
    dashboards = [r for r in results if r.page.name == "dashboard"]
    dashboard = f"{max(r.p95 for r in dashboards):.0f} ms" if dashboards else "n/a"
    secretary = max((r.p95 for r in results if r.page.persona == "secretary"), default=0.0)
    return (
        f"worst p95 {worst.p95:.0f} ms on {worst.page.persona} {worst.page.name}; "
        f"dashboard p95 {dashboard}; secretary pages p95 {secretary:.0f} ms"
    )

"""Every page each persona uses, at 360x740: no link or control under 44x44 px and no text under
16 px (14 px for badges and legends), measured by the browser (tests/e2e/measure.py; issue 25).

The pages are those each demo persona (secretary, cadre, member, officer, commune staff, leader)
reaches from the menu and the home page, and up to three steps further (at most 40 each), one page per kind of address
(/members/12/ and /members/13/ are one kind). The agenda's own controls are counted in
test_phone_minutes_and_roll.py.
"""

import re
from urllib.parse import urlsplit

import pytest
from django.utils import timezone

from demo.meetings import seed_meetings_demo
from demo.members import DEMO_PASSWORD, seed_demo
from demo.petitions import seed_petitions_demo

from .conftest import login
from .measure import measure

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True), pytest.mark.system_scope]

PERSONAS = ("bithu.songkhe", "canbo.phutrach", "dangvien.songkhe", "canbo.ubnd", "canbo.tamhung", "lanhdao.tamhung")
# Not pages: files, feeds, the admin, and addresses that act or leave.
SKIP = re.compile(r"\.(xlsx|docx|pdf|ics|csv)$|^/admin/|^/logout|^/i18n/|/files/|/export|/download|/print")
PAGES_PER_PERSONA = 40


def _kind(path: str) -> str:
    return re.sub(r"\d+", "N", path)


def persona_pages(page, base: str) -> list[str]:
    """The home page, the pages it and the menu link to, and the pages those link to: one per kind."""
    seen_kinds, pages, frontier = {"/"}, [], ["/"]
    for _depth in range(4):
        following = []
        for path in frontier:
            if len(pages) >= PAGES_PER_PERSONA:
                return pages
            response = page.goto(base + path)
            html = response is not None and "text/html" in response.headers.get("content-type", "")
            if not html or response.status != 200:
                continue
            pages.append(path)
            hrefs = page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)")
            for href in hrefs:
                parts = urlsplit(href)
                if parts.netloc != urlsplit(base).netloc or SKIP.search(parts.path):
                    continue
                target = parts.path + (f"?{parts.query}" if parts.query and "page=" not in parts.query else "")
                kind = _kind(parts.path)
                if kind in seen_kinds:
                    continue
                seen_kinds.add(kind)
                following.append(target)
        frontier = following
    return pages


def too_small(page, base: str, paths: list[str]) -> dict[str, dict]:
    found = {}
    for path in paths:
        page.goto(base + path)
        result = measure(page)
        if result["small"] or result["tiny"]:
            found[path] = result
    return found


@pytest.fixture
def demo():
    today = timezone.localdate()
    seed_demo(today=today)
    seed_meetings_demo(today=today)
    seed_petitions_demo(today=today)


def test_every_persona_page_has_big_targets_and_readable_text(live_server, browser, demo, settings):
    settings.CHIBO_2FA_REQUIRED = False
    report = {}
    for username in PERSONAS:
        context = browser.new_context(viewport={"width": 360, "height": 740}, locale="vi-VN")
        page = context.new_page()
        page.set_default_timeout(20_000)
        login(page, live_server, username, DEMO_PASSWORD)
        paths = persona_pages(page, live_server.url)
        assert len(paths) >= 5, (username, paths)
        for path, result in too_small(page, live_server.url, paths).items():
            report[f"{username} {path}"] = result
        context.close()
    assert report == {}, "\n".join(
        f"{where}: {len(r['small'])} small targets {r['small'][:5]}, {len(r['tiny'])} small texts {r['tiny'][:5]}"
        for where, r in report.items()
    )

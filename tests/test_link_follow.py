"""No dead ends: every link a persona is shown leads to a page that persona may open.

For each persona of xã Tam Hưng (the world of test_url_walk.build_tam_hung), start at the home
page and follow every internal <a href> breadth-first, GET only, up to PAGE_LIMIT pages. A link
that answers 404, 403, 500 or sends the logged-in user to the login page is a dead end: a page
must not link to what its user may not open. Redirects are followed as links.
"""

from __future__ import annotations

from collections import deque
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

import pytest
import weasyprint
from django.conf import settings
from django.shortcuts import resolve_url
from django.test import Client

from members.access import system_scope
from members.models import Member, RoleKind
from petitions.models import Body

from .test_url_walk import build_tam_hung, client_for, persona

PAGE_LIMIT = 300
# The same page with other query strings (months of a calendar, filters, pages of a list):
# a few are enough to check that the links work, and the walk does not wander off in time.
VARIANTS_PER_PATH = 4
# The admin is for superusers only; no persona's page may link to it (checked below).
ADMIN = "/admin/"


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)


def links(html: str) -> list[str]:
    parser = Links()
    parser.feed(html)
    return parser.hrefs


def normalized(base: str, href: str) -> str | None:
    """The site-internal path and query a link leads to, or None for other sites, mailto:, #…"""
    url = urlsplit(urljoin(base, href))
    if url.scheme not in ("http", "") or url.netloc not in ("testserver", ""):
        return None
    query = urlencode(sorted(parse_qsl(url.query, keep_blank_values=True)))
    return url.path + (f"?{query}" if query else "")


def walk(client: Client) -> tuple[dict[str, int], list[str]]:
    """Follow the links from the home page; returns the status of every page seen and the dead ends."""
    login = resolve_url(settings.LOGIN_URL)
    seen: dict[str, int] = {}
    variants: dict[str, int] = {}
    found_on: dict[str, str] = {"/": "(start)"}
    queue = deque(["/"])
    dead: list[str] = []
    while queue and len(seen) < PAGE_LIMIT:
        url = queue.popleft()
        response = client.get(url)
        seen[url] = response.status_code
        if response.status_code in (404, 403) or response.status_code >= 500:
            dead.append(f"{url} → {response.status_code} (linked from {found_on[url]})")
            continue
        targets: list[str] = []
        if response.status_code in (301, 302, 303, 307, 308):
            location = response["Location"]
            if urlsplit(location).path == login:
                dead.append(f"{url} → the login page (linked from {found_on[url]})")
                continue
            targets = [location]
        elif response.get("Content-Type", "").startswith("text/html"):
            targets = links(response.content.decode())
        for href in targets:
            target = normalized(url, href)
            if target is None or target in found_on:
                continue
            if target.startswith(ADMIN):
                dead.append(f"{target} (the admin, linked from {url})")
                found_on[target] = url
                continue
            path = urlsplit(target).path
            if "?" in target:
                if variants.get(path, 0) >= VARIANTS_PER_PATH:
                    continue
                variants[path] = variants.get(path, 0) + 1
            found_on[target] = url
            queue.append(target)
    return seen, dead


@pytest.fixture(autouse=True)
def _quick_pdf(monkeypatch):
    """A PDF takes seconds to typeset and each persona opens several: the walk checks that the
    links open (access, 200), tests/meetings/test_documents*.py check what the PDFs hold."""
    monkeypatch.setattr(weasyprint.HTML, "write_pdf", lambda self, *args, **kwargs: b"%PDF-1.4\n%%EOF\n")


@pytest.fixture
def personas(tree, settings, tmp_path) -> dict[str, Client]:
    """One of each role in xã Tam Hưng, in a world with an object of every kind."""
    settings.MEDIA_ROOT = tmp_path
    clients = {
        "secretary": persona("song-khe-secretary", RoleKind.SECRETARY, tree.branch),
        "staff": persona("tam-hung-staff", RoleKind.COMMUNE_STAFF, tree.commune),
        "leader": persona("tam-hung-leader", RoleKind.LEADER, tree.commune),
        "member": persona("song-khe-member", RoleKind.MEMBER, tree.branch, member_of=tree.branch),
        "officer": persona("ubnd-officer", RoleKind.OFFICER, tree.commune),
    }
    with system_scope():
        build_tam_hung(tree, clients)
        # The cadre is the member assigned to follow Song Khê (build_tam_hung's CadreAssignment).
        cadre = persona("song-khe-cadre", RoleKind.CADRE, tree.branch).user
        Member.objects.filter(full_name="Trần Văn Cán").update(user=cadre)
        Body.objects.get(commune=tree.commune, name="UBND xã Tam Hưng").officers.add(clients["officer"].user)
    clients["cadre"] = client_for(cadre)
    return clients


@pytest.mark.parametrize("who", ["secretary", "staff", "leader", "cadre", "member", "officer"])
def test_every_link_on_every_page_opens(personas, who):
    seen, dead = walk(personas[who])
    assert not dead, f"{who} met {len(dead)} dead ends:\n" + "\n".join(dead)
    # The walk did walk: the home page and more than a handful of pages behind it.
    assert seen["/"] == 200 and len(seen) > 8, seen

"""What the main pages weigh on a cheap phone on a slow network (``manage.py benchmark_weight``).

Debian's chromium, driven by Playwright, loads each page with an empty cache, as each demo role,
on a 360x740 screen, through Chrome's own network and CPU emulation (DevTools protocol):
400 ms round trip, 400 kbit/s down and up, the CPU four times slower. For each page it reports
the bytes transferred (headers and bodies as they came over the wire, so compressed where the
server compresses), the number of requests and the Largest Contentful Paint.

The server is started by the command in production mode (DEBUG off, static files collected and
compressed by WhiteNoise, gunicorn with threads as the Dockerfile runs it, warmed up by a few
requests) on a free port of this machine, on the configured database, so the figures are those a
commune would see. ``--url`` measures a server that already runs.
"""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Browser, sync_playwright
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from meetings.models import Meeting, MeetingStatus
from members.models import Organization

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
VIEWPORT = {"width": 360, "height": 740}
LATENCY_MS = 400
# chibo.stylesheet.COOKIE (demo may not import chibo; tests/test_stylesheet.py checks they agree).
CSS_COOKIE = "chibo_css"
THROUGHPUT = 400_000 // 8  # 400 kbit/s in bytes per second
CPU_SLOWDOWN = 4
BUDGET_BYTES = 40 * 1024
BUDGET_LCP_MS = 2000
PAGES = ("login", "home", "members", "branch", "meeting", "roll", "flags")
SONG_KHE = "hn-tam-hung-song-khe"
# As the Dockerfile and docker-compose.yml run it: threads keep the connection open between a page
# and its files (the sync worker closes it after every response, a new connection each time).
GUNICORN_THREADS = ("--worker-class", "gthread", "--threads", "4")

# The largest contentful paint as the page reports it (read after the load has settled).
LCP_SCRIPT = """
window.__lcp = null;
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) window.__lcp = entry.startTime;
}).observe({type: "largest-contentful-paint", buffered: true});
"""


@dataclass
class Measure:
    user: str
    page: str
    status: int
    bytes: int
    requests: int
    lcp_ms: float | None
    ttfb_ms: float | None = None  # the first byte of the page: server time plus one round trip

    @property
    def within_budget(self) -> bool:
        return self.status == 200 and self.bytes <= BUDGET_BYTES and (self.lcp_ms or 0) <= BUDGET_LCP_MS


def chromium_path() -> str | None:
    return os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or shutil.which("chromium-browser")


def page_paths(branch_code: str) -> dict[str, str]:
    """The pages' paths: the branch, its latest meeting already begun, and that meeting's roll."""
    branch = Organization.objects.get(code=branch_code)
    meeting = (
        Meeting.objects.filter(branch=branch, planned_start__lte=timezone.now())
        .exclude(status=MeetingStatus.CANCELLED)
        .order_by("-planned_start")
        .first()
    ) or Meeting.objects.filter(branch=branch).order_by("-planned_start").first()
    paths = {
        "login": reverse("accounts:login"),
        "home": reverse("members:home"),
        "members": reverse("members:list"),
        "branch": branch.get_absolute_url(),
        "flags": reverse("oversight:flags"),
    }
    if meeting is not None:
        paths["meeting"] = meeting.get_absolute_url()
        paths["roll"] = reverse("meetings:roll", args=[meeting.pk])
    return paths


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _database_url() -> str:
    """The database this command runs on, for the server it starts."""
    if os.environ.get("DATABASE_URL"):
        return os.environ["DATABASE_URL"]
    database = settings.DATABASES["default"]
    if database["ENGINE"] != "django.db.backends.sqlite3":
        raise RuntimeError("Set DATABASE_URL: the server started for the measure needs it.")
    return f"sqlite:///{Path(database['NAME']).resolve()}"


@contextmanager
def production_server(say: Callable[[str], None]) -> Iterator[str]:
    """gunicorn in production mode on a free port, static files collected into a scratch folder."""
    port = _free_port()
    with tempfile.TemporaryDirectory(prefix="chibo-weight-") as scratch:
        env = {
            **os.environ,
            "DEBUG": "false",
            "SECRET_KEY": secrets.token_urlsafe(64),
            "ALLOWED_HOSTS": "localhost,127.0.0.1",
            "SECURE_SSL_REDIRECT": "false",
            "SECURE_HSTS_SECONDS": "0",
            "DATABASE_URL": _database_url(),
            "CHIBO_VAR_DIR": scratch,  # collected static files, mail and queue of this run only
            # Staff and leaders would be sent to set up two-factor login first (on by default in
            # production): the measure is of the pages themselves.
            "CHIBO_2FA_REQUIRED": "false",
        }
        manage = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py")]
        say("Collecting and compressing the static files…")
        subprocess.run([*manage, "collectstatic", "--noinput", "-v", "0"], env=env, check=True)  # noqa: S603
        server = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
            [
                sys.executable,
                "-m",
                "gunicorn",
                "chibo.wsgi",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "2",
                *GUNICORN_THREADS,
            ],
            env=env,
            cwd=settings.BASE_DIR,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        url = f"http://localhost:{port}"
        try:
            _wait_until_up(f"{url}/healthz", server)
            _warm_up(f"{url}{reverse('accounts:login')}")
            yield url
        finally:
            server.terminate()
            server.wait(timeout=30)


def _wait_until_up(url: str, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError("The server stopped at start-up (try: DEBUG=false manage.py check --deploy).")
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 - our own server on localhost
                return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"The server did not answer at {url} within 60 s.")


def _warm_up(url: str) -> None:
    """A few loads of the login page first, so that no figure includes a worker's first request
    (imports, templates and translations loaded once, up to a second): a commune's server runs on."""
    with ThreadPoolExecutor(max_workers=4) as pool:
        for _ in pool.map(_get, [url] * 8):
            pass


def _get(url: str) -> None:
    with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 - our own server on localhost
        response.read()


class _Traffic:
    """Requests and bytes of one navigation, from the DevTools protocol's network events."""

    def __init__(self, session):
        self.requests: set[str] = set()
        self.bytes = 0
        session.on("Network.requestWillBeSent", self._sent)
        session.on("Network.loadingFinished", self._finished)

    def reset(self) -> None:
        self.requests.clear()
        self.bytes = 0

    def _sent(self, event) -> None:
        if not event["request"]["url"].startswith("data:"):
            self.requests.add(event["requestId"])

    def _finished(self, event) -> None:
        if event["requestId"] in self.requests:
            self.bytes += int(event.get("encodedDataLength") or 0)


def measure(
    browser: Browser, base_url: str, paths: dict[str, str], *, user: str, password: str, pages: tuple[str, ...]
) -> list[Measure]:
    """One role's pages, each a first visit (no cache; the login is kept)."""
    # Every page a first visit: no service worker either (it registers after a page has loaded;
    # once in control it fetches the pages itself, out of this page's network events, and serves
    # the static files from its own store).
    context = browser.new_context(viewport=VIEWPORT, locale="vi-VN", service_workers="block")
    context.add_init_script(LCP_SCRIPT)
    page = context.new_page()
    page.set_default_timeout(60_000)
    session = context.new_cdp_session(page)
    session.send("Network.enable")
    session.send("Network.setCacheDisabled", {"cacheDisabled": True})  # every load is a first load
    session.send(
        "Network.emulateNetworkConditions",
        {
            "offline": False,
            "latency": LATENCY_MS,
            "downloadThroughput": THROUGHPUT,
            "uploadThroughput": THROUGHPUT,
        },
    )
    session.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
    traffic = _Traffic(session)
    results = []
    try:
        for name in ("login", *[p for p in pages if p != "login"]):
            if name not in paths:
                continue
            traffic.reset()
            # A first visit has nothing cached, so neither the cookie saying the CSS is cached
            # (chibo/stylesheet.py): without it the page carries its CSS, as for a new phone.
            context.clear_cookies(name=CSS_COOKIE)
            response = page.goto(base_url + paths[name], wait_until="load")
            page.wait_for_load_state("networkidle")
            with suppress(PlaywrightTimeout):  # reported once the largest element is painted
                page.wait_for_function("window.__lcp !== null", timeout=10_000)
            lcp = page.evaluate("window.__lcp")
            ttfb = page.evaluate("performance.getEntriesByType('navigation')[0]?.responseStart ?? null")
            if name in pages:
                results.append(
                    Measure(
                        user=user,
                        page=name,
                        status=response.status if response else 0,
                        bytes=traffic.bytes,
                        requests=len(traffic.requests),
                        lcp_ms=lcp,
                        ttfb_ms=ttfb,
                    )
                )
            if name == "login":
                page.locator("input[name=username]").fill(user)
                page.locator("input[name=password]").fill(password)
                with page.expect_navigation():
                    page.locator("input[name=password]").press("Enter")
    finally:
        context.close()
    return results


@contextmanager
def chromium() -> Iterator[Browser]:
    path = chromium_path()
    if path is None:
        raise RuntimeError("chromium is not installed (apt-get install -y chromium).")
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's loop in this thread
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


HEADER = f"{'user':<20} {'page':<8} {'status':>6} {'KB':>7} {'req':>4} {'LCP s':>6} {'TTFB s':>6}"


def line(result: Measure) -> str:
    lcp = f"{result.lcp_ms / 1000:6.2f}" if result.lcp_ms is not None else "     —"
    ttfb = f"{result.ttfb_ms / 1000:6.2f}" if result.ttfb_ms is not None else "     —"
    mark = "" if result.within_budget else "  over budget" if result.status == 200 else "  (not open to this role)"
    return (
        f"{result.user:<20} {result.page:<8} {result.status:>6} {result.bytes / 1024:7.1f} "
        f"{result.requests:>4} {lcp} {ttfb}{mark}"
    )

from django.core.management.base import BaseCommand, CommandError

from demo import weight
from demo.members import DEMO_PASSWORD, LOGINS
from members.access import system_scope


class Command(BaseCommand):
    # argparse needs plain strings, so help is not translated (as in Django's own commands).
    help = (
        "Load the main pages (login, home, member list, branch, meeting, Song Khê's roll, flags) as each demo role "
        "in Debian's chromium on a 360x740 screen with 400 ms latency, 400 kbit/s and a 4x slower CPU, against a "
        "production-mode server it starts on the demo database (run seed_demo first); print per page the bytes "
        "transferred, the requests and the Largest Contentful Paint. Budget: 40 KB and 2.0 s."
    )

    def add_arguments(self, parser):
        parser.add_argument("--user", action="append", help="Only this login (repeatable); default: every demo role.")
        parser.add_argument("--password", default=DEMO_PASSWORD, help="The logins' password (default: the demo's).")
        parser.add_argument("--page", action="append", choices=weight.PAGES, help="Only this page (repeatable).")
        parser.add_argument("--branch", default=weight.SONG_KHE, help="Code of the branch whose pages are loaded.")
        parser.add_argument("--url", help="Measure a server that already runs here instead of starting one.")

    def handle(self, *args, user, password, page, branch, url, **options):
        def say(text: str) -> None:
            self.stdout.write(text)
            self.stdout.flush()

        users = user or [login.username for login in LOGINS]
        pages = tuple(page or weight.PAGES)
        try:
            with system_scope():
                paths = weight.page_paths(branch)
        except weight.Organization.DoesNotExist as error:
            raise CommandError(f"No branch {branch!r}: run `manage.py seed_demo` first.") from error
        results = []
        try:
            with weight.chromium() as browser:
                server = weight.production_server(say) if url is None else _running(url)
                with server as base_url:
                    kbits = weight.THROUGHPUT * 8 // 1000
                    say(f"{base_url}: {weight.LATENCY_MS} ms, {kbits} kbit/s, CPU x{weight.CPU_SLOWDOWN}")
                    say(weight.HEADER)
                    for username in users:
                        for result in weight.measure(
                            browser, base_url, paths, user=username, password=password, pages=pages
                        ):
                            results.append(result)
                            say(weight.line(result))
        except RuntimeError as error:
            raise CommandError(str(error)) from error
        opened = [r for r in results if r.status == 200]
        if opened:
            say(
                f"Largest first load {max(r.bytes for r in opened) / 1024:.1f} KB, "
                f"slowest LCP {max(r.lcp_ms or 0 for r in opened) / 1000:.2f} s; "
                f"{sum(r.within_budget for r in opened)}/{len(opened)} pages within "
                f"{weight.BUDGET_BYTES // 1024} KB and {weight.BUDGET_LCP_MS / 1000:.1f} s."
            )


class _running:
    """A server that is already up (``--url``): nothing to start or stop."""

    def __init__(self, url: str):
        self.url = url.rstrip("/")

    def __enter__(self) -> str:
        return self.url

    def __exit__(self, *exc) -> None:
        return None

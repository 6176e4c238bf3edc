"""Mixed load on the generated province (seed_scale): 80 % reads, 20 % roll taps.

Each simulated user is the secretary of a branch of the province (``scale-bNNNNN-sec``, password
``chibo-scale-2026``) who logs in once, then reads the meeting page, the roll, the member list
and the flags or dashboard, and taps marks on the roll of their latest held meeting. Run against
gunicorn on 127.0.0.1 (see docs/performance.md#load-locust):

    .venv/bin/locust -f tests/load/locustfile.py --headless -u 40 -r 10 -t 60s --host http://127.0.0.1:8000

Locust prints requests/s, percentiles (p95) and failures at the end.
"""

import random
import re

from locust import HttpUser, between, task

PASSWORD = "chibo-scale-2026"  # noqa: S105 - the generated province's published password
BRANCHES = 3000
MEETING_LINK = re.compile(r'href="/meetings/(\d+)/"')
ROLL_BUTTON = re.compile(r"/meetings/(\d+)/roll/(\d+)/")
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class Secretary(HttpUser):
    wait_time = between(0.5, 2)

    def on_start(self):
        self.branch = random.randint(1, BRANCHES)  # noqa: S311 - load, not security
        login = self.client.get("/login/", name="login page")
        token = CSRF.search(login.text).group(1)
        self.client.post(
            "/login/",
            {"username": f"scale-b{self.branch:05d}-sec", "password": PASSWORD, "csrfmiddlewaretoken": token},
            name="login",
        )
        listing = self.client.get("/meetings/", name="meeting list")
        ids = MEETING_LINK.findall(listing.text)
        self.meeting = ids[0] if ids else None
        self.targets = []
        if self.meeting:
            roll = self.client.get(f"/meetings/{self.meeting}/roll/", name="roll page")
            self.targets = sorted(set(ROLL_BUTTON.findall(roll.text)))

    @task(3)
    def meeting_page(self):
        if self.meeting:
            self.client.get(f"/meetings/{self.meeting}/", name="meeting page")

    @task(3)
    def roll_page(self):
        if self.meeting:
            self.client.get(f"/meetings/{self.meeting}/roll/", name="roll page")

    @task(1)
    def member_list(self):
        self.client.get("/members/", name="member list")

    @task(1)
    def flags_or_home(self):
        self.client.get("/", name="home")

    @task(2)
    def roll_tap(self):
        if not self.targets:
            return
        meeting, member = random.choice(self.targets)  # noqa: S311
        self.client.post(
            f"/meetings/{meeting}/roll/{member}/",
            {"mark": random.choice(["present", "late"])},  # noqa: S311
            headers={"HX-Request": "true", "X-CSRFToken": self.client.cookies.get("csrftoken", "")},
            name="roll tap",
        )

"""The demo leader's dashboard: seed_demo computes the summaries, so Tam Hưng's branches are there
for the month, with the chart; seed_scale computes them for its province."""

import datetime
import io
import re

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from members.models import Organization, OrganizationKind, Role, RoleKind
from oversight.models import BranchMonth

from ..meetings.conftest import at

pytestmark = [pytest.mark.django_db, pytest.mark.system_scope]

TODAY = datetime.date(2026, 11, 23)
TAM_HUNG_BRANCHES = {
    "Chi bộ thôn Song Khê",
    "Chi bộ thôn Phú Thịnh",
    "Chi bộ thôn Thượng Thanh",
    "Chi bộ thôn Hưng Giáo",
}


@time_machine.travel(at(TODAY, 9), tick=False)
def test_the_demo_leader_sees_tam_hungs_branches_for_the_month_with_a_chart(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("seed_demo", "--force", verbosity=0)
    assert BranchMonth.objects.filter(month=datetime.date(2026, 11, 1)).exists()
    client = Client()
    client.force_login(get_user_model().objects.get(username="lanhdao.tamhung"))
    response = client.get(reverse("oversight:overview"))
    assert response.status_code == 200
    page = response.content.decode()
    shown = {row.name for row in response.context["overview"].rows}
    assert shown >= TAM_HUNG_BRANCHES
    ids = re.findall(r'<tr data-row="(\d+)"', page)
    assert {Organization.objects.get(pk=pk).name for pk in ids} == shown
    assert page.count('class="db-chart"') == 2 and "<rect" in page
    total = response.context["overview"].total
    assert total.met >= 1 and total.expected > 0
    # Over the year, the demo's missed months and meetings under the minimum show up.
    year = client.get(reverse("oversight:overview") + "?period=year&month=2026-11").context["overview"].total
    assert year.missed >= 2 and year.short >= 1


def test_seed_scale_computes_the_summaries_its_province_leader_reads(settings):
    settings.DEBUG = True
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    out = io.StringIO()
    call_command("seed_scale", members=240, branches=8, months=2, stdout=out)
    assert "monthly summaries" in out.getvalue()
    branches = Organization.objects.filter(kind=OrganizationKind.BRANCH).count()
    assert BranchMonth.objects.count() == branches * 2
    assert BranchMonth.objects.filter(met=True, members_expected__gt=0).exists()
    leader = Role.objects.filter(kind=RoleKind.LEADER, organization__kind=OrganizationKind.PROVINCE).first()
    client = Client()
    client.force_login(leader.user)
    total = client.get(reverse("oversight:overview") + "?period=quarter").context["overview"].total
    assert total.branches == branches and total.met > 0

"""The dashboard page: who sees it and over what, the figures by row for a month, a quarter or a
year, sorting, the drill-down, the chart, the .xlsx export, the petitions panel, and its
queries pinned at two data sizes."""

import datetime
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from meetings.models import MeetingKind
from members.models import Organization, OrganizationKind, RoleKind
from oversight.selectors.overview import PeriodKind, Span, overview
from oversight.selectors.ratings import annual_ratings
from oversight.services.summaries import branch_months_refresh
from petitions.models import Category, Petition
from petitions.services.catalogue import catalogue_ensure

from ..conftest import _persona
from ..factories import MemberFactory, make_org
from .conftest import TODAY, D, held, mark, ordinary_branch, scored

pytestmark = [pytest.mark.django_db, pytest.mark.system_scope]

MONTHS = [D(2026, m, 1) for m in range(1, 12)]


def refresh_all():
    branches = Organization.objects.filter(kind=OrganizationKind.BRANCH)
    branch_months_refresh(branches=branches, months=MONTHS)


@pytest.fixture
def data(tree, marker, frozen):
    """October: every branch met. November: Song Khê met (short, 80 minutes; scored Fair), Phú
    Thịnh did not (yet); Tổ dân phố số 7 (another commune) met."""
    for branch in (tree.branch, tree.sibling, tree.other_branch):
        people = MemberFactory.create_batch(4, branch=branch)
        october = held(branch, D(2026, 10, 5))
        for person in people:
            mark(october, person, "present", marker)
        scored(october, "good", 95)
        if branch != tree.sibling:
            november = held(branch, D(2026, 11, 5), minutes=80)
            for person in people[:3]:
                mark(november, person, "present", marker)
            mark(november, people[3], "excused", marker)
            scored(november, "fair", 75)
    refresh_all()
    return tree


def province_leader(tree):
    return _persona("lanhdao.tinh", RoleKind.LEADER, tree.province)


def rows_of(page: str) -> list[str]:
    return re.findall(r'<tr data-row="(\d+)"', page)


# --- Who sees it ---------------------------------------------------------------------------------


def test_the_commune_leader_sees_the_communes_branches_with_a_chart(data, leader):
    response = leader.get(reverse("oversight:overview"))
    assert response.status_code == 200
    page = response.content.decode()
    assert rows_of(page) == [str(data.branch.pk), str(data.sibling.pk)]
    assert 'class="db-chart"' in page and "<rect" in page
    assert "Tổ dân phố số 7" not in page
    totals = response.context["overview"].total
    # November so far: Song Khê met, Phú Thịnh not yet (the month is not over).
    assert (totals.branches, totals.met, totals.missed, totals.pending) == (2, 1, 0, 1)
    assert (totals.short, totals.timed) == (1, 1)
    assert (totals.present, totals.expected) == (3, 4)


def test_staff_see_it_too_and_it_is_in_the_menu(data, staff):
    home = staff.get(reverse("members:home")).content.decode()
    assert reverse("oversight:overview") in home
    assert staff.get(reverse("oversight:overview")).status_code == 200


@pytest.mark.parametrize("persona", ["plain_member", "secretary", "cadre"])
def test_others_get_404_and_no_link(data, persona, request):
    client = request.getfixturevalue(persona)
    for name in ("oversight:overview", "oversight:export", "oversight:branches"):
        assert client.get(reverse(name)).status_code == 404
    assert client.get(reverse("oversight:node", args=[data.commune.pk])).status_code == 404
    assert reverse("oversight:overview") not in client.get(reverse("members:home")).content.decode()


def test_anonymous_is_sent_to_log_in(data, client):
    response = client.get(reverse("oversight:overview"))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_another_communes_staff_see_none_of_these_branches(data, outsider):
    page = outsider.get(reverse("oversight:overview")).content.decode()
    assert rows_of(page) == [str(data.other_branch.pk)]
    assert "Song Khê" not in page and "Phú Thịnh" not in page
    for name in ("oversight:node", "oversight:node_export", "oversight:node_branches"):
        assert outsider.get(reverse(name, args=[data.commune.pk])).status_code == 404
        assert outsider.get(reverse(name, args=[data.branch.pk])).status_code == 404
    drill = outsider.get(reverse("oversight:branches") + "?figure=branches").content.decode()
    assert "Song Khê" not in drill and "Tổ dân phố số 7" in drill


def test_a_province_leader_sees_communes_and_opens_one(data):
    client = province_leader(data)
    response = client.get(reverse("oversight:overview"))
    assert rows_of(response.content.decode()) == [str(data.commune.pk), str(data.other_commune.pk)]
    by_row = {row.node.pk: row.figures for row in response.context["overview"].rows}
    assert (by_row[data.commune.pk].branches, by_row[data.commune.pk].met) == (2, 1)
    assert (by_row[data.other_commune.pk].branches, by_row[data.other_commune.pk].met) == (1, 1)
    inner = client.get(reverse("oversight:node", args=[data.commune.pk]))
    assert rows_of(inner.content.decode()) == [str(data.branch.pk), str(data.sibling.pk)]
    assert reverse("oversight:node", args=[data.province.pk]) in inner.content.decode()  # the way back up


# --- Periods, sorting, drill-down --------------------------------------------------------------


def test_spans():
    assert Span.containing(PeriodKind.MONTH, D(2026, 11, 17)) == Span("month", D(2026, 11, 1), D(2026, 11, 1))
    quarter = Span.containing(PeriodKind.QUARTER, D(2026, 11, 17))
    assert (quarter.first, quarter.last) == (D(2026, 10, 1), D(2026, 12, 1))
    assert quarter.months(TODAY) == [D(2026, 10, 1), D(2026, 11, 1)]
    assert quarter.quarter_marks(TODAY) == [D(2026, 11, 1)]  # the quarter so far
    year = Span.containing(PeriodKind.YEAR, D(2026, 11, 17))
    assert (year.first, year.last) == (D(2026, 1, 1), D(2026, 12, 1))
    assert year.quarter_marks(TODAY) == [D(2026, 3, 1), D(2026, 6, 1), D(2026, 9, 1), D(2026, 11, 1)]
    assert year.shifted(-1).first == D(2025, 1, 1) and quarter.shifted(1).first == D(2027, 1, 1)
    assert Span.containing(PeriodKind.MONTH, D(2027, 1, 1)).months(TODAY) == []  # not begun


def test_a_quarter_adds_up_its_months(data, leader):
    response = leader.get(reverse("oversight:overview") + "?period=quarter&month=2026-11")
    totals = response.context["overview"].total
    # Two branches × October and November: three held, Phú Thịnh's November not yet.
    assert (totals.months, totals.met, totals.missed, totals.pending) == (4, 3, 0, 1)
    assert (totals.good, totals.fair) == (2, 1)
    assert (totals.quarters, totals.thematic, totals.thematic_missing) == (2, 0, 0)  # Q4 not over


def test_a_past_month_counts_a_miss_and_a_future_one_nothing(data, leader):
    september = leader.get(reverse("oversight:overview") + "?month=2026-09").context["overview"].total
    assert (september.branches, september.met, september.missed, september.pending) == (2, 0, 2, 0)
    assert leader.get(reverse("oversight:overview") + "?month=2026-12").context["overview"].total.months == 0


def test_a_year_shows_the_annual_rating_of_each_branch(data, leader):
    response = leader.get(reverse("oversight:overview") + "?period=year&month=2026-11")
    assert response.status_code == 200
    view = response.context["overview"]
    assert view.with_ratings
    expected = annual_ratings(branches=[data.branch, data.sibling], year=2026, today=TODAY)
    for row in view.rows:
        assert row.figures.ratings == {expected[row.node.pk].level: 1}
    assert 'id="ratings"' in response.content.decode()
    # Quarters over without a thematic meeting: Q1, Q2, Q3 of both branches.
    assert view.total.thematic_missing == 6


def test_the_table_sorts_on_the_server(data, leader):
    url = reverse("oversight:overview")
    assert rows_of(leader.get(url + "?sort=met").content.decode()) == [str(data.sibling.pk), str(data.branch.pk)]
    assert rows_of(leader.get(url + "?sort=-met").content.decode()) == [str(data.branch.pk), str(data.sibling.pk)]
    assert rows_of(leader.get(url + "?sort=name").content.decode()) == [str(data.sibling.pk), str(data.branch.pk)]
    assert rows_of(leader.get(url + "?sort=nonsense").content.decode()) == [str(data.branch.pk), str(data.sibling.pk)]


def test_each_figure_links_to_the_branches_behind_it(data, leader):
    page = leader.get(reverse("oversight:overview")).content.decode()
    drill = reverse("oversight:node_branches", args=[data.commune.pk])
    assert f"{drill}?period=month&amp;month=2026-11&amp;figure=pending" in page
    pending = leader.get(drill + "?period=month&month=2026-11&figure=pending")
    assert [line.name for line in pending.context["page"].object_list] == ["Chi bộ thôn Phú Thịnh"]
    short = leader.get(drill + "?period=quarter&month=2026-11&figure=short")
    assert [line.name for line in short.context["page"].object_list] == ["Chi bộ thôn Song Khê"]
    missed = leader.get(drill + "?month=2026-09&figure=missed")
    assert missed.context["page"].paginator.count == 2
    assert leader.get(drill + "?figure=nonsense").status_code == 404


def test_the_drill_down_behind_a_rating(data, leader):
    expected = annual_ratings(branches=[data.branch, data.sibling], year=2026, today=TODAY)
    level = expected[data.branch.pk].level
    url = reverse("oversight:node_branches", args=[data.commune.pk])
    response = leader.get(url + f"?period=year&month=2026-11&figure=rating_{level}")
    names = [line.name for line in response.context["page"].object_list]
    assert "Chi bộ thôn Song Khê" in names
    assert all(expected[line.branch_id].level == level for line in response.context["page"].object_list)


def test_the_drill_down_pages(tree, frozen, leader):
    for number in range(55):
        make_org(f"Chi bộ số {number:02d}", OrganizationKind.BRANCH, tree.commune, branch_type="village")
    refresh_all()
    url = reverse("oversight:node_branches", args=[tree.commune.pk]) + "?figure=pending"
    first = leader.get(url)
    assert first.context["page"].paginator.count == 57
    assert len(first.context["page"].object_list) == 50
    assert len(leader.get(url + "&page=2").context["page"].object_list) == 7


# --- Export and panels ---------------------------------------------------------------------------


def test_the_export_opens_in_a_spreadsheet_with_the_figures(data, leader):
    response = leader.get(reverse("oversight:export") + "?period=quarter&month=2026-11")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "tong-hop-quy-4-2026.xlsx" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    header, song_khe, phu_thinh, total = rows
    assert song_khe[0] == "Chi bộ thôn Song Khê" and phu_thinh[0] == "Chi bộ thôn Phú Thịnh"
    assert len(header) == len(song_khe) == len(total) == 23
    branches, met, missed, pending = 1, 2, 3, 4
    assert (song_khe[branches], song_khe[met], song_khe[missed], song_khe[pending]) == (1, 2, 0, 0)
    assert (phu_thinh[met], phu_thinh[pending], total[met]) == (1, 1, 3)
    attendance = 12  # a rate, formatted as a percentage: (4 + 3) of (4 + 4) for Song Khê
    assert song_khe[attendance] == pytest.approx(0.875)
    assert sheet.cell(row=2, column=attendance + 1).number_format == "0.0%"
    assert sheet.cell(row=4, column=attendance + 1).number_format == "0.0%"  # the total's rate too
    assert sheet.cell(row=4, column=1).font.bold and not sheet.cell(row=3, column=1).font.bold


def test_the_petitions_panel(data, leader, secretary):
    catalogue_ensure(commune=data.commune)
    category = Category.objects.filter(commune=data.commune).first()
    answered = {"answer": "Đã lắp đường ống", "answered_on": D(2026, 11, 15)}
    for title, status, fields in (
        ("Đường", "forwarded", {"deadline": D(2026, 11, 20)}),
        ("Nước", "answered", answered),
    ):
        Petition.objects.create(
            category=category,
            branch=data.branch,
            raised_on=D(2026, 11, 5),
            title=title,
            status=status,
            created_by=secretary.user,
            **fields,
        )
    response = leader.get(reverse("oversight:overview"))
    page = response.content.decode()
    assert 'id="petitions-panel"' in page
    template, panel = response.context["panels"][0]
    assert template == "oversight/panels/petitions.html"
    assert panel["total"] == {"raised": 2, "answered": 1, "open": 1, "overdue": 1}


# --- Queries pinned at two data sizes -------------------------------------------------------------


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def _grow(tree, marker, count):
    cadre = MemberFactory(branch=tree.other_branch)
    for number in range(count):
        ordinary_branch(tree.commune, f"Chi bộ {number:02d}", marker, cadre=cadre, met_november=number % 4 != 3)
    branch_months_refresh(branches=Organization.objects.filter(kind=OrganizationKind.BRANCH), months=MONTHS)


@pytest.mark.parametrize("period", ["month", "quarter", "year"])
def test_the_page_runs_the_same_queries_for_3_or_30_branches(tree, marker, frozen, leader, period):
    province = province_leader(tree)
    urls = {
        "commune": (leader, reverse("oversight:overview") + f"?period={period}&month=2026-11"),
        "province": (province, reverse("oversight:overview") + f"?period={period}&month=2026-11"),
        "drill": (leader, reverse("oversight:branches") + f"?period={period}&month=2026-11&figure=met"),
    }
    _grow(tree, marker, 1)
    small = {key: _queries(client, url) for key, (client, url) in urls.items()}
    _grow(tree, marker, 28)
    big = {key: _queries(client, url) for key, (client, url) in urls.items()}
    assert small == big, (small, big)
    # Session, user, roles; the rows' organisations, the summaries added up (for a year, also the
    # levels per branch and the rules of their thresholds); the commune page loads its ancestors
    # (the way back up: the province); the petitions panel; the working members panel (issue 24); the
    # menu's unread count. The drill-down: a count and a page.
    year = period == "year"
    assert big == {"commune": 9 + 2 * year, "province": 8 + 2 * year, "drill": 6}


def test_the_summary_query_reads_the_summary_table_not_the_marks(data, leader):
    with CaptureQueriesContext(connection) as queries:
        leader.get(reverse("oversight:overview") + "?period=year&month=2026-11")
    # The working members panel (issue 24) reads the links in scope and their residence meetings'
    # marks, one EXISTS per link: its own query, apart from the branches' figures.
    sql = " ".join(query["sql"] for query in queries if '"members_residencelink"' not in query["sql"])
    assert "dashboard_branchmonth" in sql
    assert '"meetings_attendance"' not in sql and '"meetings_meeting"' not in sql  # (the rules are read)


def test_the_overview_selector_for_a_branch_node(data, leader):
    view = overview(user=leader.user, node=data.branch, span=Span.containing("month", TODAY), today=TODAY)
    assert [row.node for row in view.rows] == [data.branch]
    assert view.total.met == 1


def test_a_combined_session_counts_as_met_and_thematic(tree, marker, frozen, leader):
    held(tree.branch, D(2026, 11, 5), kind=MeetingKind.COMBINED, minutes=125, topic="Chuyên đề")
    refresh_all()
    totals = leader.get(reverse("oversight:overview") + "?period=quarter&month=2026-11").context["overview"].total
    assert (totals.met, totals.thematic, totals.short) == (1, 1, 0)


def test_an_administrator_sees_the_whole_tree(data, django_user_model, client):
    client.force_login(django_user_model.objects.create_superuser("root", password="x-123-long-pass"))
    response = client.get(reverse("oversight:overview"))
    assert rows_of(response.content.decode()) == [str(data.commune.pk), str(data.other_commune.pk)]
    assert response.context["overview"].total.branches == 3


@pytest.mark.parametrize(
    ("kind", "first", "name"),
    [
        ("month", datetime.date(2026, 12, 1), "tong-hop-thang-12-2026.xlsx"),
        ("quarter", datetime.date(2026, 7, 1), "tong-hop-quy-3-2026.xlsx"),
        ("year", datetime.date(2026, 1, 1), "tong-hop-nam-2026.xlsx"),
    ],
)
def test_the_export_is_named_in_vietnamese(kind, first, name):
    from types import SimpleNamespace

    from oversight import exports

    assert exports.filename(SimpleNamespace(span=SimpleNamespace(kind=kind, first=first))) == name


def test_the_charts_write_rates_with_a_decimal_comma(data, leader):
    page = leader.get(reverse("oversight:overview"), HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    titles = re.findall(r"<title>[^<]*chuyên cần[^<]*</title>|<title>[^<]*Dự họp[^<]*</title>", page, re.I)
    rates = re.findall(r"<rect class=\"db-seg-(?:rate|low)\"[^>]*><title>([^<]*)</title>", page)
    assert rates and all(re.search(r"\d,\d%$", title) for title in rates), rates
    assert not any(re.search(r"\d\.\d", title) for title in titles + rates)
    # The coordinates stay numbers an SVG reads.
    assert re.search(r'<rect class="db-seg-(rate|low)" x="0(\.0)?" y="\d+" width="[\d.]+"', page)

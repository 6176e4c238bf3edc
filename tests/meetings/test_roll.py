"""The roll-call page on a phone: one tap, one mark; locking; history; scope; query counts."""

import datetime
import re

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.test import Client
from django.urls import reverse
from django.utils.html import escape
from django.utils.translation import gettext

from meetings import services
from meetings.models import Attendance, Mark, MeetingStatus

from ..factories import MemberFactory
from .conftest import TZ

pytestmark = pytest.mark.system_scope


@pytest.fixture
def member(tree):
    return MemberFactory(branch=tree.branch, full_name="Phạm Văn Đức")


def roll_url(meeting):
    return reverse("meetings:roll", args=[meeting.pk])


def mark_url(meeting, member):
    return reverse("meetings:roll_mark", args=[meeting.pk, member.pk])


def htmx(client, url, data):
    return client.post(url, data, HTTP_HX_REQUEST="true")


def marks(meeting, member):
    return list(Attendance.objects.filter(meeting=meeting, member=member).values_list("mark", "reason"))


# --- One tap, one mark ----------------------------------------------------------------------


def test_one_tap_creates_one_mark(secretary, meeting, member):
    response = secretary.post(mark_url(meeting, member), {"mark": "present"})
    assert response.status_code == 302
    assert response["Location"] == f"{roll_url(meeting)}#roll-{member.pk}"
    assert marks(meeting, member) == [("present", "")]
    attendance = Attendance.objects.get()
    assert attendance.marked_by == secretary.user
    assert attendance.category == "full"


def test_a_second_tap_updates_the_mark(secretary, meeting, member):
    secretary.post(mark_url(meeting, member), {"mark": "present"})
    secretary.post(mark_url(meeting, member), {"mark": "late"})
    assert marks(meeting, member) == [("late", "")]


def test_a_double_submit_creates_no_second_row_and_no_second_change(secretary, meeting, member):
    for _ in range(2):
        htmx(secretary, mark_url(meeting, member), {"mark": "unexcused"})
    assert marks(meeting, member) == [("unexcused", "")]
    assert Attendance.history.count() == 1


def test_two_devices_marking_the_same_member_make_one_row(secretary, staff, meeting, member):
    phone = secretary
    second_phone = Client()
    second_phone.force_login(secretary.user)
    phone.post(mark_url(meeting, member), {"mark": "present"})
    second_phone.post(mark_url(meeting, member), {"mark": "left_early"})
    staff.post(mark_url(meeting, member), {"mark": "left_early"})
    assert marks(meeting, member) == [("left_early", "")]


def test_a_row_inserted_meanwhile_by_another_device_is_updated(secretary, meeting, member, monkeypatch):
    """The race itself: the other device inserts between our read and our insert."""
    services.roll.record_mark(meeting=meeting, member=member, mark=Mark.PRESENT, by=secretary.user)
    real = services.roll._current_mark
    reads = []

    def stale_read(meeting, member):
        reads.append(1)
        return None if len(reads) == 1 else real(meeting, member)

    monkeypatch.setattr(services.roll, "_current_mark", stale_read)
    attendance = services.roll.record_mark(
        meeting=meeting, member=member, mark=Mark.EXCUSED, reason="Ốm", by=secretary.user
    )
    assert len(reads) == 2
    assert attendance.mark == Mark.EXCUSED
    assert marks(meeting, member) == [("excused", "Ốm")]


def test_a_reason_is_kept_only_for_absence_with_reason(secretary, meeting, member):
    secretary.post(mark_url(meeting, member), {"mark": "excused", "reason": "  Đi viện  "})
    assert marks(meeting, member) == [("excused", "Đi viện")]
    secretary.post(mark_url(meeting, member), {"mark": "present", "reason": "Đi viện"})
    assert marks(meeting, member) == [("present", "")]


def test_an_unknown_mark_is_refused_plainly(secretary, meeting, member):
    error = escape(gettext("Not saved: choose one of the buttons."))
    response = secretary.post(mark_url(meeting, member), {"mark": "asleep"}, follow=True)
    assert marks(meeting, member) == []
    assert error in response.content.decode()
    response = htmx(secretary, mark_url(meeting, member), {})
    assert response.status_code == 200
    assert error in response.content.decode()


def test_a_member_not_on_that_days_roll_cannot_be_marked(secretary, meeting, tree):
    joined_later = MemberFactory(branch=tree.branch, joined_branch_on=datetime.date(2026, 12, 20))
    elsewhere = MemberFactory(branch=tree.sibling)
    for member in (joined_later, elsewhere):
        assert secretary.post(mark_url(meeting, member), {"mark": "present"}).status_code == 404
        with pytest.raises(ValidationError):
            services.roll.record_mark(meeting=meeting, member=member, mark=Mark.PRESENT, by=secretary.user)
    assert not Attendance.objects.exists()


# --- htmx: the row and the counts ---------------------------------------------------------


def test_htmx_tap_returns_the_row_and_the_counts_out_of_band(secretary, meeting, member, tree):
    MemberFactory(branch=tree.branch)
    response = htmx(secretary, mark_url(meeting, member), {"mark": "present"})
    html = response.content.decode()
    assert response.status_code == 200
    assert [t.name for t in response.templates] == ["meetings/roll/_counts.html", "meetings/roll/_remaining.html"]
    assert html.startswith(f'<li id="roll-{member.pk}"')
    assert 'aria-pressed="true"' in html
    assert 'id="roll-counts"' in html and 'hx-swap-oob="true"' in html
    assert "50" in html  # 1 of 2 present


def test_after_a_tap_the_count_and_the_were_present_button_agree(secretary, meeting, member, tree):
    others = MemberFactory.create_batch(2, branch=tree.branch)
    page = secretary.get(reverse("meetings:roll", args=[meeting.pk])).content.decode()
    assert re.search(r'id="roll-remaining">.*?\b3\b', page, re.S)
    html = htmx(secretary, mark_url(meeting, member), {"mark": "present"}).content.decode()
    remaining = re.search(r'<div id="roll-remaining" hx-swap-oob="true">(.*?)</div>', html, re.S).group(1)
    assert re.search(r"\b2\b", remaining) and not re.search(r"\b3\b", remaining)
    for other in others:
        html = htmx(secretary, mark_url(meeting, other), {"mark": "present"}).content.decode()
    assert re.search(r'<div id="roll-remaining" hx-swap-oob="true">\s*</div>', html)  # none left: no button


def test_saving_a_reason_says_so_on_the_row(secretary, meeting, member):
    htmx(secretary, mark_url(meeting, member), {"mark": "excused"})
    html = htmx(secretary, mark_url(meeting, member), {"mark": "excused", "reason": "Con ốm"}).content.decode()
    assert 'role="status">Đã lưu lý do.</div>' in html
    assert 'role="status"' not in htmx(secretary, mark_url(meeting, member), {"mark": "present"}).content.decode()


def test_absent_with_reason_reveals_the_reason_box(secretary, meeting, member):
    html = htmx(secretary, mark_url(meeting, member), {"mark": "excused"}).content.decode()
    assert 'name="reason"' in html and "autofocus" in html
    htmx(secretary, mark_url(meeting, member), {"mark": "excused", "reason": "Con ốm"})
    assert marks(meeting, member) == [("excused", "Con ốm")]
    html = htmx(secretary, mark_url(meeting, member), {"mark": "present"}).content.decode()
    assert 'name="reason"' not in html


CSRF_VALUE = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]+"')


def row_html(html, member):
    """A member's row in a page or a tap's answer, with the CSRF token (masked anew per response) blanked."""
    found = re.search(rf'<li id="roll-{member.pk}".*?</li>', html, re.S)
    assert found, f"no row for {member}"
    return CSRF_VALUE.sub(r'\1-"', found.group(0))


@pytest.mark.parametrize("mark", ["present", "excused", "unexcused"])
def test_the_page_and_a_tap_give_the_same_row(secretary, meeting, member, tree, mark):
    MemberFactory(branch=tree.branch, full_name="An <b>Đỗ</b> & Co")
    tapped = htmx(secretary, mark_url(meeting, member), {"mark": mark, "reason": 'Đi "xa" <i>'})
    tapped = htmx(secretary, mark_url(meeting, member), {"mark": mark, "reason": 'Đi "xa" <i>'})
    page = secretary.get(roll_url(meeting)).content.decode()
    # The same row, but for what the tap says it did ("Đã lưu lý do."), on the tap's answer only.
    said = re.compile(r'<div class="text-success small" role="status">[^<]*</div>')
    assert said.sub("", row_html(tapped.content.decode(), member)) == row_html(page, member)
    if mark == "excused":
        assert 'value="Đi &quot;xa&quot; &lt;i&gt;"' in row_html(page, member)
    assert "An &lt;b&gt;Đỗ&lt;/b&gt; &amp; Co" in page and "<b>Đỗ" not in page


def test_readers_rows_show_the_mark_and_the_reason_only_to_who_may_read_it(
    secretary, leader, cadre, meeting, member, tree
):
    unmarked = MemberFactory(branch=tree.branch, full_name="Trần Văn Chưa")
    htmx(secretary, mark_url(meeting, member), {"mark": "excused", "reason": "Ốm <b>nặng</b>"})
    excused = escape(str(Mark.EXCUSED.label))
    leaders_row = row_html(leader.get(roll_url(meeting)).content.decode(), member)
    assert f'<span class="badge text-bg-light border">{excused}</span><small> Ốm &lt;b&gt;nặng&lt;/b&gt;</small>' in (
        leaders_row
    )
    assert "<form" not in leaders_row
    cadres_page = cadre.get(roll_url(meeting)).content.decode()
    assert f'<span class="badge text-bg-light border">{excused}</span></div>' in row_html(cadres_page, member)
    assert escape(gettext("Not marked")) in row_html(cadres_page, unmarked)


def test_the_page_includes_the_same_row_markup(secretary, meeting, member):
    response = secretary.get(roll_url(meeting))
    html = response.content.decode()
    # static/js/roll.js sends the row's form (shown at once, retried); without JS it posts.
    assert f'action="{mark_url(meeting, member)}"' in html
    assert "js/roll.js" in html
    assert "<script>" not in html and 'style="' not in html


def test_exempt_members_are_listed_apart_and_count_once_they_come(secretary, meeting, tree, member):
    exempt = MemberFactory(branch=tree.branch, full_name="Cụ Lê Văn Miễn", exempt_since=datetime.date(2020, 1, 1))
    page = secretary.get(roll_url(meeting))
    assert [e.member.pk for e in page.context["sheet"].expected] == [member.pk]
    assert [e.member.pk for e in page.context["sheet"].others] == [exempt.pk]
    assert page.context["roll"].expected == 1
    secretary.post(mark_url(meeting, exempt), {"mark": "present"})
    assert secretary.get(roll_url(meeting)).context["roll"].expected == 2


# --- Locking and history -------------------------------------------------------------------


def test_locked_after_adoption_for_the_secretary_but_staff_correct_with_history(secretary, staff, meeting, member):
    secretary.post(mark_url(meeting, member), {"mark": "unexcused"})
    meeting.status = MeetingStatus.ADOPTED
    meeting.save()

    assert secretary.post(mark_url(meeting, member), {"mark": "present"}).status_code == 404
    with pytest.raises(services.roll.RollRefused):
        services.roll.record_mark(meeting=meeting, member=member, mark=Mark.PRESENT, by=secretary.user)
    assert marks(meeting, member) == [("unexcused", "")]
    page = secretary.get(roll_url(meeting))
    assert page.status_code == 200
    assert not page.context["can_mark"]
    assert mark_url(meeting, member) not in page.content.decode()

    assert staff.post(mark_url(meeting, member), {"mark": "excused", "reason": "Báo muộn"}).status_code == 302
    assert marks(meeting, member) == [("excused", "Báo muộn")]

    first, second = Attendance.history.order_by("history_date", "history_id")
    assert (first.history_type, first.history_user, first.mark) == ("+", secretary.user, "unexcused")
    assert (second.history_type, second.history_user, second.mark) == ("~", staff.user, "excused")
    changed = {change.field for change in second.diff_against(first).changes}
    assert {"mark", "reason", "marked_by"} <= changed
    page = staff.get(roll_url(meeting))
    assert [c["record"].history_user for c in page.context["changes"]] == [staff.user, secretary.user]
    assert "Báo muộn" in page.content.decode()


def test_readers_see_the_roll_without_buttons(plain_member, leader, cadre, meeting, member):
    for client in (plain_member, leader, cadre):
        page = client.get(roll_url(meeting))
        assert page.status_code == 200
        assert not page.context["can_mark"]
        assert "changes" not in page.context
        assert client.post(mark_url(meeting, member), {"mark": "present"}).status_code == 404
    assert not Attendance.objects.exists()


# --- Scope ---------------------------------------------------------------------------------


def test_anonymous_is_sent_to_log_in(client, meeting):
    response = client.get(roll_url(meeting))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_a_member_of_another_branch_cannot_be_marked_through_this_meeting(secretary, meeting, other_meeting):
    stranger = MemberFactory(branch=other_meeting.branch)
    assert secretary.post(mark_url(meeting, stranger), {"mark": "present"}).status_code == 404
    assert secretary.post(mark_url(other_meeting, stranger), {"mark": "present"}).status_code == 404


# --- The attendance sheet ------------------------------------------------------------------


def test_attendance_sheet_lists_expected_members_with_a_signature_column(staff, meeting, tree, member):
    MemberFactory(branch=tree.branch, full_name="Cụ Miễn", exempt_since=datetime.date(2020, 1, 1))
    MemberFactory(branch=tree.branch, full_name="Người Mới", joined_branch_on=datetime.date(2027, 1, 1))
    services.cadres.guest_add(meeting=meeting, name="Bà Khách Mời", title="Bí thư Đoàn xã", by=staff.user)
    response = staff.get(reverse("meetings:attendance_sheet", args=[meeting.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert [e.member.pk for e in response.context["entries"]] == [member.pk]
    assert "Phạm Văn Đức" in html and "Cụ Miễn" not in html and "Người Mới" not in html
    assert escape(gettext("Signature")) in html
    assert "Bà Khách Mời" in html
    assert "05/12/2026" in html
    assert "<script>" not in html and 'style="' not in html


# --- Query counts --------------------------------------------------------------------------


@pytest.mark.parametrize("size", [10, 300])
def test_roll_page_query_count_does_not_grow(secretary, meeting, tree, size, django_assert_num_queries):
    members = MemberFactory.create_batch(size, branch=tree.branch)
    MemberFactory.create_batch(3, branch=tree.branch, exempt_since=datetime.date(2020, 1, 1))
    Attendance.objects.bulk_create(
        Attendance(meeting=meeting, member=m, mark=Mark.PRESENT, category="full", marked_by=secretary.user)
        for m in members[: size // 2]
    )
    url = roll_url(meeting)
    secretary.get(url)  # warm the session
    # + the unread count in the header, + the access log entry, + what was not applied
    with django_assert_num_queries(12):
        response = secretary.get(url)
    assert response.context["roll"].expected == size
    assert response.context["roll"].present == size // 2


@pytest.mark.parametrize("size", [10, 300])
def test_a_tap_query_count_does_not_grow(secretary, meeting, tree, size, django_assert_max_num_queries):
    members = MemberFactory.create_batch(size, branch=tree.branch)
    htmx(secretary, mark_url(meeting, members[1]), {"mark": "present"})
    with django_assert_max_num_queries(16):
        htmx(secretary, mark_url(meeting, members[0]), {"mark": "late"})
    assert Attendance.objects.filter(Q(mark="late") | Q(mark="present")).count() == 2


# --- Light enough for a cheap phone, and working without JavaScript --------------------------


def test_without_javascript_a_tap_posts_the_rows_form_with_its_csrf_token(secretary, meeting, member):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(secretary.user)
    html = browser.get(roll_url(meeting)).content.decode()
    form = re.search(rf'<form method="post" action="{mark_url(meeting, member)}".*?</form>', html).group()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    assert '<button name="late">' in form  # each button is named after its mark

    assert browser.post(mark_url(meeting, member), {"late": ""}).status_code == 403
    response = browser.post(mark_url(meeting, member), {"csrfmiddlewaretoken": token, "late": ""})
    assert response.status_code == 302
    assert response["Location"] == f"{roll_url(meeting)}#roll-{member.pk}"
    assert marks(meeting, member) == [("late", "")]


def test_htmx_sends_the_tapped_buttons_name(secretary, meeting, member):
    html = htmx(secretary, mark_url(meeting, member), {"unexcused": ""}).content.decode()
    assert marks(meeting, member) == [("unexcused", "")]
    assert '<button name="unexcused" aria-pressed="true">' in html
    htmx(secretary, mark_url(meeting, member), {"present": "", "late": ""})  # two at once: refused
    assert marks(meeting, member) == [("unexcused", "")]


def _html_bytes(response) -> int:
    """The page without the site's stylesheet, which every page carries in its head (chibo/stylesheet.py)."""
    return len(re.sub(rb"<style[^>]*>.*?</style>", b"", response.content, flags=re.S))


def test_the_roll_page_stays_light(secretary, meeting, tree):
    """Each member adds about 0.6 KB (a small form, its CSRF token and five buttons), not 2 KB."""
    MemberFactory.create_batch(10, branch=tree.branch)
    small = _html_bytes(secretary.get(roll_url(meeting)))
    MemberFactory.create_batch(151, branch=tree.branch)
    large = _html_bytes(secretary.get(roll_url(meeting)))
    assert (large - small) / 151 < 700
    assert large < 110_000


def test_one_tap_marks_everyone_not_yet_marked_present(secretary, meeting, tree, member):
    others = MemberFactory.create_batch(3, branch=tree.branch)
    exempt = MemberFactory(branch=tree.branch, exempt_since=datetime.date(2024, 1, 1))
    secretary.post(mark_url(meeting, others[0]), {"mark": Mark.UNEXCUSED})
    url = reverse("meetings:roll_mark_remaining", args=[meeting.pk])

    assert secretary.post(url).status_code == 302
    marks = dict(Attendance.objects.filter(meeting=meeting).values_list("member_id", "mark"))
    assert marks == {
        others[0].pk: Mark.UNEXCUSED,
        others[1].pk: Mark.PRESENT,
        others[2].pk: Mark.PRESENT,
        member.pk: Mark.PRESENT,
    }
    assert exempt.pk not in marks  # not expected: marked only if they come
    secretary.post(url)  # a second tap changes nothing
    assert Attendance.objects.filter(meeting=meeting).count() == 4
    assert Attendance.history.filter(meeting_id=meeting.pk, history_user=secretary.user).count() == 4


def test_readers_cannot_mark_everyone_present(plain_member, leader, cadre, outsider, meeting, member):
    url = reverse("meetings:roll_mark_remaining", args=[meeting.pk])
    for client in (plain_member, leader, cadre, outsider):
        assert client.post(url).status_code == 404
    assert not Attendance.objects.filter(meeting=meeting).exists()


def test_absence_reasons_are_shown_only_to_those_who_keep_or_oversee_the_branch(
    secretary, leader, plain_member, cadre, meeting, member
):
    secretary.post(mark_url(meeting, member), {"mark": Mark.EXCUSED, "reason": "Điều trị bệnh dài ngày"})
    for client in (plain_member, cadre):
        for url in (roll_url(meeting), meeting.get_absolute_url()):
            assert "Điều trị bệnh dài ngày" not in client.get(url).content.decode(), url
    for client in (secretary, leader):
        assert "Điều trị bệnh dài ngày" in client.get(meeting.get_absolute_url()).content.decode()


@time_machine.travel(datetime.datetime(2026, 12, 5, 21, 30, tzinfo=TZ), tick=False)  # as it ends
def test_minutes_cannot_be_adopted_before_the_roll_is_finished(secretary, meeting, tree, member):
    meeting.status = MeetingStatus.HELD
    meeting.actual_start, meeting.actual_end = meeting.planned_start, meeting.planned_end
    meeting.chair = meeting.minute_taker = member
    meeting.save()
    secretary.post(reverse("meetings:minutes_adopt", args=[meeting.pk]))
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.HELD
    secretary.post(reverse("meetings:roll_mark_remaining", args=[meeting.pk]))
    secretary.post(reverse("meetings:minutes_adopt", args=[meeting.pk]))
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.ADOPTED

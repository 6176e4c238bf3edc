"""The forward form fits the work (issue 23): a deadline in working days or a date (shown once
saved), a non-working day refused with the next working day offered, and a body with no officer
marked in the list and warned about on the confirmation."""

import pytest
import time_machine

from petitions.models import Petition

from .conftest import NOW, D, make_meeting, make_petition

pytestmark = pytest.mark.system_scope


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):  # Thursday 10/12/2026
        yield


def forward(client, petition, **fields):
    data = {"forward-version": petition.version, **{f"forward-{k}": v for k, v in fields.items()}}
    return client.post(f"/petitions/{petition.pk}/forward/", data, follow=True)


def test_a_deadline_in_working_days_is_counted_and_shown(tree, catalogue, leader, officer, root):
    petition = make_petition(tree.branch, catalogue.roads, root)
    response = forward(leader, petition, body=catalogue.ubnd.pk, officer=officer.user.pk, working_days=5)
    petition.refresh_from_db()
    # Friday 11, Monday 14 … Thursday 17/12: five working days after Thursday 10/12.
    assert (petition.status, petition.deadline) == ("forwarded", D(2026, 12, 17))
    assert "17/12/2026" in response.content.decode()


def test_a_sunday_is_refused_and_the_next_working_day_offered(tree, catalogue, leader, officer, root):
    petition = make_petition(tree.branch, catalogue.roads, root)
    response = forward(leader, petition, body=catalogue.ubnd.pk, officer=officer.user.pk, deadline="20/12/2026")
    html = response.content.decode()
    assert "20/12/2026" in html and "không phải ngày làm việc" in html
    assert 'value="21/12/2026"' in html or 'value="2026-12-21"' in html  # Monday, filled in
    assert Petition.objects.get(pk=petition.pk).status == "new"  # nothing changed


def test_days_and_a_date_together_are_refused(tree, catalogue, leader, root):
    petition = make_petition(tree.branch, catalogue.roads, root)
    forward(leader, petition, body=catalogue.ubnd.pk, working_days=5, deadline="21/12/2026")
    assert Petition.objects.get(pk=petition.pk).status == "new"


def test_a_body_with_no_officer_is_marked_and_warned_about(tree, catalogue, leader, officer, root):
    petition = make_petition(tree.branch, catalogue.roads, root)
    html = leader.get(f"/petitions/{petition.pk}/").content.decode()
    assert "Hội Nông dân xã Tam Hưng (chưa có cán bộ phụ trách" in html
    assert ">UBND xã Tam Hưng</option>" in html  # UBND has its officer
    response = forward(leader, petition, body=catalogue.farmers.pk, working_days=10)
    html = response.content.decode()
    assert "chưa ai nhận giải quyết kiến nghị" in html and "nhắc mỗi ngày làm việc" in html
    assert Petition.objects.get(pk=petition.pk).body == catalogue.farmers


def test_namesakes_in_the_raised_by_picker_carry_birth_year_and_hamlet(tree, secretary, catalogue):
    from ..factories import MemberFactory

    MemberFactory(branch=tree.branch, full_name="Nguyễn Thị Hằng", date_of_birth=D(1958, 3, 2), residence="Xóm 3")
    MemberFactory(branch=tree.branch, full_name="Nguyễn Thị Hằng", date_of_birth=D(1971, 9, 9), residence="Xóm 5")
    MemberFactory(branch=tree.branch, full_name="Trần Văn Bình", date_of_birth=D(1960, 1, 1), residence="Xóm 1")
    meeting = make_meeting(tree.branch, D(2026, 12, 5))
    html = secretary.get(f"/petitions/new/?meeting={meeting.pk}").content.decode()
    assert "Nguyễn Thị Hằng (1958, Xóm 3)" in html and "Nguyễn Thị Hằng (1971, Xóm 5)" in html
    assert ">Trần Văn Bình<" in html  # no namesake: the plain name

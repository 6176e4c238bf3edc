"""Bad input (issue 22): ids and versions posted with digits other than 0-9 are not read as numbers,
implausible dates get the plausible-date message, and the removal list's note is bounded."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.db import IntegrityError, transaction
from django.urls import reverse

from meetings.models import CadreAssignment, Minutes
from members.text import NOTE_MAX
from oversight.models import RemovalDecision, RemovalKind
from workdays.models import AnnouncedDay, AnnouncedDayKind

from .factories import MemberFactory
from .test_rules_quality import G, scored

pytestmark = pytest.mark.system_scope

NOW = datetime.datetime(2026, 11, 26, 9, tzinfo=zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh"))
ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.mark.parametrize("digits", [ARABIC_INDIC, FULL_WIDTH])
def test_an_announced_day_is_not_removed_by_an_id_in_other_digits(staff, tree, digits):
    day = AnnouncedDay.objects.create(
        day=datetime.date(2026, 12, 5), kind=AnnouncedDayKind.DAY_OFF, organization=tree.commune
    )
    response = staff.post(
        reverse("workdays:remove"), {"day": "2026-12-05", "organization": str(tree.commune.pk).translate(digits)}
    )
    assert response.status_code == 404
    assert AnnouncedDay.objects.filter(pk=day.pk).exists()
    # In digits 0-9 the same day goes.
    response = staff.post(reverse("workdays:remove"), {"day": "2026-12-05", "organization": str(tree.commune.pk)})
    assert response.status_code == 302 and not AnnouncedDay.objects.filter(pk=day.pk).exists()


@pytest.mark.parametrize("version", ["١", "１", "¹", "", "x"])
def test_a_score_is_not_confirmed_with_a_version_in_other_digits(staff, tree, version):
    meeting = scored(tree.branch, datetime.date(2026, 11, 1), G, confirmed=False)
    assert Minutes.objects.get(meeting=meeting).version == 1
    response = staff.post(reverse("meetings:score_confirm", args=[meeting.pk]), {"version": version}, follow=True)
    assert "Điểm đã thay đổi sau khi đồng chí mở trang này." in response.content.decode()
    assert Minutes.objects.get(meeting=meeting).score_confirmed_at is None


@pytest.mark.parametrize(
    ("day", "message"),
    [("01/01/0001", "Hãy nhập ngày từ năm 1900 trở đi."), ("31/12/9999", "Hãy nhập ngày không muộn hơn 26/11/2031.")],
)
def test_an_assignment_ends_on_a_plausible_day(staff, tree, day, message):
    assignment = CadreAssignment.objects.create(
        cadre=MemberFactory(branch=tree.sibling),
        title="Phó Bí thư",
        branch=tree.branch,
        started_on=datetime.date(2026, 1, 1),
    )
    response = staff.post(reverse("meetings:cadre_assignment_end", args=[assignment.pk]), {"ended_on": day})
    assert response.status_code == 200 and message in response.content.decode()
    assignment.refresh_from_db()
    assert assignment.ended_on is None


def test_the_database_bounds_a_removal_note(tree, staff):
    member = MemberFactory(branch=tree.branch)
    RemovalDecision.objects.create(member=member, kind=RemovalKind.REMINDED, note="a" * NOTE_MAX, by=staff.user)
    with pytest.raises(IntegrityError), transaction.atomic():
        RemovalDecision.objects.create(
            member=member, kind=RemovalKind.REMINDED, note="a" * (NOTE_MAX + 1), by=staff.user
        )


def test_a_new_password_over_128_characters_is_refused(secretary):
    from accounts.forms import PASSWORD_MAX

    long = "Mật-khẩu-" + "x" * PASSWORD_MAX
    response = secretary.post(
        reverse("accounts:password_change"),
        {"old_password": "whatever", "new_password1": long, "new_password2": long},
    )
    assert response.status_code == 200
    assert f"tối đa {PASSWORD_MAX} kí tự (hiện có {len(long)})" in response.content.decode()
    assert f'maxlength="{PASSWORD_MAX}"' in secretary.get(reverse("accounts:password_change")).content.decode()


@pytest.mark.parametrize("raw", ["١١/٢٠٢٦", "１１/２０２６", "٢٠٢٦-١١", "11/2099", "00/2026", "11/1999"])
def test_a_dashboard_month_is_in_digits_0_9_and_plausible(raw):
    from django.core.exceptions import ValidationError

    from oversight.forms.flags import MonthField

    with pytest.raises(ValidationError):
        MonthField().clean(raw)


def test_a_dashboard_month_in_digits_0_9_is_read():
    from oversight.forms.flags import MonthField

    assert MonthField().clean("11/2026") == datetime.date(2026, 11, 1)
    assert MonthField().clean("2026-11") == datetime.date(2026, 11, 1)


@pytest.mark.parametrize("digits", [ARABIC_INDIC, FULL_WIDTH])
def test_a_choice_of_record_is_an_id_in_digits_0_9(tree, digits):
    from django.core.exceptions import ValidationError

    from members.forms.fields import IdChoiceField
    from members.models import Organization

    field = IdChoiceField(queryset=Organization.objects.all())
    assert field.clean(str(tree.branch.pk)) == tree.branch
    assert field.clean(f" {tree.branch.pk} ") == tree.branch
    with pytest.raises(ValidationError):
        field.clean(str(tree.branch.pk).translate(digits))


def test_the_meetings_filter_ignores_a_branch_in_other_digits(tree, staff):
    response = staff.get(reverse("meetings:list"), {"branch": str(tree.branch.pk).translate(ARABIC_INDIC)})
    assert response.status_code == 200
    assert response.context["filter_form"].errors["branch"]

import datetime
import zoneinfo
from types import SimpleNamespace

import pytest
from django.test import Client

from meetings.models import Meeting
from members.models import RoleKind
from petitions.models import Body, Category, Petition, PetitionStatus
from petitions.services.catalogue import catalogue_ensure

from ..factories import UserFactory, give_role

TZ = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
D = datetime.date
# Thursday 10/12/2026, 10:00 in Hà Nội: "today" of most tests.
NOW = datetime.datetime(2026, 12, 10, 10, tzinfo=TZ)
TODAY = D(2026, 12, 10)
RAISED = D(2026, 12, 1)


def at(day: datetime.date, hour: int) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, hour, tzinfo=TZ)


FIRST_MEETING = D(2026, 12, 5)


def make_meeting(branch, day=FIRST_MEETING, kind="extraordinary", **fields) -> Meeting:
    """Extraordinary unless said otherwise: a branch has one regular meeting a month."""
    return Meeting.objects.create(
        branch=branch, kind=kind, month=day.replace(day=1), planned_start=at(day, 19), planned_end=at(day, 21), **fields
    )


@pytest.fixture
def catalogue(tree):
    """The default categories and bodies of xã Tam Hưng (and of phường Đức Thắng, to refuse)."""
    catalogue_ensure(commune=tree.commune)
    catalogue_ensure(commune=tree.other_commune)
    return SimpleNamespace(
        roads=Category.objects.get(commune=tree.commune, name="Giao thông – đường sá"),
        water=Category.objects.get(commune=tree.commune, name="Nước sạch"),
        other=Category.objects.get(commune=tree.commune, name="Khác"),
        ubnd=Body.objects.get(commune=tree.commune, name="UBND xã Tam Hưng"),
        farmers=Body.objects.get(commune=tree.commune, name="Hội Nông dân xã Tam Hưng"),
        foreign_body=Body.objects.get(commune=tree.other_commune, name="UBND phường Đức Thắng"),
        foreign_category=Category.objects.get(commune=tree.other_commune, name="Nước sạch"),
    )


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    client.user = user
    return client


@pytest.fixture
def officer(tree, catalogue):
    """An officer of UBND xã Tam Hưng (officer role at the commune, on UBND's list)."""
    # first_name is the given name, last_name the family and middle names: "Nguyễn Quang Tuyên".
    user = UserFactory(username="officer", first_name="Tuyên", last_name="Nguyễn Quang")
    give_role(user, RoleKind.OFFICER, tree.commune)
    catalogue.ubnd.officers.add(user)
    return _client(user)


@pytest.fixture
def foreign_officer(tree):
    user = UserFactory(username="foreign-officer")
    give_role(user, RoleKind.OFFICER, tree.other_commune)
    return _client(user)


@pytest.fixture
def root(django_user_model):
    return django_user_model.objects.create_superuser("root", password="x-123-long-pass")


@pytest.fixture
def meeting(tree):
    """Song Khê's meeting of Saturday 5/12/2026."""
    return make_meeting(tree.branch, kind="regular")


S = PetitionStatus


def make_petition(branch, category, by, status=S.NEW, *, raised_on=RAISED, meeting=None, **fields) -> Petition:
    """A petition put straight into a status (as the services would have left it), for tests that
    start from any status. ``meeting`` is where it was answered or reported back in those
    statuses, else where it was raised."""
    values = {"deadline": D(2026, 12, 20)} if status != S.NEW else {}
    if status in (S.FORWARDED, S.IN_PROGRESS, S.ANSWERED, S.REPORTED_BACK, S.ESCALATED, S.DECLINED, S.NOT_COMPETENT):
        values["body"] = fields.get("body") or category.commune.petition_bodies.get(name__startswith="UBND")
    if status in (S.ANSWERED, S.REPORTED_BACK, S.ANSWERED_AT_MEETING):
        values.update(answer="Đã có kinh phí sửa đường.", answered_on=D(2026, 12, 3))
    if status == S.ANSWERED_AT_MEETING:
        values.update(answered_at_meeting=meeting or make_meeting(branch, D(2026, 12, 3)), deadline=None)
    if status == S.REPORTED_BACK:
        values["reported_back_at_meeting"] = meeting or make_meeting(branch, D(2026, 12, 4))
    if status not in (S.ANSWERED_AT_MEETING, S.REPORTED_BACK):
        values["meeting"] = meeting
    if status == S.ESCALATED:
        values.update(escalated_to="UBND tỉnh", escalated_on=D(2026, 12, 2))
    if status == S.DECLINED:
        values.update(decline_reason="Chưa bố trí được kinh phí.", decided_on=D(2026, 12, 3))
    if status == S.NOT_COMPETENT:
        values.update(competent_body="Tòa án nhân dân khu vực 3", decided_on=D(2026, 12, 3))
    values.update(fields)
    return Petition.objects.create(
        branch=branch,
        category=category,
        title=values.pop("title", "Sửa chữa tuyến đường nội thôn"),
        raised_on=raised_on,
        status=status,
        created_by=by,
        resident_name=values.pop("resident_name", "Nguyễn Văn Dân"),
        resident_phone=values.pop("resident_phone", "0912345678"),
        **values,
    )

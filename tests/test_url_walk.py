"""Every URL that takes an id answers outsiders as if the object did not exist.

The test walks the URLConf itself, so a URL added later is covered without editing this file.
For each URL it finds values an insider of xã Tam Hưng can open (trying the primary keys of
every object in the database, the likeliest kind first: the one named by the parameter or the
path segment before it), then requests the URL with those values, GET and POST, as each
outsider from the other commune. Expected: 404 (the login redirect or 404 for anonymous; 405
where the method is not allowed) and not one row written or changed.
"""

import datetime
import itertools
import re
import uuid
import zoneinfo
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.contrib.sessions.models import Session
from django.core.files.base import ContentFile
from django.db import transaction
from django.shortcuts import resolve_url
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RegexPattern
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.models import EnrolmentCode
from accounts.services import recovery_codes_renew, reset_code_issue
from chibo.cache_headers import OWN_CACHING
from meetings.documents.content import records_freeze
from meetings.models import (
    AgendaItem,
    AgendaTemplate,
    Amendment,
    Attachment,
    Attendance,
    CadreAssignment,
    CalendarFeed,
    Guest,
    Guidance,
    KeyedWrite,
    LinkedAttendance,
    Meeting,
    MeetingMove,
    MeetingRules,
    Minutes,
    ReminderRules,
    ResidenceComment,
    Resolution,
    Speech,
    Task,
)
from members.access import forget_roles, system_scope
from members.models import (
    AccessLog,
    CardConflict,
    ImportBatch,
    Organization,
    OrganizationKind,
    Position,
    ResidenceLink,
    RoleKind,
)
from members.services.cards import card_conflict_record
from notifications.models import ChannelPreference
from notifications.services import notification_enqueue
from oversight.models import RemovalDecision, RemovalKind
from oversight.services.summaries import branch_months_refresh
from petitions.models import Body, Category, Petition, PetitionAttachment, PetitionEvent
from petitions.services.catalogue import catalogue_ensure
from petitions.services.workflow import ACTIONS
from workdays.models import AnnouncedDay, AnnouncedDayKind

from .factories import MemberFactory, UserFactory, give_role

TZ = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")

# URL parameters that are not primary keys: the values an insider may use. Add yours here.
STRING_PARAMETERS = {
    "direction": lambda: ["up", "down"],
    "action": lambda: list(ACTIONS),
    "token": lambda: [
        *CalendarFeed._base_manager.values_list("token", flat=True),
        *(default_token_generator.make_token(user) for user in get_user_model().objects.order_by("pk")),
    ],
    "uidb64": lambda: [
        urlsafe_base64_encode(force_bytes(pk))
        for pk in get_user_model().objects.order_by("pk").values_list("pk", flat=True)
    ],
}
# Parameters that are themselves the credential (a calendar feed's secret token): an outsider
# does not know the insider's value, so they try a well-formed one that belongs to nobody.
SECRET_PARAMETERS = {"token": "x" * 32}
# The Django admin answers every non-staff user with its own login page; it is for superusers only.
SKIPPED_NAMESPACES = {"admin"}
MAX_PROBES = 400

PARAMETER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>\w+)>")


@dataclass(frozen=True)
class Endpoint:
    name: str
    route: str
    parameters: tuple[tuple[str, str], ...]  # (name, converter)

    def path(self, values: dict[str, object]) -> str:
        return "/" + PARAMETER.sub(lambda match: str(values[match["name"]]), self.route)


def endpoints(
    resolver: URLResolver, prefix: str = "", namespace: str = "", *, plain: bool = False
) -> Iterator[Endpoint]:
    """The URLs that take values (those that take none with ``plain``)."""
    for entry in resolver.url_patterns:
        pattern = entry.pattern
        if isinstance(pattern, RegexPattern):
            if pattern.regex.groupindex and not plain:
                # A re_path that takes values: this walk cannot fill it, so it must not pass unnoticed.
                yield Endpoint(f"{namespace}{getattr(entry, 'name', '')}", prefix + str(pattern), (("?", "regex"),))
            continue
        route = prefix + str(pattern)
        if isinstance(entry, URLResolver):
            if entry.namespace in SKIPPED_NAMESPACES:
                continue
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from endpoints(entry, route, inner, plain=plain)
        elif isinstance(entry, URLPattern):
            parameters = tuple((match["name"], match["converter"] or "str") for match in PARAMETER.finditer(route))
            if bool(parameters) != plain:
                yield Endpoint(f"{namespace}{entry.name or route}", route, parameters)


# --- The world: every kind of object, in xã Tam Hưng ---------------------------------------------


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    client.user = user
    return client


def persona(username: str, kind: str | None = None, organization=None, member_of=None) -> Client:
    user = UserFactory(username=username)
    if kind:
        give_role(user, kind, organization)
    if member_of is not None:
        MemberFactory(branch=member_of, user=user)
    return client_for(user)


def at(day: datetime.date, hour: int) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, hour, tzinfo=TZ)


def meeting_on(branch, day: datetime.date, **fields) -> Meeting:
    return Meeting.objects.create(
        branch=branch,
        month=day.replace(day=1),
        planned_start=at(day, 19),
        planned_end=at(day, 21),
        place="Nhà văn hóa",
        **fields,
    )


def build_tam_hung(tree, insiders: dict[str, Client]) -> None:
    """At least one object of every model of the project, all under xã Tam Hưng."""
    secretary, staff = insiders["secretary"].user, insiders["staff"].user
    members = MemberFactory.create_batch(3, branch=tree.branch)
    Position.objects.create(
        member=members[0], branch=tree.branch, kind="secretary", started_on=datetime.date(2020, 1, 1)
    )
    cadre = MemberFactory(branch=tree.sibling, full_name="Trần Văn Cán")
    CadreAssignment.objects.create(
        cadre=cadre, branch=tree.branch, title="Phó Bí thư Đảng ủy", started_on=datetime.date(2026, 1, 1)
    )
    ImportBatch.objects.create(branch=tree.branch, created_by=secretary, filename="danh-sach.xlsx")
    AccessLog.objects.create(user=staff, action=AccessLog.Action.VIEW_MEMBER, member_id=members[0].pk)
    reset_code_issue(user=secretary, by=staff)  # a ResetCode and an AccountEvent
    # An enrolment code (issued with a reset when two-factor is required) and hashed recovery codes.
    EnrolmentCode.objects.create(
        user=secretary, digest="0" * 64, issued_by=staff, issued_at=timezone.now(), expires_at=timezone.now()
    )
    recovery_codes_renew(user=secretary)
    # The secretary tried a card held in the neighbouring branch.
    holder = MemberFactory(branch=tree.sibling)
    card_conflict_record(by=secretary, branch=tree.branch, holder=holder, source=CardConflict.Source.FORM)
    AgendaTemplate.objects.create(organization=tree.commune, items=[{"title": "Khai mạc", "kind": "opening"}])
    MeetingRules.objects.create(organization=tree.commune)
    ReminderRules.objects.create(organization=tree.commune)
    CalendarFeed.objects.create(user=secretary)
    # The dashboard's monthly summary of a branch (no URL takes its id; the dashboard pages read it).
    branch_months_refresh(branches=[tree.branch], months=[datetime.date(2026, 11, 1)])
    RemovalDecision.objects.create(member=members[1], kind=RemovalKind.REMINDED, by=staff)
    # National data (no URL takes its id), but every model has a row so a future URL is walked.
    AnnouncedDay.objects.create(day=datetime.date(2026, 12, 5), kind=AnnouncedDayKind.WORKDAY)
    guidance = Guidance.objects.create(
        organization=tree.commune,
        month=datetime.date(2026, 12, 1),
        title="Định hướng tháng 12",
        body="Học tập nghị quyết.",
        published_by=staff,
    )

    previous = meeting_on(tree.branch, datetime.date(2026, 11, 5), status="adopted")
    meeting = meeting_on(tree.branch, datetime.date(2026, 12, 5), chair=members[0], minute_taker=members[1])
    MeetingMove.objects.create(
        meeting=meeting,
        old_start=at(datetime.date(2026, 12, 4), 19),
        new_start=meeting.planned_start,
        reason="Trùng lịch",
        moved_by=secretary,
    )
    item = AgendaItem.objects.create(meeting=meeting, position=1, title="Báo cáo tháng", kind="report")
    for owner in ({"agenda_item": item}, {"guidance": guidance}):
        Attachment.objects.create(
            file=ContentFile(b"%PDF-1.4\n", name="tai-lieu.pdf"),
            name="tai-lieu.pdf",
            content_type="application/pdf",
            size=9,
            uploaded_by=secretary,
            **owner,
        )
    Attendance.objects.create(meeting=meeting, member=members[0], mark="present", category="full", marked_by=secretary)
    KeyedWrite.objects.create(
        user=secretary, key=uuid.uuid4(), path="/", meeting=meeting, outcome=KeyedWrite.Outcome.STALE, status=200
    )
    Guest.objects.create(meeting=meeting, name="Khách mời", expected=False)
    # A teacher of Phú Thịnh living in Song Khê (QĐ 213): her link, her presence and her sent comment.
    teacher = MemberFactory(branch=tree.sibling, full_name="Phạm Thị Giáo")
    link = ResidenceLink.objects.create(
        member=teacher, residence_branch=tree.branch, since=datetime.date(2026, 1, 10), status="accepted"
    )
    LinkedAttendance.objects.create(meeting=meeting, link=link, mark="came", marked_by=secretary)
    ResidenceComment.objects.create(
        link=link,
        member=teacher,
        year=2026,
        conclusion="Hoàn thành tốt.",
        status="sent",
        adopted_by="committee",
        adopted_on=datetime.date(2026, 12, 1),
        sent_at=timezone.now(),
    )
    Guest.objects.create(meeting=meeting, cadre=cadre, name=cadre.full_name, expected=True)
    Minutes.objects.create(meeting=meeting)
    Speech.objects.create(agenda_item=item, speaker=members[0], speaker_name=members[0].full_name, text="Ý kiến.")
    last_month = Resolution.objects.create(
        meeting=previous, branch=tree.branch, number=1, year=2026, series_start=datetime.date(2026, 1, 1), title="NQ 11"
    )
    Task.objects.create(resolution=last_month, description="Vệ sinh đường làng", lead="Chi ủy", report_at=meeting)
    resolution = Resolution.objects.create(
        meeting=meeting, branch=tree.branch, number=2, year=2026, series_start=datetime.date(2026, 1, 1), title="NQ 12"
    )
    Task.objects.create(resolution=resolution, description="Thu đảng phí", lead="Bí thư")
    records_freeze(previous)  # what an adopted meeting's documents print, and a correction of it
    Amendment.objects.create(
        meeting=previous, document="minutes", text="Đính chính.", made_by=staff, made_by_name="Cán bộ xã"
    )

    catalogue_ensure(commune=tree.commune)
    body = Body.objects.get(commune=tree.commune, name="UBND xã Tam Hưng")
    petition = Petition.objects.create(
        branch=tree.branch,
        meeting=meeting,
        raised_on=datetime.date(2026, 12, 5),
        title="Sửa chữa tuyến đường nội thôn",
        category=Category.objects.filter(commune=tree.commune).first(),
        body=body,
        status="forwarded",
        deadline=datetime.date(2026, 12, 25),
        resident_name="Nguyễn Văn Dân",
        resident_phone="0912345678",
        created_by=secretary,
    )
    PetitionEvent.objects.create(petition=petition, kind="recorded", to_status="new", by=secretary)
    PetitionAttachment.objects.create(
        petition=petition,
        file=ContentFile(b"%PDF-1.4\n", name="anh-duong.pdf"),
        name="anh-duong.pdf",
        content_type="application/pdf",
        size=9,
        uploaded_by=secretary,
    )

    # The secretary's inbox message (email too, by their choice) about the meeting.
    ChannelPreference.objects.create(user=secretary, email_enabled=True, phone="0912345678")
    secretary.email = "bi-thu@example.org"
    secretary.save(update_fields=["email"])
    notification_enqueue(
        recipient=secretary,
        kind="test.ping",
        about=meeting,
        dedupe_key=f"test.ping:{meeting.pk}",
        context={"name": "Bí thư", "note": ""},
    )


def project_models() -> list:
    """The project's own models (not Django's, not django-simple-history's historical copies)."""
    return [
        model
        for model in apps.get_models()
        if model.__module__.split(".")[0] in {config.name for config in project_apps()}
        and not hasattr(model, "instance_type")
    ]


def project_apps():
    """The apps whose folder is at the top of this repository (the virtualenv's apps are not ours)."""
    return [config for config in apps.get_app_configs() if Path(config.path).parent == Path(settings.BASE_DIR)]


def snapshot() -> dict[str, list[tuple]]:
    """Every row of every table: a refused request must neither add, change nor delete one."""
    return {
        model._meta.label: list(model._base_manager.order_by("pk").values_list())
        for model in apps.get_models(include_auto_created=True)
    }


# What an insider's GET may write: the access log's new rows (reading classified data is logged),
# and the session Django keeps for the login. Every other table must be left as it was.
GET_WRITES = {AccessLog._meta.label, Session._meta.label}
# Known GETs that still write, each with the reason it is tolerated for now. Remove the entry when
# the page is fixed; never add one for a page of a commune's own data.
GET_WRITES_PENDING: set[str] = set()  # none left: add a label with its reason only to say what is not done yet


# --- Finding values an insider can open -----------------------------------------------------------


def stem(endpoint: Endpoint, parameter: str) -> str:
    """The kind a parameter names: `item_pk` → item; `pk` → the path segment before it."""
    if parameter != "pk":
        word = parameter.removesuffix("_pk").removesuffix("_id")
    else:
        start = next(match.start() for match in PARAMETER.finditer(endpoint.route) if match["name"] == parameter)
        before = endpoint.route[:start]
        word = next((segment for segment in reversed(before.split("/")) if segment and "<" not in segment), "")
    return word.replace("-", "").replace("_", "").lower().removesuffix("s")


def candidates(endpoint: Endpoint, parameter: str, converter: str) -> list:
    if parameter in STRING_PARAMETERS:
        return STRING_PARAMETERS[parameter]()
    if converter != "int":
        return []
    # A route may name a model by another word: /accounts/<pk>/ takes a user's id.
    word = {"account": "user"}.get(stem(endpoint, parameter), stem(endpoint, parameter))

    def likeliness(model) -> tuple:
        name = model.__name__.lower()
        return (name != word, not (word and (word in name or name in word)), model.__name__)

    values: dict[int, None] = {}
    for model in sorted([*project_models(), get_user_model()], key=likeliness):
        values.update(dict.fromkeys(model._base_manager.order_by("pk").values_list("pk", flat=True)))
    return list(values)


def combinations(lists: list[list]) -> Iterator[tuple]:
    """Every combination, those of the likeliest values first."""
    ranked = itertools.product(*(list(enumerate(values)) for values in lists))
    for combination in sorted(ranked, key=lambda pairs: sum(rank for rank, _ in pairs))[:MAX_PROBES]:
        yield tuple(value for _, value in combination)


def request(client: Client, method: str, path: str):
    return client.get(path) if method == "GET" else client.post(path, {})


def rolled_back(client: Client, method: str, path: str):
    """An insider's request leaves nothing behind (GET pages must not write, but some still do).

    A crash is returned, not raised: values of the wrong kind may crash a view that the right
    values open; it is reported only when no values open the URL.
    """
    try:
        with transaction.atomic():
            response = request(client, method, path)
            transaction.set_rollback(True)
    except Exception as error:
        return error
    return response


def private_no_store(response) -> bool:
    directives = {part.strip() for part in response.get("Cache-Control", "").split(",")}
    return {"private", "no-store"} <= directives


def opens(response) -> bool:
    if isinstance(response, Exception):
        return False
    login = resolve_url(settings.LOGIN_URL)
    return response.status_code not in (404, 405) and not (
        response.status_code == 302 and response["Location"].startswith(login)
    )


def insider_values(endpoint: Endpoint, insiders: dict[str, Client]) -> tuple[dict | None, set[str], list[str]]:
    """Values some insider can open this URL with and the methods the URL refuses (405);
    or None and the crashes met on the way."""
    names = [name for name, _ in endpoint.parameters]
    lists = [candidates(endpoint, name, converter) for name, converter in endpoint.parameters]
    crashes: list[str] = []
    for combination in combinations(lists) if all(lists) else ():
        values = dict(zip(names, combination, strict=True))
        path = endpoint.path(values)
        for who, client in insiders.items():
            answers = {method: rolled_back(client, method, path) for method in ("GET", "POST")}
            if any(opens(answer) for answer in answers.values()):
                return values, {method for method, answer in answers.items() if answer.status_code == 405}, []
            crashes += [
                f"{method} {path} as {who} raised {answer!r}"
                for method, answer in answers.items()
                if isinstance(answer, Exception)
            ]
    return None, set(), crashes


# --- The test ------------------------------------------------------------------------------------

OFFICER = "officer of a body of xã Tam Hưng"
# What an officer of a body reads (petitions/access.py): the petitions, and their own account.
OFFICER_READS = {"petitions", "accounts"}


@pytest.fixture
def outsiders(tree) -> dict[str, Client]:
    """People of phường Đức Thắng, and people with no role at all."""
    return {
        "anonymous": Client(),
        "no role": persona("no-role"),
        "commune staff of another commune": persona("duc-thang-staff", RoleKind.COMMUNE_STAFF, tree.other_commune),
        "secretary of another branch": persona("tdp7-secretary", RoleKind.SECRETARY, tree.other_branch),
        "member of another branch": persona(
            "tdp7-member", RoleKind.MEMBER, tree.other_branch, member_of=tree.other_branch
        ),
        # Inside xã Tam Hưng but not of the party's pages: everything but petitions is a 404.
        OFFICER: persona("tam-hung-officer", RoleKind.OFFICER, tree.commune),
    }


@pytest.fixture
def insiders(tree) -> dict[str, Client]:
    """People of xã Tam Hưng, one of each role: between them they can open every page."""
    return {
        "secretary": persona("song-khe-secretary", RoleKind.SECRETARY, tree.branch),
        "staff": persona("tam-hung-staff", RoleKind.COMMUNE_STAFF, tree.commune),
        "leader": persona("tam-hung-leader", RoleKind.LEADER, tree.commune),
        "cadre": persona("song-khe-cadre", RoleKind.CADRE, tree.branch),
        "member": persona("song-khe-member", RoleKind.MEMBER, tree.branch, member_of=tree.branch),
    }


def test_outsiders_get_404_from_every_url_that_takes_an_id(tree, insiders, outsiders, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    with system_scope():
        build_tam_hung(tree, insiders)
        kinds = {model for model in project_models() if model._base_manager.exists()}
    missing = sorted(model._meta.label for model in set(project_models()) - kinds)
    assert not missing, f"Add an object of each of these kinds to build_tam_hung(): {missing}"

    unfillable, cases = [], []
    for endpoint in sorted(set(endpoints(get_resolver())), key=lambda endpoint: endpoint.route):
        with system_scope():
            values, refused, crashes = insider_values(endpoint, insiders)
        if values is None:
            unfillable.append(f"{endpoint.name} /{endpoint.route}" + "".join(f"\n    {crash}" for crash in crashes[:3]))
        else:
            cases.append((endpoint, values, refused))
    assert not unfillable, (
        "These URLs take parameters no insider of xã Tam Hưng can open with any object in the database "
        "(or the insiders' requests crashed, listed below the URL). Create the missing kind of object in "
        "build_tam_hung() (or name a string parameter in STRING_PARAMETERS) so that the outsiders' 404 "
        "means something:\n" + "\n".join(unfillable)
    )
    assert len(cases) > 30, [endpoint.name for endpoint, *_ in cases]  # the walk did find the app's URLs

    # What insiders open is never stored by a browser or proxy (chibo/cache_headers.py).
    stored = [
        f"{endpoint.name} as {who}: {response.get('Cache-Control')!r}"
        for endpoint, values, refused in cases
        if "GET" not in refused and endpoint.name not in OWN_CACHING
        for who, client in insiders.items()
        if not isinstance(response := rolled_back(client, "GET", endpoint.path(values)), Exception)
        and response.status_code == 200
        and not private_no_store(response)
    ]
    assert not stored, "Pages a signed-in user opens must answer Cache-Control: private, no-store:\n" + "\n".join(
        stored
    )

    with system_scope():
        before = snapshot()
    login = resolve_url(settings.LOGIN_URL)
    wrong = []
    for endpoint, values, refused in cases:
        path = endpoint.path({**values, **{k: v for k, v in SECRET_PARAMETERS.items() if k in values}})
        for who, client in outsiders.items():
            if who == OFFICER and endpoint.name.split(":")[0] in OFFICER_READS:
                continue
            for method in ("GET", "POST"):
                try:
                    response = request(client, method, path)
                except Exception as error:  # a crash is a failure to refuse, listed with the others
                    wrong.append(f"{method} {path} ({endpoint.name}) as {who}: raised {error!r}")
                    continue
                status = response.status_code
                expected = {404, 405} if method in refused else {404}
                if who == "anonymous" and status == 302:
                    ok = response["Location"].startswith(f"{login}?")
                else:
                    ok = status in expected
                if not ok:
                    location = f" → {response['Location']}" if response.has_header("Location") else ""
                    wrong.append(f"{method} {path} ({endpoint.name}) as {who}: {status}{location}")
    with system_scope():
        after = snapshot()

    written = [label for label in before if before[label] != after[label]]
    assert not wrong, f"{len(wrong)} outsider requests were not refused with 404:\n" + "\n".join(wrong)
    assert not written, f"Outsiders' requests wrote to: {written}"


def test_the_communes_own_staff_and_members_write_nothing_with_a_get(tree, insiders, settings, tmp_path):
    """Insiders' GETs, on every URL (with the values that open it) and every URL without values,
    change no row but the access log's own (issue 21: opening a commune's petition catalogue
    for the first time created its defaults). The staff also keep xã Hòa Bình, a commune created
    before communes came with a catalogue: each URL that names xã Tam Hưng is opened for it too."""
    settings.MEDIA_ROOT = tmp_path
    with system_scope():
        build_tam_hung(tree, insiders)
        province = Organization.objects.get(pk=tree.province.pk)
        bare = Organization.objects.add_child(
            province, create_kwargs={"name": "Đảng bộ xã Hòa Bình", "kind": OrganizationKind.COMMUNE, "code": "hb"}
        )
        give_role(insiders["staff"].user, RoleKind.COMMUNE_STAFF, bare)
        forget_roles(insiders["staff"].user)
        assert not Category.objects.filter(commune=bare).exists()
        cases = []
        for endpoint in sorted(set(endpoints(get_resolver())), key=lambda endpoint: endpoint.route):
            values, refused, _crashes = insider_values(endpoint, insiders)
            if values is not None and "GET" not in refused:
                cases.append((endpoint, values))
                if tree.commune.pk in values.values():
                    cases.append((endpoint, {k: bare.pk if v == tree.commune.pk else v for k, v in values.items()}))
        cases += [(endpoint, {}) for endpoint in endpoints(get_resolver(), plain=True)]
        before = snapshot()
        logged = AccessLog.objects.count()
    assert len(cases) > 60, len(cases)

    crashed = []
    for endpoint, values in cases:
        path = endpoint.path(values)
        for who, client in insiders.items():
            try:
                client.get(path)
            except Exception as error:
                crashed.append(f"GET {path} ({endpoint.name}) as {who}: raised {error!r}")
    with system_scope():
        after = snapshot()
        kept_log = before[AccessLog._meta.label] == after[AccessLog._meta.label][:logged]
    tolerated = GET_WRITES | GET_WRITES_PENDING
    written = [label for label in before if label not in tolerated and before[label] != after[label]]
    assert not crashed, "\n".join(crashed)
    assert not written, f"Insiders' GETs wrote to: {written}"
    assert kept_log, "An insider's GET changed or removed access log entries"

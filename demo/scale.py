"""A generated province for measuring the pages at scale (``manage.py seed_scale``).

Communes of 20–40 branches; branches of 9–300 members with the seed articles' spread (most
15–30, a few residential branches of 160–300, one of exactly 300 when there are enough
members); twelve months (or ``months``) of meetings: the regular one each month, a thematic
one each quarter (often combined), the roll of every held meeting, minutes with a score, the
assigned cadre as the expected guest, the default agenda. Users at every level: the
province's leader, each commune's staff and leader, each branch's secretary.

Fast: rows are written in bulk (PostgreSQL ``COPY``, ``bulk_create`` elsewhere), ids are
reserved up front so rows refer to each other without reading back, and the materialised
paths of the tree are computed directly (treebeard's own step encoding). Columns this module
does not fill take the model field's default, so a field added later does not break it.

Idempotent: everything hangs under one root organisation with the code ``scale-root`` and
every login starts with ``scale-``. A second run finds the root and builds nothing; with
``rebuild`` it deletes what it built (only rows under that root) and builds again. The whole
build is one transaction: an interrupted run leaves nothing behind.

No history rows are written (simple_history): the seed is not an edit anybody made.
"""

from __future__ import annotations

import datetime
import io
import json
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import connection, models, transaction
from django.utils import timezone

from meetings.models import (
    AgendaItem,
    Attendance,
    CadreAssignment,
    Guest,
    Meeting,
    Minutes,
)
from meetings.models.agenda import DEFAULT_AGENDA
from members.access import subtree_q
from members.models import (
    BranchType,
    Member,
    MemberStatus,
    Organization,
    OrganizationKind,
    Position,
    PositionKind,
    Role,
    RoleKind,
    Sex,
)
from members.text import search_key

from .names import NORTH, draw_name

# Tables the seed fills (vacuumed and analysed at the end on PostgreSQL).
SEEDED = (Organization, Member, Position, Role, CadreAssignment, Meeting, AgendaItem, Guest, Attendance, Minutes)
ROOT_CODE = "scale-root"
PREFIX = "scale-"
# Printed by the command: it guards generated data on development machines only.
SCALE_PASSWORD = "chibo-scale-2026"  # noqa: S105
SEED = 20260101
MIN_BRANCH, MAX_BRANCH = 9, 300
CADRES_PER_COMMUNE = 5
BATCH = 20_000
CADRE_TITLES = (
    "Bí thư Đảng ủy xã",
    "Phó Bí thư Thường trực Đảng ủy",
    "Chủ tịch UBND xã",
    "Chủ tịch Ủy ban MTTQ xã",
    "Trưởng Ban Xây dựng Đảng",
)
VILLAGE_TYPES = (BranchType.VILLAGE, BranchType.RESIDENTIAL, BranchType.VILLAGE, BranchType.KHOM, BranchType.SCHOOL)


# --- Bulk writing --------------------------------------------------------------------------


def _text_value(value) -> str:
    """One value in PostgreSQL's COPY text format."""
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, dict | list):
        value = json.dumps(value, ensure_ascii=False)
    return str(value).replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


class Writer:
    """Rows of one model, given as tuples of some of its columns, written in batches."""

    def __init__(self, model: type[models.Model], columns: Sequence[str]):
        self.model = model
        self.columns = list(columns)
        by_column = {f.column: f for f in model._meta.concrete_fields}
        unknown = set(self.columns) - set(by_column)
        if unknown:
            raise ValueError(f"{model.__name__} has no columns {sorted(unknown)}")
        # Every other column (but the id) gets its field's default, evaluated once.
        self.extra = [
            (f.column, f.attname, _default(f))
            for f in model._meta.concrete_fields
            if f.column not in self.columns and not f.primary_key and f.column in _table_columns(model)
        ]
        self.attnames = [by_column[c].attname for c in self.columns]
        self.rows: list[tuple] = []
        self.written = 0

    def add(self, row: tuple) -> None:
        self.rows.append(row)
        if len(self.rows) >= BATCH:
            self.flush()

    def flush(self) -> None:
        if not self.rows:
            return
        if connection.vendor == "postgresql":
            self._copy()
        else:
            extra = {attname: value for _, attname, value in self.extra}
            self.model._default_manager.bulk_create(
                [self.model(**extra, **dict(zip(self.attnames, row, strict=True))) for row in self.rows],
                batch_size=500,
            )
        self.written += len(self.rows)
        self.rows = []

    def _copy(self) -> None:
        tail = tuple(value for _, _, value in self.extra)
        buffer = io.StringIO()
        for row in self.rows:
            buffer.write("\t".join(_text_value(v) for v in (*row, *tail)))
            buffer.write("\n")
        buffer.seek(0)
        columns = ", ".join(f'"{c}"' for c in (*self.columns, *(c for c, _, _ in self.extra)))
        with connection.cursor() as cursor:
            cursor.cursor.copy_expert(f'COPY "{self.model._meta.db_table}" ({columns}) FROM STDIN', buffer)


def _table_columns(model: type[models.Model]) -> set[str]:
    """Columns the table has now (a field whose migration is not applied yet is left out)."""
    with connection.cursor() as cursor:
        return {c.name for c in connection.introspection.get_table_description(cursor, model._meta.db_table)}


def _default(f: models.Field):
    if f.has_default():
        return f.get_default()
    if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
        return timezone.now()
    if f.null:
        return None
    if isinstance(f, models.CharField | models.TextField):
        return ""
    raise ValueError(f"{f.model.__name__}.{f.name} needs a value: the scale seed does not fill it")


def reserve_ids(model: type[models.Model], count: int) -> list[int]:
    """Ids for ``count`` new rows, so rows can refer to each other before they are written."""
    if count == 0:
        return []
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, count]
            )
            return [row[0] for row in cursor.fetchall()]
        cursor.execute(f'SELECT COALESCE(MAX(id), 0) FROM "{table}"')  # noqa: S608 - table from the model
        start = cursor.fetchone()[0] + 1
    return list(range(start, start + count))


# --- The plan ------------------------------------------------------------------------------


def branch_sizes(rng: random.Random, members: int, branches: int) -> list[int]:
    """Members per branch: most 15–30, some 9–14 and 31–80, a few 160–300; summing to ``members``."""
    if branches * MIN_BRANCH > members or branches * MAX_BRANCH < members:
        raise ValueError(f"{members} members cannot fill {branches} branches of {MIN_BRANCH}–{MAX_BRANCH}")
    sizes = []
    for _ in range(branches):
        roll = rng.random()
        if roll < 0.15:
            sizes.append(rng.randint(9, 14))
        elif roll < 0.85:
            sizes.append(rng.randint(15, 30))
        elif roll < 0.95:
            sizes.append(rng.randint(31, 80))
        else:
            sizes.append(rng.randint(160, 300))
    scale = members / sum(sizes)
    sizes = [min(MAX_BRANCH, max(MIN_BRANCH, round(s * scale))) for s in sizes]
    # The largest branch of the articles (over 300 at Tổ dân phố số 7) when the total allows it.
    if members - MAX_BRANCH >= (branches - 1) * MIN_BRANCH:
        sizes[sizes.index(max(sizes))] = MAX_BRANCH
    diff = members - sum(sizes)
    order = list(range(branches))
    while diff:
        rng.shuffle(order)
        for i in order:
            if diff == 0:
                break
            if diff > 0 and sizes[i] < MAX_BRANCH - 1 and sizes[i] != MAX_BRANCH:
                sizes[i] += 1
                diff -= 1
            elif diff < 0 and MIN_BRANCH < sizes[i] < MAX_BRANCH:
                sizes[i] -= 1
                diff += 1
    return sizes


def commune_sizes(rng: random.Random, branches: int) -> list[int]:
    """Branches per commune: 20–40 each (fewer only when the province is tiny)."""
    sizes = []
    left = branches
    while left:
        n = min(left, rng.randint(20, 40))
        sizes.append(n)
        left -= n
    return sizes


def month_starts(today: datetime.date, months: int) -> list[datetime.date]:
    """The first days of the last ``months`` months, the current month last."""
    firsts = []
    year, month = today.year, today.month
    for _ in range(months):
        firsts.append(datetime.date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return firsts[::-1]


@dataclass
class Login:
    username: str
    role: str
    organization: str


@dataclass
class Built:
    organizations: int = 0
    members: int = 0
    users: int = 0
    meetings: int = 0
    marks: int = 0
    logins: list[Login] = field(default_factory=list)
    skipped: bool = False


# --- Building ------------------------------------------------------------------------------


def existing_root() -> Organization | None:
    return Organization.objects.filter(code=ROOT_CODE).first()


def scale_counts(root: Organization) -> dict[str, int]:
    under = subtree_q([root], prefix="branch__")
    return {
        "branches": Organization.objects.filter(subtree_q([root]), kind=OrganizationKind.BRANCH).count(),
        "members": Member.objects.filter(under).count(),
        "meetings": Meeting.objects.filter(under).count(),
    }


def scale_delete(root: Organization, say: Callable[[str], None]) -> None:
    """Delete what a previous run built: rows under the root and the ``scale-`` logins.

    What other apps wrote about the generated province since (history rows of roll taps, access
    log entries, notifications, summaries…) refers to these rows too: nullable references are
    cleared, other rows that point at them are deleted, found by walking every model's foreign
    keys, so a page added later does not make ``--rebuild`` fail."""
    path = root.path + "%"
    user_model = get_user_model()
    branch_ids = "SELECT id FROM members_organization WHERE path LIKE %s"
    meeting_ids = f"SELECT id FROM meetings_meeting WHERE branch_id IN ({branch_ids})"  # noqa: S608
    member_ids = f"SELECT id FROM members_member WHERE branch_id IN ({branch_ids})"  # noqa: S608
    user_ids = f'SELECT id FROM "{user_model._meta.db_table}" WHERE username LIKE %s'  # noqa: S608
    agenda_ids = f"SELECT id FROM meetings_agendaitem WHERE meeting_id IN ({meeting_ids})"  # noqa: S608
    speech = AgendaItem._meta.get_field("speeches").related_model
    owned = [
        (Attendance, f"meeting_id IN ({meeting_ids})"),
        (Guest, f"meeting_id IN ({meeting_ids})"),
        (Minutes, f"meeting_id IN ({meeting_ids})"),
        (speech, f"agenda_item_id IN ({agenda_ids})"),
        (AgendaItem, f"meeting_id IN ({meeting_ids})"),
        (Meeting, f"branch_id IN ({branch_ids})"),
        (CadreAssignment, f"branch_id IN ({branch_ids})"),
        (Position, f"branch_id IN ({branch_ids})"),
        (Role, f"organization_id IN ({branch_ids})"),
        (Member, f"branch_id IN ({branch_ids})"),
    ]
    targets = {Meeting: meeting_ids, Member: member_ids, Organization: branch_ids, user_model: user_ids}
    skip = {model for model, _ in owned} | set(targets)
    with connection.cursor() as cursor:

        def run(sql: str, target) -> int:
            cursor.execute(sql, [PREFIX + "%"] if target is user_model else [path])
            return cursor.rowcount

        for model in apps.get_models(include_auto_created=True):
            if model in skip:
                continue
            for f in model._meta.concrete_fields:
                target = f.related_model if f.is_relation and f.many_to_one else None
                if target not in targets or not getattr(f, "db_constraint", True):
                    continue
                table, column, ids = model._meta.db_table, f.column, targets[target]
                if f.null:
                    sql = f'UPDATE "{table}" SET "{column}" = NULL WHERE "{column}" IN ({ids})'  # noqa: S608
                else:
                    sql = f'DELETE FROM "{table}" WHERE "{column}" IN ({ids})'  # noqa: S608
                if count := run(sql, target):
                    say(f"  {model._meta.label}.{f.name}: {count} rows cleared or deleted")
        for model, where in owned:
            cursor.execute(f'DELETE FROM "{model._meta.db_table}" WHERE {where}', [path])  # noqa: S608
            say(f"  deleted {cursor.rowcount} {model._meta.verbose_name_plural}")
        run(f'DELETE FROM "{user_model._meta.db_table}" WHERE username LIKE %s', user_model)  # noqa: S608
        cursor.execute(f"DELETE FROM members_organization WHERE path LIKE %s AND id <> {root.pk}", [path])  # noqa: S608
        cursor.execute("DELETE FROM members_organization WHERE id = %s", [root.pk])


def seed_scale(
    *,
    members: int,
    branches: int,
    months: int,
    today: datetime.date,
    rebuild: bool = False,
    say: Callable[[str], None] = lambda text: None,
) -> Built:
    """Build the province (see the module docstring). Runs inside ``system_scope()``."""
    built = Built()
    root = existing_root()
    if root is not None and not rebuild:
        counts = scale_counts(root)
        say(
            f"The province {root.name} exists already ({counts['branches']} branches, {counts['members']} members, "
            f"{counts['meetings']} meetings): nothing built. Use --rebuild to build it again."
        )
        built.skipped = True
        built.logins = _logins_of(root)
        return built
    with transaction.atomic():
        if root is not None:
            say("Deleting the previous province…")
            scale_delete(root, say)
        _build(built, members=members, branches=branches, months=months, today=today, say=say)
    if connection.vendor == "postgresql" and connection.get_autocommit():
        # Outside the transaction: fresh statistics, and the visibility map that lets counts read
        # an index only (index-only scans) instead of every row.
        say("  VACUUM ANALYZE…")
        with connection.cursor() as cursor:
            for model in SEEDED:
                cursor.execute(f'VACUUM ANALYZE "{model._meta.db_table}"')
    return built


def _logins_of(root: Organization) -> list[Login]:
    """The province's logins, one per kind (the secretary of the largest branch), for a run that built nothing."""
    found = []
    largest = largest_branch(root)
    for kind in (RoleKind.LEADER, RoleKind.COMMUNE_STAFF, RoleKind.SECRETARY):
        roles = Role.objects.filter(subtree_q([root], prefix="organization__"), kind=kind)
        if kind == RoleKind.SECRETARY and largest is not None:
            roles = roles.filter(organization=largest)
        role = (
            roles.filter(user__username__startswith=PREFIX)
            .select_related("user", "organization")
            .order_by("organization__path")
            .first()
        )
        if role:
            suffix = " (largest)" if kind == RoleKind.SECRETARY else ""
            found.append(Login(role.user.username, kind, role.organization.name + suffix))
    return found


@dataclass
class _Branch:
    id: int
    path: str
    name: str
    commune: int  # index of its commune
    size: int
    meeting_day: int
    member_ids: list[int] = field(default_factory=list)
    secretary_user: int = 0
    cadre: int = 0  # member id of the assigned cadre
    cadre_title: str = ""


def _build(built: Built, *, members: int, branches: int, months: int, today: datetime.date, say) -> None:
    rng = random.Random(SEED)
    started = timezone.now()
    tz = timezone.get_current_timezone()
    sizes = branch_sizes(rng, members, branches)
    communes = commune_sizes(rng, branches)

    # 1. The tree: one root, communes, branches; paths in treebeard's encoding.
    roots = Organization.get_root_nodes()
    last_root = roots.order_by("-path").first()
    root_step = (Organization._str2int(last_root.path) + 1) if last_root else 1
    root_path = Organization._get_path(None, 1, root_step)
    org_ids = reserve_ids(Organization, 1 + len(communes) + branches)
    orgs = Writer(
        Organization,
        ["id", "path", "depth", "numchild", "name", "kind", "code", "address", "branch_type", "meeting_place",
         "meeting_day"],
    )  # fmt: skip
    root_id = org_ids[0]
    orgs.add((root_id, root_path, 1, len(communes), "Đảng bộ Tỉnh Quy Mô", OrganizationKind.PROVINCE, ROOT_CODE,
              "Tỉnh Quy Mô", "", "", None))  # fmt: skip
    commune_rows = []  # (id, name)
    branch_list: list[_Branch] = []
    next_id = 1
    b = 0
    for c, count in enumerate(communes):
        cid = org_ids[next_id]
        next_id += 1
        cpath = Organization._get_path(root_path, 2, c + 1)
        cname = f"Đảng bộ xã Quy Mô {c + 1:03d}"
        commune_rows.append((cid, cname))
        orgs.add((cid, cpath, 2, count, cname, OrganizationKind.COMMUNE, f"{PREFIX}c{c + 1:03d}",
                  f"xã Quy Mô {c + 1:03d}, Tỉnh Quy Mô", "", "", None))  # fmt: skip
        for k in range(count):
            bid = org_ids[next_id]
            next_id += 1
            if k == 0:
                name, btype = f"Chi bộ Cơ quan Đảng ủy xã Quy Mô {c + 1:03d}", BranchType.AGENCY
            else:
                btype = VILLAGE_TYPES[k % len(VILLAGE_TYPES)]
                label = {BranchType.RESIDENTIAL: "Tổ dân phố", BranchType.KHOM: "Khóm", BranchType.SCHOOL: "Trường"}
                name = f"Chi bộ {label.get(btype, 'Thôn')} {k:02d} xã {c + 1:03d}"
            day = rng.randint(1, 25)
            branch = _Branch(bid, Organization._get_path(cpath, 3, k + 1), name, c, sizes[b], day)
            branch_list.append(branch)
            orgs.add((bid, branch.path, 3, 0, name, OrganizationKind.BRANCH, f"{PREFIX}b{b + 1:05d}",
                      f"xã Quy Mô {c + 1:03d}", btype, f"Nhà văn hóa {name[7:]}", day))  # fmt: skip
            b += 1
    orgs.flush()
    built.organizations = orgs.written
    say(f"  organisations: {orgs.written} ({len(communes)} communes, {branches} branches)")

    # 2. Users: the leader, each commune's staff and leader, each branch's secretary.
    password = make_password(SCALE_PASSWORD)
    user_ids = reserve_ids(get_user_model(), 1 + 2 * len(communes) + branches)
    users = Writer(get_user_model(), ["id", "username", "password", "first_name", "email", "is_active", "date_joined"])
    roles = Writer(Role, ["user_id", "kind", "organization_id"])
    u = iter(user_ids)

    def add_user(username: str, name: str, kind: str, org_id: int) -> int:
        uid = next(u)
        users.add((uid, username, password, name, f"{username}@example.invalid", True, started))
        roles.add((uid, kind, org_id))
        return uid

    add_user(f"{PREFIX}leader", "Lãnh đạo tỉnh", RoleKind.LEADER, root_id)
    built.logins.append(Login(f"{PREFIX}leader", RoleKind.LEADER, "Đảng bộ Tỉnh Quy Mô"))
    for c, (cid, cname) in enumerate(commune_rows):
        add_user(f"{PREFIX}c{c + 1:03d}-staff", f"Văn phòng {cname}", RoleKind.COMMUNE_STAFF, cid)
        add_user(f"{PREFIX}c{c + 1:03d}-leader", f"Lãnh đạo {cname}", RoleKind.LEADER, cid)
    built.logins.append(Login(f"{PREFIX}c001-staff", RoleKind.COMMUNE_STAFF, commune_rows[0][1]))
    built.logins.append(Login(f"{PREFIX}c001-leader", RoleKind.LEADER, commune_rows[0][1]))
    for i, branch in enumerate(branch_list):
        branch.secretary_user = add_user(f"{PREFIX}b{i + 1:05d}-sec", "Bí thư", RoleKind.SECRETARY, branch.id)
    largest = max(branch_list, key=lambda br: br.size)
    built.logins.append(
        Login(f"{PREFIX}b{branch_list.index(largest) + 1:05d}-sec", RoleKind.SECRETARY, largest.name + " (largest)")
    )
    users.flush()
    roles.flush()
    built.users = users.written
    say(f"  users: {users.written}")

    # 3. Members, positions; the first members of each commune's agency branch are its cadres.
    member_ids = reserve_ids(Member, members)
    people = Writer(
        Member,
        ["id", "full_name", "name_key", "date_of_birth", "sex", "ethnicity", "citizen_id", "party_card_number",
         "admitted_on", "full_member_on", "status", "branch_id", "joined_branch_on", "exempt_since", "exempt_reason",
         "temporarily_attached", "phone", "residence", "workplace", "user_id"],
    )  # fmt: skip
    positions = Writer(Position, ["member_id", "branch_id", "kind", "started_on"])
    statuses: dict[int, tuple[str, bool]] = {}  # member id -> (category, exempt)
    m = 0
    cadres_of: dict[int, list[tuple[int, str]]] = {}
    term_start = datetime.date(today.year - 2, 9, 1)
    for branch in branch_list:
        for k in range(branch.size):
            mid = member_ids[m]
            m += 1
            sex = Sex.FEMALE if rng.random() < 0.35 else Sex.MALE
            full_name, _, _ = draw_name(rng, NORTH, sex)
            born = datetime.date(rng.randint(1945, 2000), rng.randint(1, 12), rng.randint(1, 28))
            admitted = datetime.date(min(today.year - 1, born.year + rng.randint(20, 40)), rng.randint(1, 12), 1)
            probationary = k > 2 and rng.random() < 0.03
            if probationary:
                admitted = today - datetime.timedelta(days=rng.randint(30, 300))
            exempt = k > 2 and not probationary and born.year < 1950 and rng.random() < 0.5
            attached = k > 2 and not probationary and not exempt and rng.random() < 0.02
            status = MemberStatus.PROBATIONARY if probationary else MemberStatus.FULL
            full_on = None if probationary else admitted + datetime.timedelta(days=365)
            user_id = branch.secretary_user if k == 0 else None
            people.add((
                mid, full_name, search_key(full_name), born, sex, "Kinh", f"001{m:09d}", f"QM{m:08d}",
                admitted, full_on, status, branch.id, admitted, datetime.date(today.year - 3, 1, 1) if exempt else None,
                "Tuổi cao, sức yếu" if exempt else "", attached, f"09{m:08d}",
                f"Số {k + 1}, {branch.name[7:]}", "", user_id,
            ))  # fmt: skip
            branch.member_ids.append(mid)
            statuses[mid] = ("attached" if attached else status, exempt)
            if k == 0:
                positions.add((mid, branch.id, PositionKind.SECRETARY, term_start))
            elif k == 1 and branch.size >= 9:
                positions.add((mid, branch.id, PositionKind.DEPUTY, term_start))
            elif k in (2, 3) and branch.size >= 9:
                positions.add((mid, branch.id, PositionKind.COMMITTEE, term_start))
        if branch.name.startswith("Chi bộ Cơ quan"):
            cadres_of[branch.commune] = [
                (mid, CADRE_TITLES[i % len(CADRE_TITLES)])
                for i, mid in enumerate(branch.member_ids[:CADRES_PER_COMMUNE])
            ]
        if m % 20_000 < branch.size:
            say(f"  members: {m}/{members}")
    people.flush()
    positions.flush()
    built.members = people.written
    say(f"  members: {people.written}, positions: {positions.written}")

    assignments = Writer(CadreAssignment, ["cadre_id", "title", "branch_id", "started_on"])
    for i, branch in enumerate(branch_list):
        cadre, title = cadres_of[branch.commune][i % len(cadres_of[branch.commune])]
        branch.cadre, branch.cadre_title = cadre, title
        assignments.add((cadre, title, branch.id, term_start))
    assignments.flush()
    names = dict(Member.objects.filter(pk__in=[br.cadre for br in branch_list]).values_list("pk", "full_name"))

    # 4. Meetings, agenda, roll, guests, minutes, month by month.
    firsts = month_starts(today, months)
    meetings = Writer(
        Meeting,
        ["id", "branch_id", "kind", "month", "planned_start", "planned_end", "actual_start", "actual_end", "place",
         "topic", "chair_id", "minute_taker_id", "status", "notice_sent_at", "materials_posted_at",
         "minutes_adopted_at", "created_at"],
    )  # fmt: skip
    agenda = Writer(AgendaItem, ["meeting_id", "position", "title", "kind", "planned_minutes"])
    marks = Writer(Attendance, ["meeting_id", "member_id", "mark", "reason", "category", "marked_by_id", "marked_at"])
    guests = Writer(Guest, ["meeting_id", "cadre_id", "name", "title", "expected", "attended"])
    minutes = Writer(
        Minutes,
        ["meeting_id", "votes_for", "votes_against", "votes_abstain", "score_total", "score_level", "version",
         "updated_by_id"],
    )  # fmt: skip
    mark_choices = ("present", "late", "left_early", "excused", "unexcused")
    mark_weights = (85, 3, 1, 8, 3)
    for month in firsts:
        current = month.year == today.year and month.month == today.month
        quarter_month = month.month % 3 == 2
        plans = []  # (branch, kind, day)
        for branch in branch_list:
            if not current and rng.random() < 0.04:
                continue  # a branch that did not meet this month: what the flags are for
            kind = "regular"
            if quarter_month:
                roll = rng.random()
                if roll < 0.6:
                    kind = "combined"
                elif roll < 0.9:
                    plans.append((branch, "thematic", min(28, branch.meeting_day + 2)))
            plans.append((branch, kind, branch.meeting_day))
        ids = reserve_ids(Meeting, len(plans))
        for mid, (branch, kind, day) in zip(ids, plans, strict=True):
            start = datetime.datetime(month.year, month.month, day, 19, 30, tzinfo=tz)
            held = start.date() < today
            length = 130 if kind == "combined" else 95
            end = start + datetime.timedelta(minutes=length)
            if held:
                actual_end = start + datetime.timedelta(minutes=length + rng.randint(-25, 20))
                # This month's minutes are still open (the roll can be corrected); earlier ones adopted.
                status = "held" if current or rng.random() < 0.1 else "adopted"
            else:
                actual_end = None
                status = "notice_sent" if (start.date() - today).days < 7 else "draft"
            notice = start - datetime.timedelta(days=5) if status != "draft" else None
            topic = "Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh" if kind != "regular" else ""
            chair = branch.member_ids[0] if held else None
            taker = branch.member_ids[min(2, branch.size - 1)] if held else None
            meetings.add((
                mid, branch.id, kind, month, start, end, start if held else None, actual_end,
                f"Nhà văn hóa {branch.name[7:]}", topic, chair, taker, status, notice, notice,
                actual_end if status == "adopted" else None, start - datetime.timedelta(days=10),
            ))  # fmt: skip
            for position, item in enumerate(DEFAULT_AGENDA):
                agenda.add((mid, position, item["title"], item["kind"], item["minutes"]))
            guest_came = held and rng.random() < 0.8
            guests.add((mid, branch.cadre, names[branch.cadre], branch.cadre_title, True, guest_came if held else None))
            if not held:
                continue
            present = 0
            for member in branch.member_ids:
                category, exempt = statuses[member]
                if exempt and rng.random() < 0.9:
                    continue
                mark = rng.choices(mark_choices, mark_weights)[0]
                present += mark in ("present", "late", "left_early")
                reason = "Ốm" if mark == "excused" else ""
                marks.add((mid, member, mark, reason, category, branch.secretary_user, actual_end))
            score = rng.randint(55, 98)
            level = "good" if score >= 90 else "fair" if score >= 70 else "average"
            minutes.add((mid, present, 0, 0, score, level, 1, branch.secretary_user))
        meetings.flush()
        for writer in (agenda, guests, marks, minutes):
            writer.flush()
        say(f"  {month:%m/%Y}: {len(plans)} meetings, {marks.written} roll marks so far")
    built.meetings = meetings.written
    built.marks = marks.written
    say(f"  done in {(timezone.now() - started).total_seconds():.0f} s")


def largest_branch(root: Organization) -> Organization:
    """The branch with the most members under the root (the benchmark's secretary keeps it)."""
    return (
        Organization.objects.filter(subtree_q([root]), kind=OrganizationKind.BRANCH)
        .annotate(size=models.Count("members"))
        .order_by("-size", "path")
        .first()
    )

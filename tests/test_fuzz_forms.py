"""Every form, fuzzed (issue 22): hostile values in every field, as the person who may use the form.

The URL walk (tests/test_url_walk.py) builds xã Tam Hưng with an object of every kind and finds,
for every URL, values an insider can open it with. This test opens each of those pages (and the
pages without values) as each insider, reads every ``<form method="post">`` on them, and posts the
form as the page would, one field at a time replaced by a value of each class below:

- text: the form's bound + 1 and 1 MB, NUL and control characters, digits that are not 0-9
  ("²", "١٢", "１２"), bidirectional and zero-width controls, HTML;
- dates: 01/01/0001 and 31/12/9999 (and in Arabic-Indic digits);
- ids, numbers and choices: "²", "١٢", "１２", a number no column holds, NUL.

Each post runs in a savepoint that is rolled back, so every post starts from the same world.
Checked: no answer is a 500 (or a crash); a refused post (4xx, the form again with its errors, or
an error message) changes no row; an accepted post stores no text over members.text.LONG_TEXT_MAX,
and the pages that show what it changed (and the page it leads to) still answer below 500.

The corpus is fixed (no random search), so the test runs in about the same time everywhere.
"""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import lxml.html
import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.messages import constants as levels
from django.contrib.sessions.models import Session
from django.db import connection, models, transaction
from django.test import Client
from django.urls import get_resolver

from members.models import AccessLog, RoleKind
from members.text import LONG_TEXT_MAX
from petitions.models import Body

from .test_url_walk import STRING_PARAMETERS, build_tam_hung, client_for, endpoints, persona, project_models, stem

pytestmark = pytest.mark.system_scope

# --- The corpus ------------------------------------------------------------------------------------

MEGABYTE = "a" * 1_000_000
CONTROLS = "Nguyễn\x00Văn\x01\x08\x0b\x1b\x7f\x85An"
OTHER_DIGITS = ["²", "١٢", "１２"]  # superscript, Arabic-Indic, full-width: str.isdigit() says yes
BIDI = "\u202eNguyễn\u200bVăn\u2066An\u200f"
HTML = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def text_values(bound: int | None) -> list[tuple[str, str]]:
    over = (bound or LONG_TEXT_MAX) + 1
    return [
        ("bound + 1", "a" * over),
        ("1 MB", MEGABYTE),
        ("controls", CONTROLS),
        ("digits", " ".join(OTHER_DIGITS)),
        ("bidi", BIDI),
        ("html", HTML),
    ]


# Each in one date field at a time (the others as the page has them, so it reaches the view's checks).
DATE_VALUES = [("year 1", "01/01/0001"), ("year 9999", "31/12/9999")]
MONTH_VALUES = [("year 1", "01/0001"), ("year 9999", "12/9999")]
# In every date field at once.
ALL_DATES_VALUES = [("iso year 1", "0001-01-01"), ("digits", "٠٥/١٢/٢٠٢٦")]
ALL_MONTHS_VALUES = [("digits", "١٢/٢٠٢٦")]
TIME_VALUES = [("digits", "١٩:٣٠"), ("controls", "19:30\x00")]
CHOICE_VALUES = [*(("digits", digits) for digits in OTHER_DIGITS), ("huge", "9" * 30), ("controls", "1\x00")]

# Forms this test leaves alone: signing out (the persona would be signed out for the rest of the
# run), the language switch, and the sign-in forms, whose bounds tests/test_bad_input_requests.py
# checks (a refused sign-in is recorded by django-axes, by design).
SKIPPED_ACTIONS = ("/logout/", "/i18n/", "/login/", "/admin/")
# What any request may write: the access log's new rows (reading classified data is logged) and
# the session Django keeps for the login.
ALWAYS_WRITTEN = {AccessLog._meta.db_table, Session._meta.db_table}
# How many of the pages that show what an accepted post changed are opened again.
PAGES_AFTER = 3
ERROR_MARKERS = ("is-invalid", "invalid-feedback", "errorlist", "alert-danger")


@dataclass
class Field:
    name: str
    kind: str  # text, date, month, time, choice
    bound: int | None = None


@dataclass
class Form:
    who: str
    page: str
    action: str
    data: list[tuple[str, str]]  # what the page posts
    fields: list[Field]


# --- Reading the forms of a page -------------------------------------------------------------------


def field_kind(element) -> str | None:
    tag = element.tag
    if tag == "textarea":
        return "text"
    if tag == "select":
        return "choice"
    if tag != "input":
        return None
    kind = (element.get("type") or "text").lower()
    if kind in ("submit", "button", "reset", "image", "file"):
        return None
    if element.get("data-typed") in ("date", "month", "time"):
        return element.get("data-typed")
    if kind in ("text", "email", "tel", "search", "url", "password"):
        return "text"
    return "choice"  # hidden, number, checkbox, radio


def read_forms(who: str, page: str, html: str) -> list[Form]:
    found = []
    document = lxml.html.fromstring(html)
    for form in document.forms:
        if (form.method or "GET").upper() != "POST":
            continue
        action = urlsplit(urljoin(page, form.get("action") or page))
        path = action.path + (f"?{action.query}" if action.query else "")
        if action.netloc or any(path.startswith(prefix) for prefix in SKIPPED_ACTIONS):
            continue
        data = [(name, value) for name, value in form.form_values()]
        # The first named submit button, as a click on it sends it.
        button = next(
            (b for b in form.xpath(".//button[@name]|.//input[@type='submit'][@name]")),
            None,
        )
        if button is not None:
            data.append((button.get("name"), button.get("value") or ""))
        fields, seen = [], set()
        for element in form.inputs:
            name = element.get("name")
            kind = field_kind(element)
            if not name or kind is None or name in seen or name == "csrfmiddlewaretoken":
                continue
            seen.add(name)
            bound = element.get("maxlength")
            fields.append(Field(name, kind, int(bound) if bound and bound.isdigit() else None))
        found.append(Form(who, page, path, data, fields))
    return found


def cases(form: Form):
    """(label, data) for every field and every value of its class."""
    for field in form.fields:
        values = {
            "text": text_values(field.bound),
            "date": DATE_VALUES,
            "month": MONTH_VALUES,
            "time": TIME_VALUES,
            "choice": CHOICE_VALUES,
        }[field.kind]
        for label, value in values:
            data = [(name, old) for name, old in form.data if name != field.name]
            yield f"{field.name}={label}", [*data, (field.name, value)]


# --- What the database holds -----------------------------------------------------------------------


def tables() -> list[str]:
    names = {model._meta.db_table for model in apps.get_models(include_auto_created=True)}
    return sorted(names - ALWAYS_WRITTEN)


def fingerprint(names: list[str]) -> dict[str, str]:
    """A digest of every row of every table but the access log and the sessions: one query."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Table names come from the models, quoted: nothing typed reaches this SQL.
            digest = "count(*)::text || ':' || md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), ''))"
            sql = " UNION ALL ".join(
                f"SELECT %s, {digest} FROM {connection.ops.quote_name(name)} t"  # noqa: S608
                for name in names
            )
            cursor.execute(sql, names)
            return dict(cursor.fetchall())
        digests = {}
        for name in names:
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(name)}")  # noqa: S608
            digests[name] = str(sorted(map(repr, cursor.fetchall())))
        return digests


def rows_of(model) -> dict:
    return {
        row[0]: row
        for row in model._base_manager.order_by("pk").values_list(
            "pk", *[field.attname for field in model._meta.concrete_fields if field.attname != model._meta.pk.attname]
        )
    }


def changed_rows(names: list[str], baseline: dict[str, dict]) -> list[tuple[type[models.Model], tuple, tuple | None]]:
    """(model, row now or None when deleted, row before or None when new) of the tables named."""
    by_table = {model._meta.db_table: model for model in apps.get_models(include_auto_created=True)}
    changed = []
    for name in names:
        model = by_table[name]
        before, after = baseline[name], rows_of(model)
        for pk in before.keys() | after.keys():
            if before.get(pk) != after.get(pk):
                changed.append((model, after.get(pk), before.get(pk)))
    return changed


def shown(model, row: tuple) -> set[tuple[str, object]]:
    """The object and the objects it points to, as (model label, pk): the pages to open again."""
    fields = [model._meta.pk, *(f for f in model._meta.concrete_fields if f is not model._meta.pk)]
    objects = {(model._meta.label, row[0])}
    for field, value in zip(fields, row, strict=True):
        if field.is_relation and value is not None:
            objects.add((field.related_model._meta.label, value))
    return objects


def overlong(row: tuple) -> bool:
    return any(isinstance(value, str) and len(value) > LONG_TEXT_MAX for value in row)


# --- The world and its people ------------------------------------------------------------------------


@pytest.fixture
def people(tree) -> dict[str, Client]:
    """Who fills in the forms: the commune's staff (the commune's forms and the petitions' actions),
    the branch's secretary (the branch's), and an officer of UBND xã Tam Hưng (taking and
    answering a petition). The leader, the cadre and a member see no form the others do not."""
    return {
        "staff": persona("tam-hung-staff", RoleKind.COMMUNE_STAFF, tree.commune),
        "secretary": persona("song-khe-secretary", RoleKind.SECRETARY, tree.branch),
        "officer": persona("tam-hung-officer", RoleKind.OFFICER, tree.commune),
    }


def model_of(endpoint, parameter: str):
    """The model a URL's parameter names (``meeting_pk``: Meeting; ``pk`` after "speeches": Speech)."""
    word = {"account": "user", "template": "organization", "rule": "organization"}.get(
        stem(endpoint, parameter), stem(endpoint, parameter)
    )
    candidates = [*project_models(), apps.get_model(settings.AUTH_USER_MODEL)]
    exact = [model for model in candidates if model.__name__.lower() == word]
    near = [m for m in candidates if word and (word in m.__name__.lower() or m.__name__.lower() in word)]
    return (exact or near or [None])[0]


def value_lists(endpoint) -> list[list] | None:
    lists = []
    for name, converter in endpoint.parameters:
        if name in STRING_PARAMETERS:
            lists.append(STRING_PARAMETERS[name]())
        elif converter == "int":
            model = model_of(endpoint, name)
            models_tried = [model] if model is not None else [*project_models()]
            values = []
            for each in models_tried:
                values += list(each._base_manager.order_by("pk").values_list("pk", flat=True))
            lists.append(list(dict.fromkeys(values)))
        else:
            return None
    return lists


def get(client: Client, path: str):
    """A GET that leaves nothing behind and returns its crash instead of raising it."""
    try:
        with transaction.atomic():
            response = client.get(path)
            transaction.set_rollback(True)
    except Exception as error:
        return error
    return response


def html_of(response) -> str | None:
    if isinstance(response, Exception) or response.status_code != 200:
        return None
    if not response.get("Content-Type", "").startswith("text/html"):
        return None
    return response.content.decode()


def read_site(tree, people) -> tuple[dict[tuple, Form], dict[tuple[str, object], list[str]]]:
    """Every form of every page the people open, and which pages show which object."""
    forms: dict[tuple, Form] = {}
    showing: dict[tuple[str, object], list[str]] = {}
    paths = [(endpoint, None) for endpoint in sorted(set(endpoints(get_resolver())), key=lambda e: e.route)]
    paths += [(endpoint, {}) for endpoint in endpoints(get_resolver(), plain=True)]
    # Forms that need a branch in the query string.
    extra = [f"/petitions/new/?branch={tree.branch.pk}", f"/meetings/new/?branch={tree.branch.pk}",
             f"/members/new/?branch={tree.branch.pk}"]  # fmt: skip

    def read(page: str, name: str) -> bool:
        opened = False
        for who, client in people.items():
            response = get(client, page)
            if isinstance(response, Exception) or response.status_code != 200:
                continue
            opened = True
            if (html := html_of(response)) is None:
                break  # a document or a download: it shows objects, it holds no form
            for form in read_forms(who, page, html):
                if form.fields:
                    forms.setdefault((name, tuple(sorted(f.name for f in form.fields))), form)
        return opened

    for endpoint, values in paths:
        if values is not None:
            read(endpoint.path(values), endpoint.name)
            continue
        lists = value_lists(endpoint)
        for combination in itertools.islice(itertools.product(*lists), 8) if lists else ():
            values = dict(zip([name for name, _ in endpoint.parameters], combination, strict=True))
            page = endpoint.path(values)
            if read(page, endpoint.name):
                for name, converter in endpoint.parameters:
                    if converter == "int" and (model := model_of(endpoint, name)) is not None:
                        showing.setdefault((model._meta.label, values[name]), []).append(page)
                break
    for page in extra:
        read(page, page)
    return forms, showing


# --- Posting ---------------------------------------------------------------------------------------


def posts(form: Form):
    """(what, data): each class of text and of choices in every such field at once; each date
    value in one date field at a time (the other fields as the page has them, so the date reaches
    the view's own checks)."""
    by_kind: dict[str, list[Field]] = {}
    for field in form.fields:
        by_kind.setdefault(field.kind, []).append(field)

    def replaced(fields: list[Field], value_of) -> list[tuple[str, str]]:
        names = {field.name for field in fields}
        return [(n, v) for n, v in form.data if n not in names] + [(f.name, value_of(f)) for f in fields]

    if texts := by_kind.get("text"):
        for label, _value in text_values(None):
            if label == "bound + 1":
                yield label, replaced(texts, lambda f: "a" * ((f.bound or LONG_TEXT_MAX) + 1))
            else:
                yield label, replaced(texts, lambda f, label=label: dict(text_values(f.bound))[label])
    if choices := by_kind.get("choice"):
        for label, value in CHOICE_VALUES:
            yield f"choices {label}", replaced(choices, lambda f, value=value: value)
    for kind, values in (("time", TIME_VALUES), ("date", ALL_DATES_VALUES), ("month", ALL_MONTHS_VALUES)):
        if fields := by_kind.get(kind):
            for label, value in values:
                yield f"{kind}s {label}", replaced(fields, lambda f, value=value: value)
    for kind, values in (("date", DATE_VALUES), ("month", MONTH_VALUES)):
        for field in by_kind.get(kind, []):
            for label, value in values:
                yield f"{field.name} {label}", replaced([field], lambda f, value=value: value)


def as_post(data: list[tuple[str, str]]) -> dict[str, list[str]]:
    post: dict[str, list[str]] = {}
    for name, value in data:
        post.setdefault(name, []).append(value)
    return post


def refused(response) -> bool:
    queued = getattr(getattr(response.wsgi_request, "_messages", None), "_queued_messages", [])
    if any(message.level >= levels.ERROR for message in queued) and not any(
        message.level == levels.SUCCESS for message in queued
    ):
        return True
    if response.status_code >= 400:
        return True
    if response.status_code == 200 and response.get("Content-Type", "").startswith("text/html"):
        return any(marker in response.content.decode() for marker in ERROR_MARKERS)
    return False


def fuzz(form: Form, what: str, data, *, client, names, baseline_digest, baseline_rows, showing) -> list[str]:
    """Post once, in a savepoint rolled back afterwards; what went wrong."""
    problems: list[str] = []
    where = f"{form.who} → {form.action} [{what}]"
    cookie = client.cookies.get(settings.SESSION_COOKIE_NAME)
    try:
        with transaction.atomic():
            response = client.post(form.action, as_post(data))
            if response.status_code >= 500:
                problems.append(f"{where}: {response.status_code}")
            digest = fingerprint(names)
            written = [name for name in names if digest[name] != baseline_digest[name]]
            if refused(response):
                if written:
                    problems.append(f"{where}: refused ({response.status_code}) but wrote to {written}")
            elif written:
                opened = set()
                for model, row, before in changed_rows(written, baseline_rows):
                    if row is not None and overlong(row):
                        problems.append(f"{where}: stored a text over {LONG_TEXT_MAX} in {model._meta.label}")
                    for each in shown(model, row or before):
                        opened.update(showing.get(each, []))
                # The page it leads to, and a few of those that show what changed.
                pages = sorted(opened)[:PAGES_AFTER]
                if response.status_code in (301, 302, 303):
                    pages.insert(0, response["Location"])
                for page in pages:
                    answer = get(client, page)
                    if isinstance(answer, Exception) or answer.status_code >= 500:
                        problems.append(f"{where}: then GET {page} → {answer!r}")
            transaction.set_rollback(True)
    except Exception as error:
        problems.append(f"{where}: raised {error!r}")
    if cookie is not None:  # a post that rotated the session (a password change) signs nobody out
        client.cookies[settings.SESSION_COOKIE_NAME] = cookie.value
    return [problem[:400] for problem in problems]  # a crash's message may quote the megabyte


def test_every_form_survives_hostile_values(tree, people, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    started = time.monotonic()
    build_tam_hung(tree, {"secretary": client_for(people["secretary"].user), "staff": people["staff"]})
    Body.objects.get(commune=tree.commune, name="UBND xã Tam Hưng").officers.add(people["officer"].user)

    forms, showing = read_site(tree, people)
    read = time.monotonic()
    assert len(forms) > 40, sorted(forms)  # the walk found the site's forms

    # Every text a form takes has a bound the page states (maxlength): what it stores is bounded.
    unbounded = sorted(
        f"{form.action} {field.name}"
        for form in forms.values()
        for field in form.fields
        if field.kind == "text" and field.bound is None
    )

    names = tables()
    baseline_digest = fingerprint(names)
    by_table = {model._meta.db_table: model for model in apps.get_models(include_auto_created=True)}
    baseline_rows = {name: rows_of(by_table[name]) for name in names}
    problems, count = [], 0
    for form in forms.values():
        client = people[form.who]
        for what, data in posts(form):
            count += 1
            problems += fuzz(
                form,
                what,
                data,
                client=client,
                names=names,
                baseline_digest=baseline_digest,
                baseline_rows=baseline_rows,
                showing=showing,
            )
    print(f"{len(forms)} forms read in {read - started:.1f} s, {count} posts in {time.monotonic() - read:.1f} s")
    assert count > 300
    problems += [f"{field}: a text field without a bound (maxlength)" for field in unbounded]
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems)

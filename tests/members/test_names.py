"""Names in Vietnamese order: family and middle names first, everywhere a user's name is printed.

Django's ``User.get_full_name()`` gives "Tuyên Nguyễn Quang"; members.names.person_name gives
"Nguyễn Quang Tuyên", or the linked member's full name. The last tests check that nothing in the
project (code or templates) prints a name through ``get_full_name`` any more.
"""

import ast
import os
import re
from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.template import engines
from django.test.utils import CaptureQueriesContext

from members.names import account_name, person_name, person_names
from notifications.rendering import render_message
from tests.factories import MemberFactory, UserFactory

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent.parent
# The helper itself may name Django's method (it never needs to call it).
HELPER = Path("members/names.py")
SKIPPED_DIRS = {".git", ".venv", "node_modules", "var", "migrations", "__pycache__", "static", "locale", "tests"}
TEMPLATE_SUFFIXES = {".html", ".txt", ".xml", ".svg", ".js"}


# --- The helper ----------------------------------------------------------------------------------


def test_family_and_middle_names_come_first():
    user = UserFactory(username="tuyen", first_name="Tuyên", last_name="Nguyễn Quang")

    assert person_name(user) == "Nguyễn Quang Tuyên"
    assert account_name(user) == "Nguyễn Quang Tuyên"
    assert user.get_full_name() == "Tuyên Nguyễn Quang"  # what the helper is for


def test_names_are_trimmed_and_the_username_stands_in_for_no_name():
    assert person_name(UserFactory(username="dung", first_name="  Dung ", last_name=" Bùi Thị  ")) == "Bùi Thị Dung"
    assert person_name(UserFactory(username="chi-given", first_name="Hùng")) == "Hùng"
    assert person_name(UserFactory(username="chi-family", last_name="Trần")) == "Trần"
    assert person_name(UserFactory(username="no-name", first_name=" ", last_name="")) == "no-name"
    assert person_name(None) == ""
    assert person_name(AnonymousUser()) == ""


def test_the_linked_members_full_name_is_preferred(tree):
    user = UserFactory(username="linked", first_name="Tuyên", last_name="Nguyễn Quang")
    MemberFactory(branch=tree.branch, user=user, full_name="Nguyễn Quang Tuyến")

    assert person_name(user) == "Nguyễn Quang Tuyến"
    assert account_name(user) == "Nguyễn Quang Tuyên"  # the account's own name, if ever needed
    assert person_names([user, UserFactory(username="x", first_name="Dung", last_name="Bùi Thị")]) == (
        "Nguyễn Quang Tuyến, Bùi Thị Dung"
    )


def test_a_member_link_loaded_with_the_user_costs_no_query(tree, django_user_model):
    linked = UserFactory(username="linked", first_name="Tuyên", last_name="Nguyễn Quang")
    MemberFactory(branch=tree.branch, user=linked, full_name="Nguyễn Quang Tuyên")
    UserFactory(username="alone", first_name="Dung", last_name="Bùi Thị")
    users = list(django_user_model.objects.filter(username__in=["linked", "alone"]).select_related("member"))

    with CaptureQueriesContext(connection) as queries:
        names = sorted(person_name(user) for user in users)

    assert names == ["Bùi Thị Dung", "Nguyễn Quang Tuyên"]
    assert len(queries) == 0


def test_the_template_filter_and_the_messages_use_the_helper():
    user = UserFactory(username="tuyen", first_name="Tuyên", last_name="Nguyễn Quang")
    page = engines["django"].from_string("{% load person_names %}[{{ user|person_name }}][{{ nobody|person_name }}]")

    assert page.render({"user": user, "nobody": None}) == "[Nguyễn Quang Tuyên][]"
    # The plain-text e-mails and SMS are rendered by their own engine (notifications.rendering).
    context = {"kind_name": "sinh hoạt chi bộ", "branch": "Chi bộ thôn Song Khê", "days_before": 1}
    message = render_message("meeting.reminder", context, user)
    assert message.body.startswith("Kính gửi đồng chí Nguyễn Quang Tuyên,")


def test_the_admins_user_list_prints_names_family_first(client, django_user_model):
    UserFactory(username="tuyen", first_name="Tuyên", last_name="Nguyễn Quang")
    client.force_login(django_user_model.objects.create_superuser("root", password="x-123-long-pass"))

    page = client.get("/admin/auth/user/").content.decode()

    assert "Nguyễn Quang Tuyên" in page and "Tuyên Nguyễn Quang" not in page


# --- Nothing else prints a name through get_full_name ---------------------------------------------


def project_python_files() -> list[Path]:
    """The project's modules (its apps, chibo, demo, manage.py), without migrations and tests."""
    found = []
    for folder, dirs, files in os.walk(ROOT):
        dirs[:] = sorted(name for name in dirs if name not in SKIPPED_DIRS and not name.startswith("."))
        found += [Path(folder) / name for name in sorted(files) if name.endswith(".py")]
    return found


def project_templates() -> list[Path]:
    """Every template under templates/ (pages, documents, e-mails and SMS texts)."""
    return sorted(
        path for path in (ROOT / "templates").rglob("*") if path.is_file() and path.suffix in TEMPLATE_SUFFIXES
    )


def full_name_uses_in_code(source: str, filename: str) -> list[int]:
    """Lines that call or name ``get_full_name``: ``user.get_full_name()``, a bare reference to it,
    ``getattr(user, "get_full_name")``, a function of that name. Comments and docstrings are not code."""
    named = (
        lambda node: isinstance(node, ast.Attribute) and node.attr == "get_full_name",
        lambda node: isinstance(node, ast.Name) and node.id == "get_full_name",
        lambda node: isinstance(node, ast.Constant) and node.value == "get_full_name",
        lambda node: isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name == "get_full_name",
    )
    lines = [
        node.lineno for node in ast.walk(ast.parse(source, filename=filename)) if any(is_it(node) for is_it in named)
    ]
    return sorted(set(lines))


FULL_NAME_IN_TEMPLATE = re.compile(r"\bget_full_name\b")


def full_name_uses_in_template(text: str) -> list[int]:
    return [number for number, line in enumerate(text.splitlines(), start=1) if FULL_NAME_IN_TEMPLATE.search(line)]


def test_the_checks_see_a_call_a_reference_and_a_template_use():
    assert full_name_uses_in_code("name = user.get_full_name() or user.username\n", "x.py") == [1]
    assert full_name_uses_in_code("label = getattr(user, 'get_full_name')\n", "x.py") == [1]
    assert full_name_uses_in_code("names = map(User.get_full_name, users)\n", "x.py") == [1]
    assert full_name_uses_in_code('"""Not get_full_name: person_name."""\n# get_full_name\nx = 1\n', "x.py") == []
    assert full_name_uses_in_template("<p>\n{{ user.get_full_name|default:user.get_username }}</p>") == [2]
    assert full_name_uses_in_template("{{ user|person_name }}") == []


def test_no_code_calls_get_full_name_but_the_helper():
    files = project_python_files()
    assert ROOT / HELPER in files and ROOT / "meetings/selectors/minutes.py" in files  # the walk reaches the apps
    offenders = [
        f"{path.relative_to(ROOT)}:{line}"
        for path in files
        if path.relative_to(ROOT) != HELPER
        for line in full_name_uses_in_code(path.read_text(encoding="utf-8"), str(path))
    ]
    assert offenders == [], "print a user's name with members.names.person_name, not get_full_name"


def test_no_template_uses_get_full_name():
    templates = project_templates()
    assert ROOT / "templates/notifications/meeting.reminder/body.txt" in templates
    offenders = [
        f"{path.relative_to(ROOT)}:{line}"
        for path in templates
        for line in full_name_uses_in_template(path.read_text(encoding="utf-8"))
    ]
    assert offenders == [], "print a user's name with {{ user|person_name }} ({% load person_names %})"

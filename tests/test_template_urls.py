"""Templates link downwards, as the code imports: a template's ``{% url %}`` names only its own app's
pages and those of the apps below it.

import-linter cannot see a link in a template, yet a link to an app above is the same dependency
upwards (remove the app and the page breaks). This test reads every template under templates/ with
Django's own lexer, maps the template's folder to its app and each URL name's namespace to the app
that owns it, and refuses a link upwards. The layer order is import-linter's, read from
pyproject.toml, so the two never disagree. A name given in a variable (``{% url download_pdf … %}``)
is chosen by the view, whose code import-linter checks; only names written in the template are read.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from django.template.base import Lexer, TokenType

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "templates"


def layers() -> list[str]:
    """The apps, top first (import-linter's "layers" contract)."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    (contract,) = [c for c in config["contracts"] if c["id"] == "layers"]
    return contract["layers"]


LAYERS = layers()
TOP = LAYERS[0]

# Folders (and the top level) of templates/ that are not named after an app, with the app they
# belong to and why.
FOLDERS = {
    "": (TOP, "base.html and the error pages frame every app's pages; the project's own"),
    "registration": (TOP, "Django's sign-in and password views, mounted by chibo/urls.py"),
    "bootstrap5": (TOP, "crispy-forms' layout templates, overridden for every app's forms"),
    "accounts": ("members", "the account pages of members/views/accounts.py"),
}

# URL namespaces not named after an app, and names without a namespace: the app they belong to.
NAMESPACES = {
    # login, logout, password_*, set_language: the names Django's own auth and i18n views require
    # (without a namespace); like a library below every app, any page may link them.
    "": (LAYERS[-1], "Django's own sign-in, password and language URL names"),
    "admin": (TOP, "Django's admin, mounted by chibo/urls.py"),
}


def template_app(relative: Path) -> str:
    folder = relative.parts[0] if len(relative.parts) > 1 else ""
    if folder in LAYERS:
        return folder
    assert folder in FOLDERS, f"templates/{folder}/ belongs to no app: name it in FOLDERS with a reason"
    return FOLDERS[folder][0]


def url_app(name: str) -> str:
    namespace = name.rpartition(":")[0].split(":")[0]
    if namespace in LAYERS:
        return namespace
    assert namespace in NAMESPACES, f"the URL namespace of {name!r} belongs to no app: name it in NAMESPACES"
    return NAMESPACES[namespace][0]


def linked_names(source: str) -> list[str]:
    """The URL names written in the template's ``{% url %}`` tags (not those given in a variable)."""
    names = []
    for token in Lexer(source).tokenize():
        if token.token_type != TokenType.BLOCK:
            continue
        bits = token.split_contents()
        if bits[0] == "url" and len(bits) > 1 and bits[1][0] in "'\"" and bits[1][0] == bits[1][-1]:
            names.append(bits[1][1:-1])
    return names


def upward_links(relative: Path, source: str) -> list[str]:
    """The URL names this template links that belong to an app above its own."""
    own = LAYERS.index(template_app(relative))
    return [name for name in linked_names(source) if LAYERS.index(url_app(name)) < own]


def templates() -> list[Path]:
    return sorted(p.relative_to(TEMPLATES) for p in TEMPLATES.rglob("*") if p.suffix in {".html", ".txt"})


def test_the_templates_are_found():
    found = templates()
    assert Path("base.html") in found and Path("portal/home.html") in found and len(found) > 100


def test_no_template_links_an_app_above_its_own():
    upward = {
        str(relative): links
        for relative in templates()
        if (links := upward_links(relative, (TEMPLATES / relative).read_text()))
    }
    assert upward == {}


@pytest.mark.parametrize(
    ("relative", "source", "expected"),
    [
        # The links the first restructure left behind, before their pages moved to portal.
        ("members/home.html", "<a href=\"{% url 'oversight:overview' %}\">", ["oversight:overview"]),
        ("members/outbox.html", '<form action="{% url "oversight:digest_now" %}">', ["oversight:digest_now"]),
        ("petitions/x.html", "{% url 'portal:home' as home %}{% url 'meetings:detail' 1 %}", ["portal:home"]),
        # Downwards, its own app, the project's top-level names, a name in a variable: allowed.
        ("portal/home.html", "{% url 'oversight:overview' %}{% url 'members:home' %}", []),
        ("meetings/x.html", "{% url 'meetings:list' %}{% url 'workdays:list' %}{% url download_pdf 1 %}", []),
        ("base.html", "{% url 'login' %}{% url 'oversight:overview' %}{% url 'admin:index' %}", []),
        ("registration/login.html", "{% url 'password_reset' %}", []),
        ("accounts/account.html", "{% url 'password_change' %}{% url 'logout' %}", []),
        ("members/access_log.html", "{% url 'meetings:detail' 1 %}", ["meetings:detail"]),
    ],
)
def test_upward_links_are_found(relative, source, expected):
    assert upward_links(Path(relative), source) == expected


def test_a_template_of_no_app_or_a_name_of_no_app_is_refused():
    with pytest.raises(AssertionError, match="belongs to no app"):
        upward_links(Path("somewhere/page.html"), "")
    with pytest.raises(AssertionError, match="belongs to no app"):
        upward_links(Path("members/page.html"), "{% url 'nowhere:page' %}")

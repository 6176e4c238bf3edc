"""Signed-in pages are never stored (chibo/cache_headers.py). Pages that take an id are walked
by tests/test_url_walk.py; here every page without one, as each persona."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from chibo.cache_headers import OWN_CACHING

from .test_url_walk import SKIPPED_NAMESPACES, private_no_store


def plain_pages(resolver: URLResolver, prefix: str = "", namespace: str = ""):
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            if entry.namespace not in SKIPPED_NAMESPACES:
                yield from plain_pages(entry, route, f"{namespace}{entry.namespace}:" if entry.namespace else namespace)
        elif isinstance(entry, URLPattern) and "<" not in route and "(" not in route and "^" not in route:
            yield f"{namespace}{entry.name or route}", "/" + route


def test_the_walk_finds_the_plain_pages():
    names = {name for name, _ in plain_pages(get_resolver())}
    assert {"meetings:list", "petitions:list"} <= names


@pytest.mark.parametrize("persona", ["secretary", "staff", "leader", "cadre", "plain_member"])
def test_every_page_a_signed_in_user_opens_is_private_and_never_stored(db, request, persona):
    client = request.getfixturevalue(persona)
    stored = []
    for name, path in sorted(set(plain_pages(get_resolver()))):
        if name in OWN_CACHING:
            continue
        response = client.get(path)
        if response.status_code == 200 and not private_no_store(response):
            stored.append(f"{name} {path}: {response.get('Cache-Control')!r}")
    assert not stored, "\n".join(stored)

"""The scope guard: no query on branch data without saying whose scope it runs in.

Models that belong to a branch (members, positions, meetings and their records) use
``ScopedManager`` as ``objects``. Starting a query from ``Model.objects``:

- outside any scope raises ``ScopeError``, so a forgotten scope fails loudly instead of leaking;
- inside ``members.access.scope_for(user)`` (entered for every request by its middleware, and by
  tasks that act for one person) is limited to the branches that user reaches with any role, so
  a view that forgets its app's access rule still cannot read outside the user's subtree;
- inside ``system_scope()`` (scheduling, purges, the demo seed) sees every row.

The apps' access modules then narrow further (a plain member does not read other members).
Related-object access (``meeting.attendances``) and Django's own lookups (uniqueness checks,
the admin) use the plain ``unscoped`` default manager: they start from an object already found
through a scoped query, or run for superusers only.

Why not django-scopes: its scopes are equality filters on one dimension (an organiser id), while
our scope is a union of subtrees of the organisation tree that depends on the user's roles. The
scope object here carries the filter that members.access builds, so the manager needs no
knowledge of roles or paths.
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.db import models
from django.db.models import Q

# Given a model's lookup to its branch (and optionally to its owner), the rows a scope may see.
RowFilter = Callable[[str, "str | None"], Q]


class ScopeError(RuntimeError):
    """A query on branch data was started outside any scope: say whose scope it runs in."""


def _everything(branch_lookup: str, own_lookup: str | None) -> Q:
    return Q()


_current: contextvars.ContextVar[RowFilter | None] = contextvars.ContextVar("chibo_scope", default=None)


@contextmanager
def entered(rows: RowFilter) -> Iterator[None]:
    token = _current.set(rows)
    try:
        yield
    finally:
        _current.reset(token)


def system_scope():
    """For tasks and commands that act for nobody in particular: every row."""
    return entered(_everything)


class ScopedManager(models.Manager):
    """``objects`` of a model that belongs to a branch: no query without a scope.

    ``branch`` is the lookup path from the model to its branch; ``own`` an optional lookup to a
    user whose own rows they always see (a member's own record); ``visiting`` an optional lookup
    to a second branch that also sees the row (the branch a member is temporarily attached to).
    """

    def __init__(self, *, branch: str, own: str | None = None, visiting: str | None = None):
        super().__init__()
        self.branch_lookup = branch
        self.own_lookup = own
        self.visiting_lookup = visiting

    def get_queryset(self):
        rows = _current.get()
        if rows is None:
            raise ScopeError(
                f"{self.model.__name__}.objects was used outside a scope: "
                "enter members.access.scope_for(user) or system_scope()."
            )
        seen = rows(self.branch_lookup, self.own_lookup)
        if seen and self.visiting_lookup:  # an empty Q (every row) stays empty
            seen |= rows(self.visiting_lookup, None)
        return super().get_queryset().filter(seen)

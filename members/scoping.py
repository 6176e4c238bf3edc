"""The scope guard: no query on branch data without saying whose scope it runs in.

Models that belong to a branch (members, positions, meetings and their records) use
``ScopedManager`` as ``objects``. Starting a query from ``Model.objects``:

- outside any scope raises ``ScopeError``, so a forgotten scope fails loudly instead of leaking;
- inside ``members.access.scope_for(user)`` (entered for every request by its middleware, and by
  tasks that act for one person) is limited to the branches that user reaches with any role, so
  a view that forgets its app's access rule still cannot read outside the user's subtree;
- inside ``system_scope()`` (scheduling, purges, the demo seed) sees every row.

The apps' access modules then narrow further (a plain member does not read other members).
``objects`` is each such model's *default* manager, so reverse relations
(``branch.members``), ``get_object_or_404`` and model forms' choices are guarded too. Forward
relations (``attendance.meeting``) and ``refresh_from_db`` use the plain base manager: they start
from a row already found through a guarded query. ``unscoped`` remains for the few reviewed reads
named in tests/test_architecture.py, each with its reason. Uniqueness checks of forms and
``full_clean`` look across every scope (``GuardedUniqueness``), since the database's constraint
does.

Organisations are guarded too (``members.models.Organization``): a scope sees the subtrees it
reaches and the nodes above them (a branch's commune and province name its documents).

Why not django-scopes: its scopes are equality filters on one dimension (an organiser id), while
our scope is a union of subtrees of the organisation tree that depends on the user's roles. The
scope object here carries the filter that members.access builds, so the manager needs no
knowledge of roles or paths.
"""

from __future__ import annotations

import contextvars
import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

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


@contextmanager
def outside() -> Iterator[None]:
    """No scope, whatever the caller had entered (the guard's tests)."""
    token = _current.set(None)
    try:
        yield
    finally:
        _current.reset(token)


def system_scope():
    """For tasks and commands that act for nobody in particular: every row."""
    return entered(_everything)


@dataclass(frozen=True)
class Lookups:
    """How a model's rows reach their branch: see ``ScopedManager``."""

    model: str
    branch: str
    own: str | None = None
    visiting: str | None = None

    def rows_seen(self) -> Q:
        rows = _current.get()
        if rows is None:
            raise ScopeError(
                f"{self.model}.objects was used outside a scope: "
                "enter members.access.scope_for(user) or system_scope()."
            )
        seen = rows(self.branch, self.own)
        if seen and self.visiting:  # an empty Q (every row) stays empty
            seen |= rows(self.visiting, None)
        return seen


class ScopedManager(models.Manager):
    """The default manager of a model that belongs to a branch: no query without a scope.

    ``branch`` is the lookup path from the model to its branch (``""``: the rows are
    organisations); ``own`` an optional lookup to a user whose own rows they always see (a
    member's own record); ``visiting`` an optional lookup to a second branch that also sees the
    row (the branch a member is temporarily attached to).

    A queryset started outside any scope is held, not refused: Django builds some at import (a
    model form's choices), and copies them per form. The scope in force when its query is first
    read (to run it, or to order it) applies, and none then raises ``ScopeError``.
    """

    def __init__(self, *, branch: str | None = None, own: str | None = None, visiting: str | None = None):
        # Without arguments: a related manager (``branch.members``), which takes the lookups
        # of the model's own default manager.
        super().__init__()
        self._lookup_args = None if branch is None else (branch, own, visiting)

    @property
    def lookups(self) -> Lookups:
        if self._lookup_args is None:
            return self.model._default_manager.lookups
        return Lookups(self.model.__name__, *self._lookup_args)

    def get_queryset(self):
        queryset = super().get_queryset()
        if _current.get() is None:
            queryset.__class__ = _held(type(queryset))
            queryset._scope_of = self.lookups
            return queryset
        return queryset.filter(self.lookups.rows_seen())


class _HeldForScope:
    """A queryset built outside any scope, filtered by the scope in force when it is used."""

    _scope_of: Lookups | None = None

    def _clone(self):
        held, self._scope_of = self._scope_of, None  # copying reads .query: the copy stays held
        try:
            clone = super()._clone()
        finally:
            self._scope_of = held
        clone._scope_of = held
        return clone

    def none(self):
        held, self._scope_of = self._scope_of, None  # nothing is nothing in every scope
        try:
            return super().none()
        finally:
            self._scope_of = held

    @property
    def query(self):
        if self._scope_of is not None:
            held, self._scope_of = self._scope_of, None
            self._query.add_q(held.rows_seen())
        return super().query

    @query.setter
    def query(self, value):
        models.QuerySet.query.fset(self, value)


@functools.cache
def _held(queryset_class: type) -> type:
    return type(f"Held{queryset_class.__name__}", (_HeldForScope, queryset_class), {})


class GuardedUniqueness:
    """Mixed into models with a scoped default manager: a uniqueness check (model forms,
    ``full_clean``) must see rows of every scope, as the database constraint it mirrors does,
    and must work where no scope is entered. It answers only "taken or not"."""

    def validate_unique(self, exclude=None):
        with system_scope():
            return super().validate_unique(exclude)

    def validate_constraints(self, exclude=None):
        with system_scope():
            return super().validate_constraints(exclude)

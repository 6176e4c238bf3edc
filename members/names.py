"""A person's name as the site prints it: Vietnamese order, family name first.

Django's ``User.get_full_name()`` gives "first_name last_name": for a Vietnamese account that
is "Tuyên Nguyễn Quang", given name first. Our accounts keep the given name in ``first_name``
and the family and middle names in ``last_name`` (Django's Vietnamese admin labels them "Tên"
and "Họ"), so the name reads ``last_name`` then ``first_name``: "Nguyễn Quang Tuyên".

An account linked to a party member (``Member.user``, reached as ``user.member``) is printed by
the member's full name, the one on the register. Reading ``user.member`` costs a query unless
the list was built with ``select_related("member")`` (or ``"<field>__member"``): lists of users
must do that, a single name may pay it.

Every place that prints a user's name (pages, documents, exports, e-mails and SMS, the admin)
goes through ``person_name`` here, or the ``person_name`` template filter
(``{% load person_names %}``, members/templatetags/person_names.py); tests/members/test_names.py
checks that nothing else calls ``get_full_name``.
"""

from __future__ import annotations

from django.core.exceptions import ObjectDoesNotExist


def account_name(user) -> str:
    """The account's own name, family and middle names first ("Nguyễn Quang Tuyên"); the
    username when the account has no name. No query."""
    parts = (getattr(user, "last_name", "") or "", getattr(user, "first_name", "") or "")
    name = " ".join(part.strip() for part in parts if part and part.strip())
    return name or user.get_username()


def person_name(user) -> str:
    """The name to print for a user account: the linked member's full name, else the account's
    name in Vietnamese order (``account_name``); "" for no user. One query for the member link
    unless it was loaded with the user (``select_related("member")``)."""
    if user is None or user.is_anonymous:
        return ""
    try:
        member = user.member
    except ObjectDoesNotExist:
        member = None
    if member is not None and member.full_name.strip():
        return member.full_name.strip()
    return account_name(user)


def person_names(users) -> str:
    """Several users' names, comma-separated ("Nguyễn Quang Tuyên, Bùi Thị Dung")."""
    return ", ".join(person_name(user) for user in users)

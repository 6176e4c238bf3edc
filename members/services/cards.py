"""Party card numbers are national: one number belongs to one member in the whole country.

A number another member already holds is refused. Whether that member exists must not be
testable by someone who may not see them: the refusal is worded the same for every such number
(``CARD_UNAVAILABLE``), and the attempt is recorded as a ``CardConflict`` for the commune staff
who see both records (members.access.card_conflicts), who resolve it.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.utils.translation import gettext_lazy as _

from members.models import CardConflict, Member, Organization

CARD_UNAVAILABLE = _("This party card number cannot be used; please contact the Party Committee Office.")


def card_holder(*, card: str, exclude_pk: int | None = None) -> Member | None:
    """The member holding this card number anywhere in the country, if any (one query).

    This read goes past the user's scope on purpose (a clash must be found in any commune);
    callers never show the member it returns to a user who may not see them."""
    if not card:
        return None
    found = Member.unscoped.filter(party_card_number=card)
    if exclude_pk is not None:
        found = found.exclude(pk=exclude_pk)
    return found.only("pk", "branch_id").first()


def card_conflict_record(
    *, by: AbstractBaseUser, branch: Organization, holder: Member, source: CardConflict.Source
) -> CardConflict:
    """Note that ``by`` entered, for ``branch``, the card number ``holder`` already has (ids only)."""
    return CardConflict.objects.create(
        tried_by=by, source=source, branch=branch, member_id=holder.pk, member_branch_id=holder.branch_id
    )

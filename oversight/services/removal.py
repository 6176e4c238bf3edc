"""What commune staff decided about a member on the removal list (docs/domain.md#removal-from-the-register)."""

from __future__ import annotations

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from members.models import Member
from members.text import strip_controls
from oversight.models import RemovalDecision, RemovalKind


def removal_decide(*, member: Member, kind: str, note: str = "", by: AbstractBaseUser | None) -> RemovalDecision:
    """Record a decision (considered, reminded, proposed for removal), who made it and when. Added,
    never changed: the member's history is every decision. Refused for a member who has left."""
    if kind not in RemovalKind.values:
        raise ValidationError(_("Choose what was decided."))
    if member.left_on is not None:
        raise ValidationError(_("This member is no longer on the register."))
    return RemovalDecision.objects.create(member=member, kind=kind, note=strip_controls(note or "").strip(), by=by)

"""What a message is about, and whether that is within a reader's scope: one rule per kind of subject.

The outbox lists a message by its subject (``Notification.about``), never by its recipient: a
petition of commune B sent to an officer whose member record is in commune A is commune B's
business, and A's staff must not read it. Each row names the app's own access rule for that kind
of object, narrowed to the subtrees where the reader is commune staff (the outbox is theirs).
A kind of subject not listed here is invisible on the page: add its rule when a message starts
being about it.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Model, QuerySet

from meetings import access as meeting_access
from meetings.models import Guidance, Meeting, ResidenceComment
from members import access
from members.models import Member, Organization, ResidenceLink, RoleKind
from petitions import access as petition_access
from petitions.models import Petition

STAFF = frozenset({RoleKind.COMMUNE_STAFF})


def outbox_subjects(user) -> dict[type[Model], QuerySet] | None:
    """Per model, the objects whose messages ``user`` reads in the outbox (querysets, not run);
    ``None`` for a superuser (every message)."""
    if user.is_superuser:
        return None
    held = access.nodes(user, STAFF)
    return {
        Petition: petition_access.petitions(user).filter(access.subtree_q(held, prefix="branch__")),
        Meeting: meeting_access.meetings(user).filter(access.subtree_q(held, prefix="branch__")),
        Guidance: meeting_access.visible_guidance(user).filter(access.subtree_q(held, prefix="organization__")),
        # A leader's digest is about the node they lead; a commune's own notices are about it.
        Organization: access.organizations(user).filter(access.subtree_q(held)),
        Member: access.members(user).filter(access.subtree_q(held, prefix="branch__")),
        # A working member's link and yearly comment (issue 24): both sides' staff follow them.
        ResidenceLink: access.residence_links(user).filter(
            access.subtree_q(held, prefix="member__branch__") | access.subtree_q(held, prefix="residence_branch__")
        ),
        ResidenceComment: ResidenceComment.objects.filter(
            access.subtree_q(held, prefix="member__branch__")
            | access.subtree_q(held, prefix="link__residence_branch__")
        ),
        # An account's own messages (a reset, an unlock): the accounts the staff member manages.
        get_user_model(): access.users_in_scope(user, STAFF),
    }

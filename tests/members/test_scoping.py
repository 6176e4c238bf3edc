"""The scope guard: no query on branch data outside a scope, and a request sees only its user's subtree."""

import threading

import pytest
from django.contrib.auth.models import AnonymousUser

from meetings.models import Meeting
from members.access import ScopeError, scope_for, system_scope
from members.models import Member, Position

from ..factories import MemberFactory
from ..meetings.conftest import make_meeting


def in_fresh_context(work):
    """Run ``work`` where no scope was entered (a new thread starts with an empty context)."""
    outcome = {}

    def run():
        try:
            outcome["value"] = work()
        except Exception as error:  # noqa: BLE001 - handed back to the test
            outcome["error"] = error

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    return outcome


@pytest.mark.parametrize("model", [Member, Meeting, Position])
def test_a_query_outside_any_scope_fails_loudly(tree, model):
    outcome = in_fresh_context(lambda: list(model.objects.all()))
    assert isinstance(outcome.get("error"), ScopeError)
    assert model.__name__ in str(outcome["error"])


def test_related_objects_need_no_scope(tree):
    meeting = make_meeting(tree.branch)
    with scope_for(AnonymousUser()):
        assert list(tree.branch.meetings.all()) == [meeting]  # reached from an object already found


def test_a_user_scope_sees_only_the_branches_it_reaches(tree, secretary, outsider):
    own = MemberFactory(branch=tree.branch)
    sibling = MemberFactory(branch=tree.sibling)
    far = MemberFactory(branch=tree.other_branch)
    meetings = {branch: make_meeting(branch) for branch in (tree.branch, tree.sibling, tree.other_branch)}
    with scope_for(secretary.user):
        assert set(Member.objects.all()) == {own}
        assert set(Meeting.objects.all()) == {meetings[tree.branch]}
    with scope_for(outsider.user):  # staff of the other commune
        assert set(Member.objects.all()) == {far}
        assert set(Meeting.objects.all()) == {meetings[tree.other_branch]}
    with scope_for(AnonymousUser()):
        assert not Member.objects.exists() and not Meeting.objects.exists()
    with system_scope():
        assert set(Member.objects.all()) == {own, sibling, far}


def test_a_member_always_sees_their_own_record(tree, plain_member):
    """A user whose only role is elsewhere still reads their own member record."""
    member = Member.objects.get(user=plain_member.user)
    plain_member.user.roles.all().delete()
    with scope_for(plain_member.user):
        assert list(Member.objects.all()) == [member]
        assert not Meeting.objects.exists()


def test_requests_run_in_their_users_scope(tree, secretary):
    """The middleware enters the scope: the page works and shows no other branch's meetings."""
    make_meeting(tree.branch)
    make_meeting(tree.other_branch)
    response = secretary.get("/meetings/")
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == 1

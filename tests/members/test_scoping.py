"""The scope guard: no query on branch data outside a scope, and a request sees only its user's subtree."""

import threading

import pytest
from django import forms
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404

from meetings.models import Meeting
from members.access import ScopeError, scope_for, system_scope
from members.models import Member, Organization, Position

from ..factories import MemberFactory
from ..meetings.conftest import make_meeting


class PositionForm(forms.ModelForm):
    """Built at import, outside any scope, as Django builds every model form."""

    class Meta:
        model = Position
        fields = ["member"]


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


@pytest.mark.parametrize("model", [Member, Meeting, Position, Organization])
def test_a_query_outside_any_scope_fails_loudly(tree, model):
    outcome = in_fresh_context(lambda: list(model.objects.all()))
    assert isinstance(outcome.get("error"), ScopeError)
    assert model.__name__ in str(outcome["error"])


def test_every_path_is_guarded(tree, outsider):
    """Inside another commune's scope: lookups by id, reverse relations, organisations and a
    model form's choices all come up empty."""
    meeting = make_meeting(tree.branch)
    MemberFactory(branch=tree.branch)
    with scope_for(outsider.user):
        with pytest.raises(Http404):
            get_object_or_404(Meeting, pk=meeting.pk)
        branch = Organization.unscoped.get(pk=tree.branch.pk)
        assert not branch.members.exists() and not branch.meetings.exists()
        assert not Organization.objects.filter(pk__in=[tree.branch.pk, tree.commune.pk]).exists()
        # The nodes above its own commune are in its tree (the province names its documents).
        assert set(Organization.objects.all()) == {tree.province, tree.other_commune, tree.other_branch}
        assert list(PositionForm().fields["member"].queryset) == []


def test_a_form_built_outside_a_scope_takes_the_scope_it_runs_in(tree, secretary, outsider):
    """Django builds model forms' choices at import, outside any scope: each use gets its scope."""
    own = MemberFactory(branch=tree.branch)
    far = MemberFactory(branch=tree.other_branch)
    with scope_for(secretary.user):
        assert list(PositionForm().fields["member"].queryset) == [own]
    with scope_for(outsider.user):
        assert list(PositionForm().fields["member"].queryset) == [far]
    outcome = in_fresh_context(lambda: list(PositionForm().fields["member"].queryset))
    assert isinstance(outcome.get("error"), ScopeError)


def test_uniqueness_is_checked_across_scopes(tree, outsider):
    """A form's uniqueness check mirrors the database constraint, which knows no scope."""
    MemberFactory(branch=tree.branch, party_card_number="12345678")
    taken = MemberFactory.build(branch=tree.other_branch, party_card_number="12345678")
    with scope_for(outsider.user), pytest.raises(ValidationError) as raised:
        taken.validate_constraints()
    assert raised.value.messages


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
    member = Member.unscoped.get(user=plain_member.user)
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

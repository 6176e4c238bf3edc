"""Who sees which petitions and may do what: each persona, at the service level."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from members.access import forget_roles
from petitions import access
from petitions.models import Petition, PetitionStatus
from petitions.services import catalogue as catalogue_services
from petitions.services import workflow

from .conftest import make_petition

pytestmark = pytest.mark.system_scope

S = PetitionStatus


@pytest.fixture
def world(tree, catalogue, root, officer):
    """Song Khê: a new, a forwarded (to UBND, held by the officer) and an answered one (UBND's);
    Phú Thịnh: one in UBND's queue and one with Hội Nông dân; Tổ dân phố số 7 (another commune): one."""
    return {
        "new": make_petition(tree.branch, catalogue.roads, root),
        "held": make_petition(tree.branch, catalogue.roads, root, S.FORWARDED, officer=officer.user),
        "answered": make_petition(tree.branch, catalogue.roads, root, S.ANSWERED),
        "queue": make_petition(tree.sibling, catalogue.water, root, S.FORWARDED, body=catalogue.ubnd),
        "farmers": make_petition(tree.sibling, catalogue.water, root, S.FORWARDED, body=catalogue.farmers),
        "foreign": make_petition(tree.other_branch, catalogue.foreign_category, root),
    }


VISIBLE = {
    "secretary": {"new", "held", "answered"},
    "cadre": {"new", "held", "answered"},
    "plain_member": {"new", "held", "answered"},
    "leader": {"new", "held", "answered", "queue", "farmers"},
    "staff": {"new", "held", "answered", "queue", "farmers"},
    "officer": {"held", "answered", "queue"},  # the answered one was UBND's
    "outsider": {"foreign"},
}


@pytest.mark.parametrize("persona", list(VISIBLE))
def test_who_sees_which_petitions(request, world, persona):
    user = request.getfixturevalue(persona).user
    names = {name for name, petition in world.items() if petition in access.petitions(user)}
    assert names == VISIBLE[persona]
    assert all(access.can_see(user, world[name]) == (name in VISIBLE[persona]) for name in world)


def test_an_officer_no_longer_on_the_list_or_without_the_role_sees_nothing_more(world, officer, catalogue):
    catalogue.ubnd.officers.remove(officer.user)
    access.forget_bodies(officer.user)
    assert set(access.petitions(officer.user)) == {world["held"]}  # held by name, not by the body
    officer.user.roles.all().delete()
    forget_roles(officer.user)
    assert not access.petitions(officer.user).exists()
    assert not access.can_see(officer.user, world["held"])


def test_residents_phone_numbers_are_for_those_who_handle_the_petition(request, world):
    petition = world["new"]
    for persona in ("secretary", "cadre", "leader", "staff"):
        assert access.can_see_contact(request.getfixturevalue(persona).user, petition), persona
    assert not access.can_see_contact(request.getfixturevalue("plain_member").user, petition)
    assert access.can_see_contact(request.getfixturevalue("officer").user, world["held"])
    assert not access.can_see_contact(request.getfixturevalue("officer").user, petition)


OVERSEE_NEW = {"forward", "set_deadline", "escalate", "decline", "not_competent", "comment", "attach"}
OVERSEE_FORWARDED = {"assign", "extend_deadline", "answer", "escalate", "decline", "not_competent", "comment", "attach"}
ALLOWED = {
    # persona: {petition: actions}
    "secretary": {"new": {"answer_at_meeting", "comment", "attach"}, "held": {"comment", "attach"},
                  "answered": {"report_back", "comment", "attach"}},
    "cadre": {"new": {"answer_at_meeting", "comment", "attach"}, "held": {"comment", "attach"},
              "answered": {"comment", "attach"}},
    "leader": {"new": OVERSEE_NEW, "held": OVERSEE_FORWARDED, "answered": {"comment", "attach"},
               "queue": OVERSEE_FORWARDED},
    "staff": {"new": OVERSEE_NEW, "held": OVERSEE_FORWARDED, "answered": {"report_back", "comment", "attach"},
              "queue": OVERSEE_FORWARDED},
    "officer": {"new": set(), "held": {"start", "answer", "comment", "attach"}, "answered": {"comment", "attach"},
                "queue": {"start", "answer", "comment", "attach"}, "farmers": set()},
    "plain_member": {"new": set(), "held": set(), "answered": set()},
    "outsider": {"new": set(), "held": set(), "foreign": OVERSEE_NEW},
}  # fmt: skip


@pytest.mark.parametrize("persona", list(ALLOWED))
def test_allowed_actions_for_each_role(request, world, persona):
    user = request.getfixturevalue(persona).user
    for name, expected in ALLOWED[persona].items():
        assert {action.name for action in workflow.allowed_actions(user, world[name])} == expected, (persona, name)


def test_recording_and_the_catalogue(request, tree):
    can_record = {name: access.can_record(request.getfixturevalue(name).user, tree.branch) for name in VISIBLE}
    assert {name for name, may in can_record.items() if may} == {"secretary", "staff"}
    assert not access.can_record(request.getfixturevalue("staff").user, tree.commune)  # a commune is no branch
    keepers = {
        name for name in VISIBLE if access.can_manage_catalogue(request.getfixturevalue(name).user, tree.commune)
    }
    assert keepers == {"staff"}


def test_catalogue_defaults_are_created_once_and_edits_are_kept(tree, staff):
    catalogue_services.catalogue_ensure(commune=tree.commune)
    assert tree.commune.petition_categories.count() == 9
    assert tree.commune.petition_bodies.filter(name="UBND xã Tam Hưng").exists()
    roads = tree.commune.petition_categories.get(name="Giao thông – đường sá")
    catalogue_services.category_update(category=roads, name="Giao thông", default_days=20, by=staff.user)
    catalogue_services.catalogue_ensure(commune=tree.commune)
    assert tree.commune.petition_categories.count() == 9
    assert not tree.commune.petition_categories.filter(name="Giao thông – đường sá").exists()


def test_only_officers_of_the_commune_join_a_body(tree, catalogue, staff, officer, foreign_officer, leader):
    with pytest.raises(ValidationError):
        catalogue_services.body_set_officers(body=catalogue.farmers, officers=[foreign_officer.user], by=staff.user)
    with pytest.raises(PermissionDenied):
        catalogue_services.body_set_officers(body=catalogue.farmers, officers=[officer.user], by=leader.user)
    catalogue_services.body_set_officers(body=catalogue.farmers, officers=[officer.user], by=staff.user)
    assert list(catalogue.farmers.officers.all()) == [officer.user]
    assert list(access.officers(tree.commune)) == [officer.user]
    assert Petition.objects.count() == 0

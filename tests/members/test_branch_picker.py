"""Province-wide filters pick a branch by typing, not from a drop-down of every branch."""

from django.test import Client
from django.urls import reverse

from members.models import Role, RoleKind

from ..factories import UserFactory


def _province_leader(tree):
    user = UserFactory(username="province-leader")
    Role.objects.create(user=user, kind=RoleKind.LEADER, organization=tree.province)
    client = Client()
    client.force_login(user)
    return client


def test_province_pages_have_the_picker_and_no_branch_dropdown(tree):
    leader = _province_leader(tree)
    for url in (reverse("members:list"), reverse("meetings:list"), reverse("oversight:flags")):
        html = leader.get(url).content.decode()
        assert "data-pick-text" in html, url
        assert 'name="branch"' in html and f'<option value="{tree.other_branch.pk}"' not in html, url


def test_commune_staff_keep_the_dropdown(staff, tree):
    html = staff.get(reverse("members:list")).content.decode()
    assert "data-pick-text" not in html
    assert f'<option value="{tree.sibling.pk}"' in html


def test_a_chosen_branch_filters_and_shows_its_name(tree):
    leader = _province_leader(tree)
    page = leader.get(reverse("members:list"), {"branch": tree.other_branch.pk})
    assert page.status_code == 200
    assert f'value="{tree.other_branch.name}"' in page.content.decode()


def test_the_picker_answers_with_branches_in_scope_only(tree, staff, outsider):
    pick = reverse("members:branch_pick")
    html = staff.get(pick, {"q": "Chi bộ"}).content.decode()
    assert f'data-pick-id="{tree.branch.pk}"' in html and f'data-pick-id="{tree.sibling.pk}"' in html
    assert f'data-pick-id="{tree.other_branch.pk}"' not in html
    assert "Đảng bộ xã Tam Hưng" in html  # the parent, to tell same-named branches apart
    html = outsider.get(pick, {"q": "Song"}).content.decode()
    assert "data-pick-id" not in html
    assert "data-pick-id" not in staff.get(pick, {"q": "S"}).content.decode()  # two letters at least
    province = _province_leader(tree).get(pick, {"q": "tổ dân"}).content.decode()
    assert f'data-pick-id="{tree.other_branch.pk}"' in province

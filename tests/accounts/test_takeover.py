"""No account takeover from within a commune (issue 21): a reset code or an unlock only for an
account whose every role is strictly below the issuer's reach, refused (404) in the view and in
the service; after a reset of an account that must use two-factor and has no authenticator,
setting one up needs the enrolment code issued with the reset."""

import datetime
import re

import pytest
import time_machine
from django.test import Client
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import AccountEvent, EnrolmentCode, ResetCode
from accounts.services import OutOfReach, account_unlock, reset_code_issue
from members.access import manageable_users
from members.models import RoleKind

from ..factories import MemberFactory, UserFactory, give_role
from .test_two_factor import scanned

pytestmark = pytest.mark.system_scope

PASSWORD = "Tam-Hung-moi-2026"
SETUP = "/account/two-factor/setup/"


def persona(username, kind, node):
    user = UserFactory(username=username)
    give_role(user, kind, node)
    client = Client()
    client.force_login(user)
    client.user = user
    return client


@pytest.fixture
def commune_leader(tree):
    user = UserFactory(username="lanhdao.tamhung")
    give_role(user, RoleKind.LEADER, tree.commune)
    return user


@pytest.fixture
def province_staff(tree):
    return persona("canbo.tinh", RoleKind.COMMUNE_STAFF, tree.province)


def test_commune_staff_cannot_reset_or_unlock_the_communes_leader_but_the_province_can(
    tree, staff, province_staff, commune_leader
):
    assert staff.post(f"/accounts/{commune_leader.pk}/reset-code/").status_code == 404
    assert staff.post(f"/accounts/{commune_leader.pk}/unlock/").status_code == 404
    assert "lanhdao.tamhung" not in staff.get("/accounts/").content.decode()
    assert not ResetCode.objects.filter(user=commune_leader).exists()

    response = province_staff.post(f"/accounts/{commune_leader.pk}/reset-code/")

    assert response.status_code == 200 and 'id="reset-code"' in response.content.decode()
    assert AccountEvent.objects.filter(
        kind=AccountEvent.Kind.RESET_CODE_ISSUED, user=commune_leader, actor=province_staff.user
    ).exists()


def test_the_service_refuses_too(tree, staff, commune_leader):
    with pytest.raises(OutOfReach):
        reset_code_issue(user=commune_leader, by=staff.user)
    with pytest.raises(OutOfReach):
        account_unlock(user=commune_leader, by=staff.user)
    assert not AccountEvent.objects.filter(user=commune_leader).exists()


def test_peer_staff_of_the_same_commune_are_out_of_reach_and_those_below_are_in(tree, staff):
    peer = persona("vanphong2", RoleKind.COMMUNE_STAFF, tree.commune).user
    secretary = persona("bithu", RoleKind.SECRETARY, tree.branch).user
    officer = persona("canbo.ubnd", RoleKind.OFFICER, tree.commune).user  # reads petitions only
    member = UserFactory(username="dangvien")
    MemberFactory(branch=tree.branch, user=member)

    reachable = set(manageable_users(staff.user))

    assert peer not in reachable
    assert {secretary, officer, member} <= reachable
    assert staff.post(f"/accounts/{peer.pk}/reset-code/").status_code == 404
    assert staff.post(f"/accounts/{secretary.pk}/reset-code/").status_code == 200


def test_a_role_in_one_commune_does_not_reach_a_member_record_in_another(tree, outsider):
    """Staff of Đức Thắng, where this person is an officer, may not reset their account: their
    member record is in Tam Hưng."""
    user = UserFactory(username="canbo-hai-xa")
    give_role(user, RoleKind.OFFICER, tree.other_commune)
    MemberFactory(branch=tree.branch, user=user)

    assert outsider.post(f"/accounts/{user.pk}/reset-code/").status_code == 404
    assert outsider.post(f"/accounts/{user.pk}/unlock/").status_code == 404


def verified(client):
    """The issuer's session has given a code from its authenticator (the requirement is on)."""
    device = TOTPDevice.objects.create(user=client.user, name="authenticator", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def code_for(device, when) -> str:
    with time_machine.travel(when, tick=False):
        return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def test_after_a_reset_setting_up_an_authenticator_needs_the_enrolment_code(
    settings, tree, province_staff, commune_leader
):
    settings.CHIBO_2FA_REQUIRED = True
    issued = verified(province_staff).post(f"/accounts/{commune_leader.pk}/reset-code/").content.decode()
    reset = re.search(r'id="reset-code">([A-Z0-9-]+)<', issued)[1]
    enrolment = re.search(r'id="enrolment-code">([A-Z0-9-]+)<', issued)[1]
    assert reset != enrolment
    assert EnrolmentCode.objects.get(user=commune_leader).digest not in (enrolment, enrolment.replace("-", ""))

    # Whoever holds the reset code sets a password and reaches the set-up step…
    client = Client()
    client.post(
        "/password/code/",
        {"username": "lanhdao.tamhung", "code": reset, "new_password1": PASSWORD, "new_password2": PASSWORD},
    )
    client.post("/login/", {"username": "lanhdao.tamhung", "password": PASSWORD})
    now = timezone.now()
    assert client.get("/")["Location"].startswith(SETUP)
    page = client.get(SETUP).content.decode()
    assert 'name="enrolment_code"' in page
    device = scanned(client, commune_leader)

    # …but registers no authenticator without the enrolment code.
    refused = client.post(SETUP, {"code": code_for(device, now), "enrolment_code": "AAAA-BBBB-CCCC"})
    assert refused.status_code == 200 and 'id="recovery-codes"' not in refused.content.decode()
    assert not TOTPDevice.objects.filter(user=commune_leader, confirmed=True).exists()

    later = now + datetime.timedelta(minutes=1)
    with time_machine.travel(later, tick=False):
        done = client.post(SETUP, {"code": code_for(device, later), "enrolment_code": enrolment.lower()})
    assert 'id="recovery-codes"' in done.content.decode()
    assert TOTPDevice.objects.filter(user=commune_leader, confirmed=True).exists()
    assert not EnrolmentCode.objects.filter(user=commune_leader, used_at__isnull=True).exists()
    kinds = set(AccountEvent.objects.filter(user=commune_leader).values_list("kind", flat=True))
    assert {"reset_code_issued", "enrol_code_issued", "reset_code_used", "enrol_code_used", "two_factor_on"} <= kinds


def test_no_enrolment_code_for_an_account_that_need_not_use_two_factor(settings, tree, staff):
    settings.CHIBO_2FA_REQUIRED = True
    secretary = persona("bithu", RoleKind.SECRETARY, tree.branch).user
    issued = verified(staff).post(f"/accounts/{secretary.pk}/reset-code/").content.decode()
    assert 'id="reset-code"' in issued and 'id="enrolment-code"' not in issued
    assert not EnrolmentCode.objects.exists()

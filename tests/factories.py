import datetime

import factory
from django.contrib.auth import get_user_model

from members.models import Member, MemberStatus, Organization, OrganizationKind, Position, Role


def make_org(name: str, kind: str, parent: Organization | None = None, **fields) -> Organization:
    """Tree nodes are created through treebeard (add_root / add_child), not factory.create."""
    code = fields.pop("code", None) or f"{kind}-{Organization.objects.count() + 1}"
    values = {"name": name, "kind": kind, "code": code, **fields}
    if parent is None:
        return Organization.objects.add_root(create_kwargs=values)
    return Organization.objects.add_child(parent, create_kwargs=values)


def make_tree(province_name="Đảng bộ Thành phố Hà Nội", commune_name="Đảng bộ xã Tam Hưng", branch_names=("A",)):
    province = make_org(province_name, OrganizationKind.PROVINCE)
    commune = make_org(commune_name, OrganizationKind.COMMUNE, province)
    branches = [
        make_org(f"Chi bộ thôn {name}", OrganizationKind.BRANCH, commune, branch_type="village", meeting_day=5)
        for name in branch_names
    ]
    return province, commune, branches


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("matkhau-123")


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Member

    full_name = factory.Sequence(lambda n: f"Nguyễn Văn Thành {n}")
    date_of_birth = datetime.date(1970, 5, 1)
    sex = "male"
    admitted_on = datetime.date(2000, 1, 10)
    full_member_on = datetime.date(2001, 1, 10)
    status = MemberStatus.FULL
    party_card_number = factory.Sequence(lambda n: f"{10000000 + n}")


class PositionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Position

    started_on = datetime.date(2020, 1, 1)


def give_role(user, kind: str, organization: Organization) -> Role:
    return Role.objects.create(user=user, kind=kind, organization=organization)

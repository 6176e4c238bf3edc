"""Member search: accent-insensitive, with the names that hold the accents typed first."""

import unicodedata

import pytest
from django.urls import reverse

from members.models import Member
from members.views import register

from ..factories import MemberFactory

pytestmark = pytest.mark.system_scope


@pytest.fixture
def names(tree):
    # name_key order (the order without a preference): ... hang, ... thang, ... hang, ... thang
    for name in ["Lê Văn Thắng", "Nguyễn Thị Hằng", "Phạm Văn Hàng", "Trần Thị Hằng", "Vũ Đức Thắng", "Đỗ Văn An"]:
        MemberFactory(branch=tree.branch, full_name=name)


def listed(client, typed):
    response = client.get(reverse("members:list"), {"q": typed})
    assert response.status_code == 200
    return [member.full_name for member in response.context["page"]]


@pytest.mark.parametrize(
    "typed", ["Hằng", "hằng", "HẰNG", unicodedata.normalize("NFD", "Hằng"), "ằng", "  Hằng ", "thị hằng"]
)
def test_names_with_the_accents_typed_come_first(staff, names, typed):
    found = listed(staff, typed)
    assert found[:2] == ["Nguyễn Thị Hằng", "Trần Thị Hằng"]
    if "thị" not in typed:
        # The other accent-insensitive matches follow, in the usual order.
        assert found[2:] == ["Lê Văn Thắng", "Phạm Văn Hàng", "Vũ Đức Thắng"]


def test_other_accents_lead_with_their_own_matches(staff, names):
    assert listed(staff, "Thắng") == ["Lê Văn Thắng", "Vũ Đức Thắng"]
    assert listed(staff, "Hàng") == [
        "Phạm Văn Hàng",
        "Lê Văn Thắng",
        "Nguyễn Thị Hằng",
        "Trần Thị Hằng",
        "Vũ Đức Thắng",
    ]


def test_text_without_accents_keeps_the_usual_order(staff, names):
    assert listed(staff, "hang") == [
        "Lê Văn Thắng",
        "Nguyễn Thị Hằng",
        "Phạm Văn Hàng",
        "Trần Thị Hằng",
        "Vũ Đức Thắng",
    ]


def test_the_queryset_search_orders_the_same(names):
    assert [member.full_name for member in Member.objects.search("Hằng")][:2] == ["Nguyễn Thị Hằng", "Trần Thị Hằng"]


def test_search_costs_no_extra_query(staff, names, django_assert_num_queries):
    url = reverse("members:list")
    staff.get(url)  # warm the session
    with django_assert_num_queries(9):  # as the member list without a search (test_register)
        staff.get(url, {"q": "Hằng"})


def test_a_search_counts_only_up_to_the_cap(staff, names, monkeypatch):
    monkeypatch.setattr(register, "SEARCH_CAP", 3)
    response = staff.get(reverse("members:list"), {"q": "hang"})  # five match
    found = response.content.decode()
    assert "Hơn 3 đảng viên khớp: hãy gõ thêm tên để thu hẹp kết quả." in found
    assert response.context["page"].paginator.count == 3
    # The page still lists the first matches in order, and never more than the cap.
    assert [m.full_name for m in response.context["page"]] == ["Lê Văn Thắng", "Nguyễn Thị Hằng", "Phạm Văn Hàng"]
    few = staff.get(reverse("members:list"), {"q": "thắng"})
    assert few.context["page"].paginator.count == 2 and not few.context["page"].paginator.more
    assert "2 đảng viên" in few.content.decode()
    # Without a search text, the register's count stays exact.
    whole = staff.get(reverse("members:list"))
    assert whole.context["page"].paginator.count == 6 and not hasattr(whole.context["page"].paginator, "cap")

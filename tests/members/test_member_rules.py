"""The rules a member record follows hold however it is entered: the form and the importer agree."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from members.forms.register import MemberForm
from members.models import Member, Organization
from members.services import imports
from members.services.register import MEMBER_RULES, member_validate

from ..factories import MemberFactory

pytestmark = pytest.mark.system_scope

# Each case: the values in the form's format and the import file's, the rule they break, and the
# row message in Vietnamese.
REFUSED = [
    pytest.param(
        {"status": "full", "admitted_on": "2010-10-10", "full_member_on": ""},
        {"Trạng thái": "Chính thức", "Ngày vào Đảng": "10/10/2010", "Ngày chính thức": ""},
        "full_date_missing",
        "Dòng 2: đảng viên chính thức phải có ngày chính thức; hãy điền cột “Ngày chính thức” hoặc ghi Dự bị.",
        id="full member without the date made full member",
    ),
    pytest.param(
        {"status": "full", "admitted_on": "2010-10-10", "full_member_on": ""},
        # An empty status means a full member for a new member, as the form's default.
        {"Trạng thái": "", "Ngày vào Đảng": "10/10/2010", "Ngày chính thức": ""},
        "full_date_missing",
        "Dòng 2: đảng viên chính thức phải có ngày chính thức; hãy điền cột “Ngày chính thức” hoặc ghi Dự bị.",
        id="new member with no status and no date made full member",
    ),
    pytest.param(
        {"status": "probationary", "admitted_on": "2010-10-10", "full_member_on": "2010-10-09"},
        {"Trạng thái": "Dự bị", "Ngày vào Đảng": "10/10/2010", "Ngày chính thức": "09/10/2010"},
        "full_before_admitted",
        "Dòng 2: ngày chính thức (09/10/2010) trước ngày vào Đảng (10/10/2010).",
        id="full member before admitted",
    ),
]


def form_for(branch, **values):
    data = {"full_name": "Phạm Thị Lan", "branch": branch.pk, "ethnicity": "Kinh", **values}
    return MemberForm(data, branches=Organization.objects.filter(pk=branch.pk))


def plan_for(branch, user, **cells):
    header = ["Họ và tên", *cells]
    parsed = imports._read_table([header, ["Phạm Thị Lan", *cells.values()]])
    batch = imports.create_batch(branch=branch, by=user, filename="danh-sach.csv", parsed=parsed)
    return batch, imports.plan_import(batch=batch)


@pytest.mark.parametrize(("form_values", "cells", "code", "message"), REFUSED)
def test_the_importer_refuses_what_the_form_refuses(secretary, tree, form_values, cells, code, message):
    form = form_for(tree.branch, **form_values)
    assert not form.is_valid()
    assert code in [error.code for error in form.errors.as_data()["full_member_on"]]

    with translation.override("vi"):
        batch, plan = plan_for(tree.branch, secretary.user, **cells)
    (row,) = plan.rows
    assert row.action == imports.Action.ERROR
    assert row.errors == [message]
    assert [error["code"] for error in batch.rows[0]["errors"]] == []  # a rule on the record, not on the cells
    imports.import_confirm(batch=batch, by=secretary.user)
    assert not Member.objects.filter(full_name="Phạm Thị Lan").exists()


def test_the_form_and_the_importer_accept_the_same_row(secretary, tree):
    form = form_for(tree.branch, status="full", admitted_on="2010-10-10", full_member_on="2011-10-10")
    assert form.is_valid(), form.errors

    _batch, plan = plan_for(
        tree.branch,
        secretary.user,
        **{"Trạng thái": "Chính thức", "Ngày vào Đảng": "10/10/2010", "Ngày chính thức": "10/10/2011"},
    )
    assert [row.action for row in plan.rows] == [imports.Action.CREATE]


def test_a_row_updating_a_member_is_judged_with_what_is_recorded(secretary, tree):
    # Empty cells keep the recorded value, so the recorded date made full member counts.
    MemberFactory(branch=tree.branch, full_name="Phạm Thị Lan", party_card_number="20000001")
    _batch, plan = plan_for(
        tree.branch,
        secretary.user,
        **{"Số thẻ đảng viên": "20000001", "Trạng thái": "Chính thức", "Ngày vào Đảng": "10/01/2000"},
    )
    assert [row.action for row in plan.rows] == [imports.Action.UNCHANGED]

    # A recorded exemption reason without its date is refused by the form; the file cannot keep it either.
    Member.objects.filter(party_card_number="20000001").update(exempt_reason="Tuổi cao", exempt_since=None)
    with translation.override("en"):
        _batch, plan = plan_for(
            tree.branch, secretary.user, **{"Số thẻ đảng viên": "20000001", "Điện thoại": "0912345678"}
        )
    assert [row.action for row in plan.rows] == [imports.Action.ERROR]
    assert plan.rows[0].errors == [
        "Row 2: the member has a reason for exemption but no date it started; complete the member's record first."
    ]
    form = form_for(tree.branch, status="full", exempt_reason="Tuổi cao", exempt_since="")
    assert not form.is_valid()
    assert [error.code for error in form.errors.as_data()["exempt_since"]] == ["exempt_date_missing"]


def test_every_rule_is_worded_for_an_import_row():
    assert set(MEMBER_RULES) <= set(imports.ROW_MESSAGES)


@pytest.mark.parametrize(
    ("values", "codes"),
    [
        ({"status": "full", "admitted_on": datetime.date(2010, 1, 1), "full_member_on": None}, ["full_date_missing"]),
        ({"status": "probationary", "admitted_on": datetime.date(2010, 1, 1), "full_member_on": None}, []),
        ({"status": "full", "admitted_on": None, "full_member_on": None}, []),
        (
            {"status": "full", "admitted_on": datetime.date(2010, 1, 2), "full_member_on": datetime.date(2010, 1, 1)},
            ["full_before_admitted"],
        ),
        (
            {"status": "full", "admitted_on": None, "full_member_on": None, "exempt_reason": "Ốm"},
            ["exempt_date_missing"],
        ),
    ],
)
def test_member_validate_names_the_broken_rules(values, codes):
    assert broken_rules(**values) == codes


def broken_rules(**values) -> list[str]:
    try:
        member_validate(**values)
    except ValidationError as refused:
        return [error.code for errors in refused.error_dict.values() for error in errors]
    return []

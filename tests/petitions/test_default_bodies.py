"""The default bodies include the commune's police, military command, public service centre and,
in the village, the trưởng thôn / tổ trưởng and the Ban công tác Mặt trận (issue 23); examples
name the two-level government (no district since 01/07/2025)."""

import pytest

from petitions.forms.actions import EscalateForm
from petitions.models import Body

pytestmark = pytest.mark.system_scope


def test_a_commune_gets_the_bodies_that_answer_there(tree, catalogue):
    names = set(Body.objects.filter(commune=tree.commune).values_list("name", flat=True))
    assert {
        "Công an xã Tam Hưng",
        "Ban Chỉ huy Quân sự xã Tam Hưng",
        "Trung tâm Phục vụ hành chính công xã Tam Hưng",
        "Trưởng thôn, tổ trưởng tổ dân phố",
        "Ban công tác Mặt trận thôn, tổ dân phố",
    } <= names


def test_no_example_names_a_district():
    from django.utils import translation

    with translation.override("vi"):
        help_text = str(EscalateForm.base_fields["to"].help_text)
    assert "huyện" not in help_text and "UBND tỉnh" in help_text

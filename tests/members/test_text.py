import unicodedata

import pytest

from members.text import normalize_phone, search_key


@pytest.mark.parametrize(
    "typed",
    [
        "nguyen van an",
        "NGUYỄN VĂN AN",
        "Nguyễn Văn An",
        unicodedata.normalize("NFD", "Nguyễn Văn An"),
        "  Nguyễn   Văn An ",
    ],
)
def test_search_key_folds_accents_case_and_nfd(typed):
    assert search_key(typed) == "nguyen van an"


def test_search_key_folds_d_with_stroke():
    assert search_key("Đặng Đình Đức") == "dang dinh duc"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("0912345678", "0912345678"),
        ("0912 345 678", "0912345678"),
        ("+84 912 345 678", "0912345678"),
        ("84912345678", "0912345678"),
        ("091.234.5678", "0912345678"),
        ("02433123456", "02433123456"),
    ],
)
def test_phone_numbers_are_normalised(raw, expected):
    assert normalize_phone(raw) == expected


@pytest.mark.parametrize("raw", ["12345", "abc", "0912-345", "+1 202 555 0100"])
def test_bad_phone_numbers_are_refused(raw):
    with pytest.raises(ValueError):
        normalize_phone(raw)

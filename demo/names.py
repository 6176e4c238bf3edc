"""Invented Vietnamese names: weighted pools by region and people, and drawing a name from one.

The pools are approximations for demo data; a seeded random generator draws from them, so the
same seed always gives the same people.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from members.models import Sex
from members.text import clean_name


@dataclass(frozen=True)
class NamePool:
    """Weighted family names, and middle and given names by sex."""

    families: tuple[tuple[str, int], ...]
    male_middle: tuple[tuple[str, int], ...]
    female_middle: tuple[tuple[str, int], ...]
    male_given: tuple[str, ...]
    female_given: tuple[str, ...]
    # Some minority names have no middle name ("Kăn Sa", "Pả Linh").
    no_middle_families: frozenset[str] = frozenset()


def _weights(text: str) -> tuple[tuple[str, int], ...]:
    """ "Nguyễn 38, Trần 11" -> (("Nguyễn", 38), ("Trần", 11))."""
    pairs = (item.rsplit(" ", 1) for item in text.split(","))
    return tuple((name.strip(), int(weight)) for name, weight in pairs)


def _names(text: str) -> tuple[str, ...]:
    return tuple(text.split())


_NORTH_MALE_GIVEN = _names(
    "An Bình Cường Dũng Đạt Hải Hùng Hưng Huy Khánh Long Nam Phong Quân Sơn Thắng Toàn Tuấn Việt Vinh "
    "Hòa Lâm Thành Trung Tiến Hiếu Báu Sáng Hoạt Chiến Đông Khải Lực Nghĩa Phúc Quyết Tâm Thịnh Tùng "
    "Vượng Kiên Tuyên Thuận Định"
)
_NORTH_FEMALE_GIVEN = _names(
    "Hoa Lan Hương Mai Hằng Thảo Linh Nga Hạnh Yến Phượng Thủy Trang Hà Huyền Loan Oanh Dung Nhung "
    "Tuyết Liên Xuân Hiền Thu Vân Ngân Quyên Chi Thơm Lụa"
)
_NORTH_MALE_MIDDLE = _weights(
    "Văn 40, Đức 8, Minh 8, Hữu 6, Quang 6, Thanh 5, Ngọc 4, Công 4, Xuân 4, Mạnh 3, Tiến 3, Duy 3, Trọng 3"
)
_NORTH_FEMALE_MIDDLE = _weights("Thị 60, Ngọc 6, Thanh 6, Thu 5, Minh 4, Kim 4, Phương 4, Hồng 4, Thúy 3")

NORTH = NamePool(
    families=_weights(
        "Nguyễn 38, Trần 11, Lê 9, Phạm 7, Hoàng 5, Phan 4, Vũ 4, Đặng 2, Bùi 2, Đỗ 2, Hồ 1, Ngô 2, Dương 1, Lý 1"
    ),
    male_middle=_NORTH_MALE_MIDDLE,
    female_middle=_NORTH_FEMALE_MIDDLE,
    male_given=_NORTH_MALE_GIVEN,
    female_given=_NORTH_FEMALE_GIVEN,
)
CENTRAL = NamePool(
    families=_weights(
        "Nguyễn 30, Lê 12, Trần 10, Hoàng 8, Phan 6, Võ 6, Hồ 5, Phạm 4, Đặng 3, Ngô 3, Trương 3, Bùi 2, Dương 2"
    ),
    male_middle=_NORTH_MALE_MIDDLE,
    female_middle=_NORTH_FEMALE_MIDDLE,
    male_given=_NORTH_MALE_GIVEN,
    female_given=_NORTH_FEMALE_GIVEN,
)
SOUTH = NamePool(
    families=_weights(
        "Nguyễn 35, Trần 10, Lê 9, Võ 7, Huỳnh 6, Phạm 5, Phan 4, Trương 3, Đặng 2, Bùi 2, Đỗ 1, Ngô 2, Dương 2, Lý 2"
    ),
    male_middle=_weights("Văn 45, Minh 8, Thanh 6, Hữu 6, Quốc 5, Tấn 5, Hoàng 4"),
    female_middle=_weights("Thị 60, Ngọc 8, Kim 6, Thanh 5, Bích 4, Hồng 4, Mỹ 3"),
    male_given=_names(
        "Nhơn Thương Trường Phước Lợi Tài Hậu Tâm Thiện Nghĩa Hiếu Dũng Hùng Minh Phúc Sang Trí Khang Tuấn "
        "Hải Lộc Bảo Thạnh Nhựt Em Út"
    ),
    female_given=_names(
        "Hoa Lan Thảo Trinh Diễm Nhung Hạnh Ngân Phượng Tuyết Mai Thủy Yến Huệ Cúc Hồng Loan Nga Thắm Kiều"
    ),
)
# Vân Kiều and Pa Kô people of Đakrông mostly carry Kinh-style family names (Hồ above all)
# or a clan name of their own; these are approximations for demo data.
VAN_KIEU = NamePool(
    families=_weights("Hồ 80, Lê 10, Nguyễn 5, Trần 5"),
    male_middle=_weights("Văn 90, A 10"),
    female_middle=_weights("Thị 100"),
    male_given=_names("Bốc Lả Rin Noong Pua Kiên Nghiệp Đim Lai Chiến Hiền Păng Kheng Ta Tiếp Khăm"),
    female_given=_names("Xiêm Thắm Sa Nghè Pơi Hoa Lan Thơm Mai Xuân Pỏi Nhúc"),
)
PA_KO = NamePool(
    families=_weights("Hồ 40, Kăn 20, Pả 15, Ăm 10, Căn 10, Pi 5"),
    male_middle=_weights("Văn 100"),
    female_middle=_weights("Thị 100"),
    male_given=_names("Đức Linh Bưng Ngoan Chiên Hỏi Lương Sơn Tâm Bình Xông Ơi"),
    female_given=_names("Sa Bưng Chiên Hoa Ngọc Nhơ Kêr Bin Mai Pết"),
    no_middle_families=frozenset({"Kăn", "Pả", "Ăm", "Căn", "Pi"}),
)


def weighted(rng: random.Random, pairs) -> str:
    names, weights = zip(*pairs, strict=True)
    return rng.choices(names, weights=weights)[0]


def draw_name(rng: random.Random, pool: NamePool, sex: str) -> tuple[str, str, str]:
    """Return (full name, family and middle name, given name)."""
    family = weighted(rng, pool.families)
    female = sex == Sex.FEMALE
    if family in pool.no_middle_families and rng.random() < 0.7:
        middle = ""
    else:
        middle = weighted(rng, pool.female_middle if female else pool.male_middle)
    given = rng.choice(pool.female_given if female else pool.male_given)
    last = f"{family} {middle}".strip()
    return clean_name(f"{last} {given}"), last, given

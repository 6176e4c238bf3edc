"""The yearly comments on linked working members as DOCX and PDF (HD 36-HD/VPTW layout): one
page per member, the residence branch's header, signed "T/M CHI ỦY" (QĐ 213; docs/domain.md)."""

from __future__ import annotations

from dataclasses import dataclass

from django.template.loader import render_to_string
from docx.enum.text import WD_BREAK

from meetings.documents import word
from meetings.documents.content import _upper_org, vietnamese_date
from meetings.documents.pdf import FONT_FAMILY, write_pdf_bounded
from meetings.models import ResidenceComment
from members.access import system_scope
from members.models import Organization, OrganizationKind, PositionKind
from members.selectors import has_committee, signer_on
from members.text import strip_controls


def sent_header(comment: ResidenceComment, day) -> dict:
    """What the comment's document prints above and below its text, fixed when it is sent: read
    for the residence branch, whose committee signs (in the system scope: the signer is printed
    on the document the workplace receives, nothing else of the branch)."""
    branch = comment.link.residence_branch
    with system_scope():
        ancestors = list(Organization.objects.get_ancestors(branch))
        signer, post = signer_on(branch, day)
        committee = has_committee(branch, day)
    parent = ancestors[-1] if ancestors else branch
    commune = next((org for org in reversed(ancestors) if org.kind == OrganizationKind.COMMUNE), parent)
    place = commune.name
    for prefix in ("Đảng bộ ", "đảng bộ "):
        place = place.removeprefix(prefix)
    for unit in ("xã ", "phường ", "thị trấn ", "đặc khu "):
        place = place.removeprefix(unit)
    return {
        "superior": _upper_org(parent.name, "ĐẢNG BỘ"),
        "branch_upper": _upper_org(branch.name, "CHI BỘ"),
        "branch_name": branch.name,
        "place_date": f"{place}, {vietnamese_date(day)}",
        "signer_lines": [
            "T/M CHI ỦY" if committee else "T/M CHI BỘ",
            "PHÓ BÍ THƯ" if post == PositionKind.DEPUTY else "BÍ THƯ",
        ],
        "signer": signer.full_name if signer else "",
    }


@dataclass
class CommentPage:
    header: dict
    member: str
    workplace: str
    year: int
    sections: list[tuple[str, str]]
    attendance: str


def pages(comments: list[ResidenceComment]) -> list[CommentPage]:
    found = []
    for comment in comments:
        found.append(
            CommentPage(
                header=comment.sent_header,
                member=comment.member.full_name,
                # The workplace as the member's record names it, else the branch of it.
                workplace=comment.member.workplace or comment.member.branch.name,
                year=comment.year,
                sections=[
                    ("1. Việc thực hiện nghĩa vụ công dân nơi cư trú", comment.civic_duties),
                    ("2. Gương mẫu của đảng viên và gia đình", comment.conduct),
                    ("3. Tham gia các phong trào, cuộc vận động ở khu dân cư", comment.movements),
                    ("4. Kết luận", comment.conclusion),
                ],
                attendance=(
                    f"Năm {comment.year}, đồng chí được mời dự {comment.meetings_invited} buổi sinh hoạt "
                    f"chi bộ nơi cư trú, đã dự {comment.meetings_attended} buổi."
                ),
            )
        )
    return found


TITLE = "BẢN NHẬN XÉT"
SUBTITLE = "Đảng viên đang công tác giữ mối liên hệ với tổ chức đảng và nhân dân nơi cư trú năm {year}"


def comments_pdf(comments: list[ResidenceComment]) -> bytes:
    """Rendered in a child process with the documents' time limit (raises DocumentTooSlow)."""
    html = render_to_string(
        "meetings/documents/residence_comments.html",
        {"pages": pages(comments), "font_family": FONT_FAMILY, "title": TITLE, "subtitle": SUBTITLE},
    )
    return write_pdf_bounded(strip_controls(html))


def comments_docx(comments: list[ResidenceComment]) -> bytes:
    document = word._new_docx()
    for n, page in enumerate(pages(comments)):
        if n:
            document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        header = _Header(**{k: page.header.get(k, "") for k in ("superior", "branch_upper", "place_date")})
        word._header(document, header)
        word._title(document, TITLE, SUBTITLE.format(year=page.year))
        word._labelled(document, "Họ và tên: ", f"đồng chí {page.member}.")
        word._labelled(document, "Nơi công tác: ", f"{page.workplace}.")
        for title, text in page.sections:
            word._heading(document, title)
            word._paragraph(document, text or "")
        word._paragraph(document, page.attendance)
        table = document.add_table(rows=1, cols=2)
        word._signature_cell(table.rows[0].cells[1], page.header.get("signer_lines", []), page.header.get("signer", ""))
    return word._to_bytes(document)


@dataclass
class _Header:
    superior: str
    branch_upper: str
    place_date: str

"""The agenda's items as HTML, for the meeting page and the htmx swaps of the agenda.

Built here rather than in a template loop: a meeting has a dozen items, each with its files,
two small forms and the move buttons, and the template spent about 1,700 Python calls per item
(a fifth of the meeting page). The labels, links and CSRF field are prepared once per list;
every value from the database or the user is escaped (``_escape``).
"""

from __future__ import annotations

import html
from collections.abc import Callable

from django.template.defaultfilters import filesizeformat, linebreaksbr
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from meetings.forms.agenda import AttachmentForm
from meetings.models import AgendaItem
from members.links import SLOT, url_maker


def _escape(text) -> str:
    return html.escape(str(text))


class AgendaRows:
    """The ``<li>`` of each item; ``can_manage`` adds the files' remove buttons, the upload and
    remove forms and the move and edit buttons."""

    def __init__(self, *, can_manage: bool, csrf_field: str = "", file_pick: Callable[[], str] | None = None):
        self.can_manage = can_manage
        self.csrf = csrf_field
        self.file_pick = file_pick
        self.download = url_maker("meetings:attachment_download", SLOT)
        self.guidance = url_maker("meetings:guidance_detail", SLOT)
        self.t = {
            key: _escape(text)
            for key, text in {
                "guidance": _("commune guidance"),
                "remove": _("Remove"),
                "remove_file": _("Remove file"),
                "remove_confirm": _("Remove this file?"),
                "attach": _("Attach a file"),
                "upload": _("Upload"),
                "remove_item": _("Remove this item…"),
                "yes_remove": _("Yes, remove it"),
                "up": _("Move up"),
                "down": _("Move down"),
                "edit": _("Edit"),
                "help": AttachmentForm.base_fields["file"].help_text,
            }.items()
        }
        if can_manage:
            self.links = {
                "up": url_maker("meetings:agenda_move", SLOT, "up"),
                "down": url_maker("meetings:agenda_move", SLOT, "down"),
                "edit": url_maker("meetings:agenda_edit", SLOT),
                "delete": url_maker("meetings:agenda_delete", SLOT),
                "upload": url_maker("meetings:attachment_upload", SLOT),
                "remove_file": url_maker("meetings:attachment_delete", SLOT),
            }

    def render(self, items: list[AgendaItem]) -> SafeString:
        last = len(items) - 1
        # Safe: the markup is literal and every value in it has been escaped.
        return mark_safe("".join(self.item(item, first=i == 0, last=i == last) for i, item in enumerate(items)))  # noqa: S308

    def item(self, item: AgendaItem, *, first: bool, last: bool) -> str:
        t = self.t
        pk = item.pk
        parts = [
            f'<li class="list-group-item d-flex gap-2" id="agenda-item-{pk}"><div class="flex-grow-1">',
            f'<div class="fw-semibold">{_escape(item.title)}</div><div class="small text-secondary">',
            _escape(item.get_kind_display()),
        ]
        if item.presenter:
            parts += [" · ", _escape(item.presenter)]
        if item.planned_minutes:
            minutes = item.planned_minutes
            length = ngettext("%(counter)s minute", "%(counter)s minutes", minutes) % {"counter": minutes}
            parts += [" · ", _escape(length)]
        if item.guidance_id:
            parts.append(f' · <a href="{self.guidance(item.guidance_id)}">{t["guidance"]}</a>')
        parts.append("</div>")
        if item.notes and not item.guidance_id:
            parts += ['<div class="small mt-1">', linebreaksbr(item.notes, autoescape=True), "</div>"]
        files = list(item.attachments.all())
        guidance_files = list(item.guidance.attachments.all()) if item.guidance_id else []
        if files or guidance_files:
            parts.append('<ul class="list-unstyled small mt-1 mb-0">')
            for attachment in files:
                parts.append(f'<li class="d-flex align-items-center gap-2">{self._file(attachment)}')
                if self.can_manage:
                    remove = self.links["remove_file"](attachment.pk)
                    parts.append(
                        f'<form method="post" action="{remove}" hx-post="{remove}" hx-target="#agenda" '
                        f'hx-swap="outerHTML" hx-confirm="{t["remove_confirm"]}" class="d-print-none">{self.csrf}'
                        f'<button class="btn btn-link text-danger" type="submit" aria-label="{t["remove_file"]}">'
                        f"{t['remove']}</button></form>"
                    )
                parts.append("</li>")
            for attachment in guidance_files:
                parts.append(f"<li>{self._file(attachment)}</li>")
            parts.append("</ul>")
        if self.can_manage:
            parts.append(self._tools(item, first=first, last=last))
        else:
            parts.append("</div>")
        parts.append("</li>\n")
        return "".join(parts)

    def _file(self, attachment) -> str:
        return (
            f'<a href="{self.download(attachment.pk)}">{_escape(attachment.name)}</a> '
            f'<span class="text-secondary">({_escape(filesizeformat(attachment.size))})</span>'
        )

    def _tools(self, item: AgendaItem, *, first: bool, last: bool) -> str:
        """Upload and remove (asking first, at the foot of the item, away from "Edit"), then
        move and edit beside the item."""
        t, links, csrf, pk = self.t, self.links, self.csrf, item.pk
        delete = links["delete"](pk)
        question = _("Remove “%(title)s” and its files from the agenda?") % {"title": _escape(item.title)}
        parts = [
            f'<details class="mt-1 d-print-none"><summary class="agenda-summary">{t["attach"]}</summary>'
            f'<form method="post" enctype="multipart/form-data" action="{links["upload"](pk)}" '
            f'class="d-flex flex-wrap gap-2 mt-2">{csrf}{self.file_pick() if self.file_pick else ""}'
            f'<button class="btn btn-outline-secondary" type="submit">{t["upload"]}</button>'
            f'<div class="form-text w-100">{t["help"]}</div></form></details>',
            '<details class="mt-1 d-print-none">'
            f'<summary class="agenda-summary text-danger">{t["remove_item"]}</summary>'
            f'<form method="post" action="{delete}" hx-post="{delete}" hx-target="#agenda" '
            f'hx-swap="outerHTML show:#agenda:top" class="mt-2">{csrf}<p class="small mb-2">{question}</p>'
            f'<button class="btn btn-danger" type="submit">{t["yes_remove"]}</button></form></details>',
            '</div><div class="agenda-tools d-print-none">',
        ]
        swap = f"outerHTML show:#agenda-item-{pk}:top"
        for direction, arrow, shown in (("up", "↑", not first), ("down", "↓", not last)):
            if shown:
                url = links[direction](pk)
                label = t[direction]
                parts.append(
                    f'<form method="post" action="{url}" hx-post="{url}" hx-target="#agenda" hx-swap="{swap}">{csrf}'
                    f'<button class="btn btn-outline-secondary" type="submit" aria-label="{label}" title="{label}">'
                    f"{arrow}</button></form>"
                )
        parts.append(f'<a class="btn btn-outline-secondary" href="{links["edit"](pk)}">{t["edit"]}</a></div>')
        return "".join(parts)

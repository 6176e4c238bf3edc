"""Messages rendered from templates/notifications/<kind>/, in Vietnamese.

subject.txt and body.txt are required; sms.txt is optional (else the body, shortened) and so
is body.html. The .txt files are rendered without HTML escaping (they are plain text).

Links: the context's ``url`` and every other ``*_url`` may be a path ("/meetings/30/"); the
templates get each on the site's address (``links.absolute_url``), so every e-mail and SMS
carries a full link, and the message's ``link`` is the path of ``url`` for the inbox.
"""

import functools
import re
from dataclasses import dataclass

from django.template import Context, Engine, TemplateDoesNotExist, engines
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.text import Truncator

from .links import absolute_url, site_path

SMS_LENGTH = 160


@dataclass(frozen=True)
class Rendered:
    subject: str
    body: str
    body_html: str
    sms: str
    link: str = ""


@functools.cache
def text_engine() -> Engine:
    """The project's template engine, without autoescaping (for .txt templates)."""
    base = engines["django"].engine
    return Engine(
        dirs=base.dirs,
        app_dirs=base.app_dirs,
        libraries=base.libraries,
        builtins=[name for name in base.builtins if name not in Engine.default_builtins],
        debug=base.debug,
        autoescape=False,
    )


def _text(name: str, context: dict) -> str:
    return text_engine().get_template(name).render(Context(context, autoescape=False))


def render_message(kind: str, context: dict, recipient) -> Rendered:
    folder = f"notifications/{kind}"
    links = {
        key: absolute_url(value)
        for key, value in context.items()
        if (key == "url" or key.endswith("_url")) and isinstance(value, str)
    }
    values = {**context, **links, "recipient": recipient}
    with translation.override("vi"):
        subject = re.sub(r"\s+", " ", _text(f"{folder}/subject.txt", values)).strip()
        body = _text(f"{folder}/body.txt", values).strip()
        try:
            sms = re.sub(r"\s+", " ", _text(f"{folder}/sms.txt", values)).strip()
        except TemplateDoesNotExist:
            sms = Truncator(re.sub(r"\s+", " ", body)).chars(SMS_LENGTH)
        try:
            body_html = render_to_string(f"{folder}/body.html", values).strip()
        except TemplateDoesNotExist:
            body_html = ""
    link = site_path(links.get("url", ""))[:500]
    return Rendered(subject=subject[:300], body=body, body_html=body_html, sms=sms, link=link)

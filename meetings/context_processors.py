from django.utils.translation import gettext as _

from . import access


def offline_text() -> dict:
    """The offline script's words (assets/offline.js), written into the page as data (CSP)."""
    return {
        "offline": _("Offline – changes will be sent when the network returns"),
        "online": _("Online"),
        "waiting": _("%(count)s changes waiting to be sent"),
        "pending": _("waiting to be sent"),
        "send_now": _("Send now"),
        "saved_here": _("Kept on the phone, waiting to be sent"),
        "logout": _("Some changes have not been sent yet. Logging out now loses them. Log out anyway?"),
        "reasons": {
            "stale": _("not applied: a later mark had already been saved"),
            "adopted": _("not applied: the minutes had been adopted"),
            "refused": _("not applied: refused"),
        },
    }


def navigation(request):
    """What the menu shows; computed only when a template asks (one cached roles query)."""
    return {"show_flags": lambda: access.can_see_flags(request.user), "offline_text": offline_text}

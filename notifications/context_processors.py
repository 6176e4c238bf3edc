from django.utils.functional import SimpleLazyObject

from .selectors import unread_count


def unread(request):
    """The header's unread count: one query, run only when a template shows it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"notifications_unread": SimpleLazyObject(lambda: unread_count(user))}

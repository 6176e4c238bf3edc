from . import access


def navigation(request):
    """What the menu shows; computed only when a template asks (one cached roles query)."""
    return {"show_flags": lambda: access.can_see_flags(request.user)}

from .access import sees_petitions


def navigation(request):
    """What the menu shows of petitions; computed only when a template asks."""
    return {"show_petitions": lambda: sees_petitions(request.user)}

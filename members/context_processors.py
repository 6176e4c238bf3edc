from . import access


def navigation(request):
    """What the menu shows; computed only when a template asks (one cached roles query)."""
    return {"manages_accounts": lambda: access.can_manage_accounts(request.user)}

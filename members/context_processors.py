def navigation(request):
    """What the menu shows; computed only when a template asks (one cached roles query)."""

    def show_flags():
        from meetings.oversight import can_see_flags

        return request.user.is_authenticated and can_see_flags(request.user)

    return {"show_flags": show_flags}

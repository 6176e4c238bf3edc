"""The home page: the user's places in the tree, what to do next (the apps' panels) and the way in
to each app's pages."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from members import access, selectors
from portal.panels import home_panels


@login_required
def home(request):
    roles = access.roles(request.user)
    summaries = selectors.organization_summaries([role.organization for role in roles])
    # An officer of a body reads petitions only: their place is not a link to the party's pages.
    opens = [access.can_open_organization(request.user, role.organization) for role in roles]
    places = list(zip(roles, summaries, opens, strict=True))
    context = {
        "places": places,
        "reads_party_pages": request.user.is_superuser or any(opens),
        "show_outbox": access.can_see_outbox(request.user),
        # The agenda template and the meeting rules are kept by commune staff; others get no button.
        "keeps_local_practice": bool(access.staff_organizations(request.user)),
        "next_steps": home_panels(request),
    }
    return render(request, "portal/home.html", context)

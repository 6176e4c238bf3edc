from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .addresses import preference_of
from .forms import PreferenceForm
from .links import site_path
from .selectors import inbox_for
from .services import inbox_mark_read

PAGE_SIZE = 30


@login_required
def inbox(request):
    page = Paginator(inbox_for(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "notifications/inbox.html", {"page_obj": page, "notifications": page.object_list})


@login_required
@require_POST
def open_message(request, pk: int):
    """Tapping an inbox message: it is read, and its page opens. A POST (a GET writes nothing).
    The page decides who may see it (one who lost access gets its 404); only the user's own
    rows, and only paths on this site."""
    row = inbox_for(request.user).filter(pk=pk).only("pk", "link", "read_at").first()
    if row is None:
        raise Http404
    if row.read_at is None:
        inbox_mark_read(user=request.user, notification_id=row.pk)
    link = site_path(row.link)
    return redirect(link or "notifications:inbox")


@login_required
@require_POST
def mark_read(request, pk: int):
    # Only the user's own inbox rows: another user's id is "not found", not "forbidden".
    if not inbox_for(request.user).filter(pk=pk).exists():
        raise Http404
    inbox_mark_read(user=request.user, notification_id=pk)
    return redirect("notifications:inbox")


@login_required
@require_POST
def mark_all_read(request):
    inbox_mark_read(user=request.user)
    return redirect("notifications:inbox")


@login_required
def preferences(request):
    preference = preference_of(request.user)
    form = PreferenceForm(request.POST or None, instance=preference, initial={"email": request.user.email})
    if request.method == "POST" and form.is_valid():
        # Everything was validated above (the email's length included); both rows change together.
        with transaction.atomic():
            form.save()
            request.user.email = form.cleaned_data["email"]
            request.user.save(update_fields=["email"])
        messages.success(request, _("Your notification settings were saved."))
        return redirect("notifications:preferences")
    return render(request, "notifications/preferences.html", {"form": form})

"""A commune's petition categories and answering bodies, kept by its staff."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from petitions import access
from petitions.forms.catalogue import BodyForm, BodyOfficersForm, CategoryForm
from petitions.models import Body, Category
from petitions.services import catalogue as services


def _kept_communes(user):
    return [
        commune
        for commune in access.communes(user, access.CATALOGUE_KEEPERS)
        if access.can_manage_catalogue(user, commune)
    ]


def _kept_commune(request, pk):
    commune = get_object_or_404(access.communes(request.user, access.CATALOGUE_KEEPERS), pk=pk)
    if not access.can_manage_catalogue(request.user, commune):
        raise Http404
    return commune


def _service_errors(form, error: ValidationError) -> None:
    for item in error.error_list:
        field = {"unique": "name", "days": "default_days"}.get(item.code, item.code)
        form.add_error(field if field in form.fields else None, item)


def _saved(form, action) -> bool:
    """Run a catalogue service: a refusal answers 404, its validation errors go on the form."""
    try:
        action()
    except PermissionDenied:
        raise Http404 from None
    except ValidationError as error:
        _service_errors(form, error)
        return False
    return True


@login_required
def catalogue_home(request):
    """Commune staff land on the (first) commune they keep."""
    communes = _kept_communes(request.user)
    if not communes:
        raise Http404
    return redirect("petitions:catalogue", communes[0].pk)


def _with_defaults(commune, create):
    """The commune's default catalogue first (a commune created before it came with one), then the
    addition, in one transaction: a refused addition leaves no defaults behind either."""

    @transaction.atomic
    def both():
        services.catalogue_ensure(commune=commune)
        create()

    return both


# What the page's two forms post as ``add``.
ADDITIONS = ("category", "body")


@login_required
def catalogue(request, pk):
    """The lists, with a form to add a category or a body (``add=category`` or ``body`` on POST)."""
    user = request.user
    commune = _kept_commune(request, pk)
    adding = request.POST.get("add") if request.method == "POST" else None
    status = 200
    if request.method == "POST" and adding not in ADDITIONS:
        # A post from neither form (a page cut short, a script): nothing to add, and said so.
        messages.error(request, _("Nothing was added: choose whether to add a category or a body."))
        status = 400
    category_form = CategoryForm(request.POST if adding == "category" else None, prefix="category")
    body_form = BodyForm(request.POST if adding == "body" else None, prefix="body")
    if adding == "category" and category_form.is_valid():
        data = category_form.cleaned_data
        if _saved(
            category_form,
            _with_defaults(
                commune,
                lambda: services.category_create(
                    commune=commune,
                    name=data["name"],
                    default_days=data["default_days"],
                    position=data["position"],
                    by=user,
                ),
            ),
        ):
            messages.success(request, _("Category added."))
            return redirect("petitions:catalogue", commune.pk)
    elif adding == "body" and body_form.is_valid():
        data = body_form.cleaned_data
        if _saved(
            body_form,
            _with_defaults(
                commune,
                lambda: services.body_create(
                    commune=commune, name=data["name"], kind=data["kind"], position=data["position"], by=user
                ),
            ),
        ):
            messages.success(request, _("Body added."))
            return redirect("petitions:catalogue", commune.pk)
    categories = list(access.categories(commune).order_by("position", "name"))
    bodies = list(
        access.bodies(commune)
        .prefetch_related(Prefetch("officers", queryset=get_user_model().objects.select_related("member")))
        .order_by("position", "name")
    )
    # A commune without a catalogue yet (created before it came with one): its defaults, shown
    # read-only; opening the page writes nothing, the first addition saves them.
    default_categories, default_bodies = services.catalogue_defaults(commune)
    return render(
        request,
        "petitions/catalogue/catalogue.html",
        {
            "commune": commune,
            "communes": _kept_communes(user),
            "categories": categories or default_categories,
            "bodies": bodies or default_bodies,
            "unsaved": not categories or not bodies,
            "category_form": category_form,
            "body_form": body_form,
            "adding": adding,
        },
        status=status,
    )


@login_required
def category_edit(request, pk):
    user = request.user
    category = get_object_or_404(Category.objects.select_related("commune"), pk=pk)
    commune = _kept_commune(request, category.commune_id)
    initial = {"name": category.name, "default_days": category.default_days, "position": category.position}
    form = CategoryForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if _saved(
            form,
            lambda: services.category_update(
                category=category,
                name=data["name"],
                default_days=data["default_days"],
                position=data["position"],
                by=user,
            ),
        ):
            messages.success(request, _("Category saved."))
            return redirect("petitions:catalogue", commune.pk)
    return render(
        request,
        "petitions/catalogue/item_form.html",
        {"commune": commune, "form": form, "title": _("Category: %(name)s") % {"name": category.name}},
    )


@login_required
def body_edit(request, pk):
    user = request.user
    body = get_object_or_404(Body.objects.select_related("commune"), pk=pk)
    commune = _kept_commune(request, body.commune_id)
    post = request.POST if request.method == "POST" else None
    form = BodyForm(post, initial={"name": body.name, "kind": body.kind, "position": body.position})
    officers_form = BodyOfficersForm(
        post, officers=access.officers(commune), initial={"officers": list(body.officers.values_list("pk", flat=True))}
    )
    if post is not None and form.is_valid() and officers_form.is_valid():
        data = form.cleaned_data

        @transaction.atomic
        def save():
            services.body_update(body=body, name=data["name"], kind=data["kind"], position=data["position"], by=user)
            services.body_set_officers(body=body, officers=officers_form.cleaned_data["officers"], by=user)

        if _saved(form, save):
            messages.success(request, _("Body saved."))
            return redirect("petitions:catalogue", commune.pk)
    return render(
        request,
        "petitions/catalogue/item_form.html",
        {
            "commune": commune,
            "form": form,
            "officers_form": officers_form,
            "title": _("Body: %(name)s") % {"name": body.name},
        },
    )

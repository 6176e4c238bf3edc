"""Importing a branch's member list from a file, and exporting it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import IntegrityError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from members import access
from members.audit import access_log_note
from members.forms.imports import ImportUploadForm
from members.models import AccessLog, ImportBatch
from members.services import exports, imports


def _xlsx_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=exports.XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    # Member lists are classified: no copies in shared caches.
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def import_upload(request, pk):
    branch = get_object_or_404(access.editable_branches(request.user), pk=pk)
    if request.method == "POST":
        form = ImportUploadForm(request.POST, request.FILES)
        if form.is_valid():
            parsed = form.parsed
            batch = imports.create_batch(
                branch=branch, by=request.user, filename=form.cleaned_data["file"].name, parsed=parsed
            )
            if parsed.ignored_columns:
                messages.warning(
                    request,
                    _("These columns were not recognised and will be ignored: %(columns)s.")
                    % {"columns": ", ".join(parsed.ignored_columns)},
                )
            return redirect("members:import_preview", batch.pk)
    else:
        form = ImportUploadForm()
    return render(request, "members/import_upload.html", {"branch": branch, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def import_preview(request, pk):
    batches = ImportBatch.objects.filter(
        created_by=request.user, branch__in=access.editable_branches(request.user)
    ).select_related("branch")
    batch = get_object_or_404(batches, pk=pk)
    branch = batch.branch
    if request.method == "POST":
        if batch.status == ImportBatch.Status.DONE:
            messages.info(request, _("This list has already been imported."))
            return redirect("members:organization", branch.pk)
        try:
            batch = imports.import_confirm(batch=batch, by=request.user)
        except IntegrityError:
            # Someone changed the branch's members between the preview and the confirm.
            messages.error(
                request,
                _("The members were changed by someone else meanwhile. Check the preview again and confirm."),
            )
            return redirect("members:import_preview", batch.pk)
        messages.success(
            request,
            _("Import finished: %(created)s members added, %(updated)s members updated.")
            % {"created": batch.created_count, "updated": batch.updated_count},
        )
        return redirect("members:organization", branch.pk)
    plan = imports.plan_import(batch=batch, by=request.user) if batch.status == ImportBatch.Status.PENDING else None
    return render(request, "members/import_preview.html", {"batch": batch, "branch": branch, "plan": plan})


@login_required
def export_members(request, pk):
    branch = get_object_or_404(access.branches(request.user), pk=pk)
    # The whole classified list leaves the system: only those who keep the register.
    if not access.can_edit_organization(request.user, branch):
        raise Http404
    members = access.members(request.user).filter(branch=branch).active().order_by("name_key", "pk")
    content = exports.export_workbook(branch=branch, members=members)
    access_log_note(request, action=AccessLog.Action.EXPORT_BRANCH, organization_id=branch.pk)
    return _xlsx_response(content, exports.export_filename(branch=branch))


@login_required
def import_template(request):
    return _xlsx_response(exports.template_workbook(), exports.TEMPLATE_FILENAME)

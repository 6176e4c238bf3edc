from django.urls import path

from .views import accounts, imports, organizations, privacy, register

app_name = "members"

# The home page, the organisation page, the outbox and the access log are portal's pages in this
# namespace (portal/urls.py, mounted in front of these by chibo/urls.py).

urlpatterns = [
    path("organizations/", organizations.organization_tree, name="tree"),
    path("organizations/<int:pk>/children/", organizations.organization_children, name="tree_children"),
    path("organizations/pick/", organizations.branch_pick, name="branch_pick"),
    path("organizations/<int:pk>/edit/", organizations.organization_edit, name="organization_edit"),
    path("organizations/<int:pk>/positions/", organizations.positions, name="positions"),
    path("positions/<int:pk>/end/", organizations.position_end_view, name="position_end"),
    path("members/", register.member_list, name="list"),
    path("members/new/", register.member_create, name="create"),
    path("members/<int:pk>/", register.member_detail, name="member"),
    path("members/<int:pk>/edit/", register.member_edit, name="edit"),
    path("members/<int:pk>/leave/", register.member_leave, name="leave"),
    path("organizations/<int:pk>/import/", imports.import_upload, name="import"),
    path("imports/<int:pk>/", imports.import_preview, name="import_preview"),
    path("organizations/<int:pk>/export.xlsx", imports.export_members, name="export"),
    path("import-template.xlsx", imports.import_template, name="import_template"),
    path("card-conflicts/", privacy.card_conflicts, name="card_conflicts"),
    path("accounts/", accounts.accounts, name="accounts"),
    path("accounts/<int:pk>/unlock/", accounts.account_unlock_view, name="account_unlock"),
    path("accounts/<int:pk>/reset-code/", accounts.account_reset_code, name="account_reset_code"),
]

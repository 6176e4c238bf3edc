"""Oversight's pages. Their paths are those users know: the dashboard under /dashboard/, the flags
and the cadre report under /meetings/ (included at the root, before meetings' own URLs)."""

from django.urls import path

from .views import cadres, digest, flags, overview, removal

app_name = "oversight"

urlpatterns = [
    path("dashboard/", overview.overview_page, name="overview"),
    path("dashboard/<int:pk>/", overview.overview_page, name="node"),
    path("dashboard/export.xlsx", overview.overview_export, name="export"),
    path("dashboard/<int:pk>/export.xlsx", overview.overview_export, name="node_export"),
    path("dashboard/branches/", overview.branches_page, name="branches"),
    path("dashboard/<int:pk>/branches/", overview.branches_page, name="node_branches"),
    path("dashboard/<int:pk>/residence/", overview.residence_page, name="node_residence"),
    path("dashboard/digest/", digest.digest_now, name="digest_now"),
    path("meetings/flags/", flags.flags, name="flags"),
    path("meetings/removal/", removal.removal_list, name="removal"),
    path("meetings/removal/export.xlsx", removal.removal_export, name="removal_export"),
    path("meetings/removal/<int:member_pk>/decide/", removal.removal_decision, name="removal_decide"),
    path("meetings/cadres/report/", cadres.cadre_report, name="cadre_report"),
    path("meetings/cadres/<int:member_pk>/", cadres.cadre_detail, name="cadre_detail"),
]

from django.urls import path

from .views import digest, overview

app_name = "oversight"

urlpatterns = [
    path("", overview.overview_page, name="overview"),
    path("<int:pk>/", overview.overview_page, name="node"),
    path("export.xlsx", overview.overview_export, name="export"),
    path("<int:pk>/export.xlsx", overview.overview_export, name="node_export"),
    path("branches/", overview.branches_page, name="branches"),
    path("<int:pk>/branches/", overview.branches_page, name="node_branches"),
    path("digest/", digest.digest_now, name="digest_now"),
]

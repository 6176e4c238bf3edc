"""Petitions URLs, grouped by the subject of their view module."""

from django.urls import path

from .views import catalogue, figures, officer, petition, record, review

app_name = "petitions"

urlpatterns = [
    # The leaders' review
    path("", review.petition_list_page, name="list"),
    path("export.xlsx", review.petition_export, name="export"),
    path("bulk/", review.petition_bulk, name="bulk"),
    path("mine/", officer.my_petitions_page, name="mine"),
    path("figures/", figures.figures_page, name="figures"),
    # Recording, the petition's page and its actions (the names of petitions.services.workflow.ACTIONS)
    path("new/", record.petition_record_page, name="record"),
    path("promise/new/", record.promise_record_page, name="promise_record"),
    path("<int:pk>/", petition.petition_detail, name="detail"),
    path("<int:pk>/<slug:action>/", petition.petition_action, name="action"),
    path("files/<int:pk>/", petition.attachment_download, name="attachment_download"),
    # Categories and bodies (commune staff)
    path("catalogue/", catalogue.catalogue_home, name="catalogue_home"),
    path("catalogue/<int:pk>/", catalogue.catalogue, name="catalogue"),
    path("catalogue/categories/<int:pk>/", catalogue.category_edit, name="category_edit"),
    path("catalogue/bodies/<int:pk>/", catalogue.body_edit, name="body_edit"),
]

"""Meetings URLs, one module per area so each can grow on its own."""

from django.urls import include, path

app_name = "meetings"

urlpatterns = [
    path("", include("meetings.urls_schedule")),  # meetings, agenda, guidance, uploads
    path("", include("meetings.urls_roll")),  # roll call, attendance sheet, cadres and guests
    path("", include("meetings.urls_records")),  # minutes, resolution, tasks, score, documents
    path("", include("meetings.urls_oversight")),  # flags for the commune, calendars
]

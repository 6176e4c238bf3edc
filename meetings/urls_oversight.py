from django.urls import path

from .views import oversight

urlpatterns = [
    path("flags/", oversight.flags, name="flags"),
    path("<int:pk>/calendar.ics", oversight.meeting_ics, name="meeting_ics"),
    path("calendar/", oversight.calendar_feeds, name="calendar_feeds"),
    path("calendar/<int:pk>/revoke/", oversight.calendar_feed_revoke, name="calendar_feed_revoke"),
    path("calendar/<str:token>.ics", oversight.calendar_feed, name="calendar_feed"),
]

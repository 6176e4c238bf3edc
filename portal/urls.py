"""The pages portal builds, under the paths and names users' links already use.

Bookmarks and links in e-mails name these pages by their old paths, and the apps below link
them by their old names (``members:home``, ``members:organization``, ``meetings:detail``), so
``chibo/urls.py`` puts each list here in front of that app's own URLs, in that app's namespace.
"""

from django.urls import path

from .views import home, meetings, organizations, outbox, privacy

# Mounted at "" in the members namespace.
members_pages = [
    path("", home.home, name="home"),
    path("organizations/<int:pk>/", organizations.organization_detail, name="organization"),
    path("outbox/", outbox.outbox, name="outbox"),
    path("outbox/<int:pk>/retry/", outbox.outbox_retry, name="outbox_retry"),
    path("outbox/retry-failed/", outbox.outbox_retry_all, name="outbox_retry_all"),
    path("access-log/", privacy.access_log, name="access_log"),
]

# Mounted at "meetings/" in the meetings namespace.
meetings_pages = [
    path("<int:pk>/", meetings.meeting_detail, name="detail"),
]

from django.urls import path

from . import views

app_name = "dashboard"

urlpatterns = [
    path("digest/", views.digest_now, name="digest_now"),
]

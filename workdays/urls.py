from django.urls import path

from . import views

app_name = "workdays"

urlpatterns = [
    path("", views.announced_days, name="days"),
    path("remove/", views.announced_day_remove, name="remove"),
]

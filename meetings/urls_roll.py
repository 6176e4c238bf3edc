"""Roll call, attendance sheet, guests and higher-level cadres."""

from django.urls import path

from .views import roll

urlpatterns = [
    path("<int:pk>/roll/", roll.roll_call, name="roll"),
    path("<int:pk>/roll/<int:member_pk>/", roll.roll_mark, name="roll_mark"),
    path("<int:pk>/roll/present/", roll.roll_mark_remaining, name="roll_mark_remaining"),
    path("<int:pk>/attendance-sheet/", roll.attendance_sheet, name="attendance_sheet"),
    path("<int:pk>/guests/", roll.guest_list, name="guests"),
    path("<int:pk>/guests/<int:guest_pk>/", roll.guest_record, name="guest_record"),
    path("<int:pk>/guests/<int:guest_pk>/remove/", roll.guest_remove, name="guest_remove"),
    path("cadres/", roll.assignment_list, name="cadre_assignments"),
    path("cadres/new/", roll.assignment_create, name="cadre_assignment_create"),
    path("cadres/assignments/<int:pk>/end/", roll.assignment_end, name="cadre_assignment_end"),
    path("cadres/report/", roll.cadre_report, name="cadre_report"),
    path("cadres/<int:member_pk>/", roll.cadre_detail, name="cadre_detail"),
]

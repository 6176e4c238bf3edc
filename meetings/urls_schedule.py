from django.urls import path

from .views import schedule

urlpatterns = [
    path("", schedule.meeting_list, name="list"),
    path("new/", schedule.meeting_create, name="create"),
    path("<int:pk>/", schedule.meeting_detail, name="detail"),
    path("<int:pk>/edit/", schedule.meeting_edit, name="edit"),
    path("<int:pk>/move/", schedule.meeting_move, name="move"),
    path("<int:pk>/cancel/", schedule.meeting_cancel, name="cancel"),
    path("<int:pk>/postpone/", schedule.meeting_postpone, name="postpone"),
    path("<int:pk>/notice/", schedule.meeting_send_notice, name="send_notice"),
    path("<int:pk>/held/", schedule.meeting_mark_held, name="mark_held"),
    path("<int:pk>/agenda/add/", schedule.agenda_add, name="agenda_add"),
    path("<int:pk>/agenda/copy-last/", schedule.agenda_copy_last, name="agenda_copy_last"),
    path("agenda/<int:pk>/edit/", schedule.agenda_edit, name="agenda_edit"),
    path("agenda/<int:pk>/delete/", schedule.agenda_delete, name="agenda_delete"),
    path("agenda/<int:pk>/move/<str:direction>/", schedule.agenda_move, name="agenda_move"),
    path("agenda/<int:pk>/upload/", schedule.attachment_upload, name="attachment_upload"),
    path("files/<int:pk>/", schedule.attachment_download, name="attachment_download"),
    path("files/<int:pk>/delete/", schedule.attachment_delete, name="attachment_delete"),
    path("guidance/", schedule.guidance_list, name="guidance_list"),
    path("guidance/new/", schedule.guidance_create, name="guidance_create"),
    path("guidance/<int:pk>/", schedule.guidance_detail, name="guidance_detail"),
    path("guidance/<int:pk>/upload/", schedule.guidance_upload, name="guidance_upload"),
    path("agenda-template/", schedule.agenda_template_home, name="agenda_template_home"),
    path("agenda-template/<int:pk>/", schedule.agenda_template, name="agenda_template"),
    path("rules/", schedule.meeting_rules_home, name="rules_home"),
    path("rules/<int:pk>/", schedule.meeting_rules, name="rules"),
]

"""Meetings URLs, grouped by the subject of their view module."""

from django.urls import path

from .views import (
    agenda,
    cadres,
    calendars,
    guidance,
    minutes,
    reminder_rules,
    residence,
    resolution,
    roll,
    rules,
    schedule,
)

app_name = "meetings"

# The meeting page ("detail") is portal's page in this namespace (portal/urls.py, mounted in
# front of these by chibo/urls.py): it adds the apps' panels.

urlpatterns = [
    # Schedule
    path("", schedule.meeting_list, name="list"),
    path("new/", schedule.meeting_create, name="create"),
    path("<int:pk>/edit/", schedule.meeting_edit, name="edit"),
    path("<int:pk>/move/", schedule.meeting_move, name="move"),
    path("<int:pk>/cancel/", schedule.meeting_cancel, name="cancel"),
    path("<int:pk>/postpone/", schedule.meeting_postpone, name="postpone"),
    path("<int:pk>/notice/", schedule.meeting_send_notice, name="send_notice"),
    path("<int:pk>/notice/unreachable/", schedule.meeting_notice_unreachable, name="notice_unreachable"),
    path("<int:pk>/held/", schedule.meeting_mark_held, name="mark_held"),
    # Agenda, its files and the commune's agenda template
    path("<int:pk>/agenda/add/", agenda.agenda_add, name="agenda_add"),
    path("<int:pk>/agenda/copy-last/", agenda.agenda_copy_last, name="agenda_copy_last"),
    path("agenda/<int:pk>/edit/", agenda.agenda_edit, name="agenda_edit"),
    path("agenda/<int:pk>/delete/", agenda.agenda_delete, name="agenda_delete"),
    path("agenda/<int:pk>/move/<str:direction>/", agenda.agenda_move, name="agenda_move"),
    path("agenda/<int:pk>/upload/", agenda.attachment_upload, name="attachment_upload"),
    path("files/<int:pk>/", agenda.attachment_download, name="attachment_download"),
    path("files/<int:pk>/delete/", agenda.attachment_delete, name="attachment_delete"),
    path("agenda-template/", agenda.agenda_template_home, name="agenda_template_home"),
    path("agenda-template/<int:pk>/", agenda.agenda_template, name="agenda_template"),
    # Guidance
    path("guidance/", guidance.guidance_list, name="guidance_list"),
    path("guidance/new/", guidance.guidance_create, name="guidance_create"),
    path("guidance/<int:pk>/", guidance.guidance_detail, name="guidance_detail"),
    path("guidance/<int:pk>/upload/", guidance.guidance_upload, name="guidance_upload"),
    # Meeting rules
    path("rules/", rules.meeting_rules_home, name="rules_home"),
    path("rules/<int:pk>/", rules.meeting_rules, name="rules"),
    path("rules/<int:pk>/reminders/", reminder_rules.reminder_rules, name="reminder_rules"),
    # Roll call, attendance sheet and guests
    path("<int:pk>/roll/", roll.roll_call, name="roll"),
    path("<int:pk>/roll/<int:member_pk>/", roll.roll_mark, name="roll_mark"),
    path("<int:pk>/roll/present/", roll.roll_mark_remaining, name="roll_mark_remaining"),
    path("<int:pk>/attendance-sheet/", roll.attendance_sheet, name="attendance_sheet"),
    path("<int:pk>/guests/", roll.guest_list, name="guests"),
    path("<int:pk>/guests/<int:guest_pk>/", roll.guest_record, name="guest_record"),
    path("<int:pk>/guests/<int:guest_pk>/remove/", roll.guest_remove, name="guest_remove"),
    # Higher-level cadres (their attendance report is oversight's)
    path("cadres/", cadres.assignment_list, name="cadre_assignments"),
    path("cadres/new/", cadres.assignment_create, name="cadre_assignment_create"),
    path("cadres/assignments/<int:pk>/end/", cadres.assignment_end, name="cadre_assignment_end"),
    # Minutes, speeches and the score
    path("<int:pk>/minutes/", minutes.minutes_edit, name="minutes"),
    path("<int:pk>/minutes/adopt/", minutes.minutes_adopt, name="minutes_adopt"),
    path("<int:pk>/minutes/amend/", minutes.amend, name="minutes_amend"),
    path("<int:pk>/minutes/items/<int:item_pk>/speeches/", minutes.speech_add, name="speech_add"),
    path("<int:pk>/minutes/speeches/<int:speech_pk>/", minutes.speech_edit, name="speech_edit"),
    path("<int:pk>/minutes/speeches/<int:speech_pk>/remove/", minutes.speech_remove, name="speech_remove"),
    path("<int:pk>/score/", minutes.score, name="score"),
    path("<int:pk>/score/confirm/", minutes.score_confirm, name="score_confirm"),
    path("<int:pk>/minutes.docx", minutes.minutes_docx, name="minutes_docx"),
    path("<int:pk>/minutes.pdf", minutes.minutes_pdf, name="minutes_pdf"),
    # Resolution and its tasks
    path("<int:pk>/resolution/", resolution.resolution_edit, name="resolution"),
    path("<int:pk>/resolution/start/", resolution.resolution_start, name="resolution_start"),
    path("<int:pk>/resolution/tasks/", resolution.tasks, name="tasks"),
    path("<int:pk>/resolution/tasks/<int:task_pk>/", resolution.task_edit, name="task_edit"),
    path("<int:pk>/resolution/tasks/<int:task_pk>/remove/", resolution.task_remove, name="task_remove"),
    path("<int:pk>/resolution/review/", resolution.task_review, name="task_review"),
    path("<int:pk>/resolution/review/<int:task_pk>/carry/", resolution.task_carry, name="task_carry"),
    path("<int:pk>/resolution.docx", resolution.resolution_docx, name="resolution_docx"),
    path("<int:pk>/resolution.pdf", resolution.resolution_pdf, name="resolution_pdf"),
    # Working members and their residence branch (QĐ 213, HD 33)
    path("residence/<int:pk>/", residence.residence_page, name="residence"),
    path("residence/<int:pk>/link/", residence.link_add, name="residence_link_add"),
    path("residence/<int:pk>/comments.docx", residence.comments_docx_view, name="residence_comments_docx"),
    path("residence/<int:pk>/comments.pdf", residence.comments_pdf_view, name="residence_comments_pdf"),
    path("residence/links/<int:pk>/accept/", residence.link_accept, name="residence_link_accept"),
    path("residence/links/<int:pk>/end/", residence.link_end, name="residence_link_end"),
    path("residence/links/<int:pk>/comment/", residence.comment_edit, name="residence_comment"),
    path("residence/comments/<int:pk>/used/", residence.comment_used, name="residence_comment_used"),
    path("<int:pk>/linked/", residence.linked_roll, name="linked_roll"),
    path("<int:pk>/linked/<int:link_pk>/", residence.linked_mark, name="linked_mark"),
    # Calendars
    path("<int:pk>/calendar.ics", calendars.meeting_ics, name="meeting_ics"),
    path("calendar/", calendars.calendar_feeds, name="calendar_feeds"),
    path("calendar/<int:pk>/revoke/", calendars.calendar_feed_revoke, name="calendar_feed_revoke"),
    path("calendar/<str:token>.ics", calendars.calendar_feed, name="calendar_feed"),
]

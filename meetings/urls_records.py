"""Minutes, resolution, tasks, score and the DOCX/PDF downloads (views in meetings.views.records)."""

from django.urls import path

from .views import records

urlpatterns = [
    path("<int:pk>/minutes/", records.minutes_edit, name="minutes"),
    path("<int:pk>/minutes/adopt/", records.minutes_adopt, name="minutes_adopt"),
    path("<int:pk>/minutes/items/<int:item_pk>/speeches/", records.speech_add, name="speech_add"),
    path("<int:pk>/minutes/speeches/<int:speech_pk>/", records.speech_edit, name="speech_edit"),
    path("<int:pk>/minutes/speeches/<int:speech_pk>/remove/", records.speech_remove, name="speech_remove"),
    path("<int:pk>/score/", records.score, name="score"),
    path("<int:pk>/score/confirm/", records.score_confirm, name="score_confirm"),
    path("<int:pk>/resolution/", records.resolution_edit, name="resolution"),
    path("<int:pk>/resolution/start/", records.resolution_start, name="resolution_start"),
    path("<int:pk>/resolution/tasks/", records.tasks, name="tasks"),
    path("<int:pk>/resolution/tasks/<int:task_pk>/", records.task_edit, name="task_edit"),
    path("<int:pk>/resolution/tasks/<int:task_pk>/remove/", records.task_remove, name="task_remove"),
    path("<int:pk>/resolution/review/", records.task_review, name="task_review"),
    path("<int:pk>/resolution/review/<int:task_pk>/carry/", records.task_carry, name="task_carry"),
    path("<int:pk>/minutes.docx", records.minutes_docx, name="minutes_docx"),
    path("<int:pk>/minutes.pdf", records.minutes_pdf, name="minutes_pdf"),
    path("<int:pk>/resolution.docx", records.resolution_docx, name="resolution_docx"),
    path("<int:pk>/resolution.pdf", records.resolution_pdf, name="resolution_pdf"),
]

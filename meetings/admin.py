from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from members.admin import SuperuserOnly

from .models import AgendaTemplate, CadreAssignment, Guidance, Meeting, MeetingRules, Minutes, Resolution


@admin.register(Meeting)
class MeetingAdmin(SuperuserOnly, SimpleHistoryAdmin):
    list_display = ["branch", "kind", "month", "status"]
    list_filter = ["kind", "status"]
    raw_id_fields = ["branch", "chair", "minute_taker"]
    date_hierarchy = "month"


@admin.register(MeetingRules)
class MeetingRulesAdmin(SuperuserOnly, SimpleHistoryAdmin):
    list_display = ["organization", "min_minutes", "min_attendance_rate", "minutes_deadline_days"]
    raw_id_fields = ["organization"]


@admin.register(CadreAssignment)
class CadreAssignmentAdmin(SuperuserOnly, SimpleHistoryAdmin):
    list_display = ["cadre", "title", "branch", "started_on", "ended_on"]
    raw_id_fields = ["cadre", "branch"]


@admin.register(Minutes)
class MinutesAdmin(SuperuserOnly, SimpleHistoryAdmin):
    list_display = ["meeting", "score_total", "score_level"]
    raw_id_fields = ["meeting"]


@admin.register(Resolution)
class ResolutionAdmin(SuperuserOnly, SimpleHistoryAdmin):
    list_display = ["__str__", "branch", "year", "title"]
    raw_id_fields = ["meeting", "branch"]


admin.site.register(AgendaTemplate, type("AgendaTemplateAdmin", (SuperuserOnly, admin.ModelAdmin), {}))
admin.site.register(
    Guidance, type("GuidanceAdmin", (SuperuserOnly, admin.ModelAdmin), {"raw_id_fields": ["organization"]})
)

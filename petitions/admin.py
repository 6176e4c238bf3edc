from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from members.admin import SuperuserOnly

from .models import Body, Category, Petition, PetitionAttachment, PetitionEvent


@admin.register(Category)
class CategoryAdmin(SuperuserOnly, SimpleHistoryAdmin):
    list_display = ["name", "commune", "default_days", "position"]
    raw_id_fields = ["commune"]


@admin.register(Body)
class BodyAdmin(SuperuserOnly, SimpleHistoryAdmin):
    list_display = ["name", "commune", "kind", "position"]
    list_filter = ["kind"]
    raw_id_fields = ["commune"]
    filter_horizontal = ["officers"]


class EventInline(admin.TabularInline):
    """The timeline is append-only, in the admin too."""

    model = PetitionEvent
    fields = ["at", "kind", "from_status", "to_status", "by", "text", "data"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Petition)
class PetitionAdmin(SuperuserOnly, admin.ModelAdmin):
    list_display = ["title", "branch", "category", "body", "status", "raised_on", "deadline"]
    list_filter = ["status", "priority"]
    search_fields = ["title"]
    raw_id_fields = [
        "branch",
        "meeting",
        "raised_by_member",
        "category",
        "body",
        "officer",
        "answered_by",
        "answered_at_meeting",
        "reported_back_at_meeting",
        "outcome_reported_at_meeting",
        "created_by",
    ]
    date_hierarchy = "raised_on"
    inlines = [EventInline]


admin.site.register(
    PetitionAttachment,
    type("PetitionAttachmentAdmin", (SuperuserOnly, admin.ModelAdmin), {"raw_id_fields": ["petition", "uploaded_by"]}),
)

from django.contrib import admin

from .models import ChannelPreference, Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["kind", "recipient", "channel", "status", "due_at", "attempts", "sent_at"]
    list_filter = ["status", "channel", "kind"]
    search_fields = ["dedupe_key", "recipient__username"]
    raw_id_fields = ["recipient"]


@admin.register(ChannelPreference)
class ChannelPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "email_enabled", "sms_enabled", "phone"]
    raw_id_fields = ["user"]

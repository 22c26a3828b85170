from django.contrib import admin

from .models import Digest, Notification, NotificationPreference, NotificationSettings


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["title", "recipient", "type", "created_at", "read_at", "email_state"]
    list_filter = ["type", "email_state"]
    raw_id_fields = ["recipient", "digest"]
    search_fields = ["title", "recipient__display_name"]


@admin.register(Digest)
class DigestAdmin(admin.ModelAdmin):
    list_display = ["person", "period_key", "state", "sent_at"]
    raw_id_fields = ["person"]


admin.site.register(NotificationPreference, raw_id_fields=["person"])
admin.site.register(NotificationSettings, raw_id_fields=["person"])

from django.contrib import admin, messages
from django.db.models import Q

from .models import EmailOptOut, OutboundEmail
from .outbox import retry_emails


@admin.register(OutboundEmail)
class OutboundEmailAdmin(admin.ModelAdmin):
    list_display = ["subject", "to_email", "kind", "state", "attempts", "created_at", "sent_at"]
    list_filter = ["state", "kind", "created_at"]
    search_fields = ["to_email", "key", "subject"]
    date_hierarchy = "created_at"
    list_select_related = ["user"]
    actions = ["retry", "cancel"]
    readonly_fields = [f.name for f in OutboundEmail._meta.fields]
    fieldsets = [
        (None, {"fields": ["subject", "to_email", "user", "kind", "key"]}),
        ("Delivery", {"fields": ["state", "attempts", "last_error", "next_attempt_at", "claimed_at", "sent_at"]}),
        ("Content", {"classes": ["collapse"], "fields": ["body_text", "body_html", "headers", "attachments"]}),
        ("Dates", {"fields": ["created_at", "updated_at"]}),
    ]

    def has_add_permission(self, request):
        return False  # emails are queued by the app, not typed in here

    def has_delete_permission(self, request, obj=None):
        # A deleted row frees its key, and the same email could be queued again
        # (invariant 2); an account's emails go with the account (forget_recipient).
        return False

    @admin.action(description="Retry the selected failed or cancelled emails")
    def retry(self, request, queryset):
        count = retry_emails(emails=queryset)
        self.message_user(request, f"{count} email(s) queued again.", messages.SUCCESS)

    @admin.action(description="Cancel the selected pending or failed emails")
    def cancel(self, request, queryset):
        count = queryset.filter(Q(state=OutboundEmail.State.PENDING) | Q(state=OutboundEmail.State.FAILED)).update(
            state=OutboundEmail.State.CANCELLED, last_error="Cancelled in the admin."
        )
        self.message_user(request, f"{count} email(s) cancelled.", messages.SUCCESS)


@admin.register(EmailOptOut)
class EmailOptOutAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "created_at"]
    list_filter = ["kind"]
    search_fields = ["user__email"]
    autocomplete_fields = ["user"]

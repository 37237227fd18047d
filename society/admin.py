from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import EmailKind, EmailOptOut, OutboundEmail
from .outbox import ACCOUNT_BODY_NOT_KEPT, ACCOUNT_EMAIL_NOT_RETRIED, cancel_emails, retry_emails


@admin.register(OutboundEmail)
class OutboundEmailAdmin(admin.ModelAdmin):
    list_display = ["headline", "to_email", "kind", "state", "attempts", "created_at", "sent_at"]
    list_filter = ["state", "kind", "created_at"]
    search_fields = ["to_email", "key", "subject"]
    date_hierarchy = "created_at"
    list_select_related = ["user"]
    actions = ["retry", "cancel"]
    readonly_fields = [*(f.name for f in OutboundEmail._meta.fields), "body"]
    fieldsets = [
        (None, {"fields": ["subject", "to_email", "user", "kind", "key"]}),
        (_("Delivery"), {"fields": ["state", "attempts", "last_error", "next_attempt_at", "claimed_at", "sent_at"]}),
        # Rendered when it is sent, from its template and context: the text is empty until then.
        (
            _("Content"),
            {
                "classes": ["collapse"],
                "fields": ["template", "context", "body_text", "body_html", "headers", "attachments"],
            },
        ),
        (_("Dates"), {"fields": ["created_at", "updated_at"]}),
    ]

    def get_fieldsets(self, request, obj=None):
        if obj is None or obj.keeps_body:
            return self.fieldsets
        # An account email: not even while it waits to be sent.
        return [
            (name, {"fields": ["body"]}) if "body_text" in options["fields"] else (name, options)
            for name, options in self.fieldsets
        ]

    @admin.display(description=_("Body"))
    def body(self, obj) -> str:
        return ACCOUNT_BODY_NOT_KEPT

    @admin.display(description=_("Subject"), ordering="subject")
    def headline(self, obj) -> str:
        return obj.headline

    def has_add_permission(self, request):
        return False  # emails are queued by the app, not typed in here

    def has_delete_permission(self, request, obj=None):
        # A deleted row frees its key, and the same email could be queued again
        # (invariant 2): rows go only with the account (forget_recipient), or
        # OUTBOX_RETENTION_DAYS after they were sent (purge_old_emails).
        return False

    @admin.action(description=_("Retry the selected failed or cancelled emails"))
    def retry(self, request, queryset):
        count = retry_emails(emails=queryset)
        self.message_user(
            request,
            ngettext("%(count)s email queued again.", "%(count)s emails queued again.", count) % {"count": count},
            messages.SUCCESS,
        )
        if queryset.filter(kind=EmailKind.ACCOUNT).exists():
            self.message_user(request, ACCOUNT_EMAIL_NOT_RETRIED, messages.WARNING)

    @admin.action(description=_("Cancel the selected pending or failed emails"))
    def cancel(self, request, queryset):
        count = cancel_emails(emails=queryset, reason="Cancelled in the admin.")
        self.message_user(
            request,
            ngettext("%(count)s email cancelled.", "%(count)s emails cancelled.", count) % {"count": count},
            messages.SUCCESS,
        )


@admin.register(EmailOptOut)
class EmailOptOutAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "created_at"]
    list_filter = ["kind"]
    search_fields = ["user__email"]
    autocomplete_fields = ["user"]

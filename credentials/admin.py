from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import services
from .models import IssuedCredential, RecordSnapshot


@admin.register(IssuedCredential)
class IssuedCredentialAdmin(admin.ModelAdmin):
    """Credentials are signed on the member's page and never edited: the admin can only
    revoke them (services.revoke_credential), for a mistake or a misuse."""

    list_display = ["title", "member", "kind", "issued_at", "revoked_at"]
    list_filter = ["kind", ("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["title", "member__email", "member__name"]
    fields = readonly_fields = [
        "id",
        "member",
        "kind",
        "event",
        "series",
        "title",
        "issued_at",
        "revoked_at",
        "revoked_by",
        "document",
    ]
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # revoke instead: the credential's page then says it was withdrawn

    @admin.action(description=_("Revoke the selected credentials"))
    def revoke(self, request, queryset):
        count = 0
        for credential in queryset.filter(revoked_at__isnull=True):
            services.revoke_credential(credential=credential, by=request.user)
            count += 1
        self.message_user(
            request,
            ngettext("%(count)d credential revoked.", "%(count)d credentials revoked.", count) % {"count": count},
            messages.SUCCESS,
        )


@admin.register(RecordSnapshot)
class RecordSnapshotAdmin(admin.ModelAdmin):
    """Members take and withdraw snapshots themselves; the admin can withdraw one too."""

    list_display = ["name", "member", "taken_at", "revoked_at"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "member__email"]
    fields = readonly_fields = ["member", "name", "course", "taken_at", "language", "revoked_at", "sections"]
    actions = ["withdraw"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Withdraw the selected snapshots"))
    def withdraw(self, request, queryset):
        count = 0
        for snapshot in queryset.filter(revoked_at__isnull=True):
            services.revoke_snapshot(snapshot=snapshot)
            count += 1
        self.message_user(
            request,
            ngettext("%(count)d snapshot withdrawn.", "%(count)d snapshots withdrawn.", count) % {"count": count},
            messages.SUCCESS,
        )

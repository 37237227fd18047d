"""Proposals in the admin, for oversight and repairs: read only. Proposing, editing and
every decision go through proposals.services, from the member's pages and the console."""

from django.contrib import admin

from .models import CoHost, Message, Proposal, Vote


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class CoHostInline(ReadOnlyInline):
    model = CoHost
    fields = readonly_fields = ["user", "status", "answered_at"]


class MessageInline(ReadOnlyInline):
    model = Message
    fields = readonly_fields = ["created_at", "author", "state", "internal", "body"]


class VoteInline(ReadOnlyInline):
    model = Vote
    fields = readonly_fields = ["voter", "score", "note"]


@admin.register(Proposal)
class ProposalAdmin(admin.ModelAdmin):
    list_display = ["title", "proposer", "kind", "state", "state_changed_at", "event"]
    list_filter = ["state", "kind"]
    search_fields = ["title", "proposer__email", "proposer__name"]
    list_select_related = ["proposer", "event"]
    inlines = [CoHostInline, MessageInline, VoteInline]

    def has_add_permission(self, request):
        return False  # members propose on the site (/propose/)

    def has_change_permission(self, request, obj=None):
        return False  # decisions are the console's (/manage/proposals/), through the services

    def has_delete_permission(self, request, obj=None):
        return False  # its co-hosts, messages and votes go with it only when its proposer's account does

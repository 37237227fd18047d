from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, Q
from django.utils import timezone

from members.services import is_member
from society.csv import csv_response

from . import services
from .forms import EventAdminForm, SpeakerAdminForm
from .models import (
    ActionLog,
    Announcement,
    CalendarFeed,
    ConsoleSettings,
    Event,
    EventRating,
    EventSpeaker,
    Registration,
    Speaker,
)


class EventSpeakerInline(admin.TabularInline):
    model = EventSpeaker
    extra = 1
    autocomplete_fields = ["speaker"]
    fields = ["speaker", "order"]


class RegistrationInline(admin.TabularInline):
    """Registrations change through the services (admin actions, the site), never by editing rows here."""

    model = Registration
    fk_name = "event"
    extra = 0
    can_delete = False
    show_change_link = True
    fields = ["user", "status", "created_at", "checked_in_at", "set_up_at"]
    readonly_fields = fields
    ordering = ["status", "created_at", "id"]

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user")


def local(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    form = EventAdminForm
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    inlines = [EventSpeakerInline, RegistrationInline]
    list_display = ["title", "kind", "starts_at", "status", "capacity", "confirmed", "waiting", "set_up"]
    list_filter = ["kind", "status", "starts_at", "members_only", "level"]
    search_fields = ["title", "slug", "summary", "description"]
    date_hierarchy = "starts_at"
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["topics"]
    readonly_fields = ["banner", "banner_small", "created_at", "updated_at"]
    actions = ["export_registrations", "promote_waitlist"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "kind", "status", "level", "summary", "description", "topics"]}),
        ("When and where", {"fields": ["starts_at", "ends_at", "venue", "building", "map_url", "online_url"]}),
        (
            "Registration",
            {
                "fields": [
                    "capacity",
                    "waitlist_enabled",
                    "registration_opens_at",
                    "registration_closes_at",
                    "members_only",
                ]
            },
        ),
        ("Reminders", {"fields": ["reminders_enabled", "what_to_bring", "setup_checklist"]}),
        ("Banner", {"fields": ["banner_upload", "banner", "banner_small"]}),
        (None, {"fields": ["created_at", "updated_at"]}),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                confirmed_count=Count("registrations", filter=Q(registrations__status=Registration.Status.CONFIRMED)),
                waiting_count=Count("registrations", filter=Q(registrations__status=Registration.Status.WAITLISTED)),
                set_up_count=Count(
                    "registrations",
                    filter=Q(
                        registrations__status=Registration.Status.CONFIRMED, registrations__set_up_at__isnull=False
                    ),
                ),
            )
        )

    @admin.display(ordering="confirmed_count")
    def confirmed(self, event):
        return event.confirmed_count

    @admin.display(ordering="waiting_count")
    def waiting(self, event):
        return event.waiting_count

    @admin.display(ordering="set_up_count", description="I'm set up")
    def set_up(self, event):
        return event.set_up_count if event.setup_checklist else "-"

    def save_model(self, request, obj, form, change):
        capacity_changed = change and "capacity" in form.changed_data
        if capacity_changed:
            # The capacity goes through the service, which locks the event and
            # promotes people waiting when seats were added.
            new_capacity, obj.capacity = obj.capacity, form.initial.get("capacity")
        super().save_model(request, obj, form, change)
        if form.banner_renditions:
            services.set_banner(event=obj, renditions=form.banner_renditions)
        if capacity_changed:
            try:
                promoted = services.change_capacity(event=obj, capacity=new_capacity)
            except services.RegistrationError as error:
                messages.error(request, str(error))
            else:
                if promoted:
                    messages.info(request, f"{len(promoted)} promoted from the waiting list and emailed.")

    @admin.action(description="Export registrations to CSV")
    def export_registrations(self, request, queryset):
        registrations = (
            Registration.objects.filter(event__in=queryset)
            .select_related("event", "user")
            .order_by("event__starts_at", "event_id", "status", "created_at", "id")
        )
        header = ["event", "starts", "name", "email", "status", "registered", "confirmed", "cancelled", "checked in"]
        rows = (
            [
                r.event.title,
                local(r.event.starts_at),
                r.user.display_name,
                r.user.email,
                r.get_status_display(),
                local(r.created_at),
                local(r.confirmed_at),
                local(r.cancelled_at),
                local(r.checked_in_at),
            ]
            for r in registrations
        )
        return csv_response("registrations.csv", header, rows)

    @admin.action(description="Promote from the waiting list into free seats")
    def promote_waitlist(self, request, queryset):
        promoted = sum(len(services.promote_from_waitlist(event=event)) for event in queryset)
        messages.success(request, f"{promoted} promoted from the waiting list and emailed.")


@admin.register(Speaker)
class SpeakerAdmin(admin.ModelAdmin):
    form = SpeakerAdminForm
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ["name", "affiliation", "updated_at"]
    search_fields = ["name", "affiliation"]
    readonly_fields = ["photo", "created_at", "updated_at"]
    fields = ["name", "affiliation", "bio", "photo_upload", "photo", "website_url", "linkedin_url", "github_url"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if form.photo_bytes:
            services.set_speaker_photo(speaker=obj, photo=form.photo_bytes)


@admin.register(EventSpeaker)
class EventSpeakerAdmin(admin.ModelAdmin):
    list_display = ["speaker", "event", "order", "digest_sent_at"]
    search_fields = ["speaker__name", "event__title"]
    autocomplete_fields = ["event", "speaker"]
    readonly_fields = ["digest_sent_at"]  # set when the console sends the feedback digest


class AddRegistrationForm(forms.ModelForm):
    """Registering someone by hand: the same rules as on the site, through the service."""

    class Meta:
        model = Registration
        fields = ["event", "user"]

    def clean(self):
        cleaned = super().clean()
        event, user = cleaned.get("event"), cleaned.get("user")
        if event and user:
            if Registration.objects.active().filter(event=event, user=user).exists():
                raise ValidationError("This person is already registered (or waiting) for this event.")
            confirmed = Registration.objects.confirmed().filter(event=event).count()
            member = is_member(user) if event.members_only else True
            state = services.availability(event=event, confirmed=confirmed, member=member, now=timezone.now())
            if not state.accepts_registrations:
                raise ValidationError(services.refusal_message(state, event=event))
        return cleaned


class CheckedInFilter(admin.SimpleListFilter):
    title = "checked in"
    parameter_name = "checked_in"

    def lookups(self, request, model_admin):
        return [("yes", "Yes"), ("no", "No")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.attended()
        if self.value() == "no":
            return queryset.filter(checked_in_at__isnull=True)
        return queryset


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
    list_display = ["user", "event", "status", "created_at", "checked_in_at"]
    list_filter = ["status", CheckedInFilter, "event__kind", "created_at"]
    search_fields = ["user__email", "user__name", "event__title"]
    date_hierarchy = "created_at"
    autocomplete_fields = ["event", "user"]
    list_select_related = ["user", "event"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = AddRegistrationForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["event", "user"]
        return ["event", "user", "status", "token", "created_at", "confirmed_at", "cancelled_at", "checked_in_at"]

    def get_readonly_fields(self, request, obj=None):
        # Status changes go through the services: register, cancel, promote, check in.
        return [] if obj is None else self.get_fields(request, obj)

    def save_model(self, request, obj, form, change):
        if change:
            return
        try:
            registration, _ = services.register(event=obj.event, user=obj.user)
        except services.RegistrationError as error:
            messages.error(request, str(error))
            return
        obj.pk, obj.status, obj.token, obj.created_at = (
            registration.pk,
            registration.status,
            registration.token,
            registration.created_at,
        )


@admin.register(CalendarFeed)
class CalendarFeedAdmin(admin.ModelAdmin):
    list_display = ["user", "created_at", "updated_at"]
    search_fields = ["user__email", "user__name"]
    readonly_fields = ["user", "created_at", "updated_at"]
    fields = readonly_fields

    def has_add_permission(self, request):
        return False


@admin.register(EventRating)
class EventRatingAdmin(admin.ModelAdmin):
    list_display = ["registration", "score", "created_at"]
    list_filter = ["score"]
    search_fields = ["registration__event__title", "comment"]
    list_select_related = ["registration__event", "registration__user"]
    readonly_fields = ["registration", "created_at", "updated_at"]


@admin.register(ActionLog)
class ActionLogAdmin(admin.ModelAdmin):
    """What the committee did: kept as written, so read-only."""

    list_display = ["created_at", "actor", "action", "event", "detail"]
    list_filter = ["action", "created_at"]
    search_fields = ["action", "detail", "event__title", "actor__email"]
    date_hierarchy = "created_at"
    list_select_related = ["actor", "event"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Announcement)
class AnnouncementAdmin(admin.ModelAdmin):
    """Sent from the console (preview, then send through the outbox); seen here."""

    list_display = ["subject", "event", "author", "sent_at", "recipient_count"]
    list_filter = ["sent_at"]
    search_fields = ["subject", "body", "event__title"]
    list_select_related = ["event", "author"]
    readonly_fields = ["sent_at", "recipient_count", "author"]

    def has_add_permission(self, request):
        return False


@admin.register(ConsoleSettings)
class ConsoleSettingsAdmin(admin.ModelAdmin):
    list_display = ["webhook_url", "updated_at"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}  # as the console's own form

    def has_add_permission(self, request):
        return not ConsoleSettings.objects.exists()  # one row only

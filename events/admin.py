from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, Q
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from society.admin_confirmation import confirmation_page
from society.csv import csv_response
from society.uploads import upload_limited

from . import services
from .forms import CancelEventForm, ConsoleSettingsForm, EventAdminForm, SpeakerAdminForm
from .models import (
    ActionLog,
    Announcement,
    CalendarFeed,
    ConsoleSettings,
    Event,
    EventHost,
    EventRating,
    EventSpeaker,
    FirstAttendance,
    LotteryRequest,
    Registration,
    SelfCheckInAttempts,
    Speaker,
    Strike,
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
    """Events change here through the same services as in the console. The status
    changes only with the Publish and Cancel actions; the time and place only in the
    console (which offers to tell the registrants), so they are read-only here; the
    capacity goes through change_capacity (people waiting are promoted)."""

    form = EventAdminForm
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    inlines = [EventSpeakerInline, RegistrationInline]
    list_display = ["title", "kind", "starts_at", "status", "capacity", "confirmed", "waiting", "set_up"]
    list_filter = ["kind", "status", "starts_at", "members_only", "level"]
    search_fields = ["title", "slug", "summary", "description"]
    date_hierarchy = "starts_at"
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["topics"]
    actions = ["publish_events", "cancel_events", "export_registrations", "promote_waitlist"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "title",
                    "slug",
                    "kind",
                    "status",
                    "level",
                    "summary",
                    "title_zh",
                    "summary_zh",
                    "description",
                    "topics",
                ]
            },
        ),
        (
            gettext_lazy("When and where"),
            {"fields": ["edit_in_console", "starts_at", "ends_at", "venue", "building", "map_url", "online_url"]},
        ),
        (
            gettext_lazy("Registration"),
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
        (gettext_lazy("Reminders"), {"fields": ["reminders_enabled", "what_to_bring", "setup_checklist"]}),
        (gettext_lazy("Banner"), {"fields": ["banner_upload", "banner", "banner_small"]}),
        (None, {"fields": ["created_at", "updated_at"]}),
    ]

    def get_fieldsets(self, request, obj=None):
        if obj is not None:
            return self.fieldsets
        # A new event is a draft (published later with the Publish action), not yet in the console.
        hidden = ("status", "edit_in_console")
        return [
            (name, {**options, "fields": [field for field in options["fields"] if field not in hidden]})
            for name, options in self.fieldsets
        ]

    def get_readonly_fields(self, request, obj=None):
        readonly = ["edit_in_console", "banner", "banner_small", "created_at", "updated_at"]
        if obj is not None:
            readonly += ["status", *services.TIME_AND_PLACE]
        return readonly

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # only drafts are deleted, one at a time
        return actions

    def has_delete_permission(self, request, obj=None):
        # A published or cancelled event has registrants and a history: cancel it instead.
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or obj.status == Event.Status.DRAFT)

    @admin.display(description=gettext_lazy("Time and place"))
    def edit_in_console(self, event):
        url = reverse("events:manage_event_edit", kwargs={"slug": event.slug})
        return format_html(
            _(
                '<a href="{}">Edit in the console</a>: the time and place change there, where the registrants can be '
                "told. Publish or cancel with the actions of the event list."
            ),
            url,
        )

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

    @admin.display(ordering="confirmed_count", description=gettext_lazy("confirmed"))
    def confirmed(self, event):
        return event.confirmed_count

    @admin.display(ordering="waiting_count", description=gettext_lazy("waiting"))
    def waiting(self, event):
        return event.waiting_count

    @admin.display(ordering="set_up_count", description=gettext_lazy("I'm set up"))
    def set_up(self, event):
        return event.set_up_count if event.setup_checklist else "-"

    @method_decorator(upload_limited)  # the banner, as in the console
    def changeform_view(self, request, *args, **kwargs):
        return super().changeform_view(request, *args, **kwargs)

    def save_model(self, request, obj, form, change):
        if change:
            changed = [name for name in form.changed_data if name not in ("topics", "banner_upload")]
            try:
                services.update_event(event=obj, changed=changed, by=request.user, tell_registrants=False)
            except services.RegistrationError as error:  # seats were taken since the form was checked
                messages.error(request, str(error))
        else:
            services.create_event(event=obj, by=request.user, topics=form.cleaned_data["topics"])
        if form.banner_renditions:
            services.set_banner(event=obj, renditions=form.banner_renditions)

    @admin.action(description=gettext_lazy("Publish"))
    def publish_events(self, request, queryset):
        published, already = [], []
        for event in queryset:
            if event.status == Event.Status.PUBLISHED:
                already.append(event.title)
                continue
            try:
                services.publish_event(event=event, by=request.user)
            except services.RegistrationError as error:  # cancelled, or over
                messages.error(request, str(error))
            else:
                published.append(event.title)
        if published:
            messages.success(request, _("Published: %(events)s.") % {"events": ", ".join(published)})
        if already:
            messages.info(request, _("Already published: %(events)s.") % {"events": ", ".join(already)})

    @admin.action(description=gettext_lazy("Cancel (with a message to everyone registered)"))
    def cancel_events(self, request, queryset):
        form = CancelEventForm(request.POST if "post" in request.POST else None)
        if not form.is_valid():
            return confirmation_page(
                self,
                request,
                title=_("Cancel these events?"),
                explanation=_(
                    "Everyone registered (confirmed and waiting) gets an email with your message. "
                    "This cannot be undone."
                ),
                objects=queryset,
                button=_("Cancel the events"),
                action="cancel_events",
                form=form,
            )
        for event in queryset:
            if event.status == Event.Status.CANCELLED:
                messages.info(request, _("“%(title)s” was already cancelled.") % {"title": event.title})
                continue
            try:
                told = services.cancel_event(event=event, by=request.user, message=form.cleaned_data["message"])
            except services.RegistrationError as error:  # a draft, or over
                messages.error(request, str(error))
            else:
                messages.success(
                    request,
                    ngettext(
                        "“%(title)s” is cancelled: %(count)d registrant is being emailed.",
                        "“%(title)s” is cancelled: %(count)d registrants are being emailed.",
                        told,
                    )
                    % {"title": event.title, "count": told},
                )
        return None

    @admin.action(description=gettext_lazy("Export registrations to CSV"))
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

    @admin.action(description=gettext_lazy("Promote from the waiting list into free seats"))
    def promote_waitlist(self, request, queryset):
        promoted = sum(len(services.promote_from_waitlist(event=event)) for event in queryset)
        messages.success(
            request,
            ngettext(
                "%(count)d promoted from the waiting list and emailed.",
                "%(count)d promoted from the waiting list and emailed.",
                promoted,
            )
            % {"count": promoted},
        )


@admin.register(Speaker)
class SpeakerAdmin(admin.ModelAdmin):
    form = SpeakerAdminForm
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ["name", "affiliation", "updated_at"]
    search_fields = ["name", "affiliation"]
    readonly_fields = ["photo", "created_at", "updated_at"]
    fields = ["name", "affiliation", "bio", "photo_upload", "photo", "website_url", "linkedin_url", "github_url"]

    @method_decorator(upload_limited)  # the photo, as in the console
    def changeform_view(self, request, *args, **kwargs):
        return super().changeform_view(request, *args, **kwargs)

    def save_model(self, request, obj, form, change):
        services.save_speaker(speaker=obj, by=request.user, photo=form.photo_bytes)  # logged, as in the console


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
            problem = services.registration_problem(event=event, user=user, by_committee=True)
            if problem:
                raise ValidationError(problem)
        return cleaned


class CheckedInFilter(admin.SimpleListFilter):
    title = gettext_lazy("checked in")
    parameter_name = "checked_in"

    def lookups(self, request, model_admin):
        return [("yes", _("Yes")), ("no", _("No"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.attended()
        if self.value() == "no":
            return queryset.filter(checked_in_at__isnull=True)
        return queryset


class AddedThroughService:
    """For a ModelAdmin whose add form goes through a service: `add_through_service`
    saves the row the rules' way (or raises one of `refusals`, shown as a message, and
    nothing is saved or logged, and the form comes back). Changes are not saved here."""

    refusals: tuple[type[Exception], ...] = ()

    def add_through_service(self, request, obj):
        raise NotImplementedError

    def save_model(self, request, obj, form, change):
        if change:
            return
        try:
            saved = self.add_through_service(request, obj)
        except self.refusals as error:
            messages.error(request, str(error))
            return
        obj.pk = saved.pk
        obj.refresh_from_db()

    def log_addition(self, request, obj, message):
        if obj.pk is not None:  # None: refused by the rules (save_model said why)
            super().log_addition(request, obj, message)

    def response_add(self, request, obj, post_url_continue=None):
        if obj.pk is None:
            return HttpResponseRedirect(request.path)
        return super().response_add(request, obj, post_url_continue)


@admin.register(EventHost)
class EventHostAdmin(AddedThroughService, admin.ModelAdmin):
    """Hosts are named and removed through the services, as in the console's Hosts tab:
    adding calls add_host (a closed account or a cancelled event is refused), deleting
    calls remove_host (both write the action log). Rows are not edited."""

    list_display = ["user", "event", "role", "added_by", "created_at"]
    list_filter = ["role", "created_at"]
    search_fields = ["user__email", "user__name", "event__title"]
    autocomplete_fields = ["event", "user"]
    list_select_related = ["user", "event", "added_by"]

    def get_fields(self, request, obj=None):
        return ["event", "user", "role"] if obj is None else ["event", "user", "role", "added_by", "created_at"]

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.get_fields(request, obj)

    refusals = (services.HostError,)

    def add_through_service(self, request, obj) -> EventHost:
        return services.add_host(event=obj.event, member=obj.user, role=obj.role, by=request.user)

    def delete_model(self, request, obj):
        self.remove_through_service(request, [obj])

    def delete_queryset(self, request, queryset):
        self.remove_through_service(request, queryset.select_related("user", "event"))

    def remove_through_service(self, request, event_hosts) -> None:
        for host in event_hosts:
            try:
                services.remove_host(host=host, by=request.user)
            except services.HostError as error:
                messages.error(request, str(error))


@admin.register(Registration)
class RegistrationAdmin(AddedThroughService, admin.ModelAdmin):
    """Read-only rows, changed through the services: adding registers the person
    (add_registrant), deleting cancels (cancel: the row stays as history and the next
    person waiting gets the seat)."""

    list_display = ["user", "event", "status", "created_at", "checked_in_at"]
    list_filter = ["status", CheckedInFilter, "event__kind", "created_at"]
    search_fields = ["user__email", "user__name", "event__title"]
    date_hierarchy = "created_at"
    autocomplete_fields = ["event", "user"]
    list_select_related = ["user", "event"]
    actions = ["cancel_registrations"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = AddRegistrationForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["event", "user"]
        return [
            "event", "user", "status", "token", "created_at", "confirmed_at", "cancelled_at", "cancelled_via",
            "checked_in_at", "checked_in_by",
        ]  # fmt: skip

    def get_readonly_fields(self, request, obj=None):
        # Status changes go through the services: register, cancel, promote, check in.
        return [] if obj is None else self.get_fields(request, obj)

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # deleting is cancelling: cancel_registrations
        return actions

    # The event filled up or closed since the form was checked.
    refusals = (services.RegistrationError,)

    def add_through_service(self, request, obj) -> Registration:
        return services.add_registrant(event=obj.event, user=obj.user, by=request.user)

    def delete_model(self, request, obj):
        self.cancel_through_service(request, [obj])

    def delete_queryset(self, request, queryset):
        self.cancel_through_service(request, queryset)

    def cancel_through_service(self, request, registrations) -> int:
        """Cancel each registration as the committee does in the console; a refusal
        (checked in, event started) is shown and changes nothing. Returns how many were cancelled."""
        cancelled = promoted = 0
        for registration in registrations:
            was_active = registration.is_active
            try:
                promoted += len(services.cancel(registration=registration, by=request.user))
            except services.RegistrationError as error:
                messages.error(
                    request,
                    _("Not cancelled: %(name)s at “%(title)s”. %(error)s")
                    % {"name": registration.user.display_name, "title": registration.event.title, "error": error},
                )
            else:
                cancelled += 1 if was_active else 0  # cancelling twice is harmless, and not counted
        if cancelled:
            messages.success(
                request,
                _(
                    "%(cancelled)d registration(s) cancelled (kept as history); "
                    "%(promoted)d promoted from the waiting list and emailed."
                )
                % {"cancelled": cancelled, "promoted": promoted},
            )
        return cancelled

    def delete_view(self, request, object_id, extra_context=None):
        registration = self.get_object(request, unquote(object_id))
        if registration is None or not self.has_delete_permission(request, registration):
            return super().delete_view(request, object_id, extra_context)  # Django's "not found" or 403
        if request.method == "POST":
            self.cancel_through_service(request, [registration])
            return HttpResponseRedirect(reverse("admin:events_registration_change", args=[registration.pk]))
        return confirmation_page(
            self,
            request,
            title=_("Cancel this registration?"),
            explanation=_(
                "Deleting a registration cancels it: the row stays as history, and if it held a seat "
                "the first person waiting gets it and is emailed."
            ),
            objects=[registration],
            button=_("Cancel the registration"),
        )

    @admin.action(description=gettext_lazy("Cancel the selected registrations (the next person waiting gets the seat)"))
    def cancel_registrations(self, request, queryset):
        queryset = queryset.select_related("user", "event")
        if "post" in request.POST:
            self.cancel_through_service(request, queryset)
            return None
        return confirmation_page(
            self,
            request,
            title=_("Cancel these registrations?"),
            explanation=_(
                "Each is cancelled as in the console: the rows stay as history, and freed seats go to "
                "the first people waiting, who are emailed. Checked-in places and events that have started are left "
                "as they are."
            ),
            objects=queryset,
            button=_("Cancel the registrations"),
            action="cancel_registrations",
        )


@admin.register(CalendarFeed)
class CalendarFeedAdmin(admin.ModelAdmin):
    list_display = ["user", "created_at", "updated_at"]
    search_fields = ["user__email", "user__name"]
    readonly_fields = ["user", "created_at", "updated_at"]
    fields = readonly_fields

    def has_add_permission(self, request):
        return False


@admin.register(SelfCheckInAttempts)
class SelfCheckInAttemptsAdmin(admin.ModelAdmin):
    """Written by self check-in (events.services.checkin): read-only. Deleting a row
    lifts a member's pause at once."""

    list_display = ["member", "event", "failures", "paused_until", "updated_at"]
    search_fields = ["member__email", "member__name", "event__title"]
    list_select_related = ["member", "event"]
    readonly_fields = ["event", "member", "failures", "paused_until", "created_at", "updated_at"]
    fields = readonly_fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class KeptAsWrittenAdmin(admin.ModelAdmin):
    """Rows only a service writes, kept as written: the admin lists and shows them, and
    neither adds, changes nor deletes one."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(FirstAttendance)
class FirstAttendanceAdmin(KeptAsWrittenAdmin):
    """Kept by the check-in services for the figures (events.services.keep_first_attendances): read-only."""

    list_display = ["user", "starts_at"]
    search_fields = ["user__email", "user__name"]
    list_select_related = ["user"]
    readonly_fields = ["user", "starts_at"]
    fields = readonly_fields


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

    list_display = ["subject", "audience_text", "author", "sent_at", "recipient_count"]
    list_filter = ["audience", "sent_at"]
    search_fields = ["subject", "body", "event__title", "audience_label"]
    list_select_related = ["event", "author"]
    # The audience is chosen, and checked, in the console (draft_announcement).
    readonly_fields = [
        "audience", "event", "audience_target", "months", "include_waitlist", "audience_label",
        "sent_at", "recipient_count", "author",
    ]  # fmt: skip

    def has_add_permission(self, request):
        return False


@admin.register(ConsoleSettings)
class ConsoleSettingsAdmin(admin.ModelAdmin):
    """The console's settings form and service: the change is logged."""

    form = ConsoleSettingsForm
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}  # the admin's fields replace the form's
    list_display = ["webhook_url", "updated_at"]

    def has_add_permission(self, request):
        return not ConsoleSettings.objects.exists()  # one row only

    def has_delete_permission(self, request, obj=None):
        return False  # the webhook is turned off by emptying its address

    def save_model(self, request, obj, form, change):
        obj.pk = services.set_webhook_url(url=form.cleaned_data["webhook_url"], by=request.user).pk


@admin.register(Strike)
class StrikeAdmin(KeptAsWrittenAdmin):
    """No-show strikes: given by give_strikes, contested by the member, decided in the console
    (decide_strike: logged, the member told). Read-only here; never deleted (waived instead)."""

    list_display = ["user", "event", "given_at", "expires_at", "contested_at", "decision"]
    list_filter = ["decision", ("contested_at", admin.EmptyFieldListFilter), "given_at", "expires_at"]
    search_fields = ["user__email", "user__name", "registration__event__title"]
    date_hierarchy = "given_at"
    list_select_related = ["user", "registration__event"]

    @admin.display(description=gettext_lazy("event"))
    def event(self, strike):
        return strike.registration.event


@admin.register(LotteryRequest)
class LotteryRequestAdmin(KeptAsWrittenAdmin):
    """Made by members on the event page and filled in by the draw (events.services.lottery):
    read-only, as the published draw must stay reproducible."""

    list_display = ["event", "user", "friend", "public_id", "weight", "position", "seated", "withdrawn_at"]
    list_filter = ["seated", "created_at"]
    search_fields = ["event__title", "user__email", "user__name", "public_id"]
    list_select_related = ["event", "user", "friend"]
    readonly_fields = [
        "event", "user", "friend", "public_id", "withdrawn_at", "weight", "position", "seated", "registration",
        "created_at", "updated_at",
    ]  # fmt: skip
    fields = readonly_fields

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Count, Exists, F, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from members.models import Topic
from society.links import reverse_plain, web_link

# Crockford's base 32: no I, L, O or U, so a code read aloud or typed by hand is unambiguous.
SHORT_CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
SHORT_CODE_LENGTH = 8


def ticket_short_code(token: str) -> str:
    """A short, readable form of a ticket's token (40 bits of its hash, in two groups of
    four): enough to tell the tickets of one event apart, never a way to find a ticket
    on its own (the door matches it against one event's registrations only)."""
    number = int.from_bytes(hashlib.sha256(token.encode()).digest()[:5], "big")
    letters = "".join(SHORT_CODE_ALPHABET[(number >> shift) & 31] for shift in range(35, -1, -5))
    return f"{letters[:4]}-{letters[4:]}"


def normal_short_code(typed: str) -> str | None:
    """`typed` as a short code ("k7qm 2xwd" → "K7QM-2XWD"), forgiving the letters people
    confuse (O for 0, I and L for 1); None if it cannot be one."""
    letters = "".join(typed.split()).replace("-", "").upper().translate(str.maketrans("OIL", "011"))
    if len(letters) != SHORT_CODE_LENGTH or any(letter not in SHORT_CODE_ALPHABET for letter in letters):
        return None
    return f"{letters[:4]}-{letters[4:]}"


def new_token() -> str:
    """An unguessable token for tickets and calendar feeds (about 190 bits)."""
    return secrets.token_urlsafe(24)


class EventQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Event.Status.PUBLISHED)

    def listed(self):
        """Events the public may see: published, or cancelled after publishing."""
        return self.filter(status__in=[Event.Status.PUBLISHED, Event.Status.CANCELLED])

    def upcoming(self, *, now=None):
        return self.filter(ends_at__gte=now or timezone.now()).order_by("starts_at")

    def past(self, *, now=None):
        return self.filter(ends_at__lt=now or timezone.now()).order_by("-starts_at")

    def member_led(self):
        """Member-led sessions: events with at least one host, not cancelled."""
        hosted = EventHost.objects.filter(event=OuterRef("pk"))
        return self.exclude(status=Event.Status.CANCELLED).filter(Exists(hosted))

    def with_confirmed_count(self):
        """Each event's confirmed registrations as `confirmed_count`, in the same query.
        (A subquery rather than a JOIN and GROUP BY: a paginator's COUNT then leaves it out.)"""
        return self.annotate(confirmed_count=_registrations_counted(status=Registration.Status.CONFIRMED))

    def with_set_up_count(self):
        """Each event's confirmed registrations whose holder said "I'm set up", as `set_up_count`
        (a subquery per event, like `with_confirmed_count`, rather than a JOIN of every registration)."""
        return self.annotate(
            set_up_count=_registrations_counted(status=Registration.Status.CONFIRMED, set_up_at__isnull=False)
        )


def _registrations_counted(**conditions) -> Coalesce:
    """How many of the outer event's registrations meet `conditions`, as a subquery."""
    counted = (
        Registration.objects.filter(event=OuterRef("pk"), **conditions)
        .order_by()
        .values("event")
        .annotate(n=Count("id"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


class Speaker(models.Model):
    """Someone who speaks at events; one speaker can appear at many."""

    name = models.CharField(max_length=150)
    affiliation = models.CharField(max_length=200, blank=True, help_text=_("Where they work or study."))
    bio = models.TextField(blank=True, help_text=_("A short paragraph, plain text."))
    # A square photo re-encoded by events.images under a random name.
    photo = models.ImageField(upload_to="speakers/", blank=True, help_text=_("256 by 256 pixels."))
    website_url = models.URLField(_("website"), max_length=200, blank=True, validators=[web_link])
    linkedin_url = models.URLField(_("LinkedIn"), max_length=200, blank=True, validators=[web_link])
    github_url = models.URLField(_("GitHub"), max_length=200, blank=True, validators=[web_link])
    # Contact details: shown only in the committee console, never on public pages.
    email = models.EmailField(blank=True, help_text=_("Seen by the committee only."))
    phone = models.CharField(max_length=40, blank=True, help_text=_("Seen by the committee only."))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.affiliation})" if self.affiliation else self.name

    @property
    def links(self) -> list[tuple[str, str]]:
        candidates = [("Website", self.website_url), ("LinkedIn", self.linkedin_url), ("GitHub", self.github_url)]
        return [(label, url) for label, url in candidates if url]


class Event(models.Model):
    """Something the society runs: a workshop, a talk, a social..."""

    class Kind(models.TextChoices):
        WORKSHOP = "workshop", _("Workshop")
        TALK = "talk", _("Talk")
        STUDY_GROUP = "study_group", _("Study group")
        SOCIAL = "social", _("Social")
        HACKATHON = "hackathon", _("Hackathon")
        AGM = "agm", _("AGM")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        CANCELLED = "cancelled", _("Cancelled")

    class Level(models.TextChoices):
        ALL = "", _("All levels")
        BEGINNER = "beginner", _("Beginner")
        INTERMEDIATE = "intermediate", _("Intermediate")
        ADVANCED = "advanced", _("Advanced")

    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.WORKSHOP)
    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=220, unique=True)
    # Shown instead of the title and summary to people reading in Chinese, when written
    # (the description stays in the language it was written in).
    title_zh = models.CharField(
        _("title in Chinese"), max_length=200, blank=True, help_text=_("Optional: shown to people reading in Chinese.")
    )
    summary_zh = models.CharField(
        _("summary in Chinese"),
        max_length=300,
        blank=True,
        help_text=_("Optional: shown to people reading in Chinese."),
    )
    summary = models.CharField(max_length=300, blank=True, help_text=_("One or two sentences for lists."))
    description = models.TextField(
        blank=True, help_text=_("Markdown. Links and formatting are kept; scripts, images and raw HTML are not.")
    )
    starts_at = models.DateTimeField("starts")
    ends_at = models.DateTimeField("ends")
    venue = models.CharField(_("room"), max_length=200, blank=True, help_text=_("The room, e.g. Lab 2.14."))
    building = models.CharField(max_length=200, blank=True)
    map_url = models.URLField(_("map link"), max_length=500, blank=True, validators=[web_link])
    online_url = models.URLField(
        _("online link"),
        max_length=500,
        blank=True,
        validators=[web_link],
        help_text=_("Shown only to confirmed registrants."),
    )
    capacity = models.PositiveIntegerField(null=True, blank=True, help_text=_("Seats; leave empty for unlimited."))
    waitlist_enabled = models.BooleanField(_("waiting list"), default=True, help_text=_("When full, people can queue."))
    registration_opens_at = models.DateTimeField(
        _("registration opens"), null=True, blank=True, help_text=_("Empty: as soon as the event is published.")
    )
    registration_closes_at = models.DateTimeField(
        _("registration closes"), null=True, blank=True, help_text=_("Empty: when the event starts.")
    )
    members_only = models.BooleanField(
        _("members only"), default=False, help_text=_("Only this year's members may register.")
    )
    level = models.CharField(max_length=20, choices=Level.choices, default=Level.ALL, blank=True)
    topics = models.ManyToManyField(Topic, blank=True, related_name="events")
    speakers = models.ManyToManyField(Speaker, through="EventSpeaker", blank=True, related_name="events")
    # Two renditions of one upload (12:5), re-encoded by events.images under random names.
    banner = models.ImageField(upload_to="banners/", blank=True, help_text=_("1200 by 500 pixels."))
    banner_small = models.ImageField(upload_to="banners/", blank=True, help_text=_("600 by 250 pixels."))
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    reminders_enabled = models.BooleanField(
        _("send reminders"),
        default=True,
        help_text=_("Email confirmed registrants before the start (REMINDER_OFFSETS_HOURS)."),
    )
    what_to_bring = models.TextField(
        _("what to bring or install"), blank=True, help_text=_("Plain text, in the reminders and on the event page.")
    )
    setup_checklist = models.TextField(
        blank=True,
        help_text=_("One step per line (e.g. install Python 3.12). When set, reminders carry an “I'm set up” link."),
    )
    # A rehearsal the committee asks the hosts of a member-led session for (services.set_rehearsal).
    rehearsal_at = models.DateTimeField(_("rehearsal"), null=True, blank=True)
    rehearsal_note = models.CharField(
        _("rehearsal note"), max_length=500, blank=True, help_text=_("Where, and what to bring to the rehearsal.")
    )
    # Fair seats (events.services.strikes and .lottery), each chosen per event by the committee.
    no_show_policy = models.BooleanField(
        _("no-show strikes"),
        default=False,
        help_text=_(
            "Members who neither come nor cancel in time get a strike; while they hold strikes, "
            "registration opens later for them (the console's settings say how much)."
        ),
    )
    # When the no-shows' strikes were given (once, when check-in closed and the attendance was final).
    strikes_given_at = models.DateTimeField(null=True, blank=True, editable=False)
    lottery = models.BooleanField(
        _("seats drawn by lot"),
        default=False,
        help_text=_(
            "Members ask for a place until the requests close; then the seats are drawn by lot and "
            "the others go on the waiting list in the drawn order."
        ),
    )
    lottery_closes_at = models.DateTimeField(
        _("requests close"), null=True, blank=True, help_text=_("When the seats are drawn.")
    )
    # The draw's seed, committed by its hash (published) until the requests close, then revealed.
    lottery_seed = models.CharField(max_length=64, blank=True, editable=False)
    lottery_seed_hash = models.CharField(max_length=64, blank=True, editable=False)
    drawn_at = models.DateTimeField(_("drawn"), null=True, blank=True, editable=False)
    # The seats the draw filled (the capacity less those already taken then): published, so
    # the draw can be re-run from its data whatever the capacity becomes later.
    lottery_seats = models.PositiveIntegerField(null=True, blank=True, editable=False)
    # The same random key on every draft of one weekly series (services.create_weekly_series):
    # what "Publish all" publishes. Empty for events made one by one.
    series_key = models.CharField(max_length=32, blank=True, db_index=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["starts_at"]
        # status + starts_at: lists and due reminders; status + ends_at: due follow-ups.
        indexes = [
            models.Index(fields=["status", "starts_at"]),
            models.Index(fields=["status", "ends_at"]),
            # The console's home: every status, ended in the last two weeks or still to come.
            models.Index(fields=["ends_at"], name="event_ends_at"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="event_ends_after_start"),
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(capacity__gte=1), name="event_capacity_positive"
            ),
            models.CheckConstraint(
                condition=Q(lottery=False) | Q(lottery_closes_at__isnull=False, lottery_closes_at__lt=F("starts_at")),
                name="event_lottery_closes_before_start",
            ),
            models.CheckConstraint(
                condition=Q(registration_opens_at__isnull=True)
                | Q(registration_closes_at__isnull=True)
                | Q(registration_closes_at__gt=F("registration_opens_at")),
                name="event_registration_closes_after_opening",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse_plain("events:detail", slug=self.slug)

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def place(self) -> str:
        """Room and building, as one line."""
        return ", ".join(part for part in (self.venue, self.building) if part)

    @property
    def registration_closes(self):
        return self.registration_closes_at or self.starts_at

    @property
    def check_in_opens(self):
        """Check-in (and walk-ins at the door) open this long before the start (CHECK_IN_OPENS_HOURS)..."""
        return self.starts_at - timedelta(hours=settings.CHECK_IN_OPENS_HOURS)

    @property
    def check_in_closes(self):
        """...until this long after the end (CHECK_IN_CLOSES_HOURS); then the attendance is final."""
        return self.ends_at + timedelta(hours=settings.CHECK_IN_CLOSES_HOURS)

    @property
    def checklist_steps(self) -> list[str]:
        """The setup checklist's steps, one a line, list markers ("- ", "* ") dropped."""
        steps = (
            line.strip().removeprefix("- ").removeprefix("* ").strip() for line in self.setup_checklist.splitlines()
        )
        return [step for step in steps if step]

    def seats_left(self, confirmed: int) -> int | None:
        """Free seats given `confirmed` registrations; None when unlimited."""
        return None if self.capacity is None else max(self.capacity - confirmed, 0)


class EventSpeaker(models.Model):
    """A speaker at an event, in the order they are listed, with where their invitation stands."""

    class InviteStatus(models.TextChoices):
        INVITED = "invited", _("Invited")
        CONFIRMED = "confirmed", _("Confirmed")
        DECLINED = "declined", _("Declined")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="event_speakers")
    speaker = models.ForeignKey(Speaker, on_delete=models.CASCADE, related_name="event_speakers")
    order = models.PositiveSmallIntegerField(default=0)
    invite_status = models.CharField(max_length=20, choices=InviteStatus.choices, default=InviteStatus.INVITED)
    consent_to_record = models.BooleanField(_("may be recorded"), default=False)
    consent_to_publish_slides = models.BooleanField(_("slides may be published"), default=False)
    # Set by events.speaker_feedback when the feedback digest is queued: once per speaker and event.
    digest_sent_at = models.DateTimeField(_("feedback digest sent"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["order", "id"]
        constraints = [models.UniqueConstraint(fields=["event", "speaker"], name="event_speaker_once")]

    def __str__(self) -> str:
        return f"{self.speaker.name} at {self.event}"


class EventHost(models.Model):
    """A member who runs an event without being on the committee: its proposer, a co-host
    who accepted, or someone the committee named. For that event only, until
    `settings.HOST_RIGHTS_DAYS` after it ends (events.hosts), a host may edit its
    description, checklist and what to bring, upload its materials, see its counts, check
    people in at the door and read its feedback. Changed only through services.hosts."""

    class Role(models.TextChoices):
        PROPOSER = "proposer", _("Proposer")
        CO_HOST = "co_host", _("Co-host")
        NAMED = "named", _("Named by the committee")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="hosts")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="hosting")
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.NAMED)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [models.UniqueConstraint(fields=["event", "user"], name="event_host_once")]
        indexes = [models.Index(fields=["user", "event"], name="event_host_by_user")]

    def __str__(self) -> str:
        return f"{self.user} hosts {self.event}"


class RegistrationQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status__in=Registration.ACTIVE)

    def confirmed(self):
        return self.filter(status=Registration.Status.CONFIRMED)

    def waitlisted(self):
        """The waiting list in arrival order: first come, first served."""
        return self.filter(status=Registration.Status.WAITLISTED).order_by("created_at", "id")

    def attended(self):
        """The one meaning of "came": a confirmed seat, checked in (at the door, by QR
        code, by self check-in or in bulk afterwards)."""
        return self.filter(attended_q())


def attended_q(prefix: str = "") -> Q:
    """`attended()` as a condition, for counting across a relation (`prefix="registrations__"`)."""
    return Q(**{f"{prefix}status": Registration.Status.CONFIRMED, f"{prefix}checked_in_at__isnull": False})


class CancelledVia(models.TextChoices):
    PAGE = "page", _("By the member, on the site")
    EMAIL = "email", _("“I can't come” in an email")
    COMMITTEE = "committee", _("By the committee")


class Registration(models.Model):
    """A member's place at an event: confirmed, on the waiting list, or cancelled.

    A cancelled row is kept as history; registering again makes a new row, so
    `created_at` is always the time of arrival in the queue.
    """

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("Confirmed")
        WAITLISTED = "waitlisted", _("On the waiting list")
        CANCELLED = "cancelled", _("Cancelled")

    ACTIVE = (Status.CONFIRMED, Status.WAITLISTED)

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registrations")
    # Indexed with the event (registration_by_user, below), not alone.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="registrations", db_index=False
    )
    status = models.CharField(max_length=20, choices=Status.choices)
    # In the ticket's and the check-in link's URLs instead of the id.
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    # Who cancelled and how: a no-show strike never follows "I can't come" in an email,
    # nor the committee's cancelling (events.services.strikes).
    cancelled_via = models.CharField(max_length=20, choices=CancelledVia.choices, blank=True)
    checked_in_at = models.DateTimeField(_("checked in"), null=True, blank=True)
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # When the member said "I'm set up" (the event's setup checklist is done).
    set_up_at = models.DateTimeField(_("set up"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = RegistrationQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["event", "status", "created_at"]),
            # The door: confirmed registrations of one event, checked in or not (counts and search).
            models.Index(fields=["event", "status", "checked_in_at"], name="registration_door"),
            # One person's events, from the index alone: My events' pages of past events, the record.
            models.Index(fields=["user", "event"], name="registration_by_user"),
            # Who attended an event, from the index alone: the figures' attendees of a period.
            models.Index(
                fields=["event", "user"],
                condition=Q(status="confirmed", checked_in_at__isnull=False),  # attended_q()
                name="registration_attended",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "user"],
                condition=Q(status__in=["confirmed", "waitlisted"]),
                name="registration_active_once",
                violation_error_message=_("You are already registered for this event."),
            ),
            models.CheckConstraint(
                condition=Q(checked_in_at__isnull=True) | Q(status="confirmed"),
                name="registration_checked_in_only_if_confirmed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.event} ({self.get_status_display()})"

    def get_absolute_url(self) -> str:
        return reverse_plain("events:ticket", token=self.token)

    @property
    def short_code(self) -> str:
        """The ticket's code a person can read out and type at the door ("K7QM-2XWD")."""
        return ticket_short_code(self.token)

    @property
    def is_confirmed(self) -> bool:
        return self.status == self.Status.CONFIRMED

    @property
    def is_waitlisted(self) -> bool:
        return self.status == self.Status.WAITLISTED

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE

    @property
    def state_stamp(self) -> str:
        """Where the registration stands (status and check-in), as drawn on a page: a
        form sends it back so the services refuse to act on a changed registration."""
        checked_in = self.checked_in_at.isoformat() if self.checked_in_at else "-"
        return f"{self.status}/{checked_in}"


class EventRating(models.Model):
    """An attendee's rating of an event (1 to 5), one per registration: the one
    home of feedback. The follow-up email's rating links open a form whose POST
    records the score; the workshops feedback form (once) adds what worked and
    what to improve."""

    registration = models.OneToOneField(Registration, on_delete=models.CASCADE, related_name="rating")
    score = models.PositiveSmallIntegerField()
    comment = models.TextField(blank=True)
    # The committee read it and chose to pass it on in the speakers' feedback digest.
    shared_with_speakers = models.BooleanField(default=False)
    what_worked = models.TextField(blank=True)
    what_to_improve = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(score__gte=1, score__lte=5), name="event_rating_1_to_5")]

    def __str__(self) -> str:
        return f"{self.score}/5 for {self.registration.event} by {self.registration.user}"


class FirstAttendance(models.Model):
    """When a person first attended an event: the start of the earliest event they were
    checked in at (any status, as `Registration.objects.attended()` counts). Kept, rather
    than found over everyone's whole history, so that the figures count first-timers and
    returners of a term from that term's attendees alone. Written only by
    events.services.keep_first_attendances, in the transaction of every change that can
    move it (check-in, its undoing, attendance in bulk, an attended event's new time)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="first_attendance"
    )
    starts_at = models.DateTimeField("first attended event's start")

    class Meta:
        verbose_name = _("first attendance")

    def __str__(self) -> str:
        return f"{self.user} first came on {timezone.localdate(self.starts_at):%d %b %Y}"


class SelfCheckInAttempts(models.Model):
    """Wrong self check-in codes typed by one member for one event. After
    SELF_CHECK_IN_TRIES of them, self check-in pauses for that member until
    `paused_until` (events.services.checkin); a right code starts again from nought."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="+")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    failures = models.PositiveSmallIntegerField(default=0)
    paused_until = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("self check-in attempts")
        verbose_name_plural = _("self check-in attempts")
        constraints = [models.UniqueConstraint(fields=["event", "member"], name="self_check_in_attempts_once")]

    def __str__(self) -> str:
        return f"{self.member} at {self.event}: {self.failures} wrong"


class CalendarFeed(models.Model):
    """The secret address of a member's own calendar feed; resetting it gives a new token."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed")
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Calendar feed of {self.user}"

    def get_absolute_url(self) -> str:
        return reverse("events:my_calendar", kwargs={"token": self.token})


class ActionLog(models.Model):
    """Who on the committee did what, and when (shown on the event's console page).
    Written by the services only (events.services.audit); people by foreign key,
    emptied when their account is anonymised."""

    event = models.ForeignKey(Event, null=True, blank=True, on_delete=models.CASCADE, related_name="action_logs")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    # The member the action was about (a registrant checked in, promoted, cancelled...).
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=60)
    detail = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["event", "created_at"])]

    def __str__(self) -> str:
        return f"{self.actor or 'someone'}: {self.action} ({self.created_at:%Y-%m-%d %H:%M})"


class Announcement(models.Model):
    """A committee message to an audience, sent through the outbox, one email a person.

    The audience is a kind and its parameter: an event's registrants (`event`,
    and `include_waitlist`), this year's members, who attended anything in the
    last `months`, or an audience another app offers through
    society.hooks.ANNOUNCEMENT_AUDIENCES (workshops: a series' attendees, a study
    group), picked by `audience_target` (that app's id). `audience_label` says
    in words who it was for, as it was when written.
    """

    class Audience(models.TextChoices):
        # Other apps' audiences (society.hooks) are stored under their own keys.
        EVENT = "event", _("Everyone registered for an event")
        MEMBERS = "members", _("All members of this academic year")
        ATTENDED = "attended", _("Everyone who attended an event in the last months")

    audience = models.CharField(max_length=40, default=Audience.EVENT)
    event = models.ForeignKey(Event, null=True, blank=True, on_delete=models.CASCADE, related_name="announcements")
    audience_target = models.PositiveIntegerField(
        null=True, blank=True, help_text=_("The series or study group, for audiences other apps offer.")
    )
    months = models.PositiveSmallIntegerField(null=True, blank=True, help_text=_("Attended in the last … months."))
    audience_label = models.CharField(max_length=300, blank=True)
    subject = models.CharField(max_length=150)
    body = models.TextField(help_text=_("Plain text."))
    include_waitlist = models.BooleanField(_("also the waiting list"), default=False)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    sent_at = models.DateTimeField(null=True, blank=True)
    recipient_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(audience="event") | Q(event__isnull=False), name="announcement_event_audience_has_event"
            ),
            models.CheckConstraint(
                condition=~Q(audience="attended") | Q(months__gte=1), name="announcement_attended_audience_has_months"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subject} ({self.event or self.audience_label})"

    @property
    def audience_text(self) -> str:
        """Who it is for, in words."""
        if self.audience == self.Audience.EVENT and self.event_id and not self.audience_label:
            return _("Registered for %(event)s") % {"event": self.event}
        return self.audience_label


class ConsoleSettings(models.Model):
    """The committee's settings: one row (id 1)."""

    webhook_url = models.URLField(
        _("webhook URL"),
        max_length=500,
        blank=True,
        help_text=_("Slack or Discord incoming webhook, told when an event is published, changed or cancelled."),
    )
    # The no-show policy (events.services.strikes), for the events it is turned on for.
    no_show_cutoff_hours = models.PositiveSmallIntegerField(
        _("cancel at least this many hours before"),
        default=24,
        help_text=_("A confirmed member who cancels later than this, or does not come, gets a strike."),
    )
    late_promotion_hours = models.PositiveSmallIntegerField(
        _("no strike when moved off the waiting list later than"),
        default=24,
        help_text=_("Hours before the start: someone given a seat this late never gets a strike."),
    )
    strike_weeks = models.PositiveSmallIntegerField(
        _("strikes expire after (weeks)"), default=8, validators=[MinValueValidator(1)]
    )
    strike_delay_minutes = models.PositiveSmallIntegerField(
        _("registration opens later by (minutes per strike)"), default=60, validators=[MinValueValidator(1)]
    )
    strike_delay_max_minutes = models.PositiveSmallIntegerField(
        _("at most (minutes)"), default=180, validators=[MinValueValidator(1)]
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = _("console settings")
        constraints = [models.CheckConstraint(condition=Q(id=1), name="console_settings_singleton")]

    def __str__(self) -> str:
        return "Console settings"

    @classmethod
    def load(cls) -> "ConsoleSettings":
        return cls.objects.get_or_create(pk=1)[0]


# The models of the fair-seats rules live beside these (events.fair_seats).
from .fair_seats import LotteryRequest, Strike  # noqa: E402, F401

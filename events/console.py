"""Business rules of the committee console: publishing, cancelling and changing
events, weekly series, walk-ins, attendance, self check-in codes, announcements,
the webhook and the audit log.

Registrations still change only through events.services (register, cancel,
promote_from_waitlist, check_in), which lock the event row; what is new here
locks it the same way. Arguments are keyword-only; `now` can be given in tests.
"""

import hashlib
import hmac
import json
import urllib.request
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from members.models import User
from society.emails import queue_email
from society.models import EmailKind

from . import services
from .models import ActionLog, Announcement, ConsoleSettings, Event, EventSpeaker, Registration

Status = Registration.Status
RegistrationError = services.RegistrationError
SELF_CHECK_IN_WINDOW = 60  # seconds a projector code is shown
SELF_CHECK_IN_DIGITS = 6
WEBHOOK_TIMEOUT = 10


# --- The audit log -------------------------------------------------------------------


def record_action(*, actor, action: str, event: Event | None = None, detail: str = "") -> ActionLog:
    """Write down that a committee member did something (shown on the event's console page)."""
    return ActionLog.objects.create(event=event, actor=actor, action=action, detail=detail[:500])


# --- Local times ---------------------------------------------------------------------


def society_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def local_time_problem(naive: datetime) -> str | None:
    """Why a wall-clock time cannot be used in the society's time zone: it does not
    exist (clocks go forward) or happens twice (clocks go back); None when fine."""
    zone = society_zone()
    first, second = naive.replace(tzinfo=zone, fold=0), naive.replace(tzinfo=zone, fold=1)
    when = naive.strftime("%H:%M on %-d %B %Y")
    if first.utcoffset() != second.utcoffset():
        # On a night when clocks change, a missing time round-trips to another wall time.
        roundtrip = first.astimezone(ZoneInfo("UTC")).astimezone(zone).replace(tzinfo=None)
        if roundtrip != naive:
            return f"{when} does not exist in {zone.key}: the clocks go forward that night. Choose another time."
        return f"{when} happens twice in {zone.key}: the clocks go back that night. Choose another time."
    return None


def make_local(naive: datetime) -> datetime:
    """A wall-clock time in the society's time zone as an aware datetime (check local_time_problem first)."""
    return naive.replace(tzinfo=society_zone())


# --- Events --------------------------------------------------------------------------


def unique_slug(title: str, day: date) -> str:
    base = f"{slugify(title)[:180] or 'event'}-{day:%Y-%m-%d}"
    slug, n = base, 2
    while Event.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def _notify_webhook_on_commit(event: Event, change: str) -> None:
    from .tasks import notify_webhook  # the task module imports this one

    if ConsoleSettings.objects.exclude(webhook_url="").exists():
        transaction.on_commit(lambda: notify_webhook.delay(event.pk, change))


def publish_event(*, event: Event, by) -> Event:
    """Make a draft public. Publishing twice does nothing new."""
    with transaction.atomic():
        event = services._locked(event)
        if event.status == Event.Status.CANCELLED:
            raise RegistrationError("A cancelled event cannot be published again: duplicate it instead.")
        if event.status == Event.Status.PUBLISHED:
            return event
        event.status = Event.Status.PUBLISHED
        event.save(update_fields=["status", "updated_at"])
        record_action(actor=by, event=event, action="published")
        _notify_webhook_on_commit(event, "published")
    return event


def cancel_event(*, event: Event, by, message: str, now=None) -> int:
    """Cancel an event and tell everyone registered (confirmed and waiting), with the
    committee's message, through the outbox. Returns how many were told."""
    now = now or timezone.now()
    with transaction.atomic():
        event = services._locked(event)
        if event.status == Event.Status.CANCELLED:
            return 0
        was_published = event.status == Event.Status.PUBLISHED
        event.status = Event.Status.CANCELLED
        event.save(update_fields=["status", "updated_at"])
        told = 0
        for registration in Registration.objects.active().filter(event=event).select_related("user"):
            told += _queue_event_update(registration, event=event, key="cancelled", message=message)
        record_action(actor=by, event=event, action="cancelled", detail=f"{told} registrants told. {message}")
        if was_published:
            _notify_webhook_on_commit(event, "cancelled")
    return told


TIME_AND_PLACE = ("starts_at", "ends_at", "venue", "building", "online_url")


def update_event(*, event: Event, changed: list[str], by, tell_registrants: bool, message: str = "") -> int:
    """Save an event edited in the console (the form has validated it). When the time
    or place of a published event changed and `tell_registrants`, everyone registered
    is emailed. Capacity goes through services.change_capacity (it may promote people
    waiting). Returns how many were told."""
    with transaction.atomic():
        locked = services._locked(event)
        if "capacity" in changed:
            services.change_capacity(event=locked, capacity=event.capacity)
        event.save()
        told = 0
        moved = [name for name in changed if name in TIME_AND_PLACE]
        if moved and tell_registrants and event.status == Event.Status.PUBLISHED:
            stamp = int(event.updated_at.timestamp())
            for registration in Registration.objects.active().filter(event=event).select_related("user"):
                told += _queue_event_update(registration, event=event, key=f"changed-{stamp}", message=message)
        detail = ", ".join(changed) or "nothing"
        record_action(actor=by, event=event, action="edited", detail=f"Changed: {detail}. {told} registrants told.")
        if moved and event.status == Event.Status.PUBLISHED:
            _notify_webhook_on_commit(event, "changed")
    return told


def _queue_event_update(registration: Registration, *, event: Event, key: str, message: str) -> int:
    context = {**services.registration_email_context(registration), "message": message, "cancelled": event.is_cancelled}
    queue_email(
        key=f"event-{key}:{registration.pk}",
        to=registration.user.email,
        template="emails/event_cancelled" if event.is_cancelled else "emails/event_changed",
        context=context,
        kind=EmailKind.EVENT_UPDATE,
        user=registration.user,
    )
    return 1


COPIED_FIELDS = [
    "kind", "title", "summary", "description", "venue", "building", "map_url", "online_url",
    "capacity", "waitlist_enabled", "members_only", "level",
]  # fmt: skip


def duplicate_event(*, event: Event, starts_at: datetime, by) -> Event:
    """A new draft like `event` ("same as last week"), at another time; the same
    length, topics and speakers (invited again); registration windows are left open."""
    with transaction.atomic():
        copy = Event(
            **{name: getattr(event, name) for name in COPIED_FIELDS},
            starts_at=starts_at,
            ends_at=starts_at + (event.ends_at - event.starts_at),
            slug=unique_slug(event.title, timezone.localtime(starts_at).date()),
            status=Event.Status.DRAFT,
        )
        copy.save()
        copy.topics.set(event.topics.all())
        EventSpeaker.objects.bulk_create(
            EventSpeaker(event=copy, speaker_id=link.speaker_id, order=link.order)
            for link in event.event_speakers.all()
        )
        record_action(actor=by, event=copy, action="created", detail=f"Duplicated from {event.slug}.")
    return copy


@dataclass(frozen=True)
class SeriesPlan:
    title: str
    kind: str
    first_day: date
    weekday: int  # Monday is 0
    start: time
    minutes: int
    weeks: int
    skip: frozenset[date]
    venue: str = ""
    capacity: int | None = None

    def days(self) -> list[date]:
        first = self.first_day + timedelta(days=(self.weekday - self.first_day.weekday()) % 7)
        all_days = [first + timedelta(weeks=n) for n in range(self.weeks)]
        return [day for day in all_days if day not in self.skip]

    def problems(self) -> list[str]:
        return [p for day in self.days() if (p := local_time_problem(datetime.combine(day, self.start)))]


def create_weekly_series(*, plan: SeriesPlan, by) -> list[Event]:
    """Drafts, one a week on the plan's weekday and time, except the skipped dates."""
    problems = plan.problems()
    if problems:
        raise RegistrationError(problems[0])
    events = []
    with transaction.atomic():
        for day in plan.days():
            starts_at = make_local(datetime.combine(day, plan.start))
            event = Event.objects.create(
                title=plan.title,
                kind=plan.kind,
                slug=unique_slug(plan.title, day),
                starts_at=starts_at,
                ends_at=starts_at + timedelta(minutes=plan.minutes),
                venue=plan.venue,
                capacity=plan.capacity,
                status=Event.Status.DRAFT,
            )
            events.append(event)
        record_action(
            actor=by, event=events[0] if events else None, action="created series", detail=f"{len(events)} drafts."
        )
    return events


# --- Registrations by the committee ------------------------------------------------------


def find_user_by_email(email: str) -> User:
    user = User.objects.filter(email__iexact=email.strip(), is_active=True).first()
    if user is None:
        raise RegistrationError(f"Nobody has an account with the email {email.strip()}: ask them to sign up first.")
    return user


def add_registrant_by_email(*, event: Event, email: str, by, check_in: bool = False) -> Registration:
    """Register someone the committee adds (they get the usual emails); with
    `check_in`, a walk-in at the door is checked in in the same step."""
    user = find_user_by_email(email)
    with transaction.atomic():
        registration, created = services.register(event=event, user=user)
        if check_in:
            registration = services.check_in(registration=registration, by=by)
        action = "added walk-in" if check_in else "added registrant"
        record_action(actor=by, event=event, action=action, detail=user.email if created else f"{user.email} (already)")
    return registration


def promote_by_hand(*, registration: Registration, by) -> Registration:
    """Give a free seat to someone on the waiting list, out of turn (the committee
    decides). Never past the capacity: raise the capacity first for an extra chair."""
    with transaction.atomic():
        event = services._locked(registration.event)
        registration = Registration.objects.select_related("event", "user").get(pk=registration.pk)
        if not registration.is_waitlisted:
            raise RegistrationError("This person is not on the waiting list.")
        confirmed = Registration.objects.confirmed().filter(event=event).count()
        if event.capacity is not None and confirmed >= event.capacity:
            raise RegistrationError("The event is full: raise the capacity first, then give them the seat.")
        registration.status = Status.CONFIRMED
        registration.confirmed_at = timezone.now()
        registration.save(update_fields=["status", "confirmed_at", "updated_at"])
        services._queue_ticket_email(registration, template="emails/registration_promoted", key="promoted")
        record_action(actor=by, event=registration.event, action="promoted by hand", detail=registration.user.email)
    return registration


def cancel_registration_for(*, registration: Registration, by) -> None:
    """The committee cancels someone's place (the freed seat goes to the next person waiting)."""
    with transaction.atomic():
        services.cancel(registration=registration)
        email = registration.user.email
        record_action(actor=by, event=registration.event, action="cancelled registration", detail=email)


def undo_check_in(*, registration: Registration, by) -> Registration:
    """Take back a check-in made by mistake. Undoing twice does nothing new."""
    with transaction.atomic():
        services._locked(registration.event)
        registration = Registration.objects.select_related("event", "user").get(pk=registration.pk)
        if registration.checked_in_at is not None:
            registration.checked_in_at = None
            registration.checked_in_by = None
            registration.save(update_fields=["checked_in_at", "checked_in_by", "updated_at"])
            record_action(actor=by, event=registration.event, action="undid check-in", detail=registration.user.email)
    return registration


@dataclass
class BulkResult:
    checked_in: list[str]
    already: list[str]
    unmatched: list[str]


def bulk_attendance(*, event: Event, emails: list[str], by, now=None) -> BulkResult:
    """After the event: mark the confirmed registrants with these emails as present.
    Emails that match no confirmed registration are reported, not guessed."""
    now = now or timezone.now()
    wanted = {email.strip().lower() for email in emails if email.strip()}
    result = BulkResult([], [], [])
    with transaction.atomic():
        services._locked(event)
        found = {
            r.user.email.lower(): r
            for r in Registration.objects.confirmed().filter(event=event).select_related("user")
            if r.user.email.lower() in wanted
        }
        for email in sorted(wanted):
            registration = found.get(email)
            if registration is None:
                result.unmatched.append(email)
            elif registration.checked_in_at:
                result.already.append(email)
            else:
                registration.checked_in_at, registration.checked_in_by = now, by
                registration.save(update_fields=["checked_in_at", "checked_in_by", "updated_at"])
                result.checked_in.append(email)
        record_action(
            actor=by, event=event, action="bulk attendance", detail=f"{len(result.checked_in)} marked present."
        )
    return result


# --- Self check-in -----------------------------------------------------------------------


def self_check_in_code(*, event: Event, now=None, windows_back: int = 0) -> str:
    """The short code the projector shows: an HMAC of the event and the current minute."""
    now = now or timezone.now()
    window = int(now.timestamp()) // SELF_CHECK_IN_WINDOW - windows_back
    digest = hmac.new(settings.SECRET_KEY.encode(), f"self-check-in:{event.pk}:{window}".encode(), hashlib.sha256)
    return str(int.from_bytes(digest.digest()[:8], "big") % 10**SELF_CHECK_IN_DIGITS).zfill(SELF_CHECK_IN_DIGITS)


def self_check_in_open(event: Event, now) -> bool:
    """During the event (and half an hour before, as people arrive)."""
    return event.status == Event.Status.PUBLISHED and event.starts_at - timedelta(minutes=30) <= now < event.ends_at


def self_check_in(*, event: Event, user, code: str, now=None) -> Registration:
    """A registered member marks themselves present with the code on the projector.
    The current and previous minute's codes are accepted (about two minutes)."""
    now = now or timezone.now()
    if not self_check_in_open(event, now):
        raise RegistrationError("Self check-in is open only during the event.")
    code = code.strip()
    valid = [self_check_in_code(event=event, now=now, windows_back=n) for n in (0, 1)]
    if not any(hmac.compare_digest(code, candidate) for candidate in valid):
        raise RegistrationError("That code is not the one on the screen (codes change every minute).")
    registration = Registration.objects.confirmed().filter(event=event, user=user).first()
    if registration is None:
        raise RegistrationError("You have no confirmed seat at this event: ask the committee at the door.")
    return services.check_in(registration=registration, by=user, now=now)


# --- Announcements -------------------------------------------------------------------------


def announcement_recipients(announcement: Announcement):
    statuses = [Status.CONFIRMED, Status.WAITLISTED] if announcement.include_waitlist else [Status.CONFIRMED]
    return Registration.objects.filter(event=announcement.event, status__in=statuses).select_related("user", "event")


def send_announcement(*, announcement: Announcement, by, now=None) -> int:
    """Queue the announcement to each recipient (members who opted out of
    announcements are skipped). Sending twice sends nothing new. Returns how many it went to."""
    now = now or timezone.now()
    with transaction.atomic():
        announcement = Announcement.objects.select_for_update().get(pk=announcement.pk)
        if announcement.sent_at:
            return announcement.recipient_count
        sent = 0
        for registration in announcement_recipients(announcement):
            sent += queue_email(
                key=f"announcement:{announcement.pk}:{registration.pk}",
                to=registration.user.email,
                template="emails/announcement",
                context={**services.registration_email_context(registration), "announcement": announcement},
                kind=EmailKind.ANNOUNCEMENT,
                user=registration.user,
                now=now,
            )
        announcement.sent_at, announcement.recipient_count = now, sent
        announcement.save(update_fields=["sent_at", "recipient_count", "updated_at"])
        record_action(actor=by, event=announcement.event, action="sent announcement", detail=announcement.subject)
    return sent


# --- The webhook -------------------------------------------------------------------------------


WEBHOOK_WORDS = {"published": "New event", "changed": "Event changed", "cancelled": "Event cancelled"}


def webhook_text(*, event: Event, change: str) -> str:
    when = timezone.localtime(event.starts_at).strftime("%a %-d %b, %H:%M")
    place = f" · {event.place}" if event.place else ""
    return f"{WEBHOOK_WORDS[change]}: {event.title} · {when}{place}\n{settings.SITE_URL}{event.get_absolute_url()}"


def post_to_webhook(*, event: Event, change: str) -> bool:
    """POST Slack-format JSON ({"text": ...}) to the committee's webhook; False when none is set.
    Network errors are raised for the task to retry."""
    url = ConsoleSettings.load().webhook_url
    if not url.startswith(("https://", "http://")):
        return False
    body = json.dumps({"text": webhook_text(event=event, change=change)}).encode()
    headers = {"Content-Type": "application/json"}
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310 (http(s) only)
    with urllib.request.urlopen(request, timeout=WEBHOOK_TIMEOUT) as response:  # noqa: S310 (https, or http in DEBUG)
        response.read()
    return True


# --- Speakers -------------------------------------------------------------------------------


def set_event_speaker(*, event: Event, speaker, by, invite_status: str, consent_to_record: bool,
                      consent_to_publish_slides: bool, order: int = 0) -> EventSpeaker:  # fmt: skip
    """Add a speaker to an event, or update where their invitation and consents stand."""
    with transaction.atomic():
        link, _ = EventSpeaker.objects.update_or_create(
            event=event,
            speaker=speaker,
            defaults={
                "invite_status": invite_status,
                "consent_to_record": consent_to_record,
                "consent_to_publish_slides": consent_to_publish_slides,
                "order": order,
            },
        )
        detail = f"{speaker.name}: {link.get_invite_status_display()}"
        record_action(actor=by, event=event, action="speaker", detail=detail)
    return link

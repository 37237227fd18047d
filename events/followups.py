"""After an event, and before the week: attendance follow-ups and the weekly digest.

Follow-ups, FOLLOW_UP_DELAY_HOURS (default 2) after a published event ends, one
per registration (key `follow-up:<registration>`):
- attendees (checked in): thanks, the materials, one-click ratings 1 to 5;
- confirmed no-shows: the materials, and a friendly note that cancelling frees a seat (at a
  no-show-policy event, once its strikes are given; a strike's is sent with it and says so);
- the waiting list that never got in: the materials.
Cancelled registrations get nothing. A run late after downtime still sends them,
up to FOLLOW_UP_MAX_LATE after their moment (older ones are left alone, so a new
deployment does not write to everyone who ever came).

The weekly digest (Monday morning, its own crontab task): the published events of
the coming week (until the end of Sunday, local time), to every active member
whose email address is verified and who has not turned the digest off
(`/me/emails/`). Nothing when there is nothing to announce. Key
`digest:<ISO week>:<user>`: once a week, however often it runs.
"""

from datetime import datetime, timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone

from members.models import User
from society import hooks
from society.emails import Email, queue_emails
from society.models import EmailKind, OutboundEmail

from . import links
from .models import Event, Registration
from .reminders import in_batches
from .services import event_facts, registration_email_context

FOLLOW_UP_MAX_LATE = timedelta(days=7)
Status = Registration.Status


def event_materials_url(event: Event) -> str:
    """Where an event's materials are: the page an installed app offers (society.hooks;
    workshops does), else the event page."""
    path = hooks.link_url(hooks.EVENT_MATERIALS, slug=event.slug) or event.get_absolute_url()
    return settings.SITE_URL + path


def follow_up_template(registration: Registration) -> str | None:
    if registration.status == Status.CONFIRMED:
        return "emails/follow_up_attended" if registration.checked_in_at else "emails/follow_up_no_show"
    if registration.status == Status.WAITLISTED:
        return "emails/follow_up_waitlisted"
    return None


def due_follow_ups(*, now: datetime):
    """Registrations whose follow-up is due at `now`, sent or not (one query)."""
    moment = now - timedelta(hours=settings.FOLLOW_UP_DELAY_HOURS)
    return (
        Registration.objects.active()
        .filter(
            event__status=Event.Status.PUBLISHED,
            event__ends_at__lte=moment,
            event__ends_at__gt=moment - FOLLOW_UP_MAX_LATE,
            user__is_active=True,
        )
        .exclude(user__email_opt_outs__kind=EmailKind.FOLLOW_UP)
        # A no-show policy's no-shows wait for the strikes (services.strikes.give_strikes
        # sends the follow-up of those struck, saying so; the others' follows here then).
        .exclude(
            event__no_show_policy=True,
            event__strikes_given_at__isnull=True,
            status=Status.CONFIRMED,
            checked_in_at__isnull=True,
        )
        .select_related("event", "user")
        .order_by("event__ends_at", "id")
    )


def queue_due_follow_ups(*, now: datetime | None = None) -> int:
    """Queue every due follow-up not queued before. Returns how many were queued."""
    now = now or timezone.now()
    due = {f"follow-up:{registration.pk}": registration for registration in due_follow_ups(now=now)}
    done = set(OutboundEmail.objects.filter(key__in=list(due)).values_list("key", flat=True))
    queued = 0
    for chunk in in_batches([key for key in due if key not in done]):
        with transaction.atomic():
            queued += queue_emails((follow_up_email(registration=due[key], key=key) for key in chunk), now=now)
    return queued


def follow_up_email(*, registration: Registration, key: str) -> Email:
    event = registration.event
    attended = registration.is_confirmed and registration.checked_in_at is not None
    return Email(
        key=key,
        to=registration.user.email,
        template=follow_up_template(registration),
        context={
            **registration_email_context(registration),
            "materials_url": event_materials_url(event),
            "events_url": settings.SITE_URL + reverse("events:list"),
            "rating_links": (
                [(score, links.registration_link(registration, links.FEEDBACK, score=score)) for score in range(1, 6)]
                if attended
                else []
            ),
            "feedback_url": links.registration_link(registration, links.FEEDBACK) if attended else "",
        },
        kind=EmailKind.FOLLOW_UP,
        user=registration.user,
    )


# --- The weekly digest ---------------------------------------------------------------


def week_ahead(now: datetime) -> tuple[datetime, datetime]:
    """From `now` to the end of the coming Sunday, in the society's time zone
    (a week of local days, 167 or 169 hours across a clock change)."""
    today = timezone.localdate(now)
    end = timezone.make_aware(datetime.combine(today + timedelta(days=7 - today.weekday()), datetime.min.time()))
    return now, end


def digest_events(*, now: datetime) -> list[Event]:
    start, end = week_ahead(now)
    return list(Event.objects.published().filter(starts_at__gte=start, starts_at__lt=end).order_by("starts_at"))


def digest_recipients():
    """Active members with a verified address who have not turned the digest off."""
    verified = EmailAddress.objects.filter(user=OuterRef("pk"), email__iexact=OuterRef("email"), verified=True)
    return (
        User.objects.filter(is_active=True)
        .filter(Exists(verified))
        .exclude(email_opt_outs__kind=EmailKind.DIGEST)
        .order_by("id")
    )


def queue_weekly_digest(*, now: datetime | None = None) -> int:
    """Queue this week's digest to each recipient not sent it yet; none when
    no event is coming. Returns how many were queued."""
    now = now or timezone.now()
    events = digest_events(now=now)
    if not events:
        return 0
    year, week, _ = timezone.localdate(now).isocalendar()
    due = {f"digest:{year}-W{week:02d}:{user.pk}": user for user in digest_recipients()}
    done = set(OutboundEmail.objects.filter(key__in=list(due)).values_list("key", flat=True))
    entries = [
        {
            "event": event_facts(event),
            "starts_at": timezone.localtime(event.starts_at),
            "url": settings.SITE_URL + event.get_absolute_url(),
        }
        for event in events
    ]
    context = {"entries": entries, "events_url": settings.SITE_URL + reverse("events:list")}
    queued = 0
    for chunk in in_batches([key for key in due if key not in done]):
        with transaction.atomic():
            queued += queue_emails(
                (
                    Email(
                        key=key,
                        to=due[key].email,
                        template="emails/weekly_digest",
                        context=context,
                        kind=EmailKind.DIGEST,
                        user=due[key],
                    )
                    for key in chunk
                ),
                now=now,
            )
    return queued

"""The committee's announcements to an audience, through the outbox.

Audiences: an event's registrants (the confirmed, and the waiting list if asked),
this academic year's members, everyone who attended an event in the last N
months, and those other apps offer through society.hooks.ANNOUNCEMENT_AUDIENCES
(workshops: a series' attendees, a study group's members). Members who turned
announcements off are not counted and get nothing; every email carries one-click
unsubscribe (EmailKind.ANNOUNCEMENT is optional).
"""

import calendar
from datetime import datetime

from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from members.models import Membership, User
from members.years import academic_year_label, current_academic_year
from society import hooks
from society.emails import Email, queue_emails
from society.models import EmailKind

from ..models import Announcement, Event, Registration
from .audit import record_action
from .emails import registration_email_context

Status = Registration.Status
Audience = Announcement.Audience


class AnnouncementError(Exception):
    """An announcement that cannot be written or sent; the message says why, for the committee."""


def offered_audiences() -> dict[str, hooks.Audience]:
    """The audiences other apps offer now (society.hooks), by key."""
    return hooks.contributions(hooks.ANNOUNCEMENT_AUDIENCES)


def months_before(moment: datetime, months: int) -> datetime:
    """The same local time `months` calendar months earlier (31 March - 1 month = 28 or 29 February)."""
    local = timezone.localtime(moment)
    year, month = divmod(local.year * 12 + local.month - 1 - months, 12)
    day = min(local.day, calendar.monthrange(year, month + 1)[1])
    return timezone.make_aware(local.replace(tzinfo=None, year=year, month=month + 1, day=day))


def _statuses(announcement: Announcement) -> list[str]:
    return [Status.CONFIRMED, Status.WAITLISTED] if announcement.include_waitlist else [Status.CONFIRMED]


def audience_users(announcement: Announcement, *, now: datetime | None = None) -> QuerySet[User]:
    """Everyone in the announcement's audience (active accounts), opted out or not."""
    now = now or timezone.now()
    users = User.objects.filter(is_active=True)
    if announcement.audience == Audience.EVENT:
        registered = Registration.objects.filter(
            user=OuterRef("pk"), event_id=announcement.event_id, status__in=_statuses(announcement)
        )
        return users.filter(Exists(registered))
    if announcement.audience == Audience.MEMBERS:
        return users.filter(
            Exists(Membership.objects.current(today=timezone.localdate(now)).filter(user=OuterRef("pk")))
        )
    if announcement.audience == Audience.ATTENDED:
        came = Registration.objects.attended().filter(
            user=OuterRef("pk"),
            event__starts_at__gte=months_before(now, announcement.months or 0),
            event__starts_at__lte=now,
        )
        return users.filter(Exists(came))
    offered = offered_audiences().get(announcement.audience)
    if offered is None:
        raise AnnouncementError(gettext("That audience is not offered any more: nothing was sent."))
    return offered.recipients(announcement.audience_target)


def announcement_recipients(announcement: Announcement, *, now: datetime | None = None) -> QuerySet[User]:
    """Whom it will reach: the audience, less the members who turned announcements off."""
    return audience_users(announcement, now=now).exclude(email_opt_outs__kind=EmailKind.ANNOUNCEMENT).order_by("id")


def describe_audience(announcement: Announcement, *, now: datetime | None = None) -> str:
    """Who it is for, in words, as the console shows it."""
    if announcement.audience == Audience.EVENT:
        if announcement.include_waitlist:
            return gettext("Confirmed and waiting for %(event)s") % {"event": announcement.event}
        return gettext("Confirmed for %(event)s") % {"event": announcement.event}
    if announcement.audience == Audience.MEMBERS:
        return gettext("All members of %(year)s") % {
            "year": academic_year_label(current_academic_year(today=timezone.localdate(now)))
        }
    if announcement.audience == Audience.ATTENDED:
        months = announcement.months
        return ngettext(
            "Everyone who attended an event in the last %(months)s month",
            "Everyone who attended an event in the last %(months)s months",
            months,
        ) % {"months": months}
    offered = offered_audiences().get(announcement.audience)
    return offered.describe(announcement.audience_target) if offered else announcement.audience


def audience_problem(announcement: Announcement) -> str | None:
    """Why this audience cannot be written to, or None."""
    kind = announcement.audience
    if kind == Audience.EVENT and announcement.event_id is None:
        return gettext("Choose the event whose registrants it goes to.")
    if kind == Audience.ATTENDED and (announcement.months is None or announcement.months < 1):
        return gettext("Give the months as a whole number of one or more.")
    if kind not in Audience.values:
        offered = offered_audiences().get(kind)
        if offered is None:
            return gettext("That audience is not offered.")
        if announcement.audience_target not in {pk for pk, _ in offered.choices()}:
            return gettext("Choose one of the offered: %(audiences)s.") % {"audiences": offered.label.lower()}
    return None


def draft_announcement(
    *,
    subject: str,
    body: str,
    audience: str,
    by,
    event: Event | None = None,
    target: int | None = None,
    months: int | None = None,
    include_waitlist: bool = False,
    now: datetime | None = None,
) -> Announcement:
    """Save an announcement to preview before sending. Refused (AnnouncementError,
    nothing saved) for an audience that is not offered, lacks its parameter, or
    that nobody in it could receive."""
    announcement = Announcement(
        subject=subject,
        body=body,
        audience=audience,
        event=event if audience == Audience.EVENT else None,
        audience_target=target if audience not in Audience.values else None,
        months=months if audience == Audience.ATTENDED else None,
        include_waitlist=include_waitlist and audience == Audience.EVENT,
        author=by,
    )
    problem = audience_problem(announcement)
    if problem:
        raise AnnouncementError(problem)
    if not announcement_recipients(announcement, now=now).exists():
        raise AnnouncementError(
            gettext(
                "Nobody in this audience can get it (nobody is in it, or they all turned announcements off): "
                "choose another audience."
            )
        )
    announcement.audience_label = describe_audience(announcement, now=now)
    announcement.save()
    return announcement


def announcement_email(announcement: Announcement, user: User, registration: Registration | None = None):
    """(template, context) of the email `user` gets: about the event, with their
    ticket, for an event's registrants; from the committee for the others."""
    words = {"subject": announcement.subject, "body": announcement.body}
    if registration is not None:
        return "emails/announcement", {**registration_email_context(registration), "announcement": words}
    return "emails/announcement_general", {"announcement": words}


def registrations_of(announcement: Announcement, users) -> dict[int, Registration]:
    """For an event's announcement: each recipient's registration, by user id (one query)."""
    if announcement.audience != Audience.EVENT:
        return {}
    registrations = Registration.objects.filter(
        event_id=announcement.event_id, status__in=_statuses(announcement), user__in=users
    ).select_related("user", "event")
    return {registration.user_id: registration for registration in registrations}


def send_announcement(*, announcement: Announcement, by, now: datetime | None = None) -> int:
    """Queue the announcement to each person in its audience, one email each (key
    per announcement and person); members who opted out are skipped. Sending twice
    sends nothing new. Refused (AnnouncementError, nothing sent) when nobody in the
    audience can get it. Returns how many it went to."""
    now = now or timezone.now()
    with transaction.atomic():
        announcement = (
            Announcement.objects.select_for_update(of=("self",)).select_related("event").get(pk=announcement.pk)
        )
        if announcement.sent_at:
            return announcement.recipient_count
        problem = audience_problem(announcement)
        if problem:
            raise AnnouncementError(problem)
        users = list(announcement_recipients(announcement, now=now))
        if not users:
            raise AnnouncementError(
                gettext(
                    "Nobody in this audience can get it (nobody is in it, or they all turned announcements off): "
                    "nothing was sent."
                )
            )
        registrations = registrations_of(announcement, users)
        emails = []
        for user in users:
            template, context = announcement_email(announcement, user, registrations.get(user.pk))
            key = f"announcement:{announcement.pk}:user:{user.pk}"
            emails.append(
                Email(
                    key=key, to=user.email, template=template, context=context, kind=EmailKind.ANNOUNCEMENT, user=user
                )
            )
        sent = queue_emails(emails, now=now)
        announcement.sent_at, announcement.recipient_count = now, sent
        announcement.save(update_fields=["sent_at", "recipient_count", "updated_at"])
        detail = f"{announcement.subject} · to {announcement.audience_text} · {sent} sent"
        record_action(actor=by, event=announcement.event, action="sent announcement", detail=detail, now=now)
    return sent

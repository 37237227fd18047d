"""The rules of check-in and attendance: who was there.

Check-in (at the door, from a ticket's QR code, self check-in with the projector's
code, or in bulk afterwards) is open from CHECK_IN_OPENS_HOURS before the start
until CHECK_IN_CLOSES_HOURS after the end; after that the attendance is final.
Only a confirmed registration can be checked in, and a checked-in one stays
confirmed (the holder cannot cancel it; the committee undoes the check-in first).
Every change locks the event's row, like registering.
"""

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core import signing
from django.db import connection, transaction
from django.db.models import Min
from django.utils import timezone
from django.utils.translation import gettext

from members.models import User
from society import formats as society_formats

from ..models import Event, FirstAttendance, Registration, SelfCheckInAttempts, normal_short_code, ticket_short_code
from .audit import record_action
from .registrations import RegistrationError, check_not_stale, lock_event, lock_registration

SELF_CHECK_IN_WINDOW = 60  # seconds a projector code is shown
# The previous minute's code still works this many seconds into the next minute (the
# projector page reloads every 20 seconds, so a code can stay on screen that long).
SELF_CHECK_IN_GRACE = 30
SELF_CHECK_IN_DIGITS = 6
SELF_CHECK_IN_TRIES = 5  # wrong codes, then a pause of SELF_CHECK_IN_PAUSE_MINUTES
SELF_CHECK_IN_LINK_SALT = "events.self-check-in-link"
SELF_CHECK_IN_LINK_MAX_AGE = timedelta(minutes=5)


def _local(moment: datetime) -> str:
    return society_formats.when(moment, "long_datetime")


def registrations_with_short_code(*, event: Event, typed: str) -> list[int]:
    """The ids of `event`'s registrations whose ticket shows the short code `typed` (as
    the door types it: any case, with or without the hyphen); [] without a query when
    `typed` cannot be a code. Only this event's tickets are compared, so a code is short."""
    code = normal_short_code(typed)
    if code is None:
        return []
    tokens = Registration.objects.filter(event=event).values_list("pk", "token")
    return [pk for pk, token in tokens if ticket_short_code(token) == code]


def check_in_problem(event: Event, *, now: datetime | None = None) -> str | None:
    """Why nobody can be checked in to `event` now (None: check-in is open). Pages show it."""
    now = now or timezone.now()
    if event.status != Event.Status.PUBLISHED:
        return gettext("Check-in is only for published events.")
    if now < event.check_in_opens:
        return gettext("Check-in opens on %(when)s.") % {"when": _local(event.check_in_opens)}
    if now >= event.check_in_closes:
        return gettext("Check-in closed on %(when)s: the attendance is final.") % {
            "when": _local(event.check_in_closes)
        }
    return None


def check_in(*, registration: Registration, by, seen: str | None = None, now: datetime | None = None) -> Registration:
    """Record that the holder of a confirmed registration arrived. Doing it twice keeps the first time."""
    now = now or timezone.now()
    with transaction.atomic():
        registration = lock_registration(registration)
        check_not_stale(registration, seen)
        problem = check_in_problem(registration.event, now=now)
        if problem:
            raise RegistrationError(problem)
        if not registration.is_confirmed:
            raise RegistrationError(gettext("This registration is not confirmed: there is no seat to check in to."))
        if registration.checked_in_at is None:
            registration.checked_in_at = now
            registration.checked_in_by = by
            registration.save(update_fields=["checked_in_at", "checked_in_by", "updated_at"])
            keep_first_attendances(users=[registration.user_id])
            record_action(actor=by, event=registration.event, member=registration.user, action="checked in", now=now)
    return registration


def undo_check_in(*, registration: Registration, by, seen: str | None = None, now: datetime | None = None):
    """Take back a check-in made by mistake (while check-in is open). Undoing twice does nothing new."""
    now = now or timezone.now()
    with transaction.atomic():
        registration = lock_registration(registration)
        check_not_stale(registration, seen)
        if registration.checked_in_at is None:
            return registration
        problem = check_in_problem(registration.event, now=now)
        if problem:
            raise RegistrationError(problem)
        registration.checked_in_at = None
        registration.checked_in_by = None
        registration.save(update_fields=["checked_in_at", "checked_in_by", "updated_at"])
        keep_first_attendances(users=[registration.user_id])
        record_action(actor=by, event=registration.event, member=registration.user, action="undid check-in", now=now)
    return registration


# The first key of the advisory locks that keep_first_attendances takes (the second is the person).
FIRST_ATTENDANCE_LOCKS = 7001


def keep_first_attendances(*, users) -> None:
    """Write down again when each of `users` (ids, or a query of them) first attended an
    event (events.models.FirstAttendance), from their attended registrations: in the
    transaction of every change that can move it. A few queries, however many people.

    Every change of attendance holds its event's lock, so only one person's changes at two
    events at once could race: each would write a first time missing the other's. On
    PostgreSQL an advisory lock per person, to the end of the transaction, puts them in
    turn (not the account's row: anonymising takes that before an event's lock, and this
    runs holding one); SQLite writes one transaction at a time anyway."""
    with transaction.atomic():
        ids = sorted(User.objects.filter(pk__in=users).values_list("pk", flat=True))
        if not ids:
            return
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pg_advisory_xact_lock(%s, (id %% 2147483647)::int) FROM unnest(%s) AS id",
                    [FIRST_ATTENDANCE_LOCKS, ids],
                )
        firsts = (
            Registration.objects.attended().filter(user__in=ids).values("user").annotate(first=Min("event__starts_at"))
        )
        kept = [FirstAttendance(user_id=row["user"], starts_at=row["first"]) for row in firsts.order_by()]
        FirstAttendance.objects.filter(user__in=ids).exclude(user__in=[row.user_id for row in kept]).delete()
        FirstAttendance.objects.bulk_create(
            kept, update_conflicts=True, unique_fields=["user"], update_fields=["starts_at"], batch_size=1000
        )


@dataclass
class BulkResult:
    checked_in: list[str]
    already: list[str]
    unmatched: list[str]


def bulk_attendance(*, event: Event, emails: list[str], by, now: datetime | None = None) -> BulkResult:
    """After the event: mark the confirmed registrants with these emails as present.
    Emails that match no confirmed registration are reported, not guessed."""
    now = now or timezone.now()
    wanted = {email.strip().lower() for email in emails if email.strip()}
    result = BulkResult([], [], [])
    with transaction.atomic():
        event = lock_event(event)
        problem = check_in_problem(event, now=now)
        if problem:
            raise RegistrationError(problem)
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
        keep_first_attendances(users=[found[email].user_id for email in result.checked_in])
        record_action(
            actor=by, event=event, action="bulk attendance", detail=f"{len(result.checked_in)} marked present.", now=now
        )
    return result


# --- Self check-in -----------------------------------------------------------------------
#
# Two roads, one function (self_check_in): the six-digit code on the projector, typed on
# the event page, and the projector's QR code, which opens a signed link that lasts five
# minutes. Codes can be guessed, so wrong ones are counted per member and event: after
# SELF_CHECK_IN_TRIES of them the member waits SELF_CHECK_IN_PAUSE_MINUTES. The link
# cannot be guessed, so it is not counted.


def self_check_in_code(*, event: Event, now: datetime | None = None, windows_back: int = 0) -> str:
    """The short code the projector shows: an HMAC of the event and the current minute."""
    now = now or timezone.now()
    window = int(now.timestamp()) // SELF_CHECK_IN_WINDOW - windows_back
    digest = hmac.new(settings.SECRET_KEY.encode(), f"self-check-in:{event.pk}:{window}".encode(), hashlib.sha256)
    return str(int.from_bytes(digest.digest()[:8], "big") % 10**SELF_CHECK_IN_DIGITS).zfill(SELF_CHECK_IN_DIGITS)


def self_check_in_code_is_right(*, event: Event, code: str, now: datetime) -> bool:
    """This minute's code; the previous minute's too, in the first SELF_CHECK_IN_GRACE
    seconds of the new minute (for a screen that has not reloaded yet)."""
    windows_back = (0, 1) if now.timestamp() % SELF_CHECK_IN_WINDOW < SELF_CHECK_IN_GRACE else (0,)
    return any(
        hmac.compare_digest(code, self_check_in_code(event=event, now=now, windows_back=n)) for n in windows_back
    )


def self_check_in_link_token(*, event: Event) -> str:
    """What the projector's QR code carries instead of the code: a token, signed with
    the time, that names the event and is good for SELF_CHECK_IN_LINK_MAX_AGE."""
    return signing.TimestampSigner(salt=SELF_CHECK_IN_LINK_SALT).sign_object({"e": event.pk}, compress=True)


def self_check_in_link_problem(token: str, *, event: Event) -> str | None:
    """Why the projector link `token` does not check anyone in to `event` (None: it does)."""
    signer = signing.TimestampSigner(salt=SELF_CHECK_IN_LINK_SALT)
    try:
        data = signer.unsign_object(token, max_age=SELF_CHECK_IN_LINK_MAX_AGE)
    except signing.SignatureExpired:
        return gettext("This check-in link has expired (each lasts five minutes): scan the code on the screen again.")
    except signing.BadSignature:
        data = None
    if not isinstance(data, dict) or data.get("e") != event.pk:
        return gettext(
            "This check-in link is not valid: scan the code on the screen again, or type the six-digit code."
        )
    return None


def _paused_message(until: datetime) -> str:
    at = society_formats.when(until, "time")
    return gettext("Too many wrong codes. Try again at %(time)s, or ask a committee member at the door.") % {"time": at}


def _try_code(*, event: Event, user, code: str, now: datetime) -> str | None:
    """Check a typed code and count it: why it is refused, or None when it is right.
    The member's attempts row is locked, so wrong codes sent at once all count."""
    with transaction.atomic():
        attempts, _ = SelfCheckInAttempts.objects.select_for_update().get_or_create(event=event, member=user)
        if attempts.paused_until and now < attempts.paused_until:
            return _paused_message(attempts.paused_until)
        if self_check_in_code_is_right(event=event, code=code, now=now):
            refusal = None
            attempts.failures, attempts.paused_until = 0, None
        else:
            attempts.failures += 1
            refusal = gettext("That code is not the one on the screen (codes change every minute).")
            if attempts.failures >= SELF_CHECK_IN_TRIES:
                pause = timedelta(minutes=settings.SELF_CHECK_IN_PAUSE_MINUTES)
                attempts.failures, attempts.paused_until = 0, now + pause
                refusal = _paused_message(attempts.paused_until)
        attempts.save(update_fields=["failures", "paused_until", "updated_at"])
    return refusal


def self_check_in_offered(event: Event, now: datetime) -> bool:
    """Whether the event page offers self check-in: while check-in is open and the event is not over."""
    return check_in_problem(event, now=now) is None and now < event.ends_at


def self_check_in(
    *, event: Event, user, code: str | None = None, link_token: str | None = None, now: datetime | None = None
) -> Registration:
    """A registered member marks themselves present, with the code on the projector
    (`code`, counted: see above) or with the link its QR code opens (`link_token`)."""
    now = now or timezone.now()
    problem = check_in_problem(event, now=now)
    if problem:
        raise RegistrationError(problem)
    registration = Registration.objects.confirmed().filter(event=event, user=user).first()
    if registration is None:
        raise RegistrationError(gettext("You have no confirmed seat at this event: ask the committee at the door."))
    if link_token is not None:
        refusal = self_check_in_link_problem(link_token, event=event)
    else:
        refusal = _try_code(event=event, user=user, code=(code or "").strip(), now=now)
    if refusal:
        raise RegistrationError(refusal)
    return check_in(registration=registration, by=user, now=now)

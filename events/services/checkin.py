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
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import formats, timezone

from ..models import Event, Registration
from .audit import record_action
from .registrations import RegistrationError, check_not_stale, lock_event, lock_registration

SELF_CHECK_IN_WINDOW = 60  # seconds a projector code is shown
SELF_CHECK_IN_DIGITS = 6


def _local(moment: datetime) -> str:
    return formats.date_format(timezone.localtime(moment), "l j F Y, H:i")


def check_in_problem(event: Event, *, now: datetime | None = None) -> str | None:
    """Why nobody can be checked in to `event` now (None: check-in is open). Pages show it."""
    now = now or timezone.now()
    if event.status != Event.Status.PUBLISHED:
        return "Check-in is only for published events."
    if now < event.check_in_opens:
        return f"Check-in opens on {_local(event.check_in_opens)}."
    if now >= event.check_in_closes:
        return f"Check-in closed on {_local(event.check_in_closes)}: the attendance is final."
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
            raise RegistrationError("This registration is not confirmed: there is no seat to check in to.")
        if registration.checked_in_at is None:
            registration.checked_in_at = now
            registration.checked_in_by = by
            registration.save(update_fields=["checked_in_at", "checked_in_by", "updated_at"])
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
        record_action(actor=by, event=registration.event, member=registration.user, action="undid check-in", now=now)
    return registration


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
        record_action(
            actor=by, event=event, action="bulk attendance", detail=f"{len(result.checked_in)} marked present.", now=now
        )
    return result


# --- Self check-in -----------------------------------------------------------------------


def self_check_in_code(*, event: Event, now: datetime | None = None, windows_back: int = 0) -> str:
    """The short code the projector shows: an HMAC of the event and the current minute."""
    now = now or timezone.now()
    window = int(now.timestamp()) // SELF_CHECK_IN_WINDOW - windows_back
    digest = hmac.new(settings.SECRET_KEY.encode(), f"self-check-in:{event.pk}:{window}".encode(), hashlib.sha256)
    return str(int.from_bytes(digest.digest()[:8], "big") % 10**SELF_CHECK_IN_DIGITS).zfill(SELF_CHECK_IN_DIGITS)


def self_check_in_offered(event: Event, now: datetime) -> bool:
    """Whether the event page offers self check-in: while check-in is open and the event is not over."""
    return check_in_problem(event, now=now) is None and now < event.ends_at


def self_check_in(*, event: Event, user, code: str, now: datetime | None = None) -> Registration:
    """A registered member marks themselves present with the code on the projector.
    The current and previous minute's codes are accepted (about two minutes)."""
    now = now or timezone.now()
    problem = check_in_problem(event, now=now)
    if problem:
        raise RegistrationError(problem)
    code = code.strip()
    valid = [self_check_in_code(event=event, now=now, windows_back=n) for n in (0, 1)]
    if not any(hmac.compare_digest(code, candidate) for candidate in valid):
        raise RegistrationError("That code is not the one on the screen (codes change every minute).")
    registration = Registration.objects.confirmed().filter(event=event, user=user).first()
    if registration is None:
        raise RegistrationError("You have no confirmed seat at this event: ask the committee at the door.")
    return check_in(registration=registration, by=user, now=now)

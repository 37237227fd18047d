"""The no-show policy (an event's `no_show_policy`, the console's settings say how much).

- Who gets a strike: `deserves_strike`, the one home of the rule.
- When: once the attendance is final, when check-in closes (`give_strikes`, and the minute
  task's `give_due_strikes`); each member struck is told once.
- What it does: while a member holds strikes, registration for a no-show-policy event opens
  later for them (`personal_opening`, asked by the registration rules and the register button).
- The member may contest a strike from the email (`contest_strike`); the committee waives or
  keeps it (`decide_strike`).
"""

import copy
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import Count, Max, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from society.emails import Email, queue_emails
from society.models import EmailKind, OutboundEmail

from ..models import CancelledVia, ConsoleSettings, Event, Registration, Strike
from .audit import record_action
from .emails import registration_email_context
from .registrations import RegistrationError, lock_event

Status = Registration.Status
# A deployment (or a worker back after downtime) does not strike events older than this.
STRIKES_MAX_LATE = timedelta(days=7)
CONTEST_SALT = "events.strikes.contest"
MAX_REASON = 1000


def deserves_strike(registration: Registration, *, rules: ConsoleSettings) -> bool:
    """A confirmed seat not used at a no-show-policy event: never checked in, and either
    still confirmed (did not come) or given up on the site less than the cut-off before the
    start. Never for a place cancelled in time, by "I can't come" in an email or by the
    committee; nor for a seat given from the waiting list too late to come; nor at a
    cancelled event. `registration.event` is the event as it is now."""
    event = registration.event
    if not event.no_show_policy or event.status != Event.Status.PUBLISHED:
        return False
    if registration.confirmed_at is None or registration.checked_in_at is not None:
        return False
    promoted = registration.confirmed_at > registration.created_at
    if promoted and registration.confirmed_at > event.starts_at - timedelta(hours=rules.late_promotion_hours):
        return False
    if registration.status == Status.CONFIRMED:
        return True
    return (
        registration.status == Status.CANCELLED
        and registration.cancelled_via == CancelledVia.PAGE
        and registration.cancelled_at is not None
        and registration.cancelled_at > event.starts_at - timedelta(hours=rules.no_show_cutoff_hours)
    )


def cancelling_gives_strike(registration: Registration, *, now: datetime | None = None) -> bool:
    """Would the member's cancelling this place on the site now give them a strike?"""
    if not registration.event.no_show_policy or not registration.is_confirmed:
        return False
    cancelled = copy.copy(registration)
    cancelled.status, cancelled.cancelled_via = Status.CANCELLED, CancelledVia.PAGE
    cancelled.cancelled_at = now or timezone.now()
    return deserves_strike(cancelled, rules=_read_rules())


def _read_rules() -> ConsoleSettings:
    """The console's settings for reading: their defaults while the row does not exist yet
    (a page view writes nothing)."""
    return ConsoleSettings.objects.filter(pk=1).first() or ConsoleSettings()


# --- What strikes do: registration opens later ----------------------------------------


@dataclass(frozen=True)
class PersonalOpening:
    """When registration for a no-show-policy event opens for one person, and why."""

    opens_at: datetime | None  # the person's own opening (None: the event gives none)
    delay: timedelta  # after everyone else's
    strikes: int  # active at the event's opening
    last_expiry: datetime | None  # when the last of those strikes expires
    cutoff_hours: int  # cancel at least this long before the start

    @property
    def delayed(self) -> bool:
        return self.delay > timedelta(0)

    @property
    def delay_minutes(self) -> int:
        return int(self.delay.total_seconds() // 60)

    @property
    def delay_hours(self) -> int | None:
        """The delay in whole hours (None when it is not a whole number of hours)."""
        return self.delay_minutes // 60 if self.delay_minutes % 60 == 0 else None


@dataclass(frozen=True)
class Holding:
    """The strikes a member holds at one moment, and what they do."""

    strikes: int
    last_expiry: datetime | None
    delay: timedelta  # how much later registration for a no-show-policy event opens for them
    cutoff_hours: int


def strikes_held(user, *, at: datetime) -> Holding:
    """The strikes active at `at` and the delay they give (one query, with the settings)."""
    rules, found = _rules_and_strikes(user if getattr(user, "is_authenticated", False) else None, at=at)
    delay = timedelta(minutes=min(found * rules.strike_delay_minutes, rules.strike_delay_max_minutes))
    return Holding(strikes=found, last_expiry=rules.last_expiry, delay=delay, cutoff_hours=rules.no_show_cutoff_hours)


def _rules_and_strikes(user, *, at: datetime | None) -> tuple[ConsoleSettings, int]:
    """The console's settings, annotated with `last_expiry`, and how many strikes `user`
    holds at `at` (none for nobody): one query."""
    if user is None or at is None:
        rules = _read_rules()
        rules.last_expiry = None
        return rules, 0
    mine = Strike.objects.active(at).filter(user=user).order_by().values("user")
    annotated = ConsoleSettings.objects.annotate(
        strikes=Subquery(mine.annotate(n=Count("id")).values("n")[:1]),
        last_expiry=Subquery(mine.annotate(last=Max("expires_at")).values("last")[:1]),
    )
    rules = annotated.filter(pk=1).first()
    if rules is None:  # no settings saved yet: their defaults
        rules = ConsoleSettings()
        found = Strike.objects.active(at).filter(user=user).aggregate(n=Count("id"), last=Max("expires_at"))
        rules.last_expiry = found["last"]
        return rules, found["n"]
    return rules, rules.strikes or 0


def personal_opening(*, event: Event, user) -> PersonalOpening | None:
    """None when `event` has no no-show policy. Otherwise the person's opening: the event's
    `registration_opens_at` + min(n * strike_delay_minutes, strike_delay_max_minutes), n the
    strikes they hold at that moment. Lottery events have no delay (strikes lower the draw's
    weight instead). One query."""
    if not event.no_show_policy:
        return None
    opens = event.registration_opens_at
    counted = opens is not None and not event.lottery and getattr(user, "is_authenticated", False)
    held = strikes_held(user if counted else None, at=opens)
    return PersonalOpening(
        opens_at=opens + held.delay if opens else None,
        delay=held.delay,
        strikes=held.strikes,
        last_expiry=held.last_expiry,
        cutoff_hours=held.cutoff_hours,
    )


def opening_delay(*, event: Event, user) -> timedelta:
    """How much later than everyone else registration opens for `user` (zero mostly)."""
    if not event.no_show_policy or event.lottery or event.registration_opens_at is None:
        return timedelta(0)
    opening = personal_opening(event=event, user=user)
    return opening.delay if opening else timedelta(0)


# --- Giving them --------------------------------------------------------------------


def give_strikes(*, event: Event, now: datetime | None = None) -> list[Strike]:
    """Once the attendance is final (check-in closed), strike every place `deserves_strike`
    names, once per event, each counting `strike_weeks`; tell each member struck once: a
    no-show by the follow-up (saying so), a late canceller by a strike email."""
    from ..followups import follow_up_email  # the follow-ups build on the services

    now = now or timezone.now()
    with transaction.atomic():
        event = lock_event(event)
        if event.strikes_given_at or not event.no_show_policy or event.status != Event.Status.PUBLISHED:
            return []
        if now < event.check_in_closes:
            return []
        rules = ConsoleSettings.load()
        candidates = (
            Registration.objects.filter(
                event=event, confirmed_at__isnull=False, checked_in_at__isnull=True, user__is_active=True
            )
            .exclude(strike__isnull=False)
            .select_related("user")
            .order_by("id")
        )
        struck = []
        for registration in candidates:
            registration.event = event
            if deserves_strike(registration, rules=rules):
                struck.append(registration)
        expires = now + timedelta(weeks=rules.strike_weeks)
        strikes = Strike.objects.bulk_create(
            [Strike(user=r.user, registration=r, given_at=now, expires_at=expires) for r in struck]
        )
        Event.objects.filter(pk=event.pk).update(strikes_given_at=now)
        # A follow-up already sent (the policy turned on after it went): a strike email instead.
        follow_ups = [f"follow-up:{registration.pk}" for registration in struck]
        sent = set(OutboundEmail.objects.filter(key__in=follow_ups).values_list("key", flat=True))
        emails = []
        for strike, registration in zip(strikes, struck, strict=True):
            strike.registration = registration
            context = strike_email_context(strike, rules=rules)
            if registration.status == Status.CONFIRMED and f"follow-up:{registration.pk}" not in sent:
                email = follow_up_email(registration=registration, key=f"follow-up:{registration.pk}")
                # It tells of a strike: sent even to those who turned follow-ups off.
                email = replace(email, context={**email.context, **context}, kind=EmailKind.STRIKE)
            else:
                email = Email(
                    key=f"strike:{strike.pk}",
                    to=registration.user.email,
                    template="emails/strike_given",
                    context={**registration_email_context(registration), **context},
                    kind=EmailKind.STRIKE,
                    user=registration.user,
                )
            emails.append(email)
        queue_emails(emails, now=now)
    return strikes


def give_due_strikes(*, now: datetime) -> int:
    """Give the strikes of every no-show-policy event whose attendance is final. Returns how many.
    Events final more than STRIKES_MAX_LATE ago are left alone."""
    final_by = now - timedelta(hours=settings.CHECK_IN_CLOSES_HOURS)
    due = Event.objects.filter(
        no_show_policy=True,
        status=Event.Status.PUBLISHED,
        strikes_given_at__isnull=True,
        ends_at__lte=final_by,
        ends_at__gt=final_by - STRIKES_MAX_LATE,
    ).order_by("ends_at", "id")
    return sum(len(give_strikes(event=event, now=now)) for event in due)


def strike_email_context(strike: Strike, *, rules: ConsoleSettings) -> dict:
    """What an email about a strike says: until when it counts, what it does, how to avoid the
    next, and the link to contest it."""
    return {
        "strike": {
            "given_at": timezone.localtime(strike.given_at),
            "expires_at": timezone.localtime(strike.expires_at),
            "delay_minutes": rules.strike_delay_minutes,
            "delay_max_minutes": rules.strike_delay_max_minutes,
            "cutoff_hours": rules.no_show_cutoff_hours,
            "contest_url": contest_url(strike),
            "strikes_url": settings.SITE_URL + reverse("events:my_strikes"),
            "cancelled": strike.registration.status == Status.CANCELLED,
        }
    }


# --- Contesting and deciding -------------------------------------------------------


def contest_token(strike: Strike) -> str:
    return signing.dumps({"s": strike.pk}, salt=CONTEST_SALT, compress=True)


def read_contest_token(token: str) -> int | None:
    """The strike a contest link names, or None (tampered or forged). It is valid for the
    strike's life: `contest_problem` refuses once the strike has expired."""
    try:
        return int(signing.loads(token, salt=CONTEST_SALT)["s"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None


def contest_url(strike: Strike) -> str:
    return settings.SITE_URL + reverse("events:contest_strike", kwargs={"token": contest_token(strike)})


def contest_problem(strike: Strike, *, now: datetime | None = None) -> str | None:
    """Why `strike` cannot be contested now (None: it can)."""
    if strike.decided_at is not None:
        return gettext("The committee has already decided about this strike.")
    if strike.contested_at is not None:
        return gettext("You have already contested this strike: the committee will decide and email you.")
    if (now or timezone.now()) >= strike.expires_at:
        return gettext("This strike has expired: there is nothing to contest.")
    return None


def contest_strike(*, strike: Strike, reason: str, now: datetime | None = None) -> Strike:
    """The member says why the strike is wrong (required, at most MAX_REASON characters);
    once, before it expires or is decided. Logged; the committee decides in the console."""
    now = now or timezone.now()
    reason = reason.strip()
    if not reason:
        raise RegistrationError(gettext("Say why you think this strike is wrong."))
    if len(reason) > MAX_REASON:
        raise RegistrationError(gettext("Keep it under %(max)d characters.") % {"max": MAX_REASON})
    with transaction.atomic():
        strike = _lock_strike(strike)
        problem = contest_problem(strike, now=now)
        if problem:
            raise RegistrationError(problem)
        strike.contested_at, strike.contest_reason = now, reason
        strike.save(update_fields=["contested_at", "contest_reason", "updated_at"])
        record_action(
            actor=strike.user,
            event=strike.registration.event,
            member=strike.user,
            action="contested strike",
            detail=reason,
            now=now,
        )
    return strike


def _lock_strike(strike: Strike) -> Strike:
    """The strike re-read with its row locked until the transaction ends (deciding and
    contesting happen once each, whoever clicks at the same time)."""
    rows = Strike.objects.select_for_update(of=("self",)).select_related("registration__event", "user")
    return rows.get(pk=strike.pk)


def decide_problem(*, strike: Strike, waive: bool, reason: str) -> str | None:
    """Why this decision cannot be made (None: it can)."""
    if strike.decided_at is not None:
        return gettext("This strike was already decided (%(decision)s): nothing was changed.") % {
            "decision": strike.get_decision_display().lower()
        }
    if waive and not reason.strip():
        return gettext("Give the reason for waiving the strike: the member is told it.")
    return None


def decide_strike(*, strike: Strike, by, waive: bool, reason: str = "", now: datetime | None = None) -> Strike:
    """The committee waives a strike (it stops counting; reason required) or keeps it, once,
    contested or not. Logged, and the member is told by email."""
    now = now or timezone.now()
    reason = reason.strip()[:500]
    with transaction.atomic():
        strike = _lock_strike(strike)
        problem = decide_problem(strike=strike, waive=waive, reason=reason)
        if problem:
            raise RegistrationError(problem)
        strike.decision = Strike.Decision.WAIVED if waive else Strike.Decision.KEPT
        strike.decision_reason, strike.decided_at, strike.decided_by = reason, now, by
        strike.save(update_fields=["decision", "decision_reason", "decided_at", "decided_by", "updated_at"])
        registration = strike.registration
        record_action(
            actor=by,
            event=registration.event,
            member=strike.user,
            action="waived strike" if waive else "kept strike",
            detail=reason,
            now=now,
        )
        rules = ConsoleSettings.load()
        context = {**registration_email_context(registration), **strike_email_context(strike, rules=rules)}
        context["decision"] = {"waived": waive, "reason": reason}
        context["strikes_url"] = context["strike"]["strikes_url"]
        queue_emails(
            [
                Email(
                    key=f"strike-decided:{strike.pk}",
                    to=strike.user.email,
                    template="emails/strike_decided",
                    context=context,
                    kind=EmailKind.STRIKE,
                    user=strike.user,
                )
            ],
            now=now,
        )
    return strike


# --- The console's settings of the policy ---------------------------------------------

RULE_FIELDS = (
    "no_show_cutoff_hours",
    "late_promotion_hours",
    "strike_weeks",
    "strike_delay_minutes",
    "strike_delay_max_minutes",
)


def set_no_show_rules(*, by, **values: int) -> ConsoleSettings:
    """The committee sets the policy's numbers (the console's settings form checks their bounds). Logged."""
    with transaction.atomic():
        console_settings = ConsoleSettings.objects.select_for_update().get(pk=ConsoleSettings.load().pk)
        changed = [name for name in RULE_FIELDS if name in values and getattr(console_settings, name) != values[name]]
        if not changed:
            return console_settings
        for name in changed:
            setattr(console_settings, name, values[name])
        console_settings.save(update_fields=[*changed, "updated_at"])
        detail = ", ".join(f"{name} {values[name]}" for name in changed)
        record_action(actor=by, action="changed no-show policy", detail=detail)
    return console_settings

"""The rules of proposals: submitting and editing, co-hosts, the committee's review,
and accepting and scheduling (a draft event the proposer hosts).

Every function locks the proposal's row first, so two committee members acting at
once cannot both decide (one event, never two), and works in one transaction with
the emails it queues (the outbox, `EmailKind.PROPOSAL`) and the action log it writes.
A refusal raises ProposalError, whose message is for the person asking, and changes
nothing. Arguments are keyword-only; `now` can be given so tests never wait.
"""

from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Avg, Count, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from events import services as events
from events.models import Event, EventHost
from members.models import User
from society import formats
from society.emails import queue_email
from society.models import EmailKind
from workshops import services as workshops
from workshops.models import WorkshopSeries

from .models import CoHost, Message, Proposal

MAX_CO_HOSTS = 4

# Events have no paper readings or project demos: both are talks (a talk is what the
# event pages, calendars and figures know for "someone presents, the others listen").
EVENT_KIND = {
    Proposal.Kind.WORKSHOP: Event.Kind.WORKSHOP,
    Proposal.Kind.TALK: Event.Kind.TALK,
    Proposal.Kind.PAPER_READING: Event.Kind.TALK,
    Proposal.Kind.PROJECT_DEMO: Event.Kind.TALK,
}


class ProposalError(Exception):
    """A rule says no. The message is written for the person asking; nothing changed."""


# --- Reading ---------------------------------------------------------------------------


def with_review_figures(proposals):
    """`proposals` (a queryset) with `vote_count` and `vote_average` (None without votes),
    and `pending_co_hosts`, counted in the same query."""
    return proposals.annotate(
        vote_count=Count("votes", distinct=True),
        vote_average=Avg("votes__score"),
        pending_co_hosts=Count("co_hosts", filter=Q(co_hosts__status=CoHost.Status.INVITED), distinct=True),
    )


def first_line(text: str, *, limit: int = 300) -> str:
    """The first line of Markdown with words in it, without its heading marks: an event's summary."""
    for line in text.splitlines():
        line = line.strip().lstrip("#>*-+ ").strip()
        if line:
            return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"
    return ""


# --- Submitting and editing ------------------------------------------------------------


def _lock(proposal: Proposal) -> Proposal:
    return Proposal.objects.select_for_update().select_related("proposer").get(pk=proposal.pk)


def _check_text(proposal: Proposal) -> None:
    proposal.title, proposal.abstract = proposal.title.strip(), proposal.abstract.strip()
    proposal.outcomes = proposal.outcomes.strip()
    if not proposal.title:
        raise ProposalError(_("Give your session a title."))
    if not proposal.abstract:
        raise ProposalError(_("Write an abstract: a few sentences on what the session is about."))
    if not proposal.outcomes:
        raise ProposalError(_("Say what attendees will build or learn."))


def co_hosts_from_emails(emails: list[str], *, proposer: User) -> list[User]:
    """The accounts `emails` name, in order, once each. Refused (ProposalError) when one is
    nobody's (or a closed account's), the proposer's own, or when there are too many."""
    users: list[User] = []
    for email in emails:
        email = email.strip()
        if not email:
            continue
        user = User.objects.filter(email__iexact=email, is_active=True).first()
        if user is None:
            raise ProposalError(
                _("Nobody has an account with the email %(email)s: co-hosts must be members. Ask them to join first.")
                % {"email": email}
            )
        if user.pk == proposer.pk:
            raise ProposalError(_("You are the proposer already: list only the other people who will lead it."))
        if user not in users:
            users.append(user)
    if len(users) > MAX_CO_HOSTS:
        raise ProposalError(_("A session can have at most %(count)d co-hosts.") % {"count": MAX_CO_HOSTS})
    return users


def submit_proposal(*, proposal: Proposal, proposer: User, co_hosts: list[User] = (), now: datetime | None = None):
    """Save a new proposal (filled in by a form) from `proposer`, invite `co_hosts`
    (co_hosts_from_emails) and tell the proposer the committee has it."""
    now = now or timezone.now()
    _check_text(proposal)
    with transaction.atomic():
        proposal.proposer = proposer
        proposal.state = Proposal.State.SUBMITTED
        proposal.state_changed_at = now
        proposal.save()
        _set_co_hosts(proposal, co_hosts, now=now)
        _note_state(proposal, by=proposer, body="", now=now)
    return proposal


def edit_proposal(
    *, proposal: Proposal, by: User, co_hosts: list[User] | None = None, now: datetime | None = None
) -> Proposal:
    """Save the proposer's changes to `proposal` (an instance with the new values); with
    `co_hosts`, invite the new ones and take off those left out. Changes after changes
    were requested send it back to the committee. Refused once the committee has
    decided: the event is then the committee's, and it is not silently changed."""
    now = now or timezone.now()
    _check_text(proposal)
    with transaction.atomic():
        locked = _lock(proposal)
        if locked.proposer_id != by.pk:
            raise ProposalError(_("Only the person who proposed a session can change it."))
        if not locked.editable:
            raise ProposalError(
                _(
                    "This proposal is %(state)s, so it can no longer be changed here and the event "
                    "stays as it is. Write to the committee if something needs to change."
                )
                % {"state": locked.get_state_display().lower()}
            )
        resubmitted = locked.state == Proposal.State.CHANGES_REQUESTED
        proposal.proposer, proposal.event_id, proposal.series_id = locked.proposer, locked.event_id, locked.series_id
        proposal.state, proposal.state_changed_at = locked.state, locked.state_changed_at
        if resubmitted:
            proposal.state, proposal.state_changed_at = Proposal.State.SUBMITTED, now
        proposal.save()
        if co_hosts is not None:
            _set_co_hosts(proposal, co_hosts, now=now)
        if resubmitted:
            _note_state(proposal, by=by, body="", now=now)
    return proposal


def _set_co_hosts(proposal: Proposal, users: list[User], *, now: datetime) -> None:
    """Invite those in `users` not yet invited (each gets an email), drop those left out."""
    proposal.co_hosts.exclude(user__in=users).delete()
    known = set(proposal.co_hosts.values_list("user_id", flat=True))
    for user in users:
        if user.pk in known:
            continue
        co_host = CoHost.objects.create(proposal=proposal, user=user)
        queue_email(
            key=f"proposal-co-host:{co_host.pk}",
            to=user.email,
            template="emails/proposal_co_host",
            context={**_email_facts(proposal), "proposer": proposal.proposer.display_name},
            kind=EmailKind.PROPOSAL,
            user=user,
            now=now,
        )


def answer_invitation(*, co_host: CoHost, user: User, accept: bool, now: datetime | None = None) -> CoHost:
    """The invited member accepts or declines to co-host; the proposer is told. Someone who
    accepts after the session was scheduled becomes a host of its event at once, and one
    who declines then stops being one."""
    now = now or timezone.now()
    with transaction.atomic():
        proposal = _lock(co_host.proposal)
        co_host = CoHost.objects.select_for_update().get(pk=co_host.pk)
        if co_host.user_id != user.pk:
            raise ProposalError(_("This invitation is for someone else."))
        if proposal.state == Proposal.State.DECLINED:
            raise ProposalError(_("This proposal was declined: there is nothing to co-host."))
        status = CoHost.Status.ACCEPTED if accept else CoHost.Status.DECLINED
        if co_host.status == status:
            return co_host
        co_host.status, co_host.answered_at = status, now
        co_host.save(update_fields=["status", "answered_at", "updated_at"])
        if accept and proposal.event_id:
            _add_host(proposal.event, user, EventHost.Role.CO_HOST)
        elif proposal.event_id:  # changed their mind after the session was scheduled: no longer a host
            for host in EventHost.objects.filter(event_id=proposal.event_id, user=user, role=EventHost.Role.CO_HOST):
                events.remove_host(host=host, by=user)
        queue_email(
            key=f"proposal-co-host-answer:{co_host.pk}:{status}",
            to=proposal.proposer.email,
            template="emails/proposal_co_host_answer",
            context={**_email_facts(proposal), "co_host": user.display_name, "accepted": accept},
            kind=EmailKind.PROPOSAL,
            user=proposal.proposer,
            now=now,
        )
    return co_host


# --- The committee's review -----------------------------------------------------------


def add_message(*, proposal: Proposal, by: User, body: str, internal: bool, now: datetime | None = None) -> Message:
    """A comment the proposer sees (and is emailed), or an internal note they never see."""
    now = now or timezone.now()
    body = body.strip()
    if not body:
        raise ProposalError(_("Write something first: the message was empty."))
    with transaction.atomic():
        proposal = _lock(proposal)
        message = Message.objects.create(proposal=proposal, author=by, body=body, internal=internal, created_at=now)
        if not internal:
            _tell_proposer(proposal, message, now=now)
        events.record_action(
            actor=by, action="proposal note" if internal else "proposal comment", member=proposal.proposer,
            detail=proposal.title, now=now,
        )  # fmt: skip
    return message


def vote(*, proposal: Proposal, by: User, score: int, note: str = "") -> None:
    """`by`'s rating of the proposal (1 to 5), or a change to it; only while undecided or accepted."""
    if score not in range(1, 6):
        raise ProposalError(_("A vote is a whole number from 1 to 5."))
    with transaction.atomic():
        proposal = _lock(proposal)
        if proposal.state in (Proposal.State.DECLINED, Proposal.State.SCHEDULED):
            raise ProposalError(_("This proposal is decided: votes are closed."))
        proposal.votes.update_or_create(voter=by, defaults={"score": score, "note": note.strip()[:300]})


def _change_state(
    proposal: Proposal,
    *,
    to: str,
    allowed: tuple[str, ...],
    by: User,
    body: str,
    now: datetime,
    facts: dict | None = None,
    logged: bool = True,
) -> Proposal:
    """Lock, check the move is allowed, make it, note it for the proposer (and email them).
    `logged`: write the action log here (False: the caller logs it once, with more)."""
    locked = _lock(proposal)
    if locked.state not in allowed:
        raise ProposalError(
            _("This proposal is %(state)s already: reload the page to see what changed.")
            % {"state": locked.get_state_display().lower()}
        )
    locked.state, locked.state_changed_at = to, now
    locked.save(update_fields=["state", "state_changed_at", "updated_at"])
    _note_state(locked, by=by, body=body, now=now, facts=facts)
    if logged:
        events.record_action(
            actor=by, action=f"proposal {Proposal.State(to).label.lower()}", member=locked.proposer,
            detail=locked.title, now=now,
        )  # fmt: skip
    return locked


UNDECIDED = (Proposal.State.SUBMITTED, Proposal.State.CHANGES_REQUESTED)


def request_changes(*, proposal: Proposal, by: User, message: str, now: datetime | None = None) -> Proposal:
    """Send the proposal back to the proposer with what to change (a message is required)."""
    if not message.strip():
        raise ProposalError(_("Say what should change: the proposer reads your message."))
    with transaction.atomic():
        return _change_state(
            proposal, to=Proposal.State.CHANGES_REQUESTED, allowed=(Proposal.State.SUBMITTED,), by=by,
            body=message.strip(), now=now or timezone.now(),
        )  # fmt: skip


def decline(*, proposal: Proposal, by: User, message: str, now: datetime | None = None) -> Proposal:
    """Say no, with a message (required) the proposer reads. Final."""
    if not message.strip():
        raise ProposalError(_("Tell the proposer why: a decline needs a message."))
    with transaction.atomic():
        return _change_state(
            proposal, to=Proposal.State.DECLINED, allowed=(*UNDECIDED, Proposal.State.ACCEPTED), by=by,
            body=message.strip(), now=now or timezone.now(),
        )  # fmt: skip


def accept(*, proposal: Proposal, by: User, message: str = "", now: datetime | None = None) -> Proposal:
    """Say yes before a date is found: the proposer can no longer edit it; schedule() follows."""
    with transaction.atomic():
        return _change_state(
            proposal, to=Proposal.State.ACCEPTED, allowed=UNDECIDED, by=by, body=message.strip(),
            now=now or timezone.now(),
        )  # fmt: skip


def schedule_problem(*, day: date, at: time, now: datetime) -> str | None:
    """Why a session cannot start at `at` on `day` (society's time): it does not exist, or it is past."""
    naive = datetime.combine(day, at)
    problem = events.local_time_problem(naive)
    if problem:
        return problem
    if events.make_local(naive) <= now:
        return _("%(day)s at %(time)s has passed: choose a time to come.") % {
            "day": formats.when(naive, "long_date"),
            "time": formats.when(naive, "time"),
        }
    return None


def schedule(
    *,
    proposal: Proposal,
    by: User,
    day: date,
    at: time,
    room: str = "",
    series: WorkshopSeries | None = None,
    message: str = "",
    now: datetime | None = None,
) -> Event:
    """Accept (if not yet) and schedule: a draft event with the proposal's text, on `day`
    at `at` (society's time) for the proposal's length, in `room`, as the last session of
    `series` if given; the proposer and every co-host who accepted become its hosts. The
    committee publishes the draft when it is ready. Scheduling twice is refused."""
    now = now or timezone.now()
    problem = schedule_problem(day=day, at=at, now=now)
    if problem:
        raise ProposalError(problem)
    starts_at = events.make_local(datetime.combine(day, at))
    with transaction.atomic():
        locked = _change_state(
            proposal, to=Proposal.State.SCHEDULED, allowed=(*UNDECIDED, Proposal.State.ACCEPTED), by=by,
            body=message.strip(), now=now, facts={"starts_at": starts_at, "room": room.strip()}, logged=False,
        )  # fmt: skip
        event = events.create_event(event=_draft_event(locked, starts_at=starts_at, room=room), by=by, now=now)
        if series is not None:
            try:
                workshops.add_session(series=series, event=event, by=by, now=now)
            except workshops.WorkshopError as error:
                raise ProposalError(str(error)) from error
        _add_host(event, locked.proposer, EventHost.Role.PROPOSER)
        accepted = locked.co_hosts.filter(status=CoHost.Status.ACCEPTED, user__is_active=True).select_related("user")
        for co_host in accepted:
            _add_host(event, co_host.user, EventHost.Role.CO_HOST)
        locked.event, locked.series = event, series
        locked.save(update_fields=["event", "series", "updated_at"])
        events.record_action(
            actor=by, action="proposal scheduled", event=event, member=locked.proposer, detail=locked.title, now=now
        )
    proposal.refresh_from_db()
    return event


def _draft_event(proposal: Proposal, *, starts_at: datetime, room: str) -> Event:
    # The event pages are the society's, written in its default language.
    with translation.override(settings.LANGUAGE_CODE):
        parts = [
            proposal.abstract,
            "## " + _("What you will build or learn"),
            proposal.outcomes,
        ]
        if proposal.prerequisites.strip():
            parts += ["## " + _("Prerequisites"), proposal.prerequisites.strip()]
    return Event(
        title=proposal.title,
        kind=EVENT_KIND[proposal.kind],
        summary=first_line(proposal.abstract),
        description="\n\n".join(parts),
        level=proposal.level,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=proposal.length_minutes),
        venue=room.strip(),
        what_to_bring=proposal.prerequisites.strip(),
    )


def _add_host(event: Event, user: User, role: str) -> None:
    try:
        events.add_host(event=event, member=user, role=role, by=None)
    except events.HostError as error:
        raise ProposalError(str(error)) from error


# --- Telling the proposer --------------------------------------------------------------


def _email_facts(proposal: Proposal) -> dict:
    return {
        "proposal": {"title": proposal.title, "kind": proposal.get_kind_display()},
        "proposal_url": settings.SITE_URL + reverse("proposals:mine", kwargs={"proposal_id": proposal.pk}),
        "my_proposals_url": settings.SITE_URL + reverse("proposals:my_proposals"),
    }


def _note_state(proposal: Proposal, *, by: User, body: str, now: datetime, facts: dict | None = None) -> Message:
    """The state change as a message in the proposal's history, and the proposer's email about it."""
    message = Message.objects.create(proposal=proposal, author=by, body=body, state=proposal.state, created_at=now)
    _tell_proposer(proposal, message, now=now, facts=facts)
    return message


def _tell_proposer(proposal: Proposal, message: Message, *, now: datetime, facts: dict | None = None) -> None:
    """One email per message (its id is in the key: never twice), in the proposer's language."""
    context = {**_email_facts(proposal), **(facts or {}), "state": message.state, "message": message.body}
    queue_email(
        key=f"proposal:{proposal.pk}:{message.pk}",
        to=proposal.proposer.email,
        template="emails/proposal",
        context=context,
        kind=EmailKind.PROPOSAL,
        user=proposal.proposer,
        now=now,
    )

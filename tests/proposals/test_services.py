"""The rules of proposals: every move of the state machine, every refusal (which changes nothing)."""

import threading
from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.db import connection

from events.models import ActionLog, Event, EventHost
from proposals import services
from proposals.models import CoHost, Message, Proposal, Vote
from society.models import OutboundEmail
from tests.factories import UserFactory, WorkshopSeriesFactory
from workshops.models import SeriesSession

pytestmark = pytest.mark.django_db

NOW = datetime(2027, 1, 11, 12, 0, tzinfo=UTC)
DAY = date(2027, 2, 3)  # a Wednesday, after NOW (GMT: 18:00 local is 18:00 UTC)


def new_proposal(**fields) -> Proposal:
    values = {
        "kind": Proposal.Kind.WORKSHOP,
        "title": "Transformers from scratch",
        "abstract": "# Build a tiny transformer\n\nIn PyTorch, on Shakespeare.",
        "outcomes": "A working attention layer.",
        "prerequisites": "Python; PyTorch installed.",
        "length_minutes": 90,
        "level": Event.Level.INTERMEDIATE,
    }
    return Proposal(**{**values, **fields})


def submitted(proposer, **fields) -> Proposal:
    return services.submit_proposal(proposal=new_proposal(**fields), proposer=proposer, now=NOW)


def emails_to(user) -> list[OutboundEmail]:
    return list(OutboundEmail.objects.filter(to_email=user.email).order_by("id"))


# --- Submitting ----------------------------------------------------------------------------


def test_submit_saves_it_submitted_and_tells_the_proposer(member):
    proposal = submitted(member)

    assert (proposal.state, proposal.proposer, proposal.state_changed_at) == ("submitted", member, NOW)
    [email] = emails_to(member)
    assert (email.template, email.context["state"], email.user_id) == ("emails/proposal", "submitted", member.pk)


@pytest.mark.parametrize(
    ("field", "message"),
    [
        ("abstract", "Write an abstract: a few sentences on what the session is about."),
        ("title", "Give your session a title."),
        ("outcomes", "Say what attendees will build or learn."),
    ],
)
def test_submit_refuses_empty_text_and_saves_nothing(member, field, message):
    with pytest.raises(services.ProposalError, match=message):
        services.submit_proposal(proposal=new_proposal(**{field: "  \n "}), proposer=member, now=NOW)

    assert (Proposal.objects.count(), OutboundEmail.objects.count()) == (0, 0)


def test_co_hosts_must_have_an_account(member):
    with pytest.raises(services.ProposalError, match=r"Nobody has an account with the email nobody@uni\.ac\.uk"):
        services.co_hosts_from_emails(["nobody@uni.ac.uk"], proposer=member)


def test_a_closed_account_cannot_co_host(member):
    UserFactory(email="gone@uni.ac.uk", is_active=False)

    with pytest.raises(services.ProposalError, match=r"gone@uni\.ac\.uk"):
        services.co_hosts_from_emails(["gone@uni.ac.uk"], proposer=member)


def test_the_proposer_cannot_be_their_own_co_host(member):
    with pytest.raises(services.ProposalError, match="You are the proposer already"):
        services.co_hosts_from_emails([" MEMBER@uni.ac.uk "], proposer=member)


def test_co_hosts_are_found_once_each_by_email_any_case(member, other_member):
    found = services.co_hosts_from_emails(["Other@Uni.ac.uk", "", "other@uni.ac.uk"], proposer=member)

    assert found == [other_member]


def test_too_many_co_hosts_are_refused(member):
    emails = [UserFactory().email for _ in range(services.MAX_CO_HOSTS + 1)]

    with pytest.raises(services.ProposalError, match="at most 4 co-hosts"):
        services.co_hosts_from_emails(emails, proposer=member)


def test_submit_invites_each_co_host_by_email(member, other_member):
    proposal = services.submit_proposal(proposal=new_proposal(), proposer=member, co_hosts=[other_member], now=NOW)

    [co_host] = proposal.co_hosts.all()
    assert (co_host.user, co_host.status) == (other_member, "invited")
    [invitation] = emails_to(other_member)
    assert (invitation.template, invitation.key) == ("emails/proposal_co_host", f"proposal-co-host:{co_host.pk}")


# --- Co-hosts answering --------------------------------------------------------------------


def test_a_co_host_who_declines_is_shown_declined_and_the_proposer_told(member, other_member):
    proposal = services.submit_proposal(proposal=new_proposal(), proposer=member, co_hosts=[other_member], now=NOW)
    co_host = proposal.co_hosts.get()

    services.answer_invitation(co_host=co_host, user=other_member, accept=False, now=NOW)

    co_host.refresh_from_db()
    assert (co_host.status, co_host.answered_at) == ("declined", NOW)
    assert [e.template for e in emails_to(member)] == ["emails/proposal", "emails/proposal_co_host_answer"]


def test_only_the_invited_member_can_answer(member, other_member):
    proposal = services.submit_proposal(proposal=new_proposal(), proposer=member, co_hosts=[other_member], now=NOW)

    with pytest.raises(services.ProposalError, match="for someone else"):
        services.answer_invitation(co_host=proposal.co_hosts.get(), user=member, accept=True, now=NOW)

    assert proposal.co_hosts.get().status == "invited"


def test_answering_the_same_twice_emails_once(member, other_member):
    proposal = services.submit_proposal(proposal=new_proposal(), proposer=member, co_hosts=[other_member], now=NOW)
    co_host = proposal.co_hosts.get()

    services.answer_invitation(co_host=co_host, user=other_member, accept=True, now=NOW)
    services.answer_invitation(co_host=co_host, user=other_member, accept=True, now=NOW)

    assert [e.template for e in emails_to(member)].count("emails/proposal_co_host_answer") == 1


# --- Editing -------------------------------------------------------------------------------


def test_the_proposer_edits_while_submitted_and_it_stays_submitted(member):
    proposal = submitted(member)
    proposal.title = "Transformers, slowly"

    services.edit_proposal(proposal=proposal, by=member, now=NOW + timedelta(hours=1))

    proposal.refresh_from_db()
    assert (proposal.title, proposal.state, proposal.state_changed_at) == ("Transformers, slowly", "submitted", NOW)


def test_editing_after_changes_were_requested_sends_it_back_to_the_committee(member, committee_member):
    proposal = submitted(member)
    services.request_changes(proposal=proposal, by=committee_member, message="Shorter, please.", now=NOW)
    proposal.refresh_from_db()
    later = NOW + timedelta(days=1)

    services.edit_proposal(proposal=proposal, by=member, now=later)

    proposal.refresh_from_db()
    assert (proposal.state, proposal.state_changed_at) == ("submitted", later)
    assert [e.context["state"] for e in emails_to(member)] == ["submitted", "changes_requested", "submitted"]


def test_editing_replaces_co_hosts_inviting_only_the_new_ones(member, other_member):
    third = UserFactory()
    proposal = services.submit_proposal(proposal=new_proposal(), proposer=member, co_hosts=[other_member], now=NOW)

    services.edit_proposal(proposal=proposal, by=member, co_hosts=[third], now=NOW)

    assert list(proposal.co_hosts.values_list("user", flat=True)) == [third.pk]
    assert (len(emails_to(other_member)), len(emails_to(third))) == (1, 1)


@pytest.mark.parametrize("decide", ["accept", "schedule", "decline"])
def test_editing_after_the_committee_decided_is_refused_and_the_event_unchanged(member, committee_member, decide):
    proposal = submitted(member)
    if decide == "accept":
        services.accept(proposal=proposal, by=committee_member, now=NOW)
    elif decide == "decline":
        services.decline(proposal=proposal, by=committee_member, message="Not this term.", now=NOW)
    else:
        services.schedule(proposal=proposal, by=committee_member, day=DAY, at=time(18), now=NOW)
    changed = Proposal.objects.get(pk=proposal.pk)
    changed.title = "Something else entirely"

    with pytest.raises(services.ProposalError, match="can no longer be changed here and the event stays as it is"):
        services.edit_proposal(proposal=changed, by=member, now=NOW)

    assert Proposal.objects.get(pk=proposal.pk).title == "Transformers from scratch"
    assert list(Event.objects.values_list("title", flat=True)) == (
        ["Transformers from scratch"] if decide == "schedule" else []
    )


def test_only_the_proposer_can_edit(member, other_member):
    proposal = submitted(member)

    with pytest.raises(services.ProposalError, match="Only the person who proposed"):
        services.edit_proposal(proposal=proposal, by=other_member, now=NOW)


# --- The committee's review ------------------------------------------------------------


def test_a_comment_is_emailed_but_an_internal_note_is_not(member, committee_member):
    proposal = submitted(member)

    services.add_message(proposal=proposal, by=committee_member, body="Lovely idea.", internal=False, now=NOW)
    services.add_message(proposal=proposal, by=committee_member, body="Sam did this last year.", internal=True, now=NOW)

    assert [e.context["message"] for e in emails_to(member)] == ["", "Lovely idea."]
    assert list(Message.objects.filter(internal=True).values_list("body", flat=True)) == ["Sam did this last year."]
    assert ActionLog.objects.filter(action__in=["proposal comment", "proposal note"]).count() == 2


def test_an_empty_message_is_refused(member, committee_member):
    proposal = submitted(member)

    with pytest.raises(services.ProposalError, match="the message was empty"):
        services.add_message(proposal=proposal, by=committee_member, body="   ", internal=False, now=NOW)


def test_a_vote_is_one_per_committee_member_and_changeable(member, committee_member):
    proposal = submitted(member)

    services.vote(proposal=proposal, by=committee_member, score=2)
    services.vote(proposal=proposal, by=committee_member, score=5, note="Convinced.")

    assert list(Vote.objects.values_list("voter", "score", "note")) == [(committee_member.pk, 5, "Convinced.")]
    figures = services.with_review_figures(Proposal.objects.filter(pk=proposal.pk)).get()
    assert (figures.vote_count, figures.vote_average) == (1, 5)


@pytest.mark.parametrize("score", [0, 6])
def test_a_vote_outside_1_to_5_is_refused(member, committee_member, score):
    with pytest.raises(services.ProposalError, match="from 1 to 5"):
        services.vote(proposal=submitted(member), by=committee_member, score=score)

    assert Vote.objects.count() == 0


def test_request_changes_needs_a_message(member, committee_member):
    proposal = submitted(member)

    with pytest.raises(services.ProposalError, match="Say what should change"):
        services.request_changes(proposal=proposal, by=committee_member, message=" ", now=NOW)

    assert Proposal.objects.get(pk=proposal.pk).state == "submitted"


def test_decline_needs_a_message(member, committee_member):
    proposal = submitted(member)

    with pytest.raises(services.ProposalError, match="a decline needs a message"):
        services.decline(proposal=proposal, by=committee_member, message="", now=NOW)

    assert Proposal.objects.get(pk=proposal.pk).state == "submitted"


def test_decline_is_final_and_emails_the_message(member, committee_member):
    proposal = submitted(member)

    services.decline(proposal=proposal, by=committee_member, message="We ran it last month.", now=NOW)

    with pytest.raises(services.ProposalError, match="This proposal is declined already"):
        services.accept(proposal=proposal, by=committee_member, now=NOW)
    last = emails_to(member)[-1]
    assert (last.context["state"], last.context["message"]) == ("declined", "We ran it last month.")
    assert ActionLog.objects.filter(action="proposal declined", member=member).count() == 1


def test_changes_cannot_be_requested_twice_in_a_row(member, committee_member):
    proposal = submitted(member)
    services.request_changes(proposal=proposal, by=committee_member, message="Shorter.", now=NOW)

    with pytest.raises(services.ProposalError, match="changes requested already"):
        services.request_changes(proposal=proposal, by=committee_member, message="Shorter!", now=NOW)


# --- Accepting and scheduling ----------------------------------------------------------


def test_schedule_creates_a_draft_event_with_the_proposals_text_hosted_by_the_proposer(member, committee_member):
    proposal = submitted(member)

    event = services.schedule(
        proposal=proposal, by=committee_member, day=DAY, at=time(18), room="Lab 2.14", message="See you!", now=NOW
    )

    proposal.refresh_from_db()
    assert (proposal.state, proposal.event) == ("scheduled", event)
    assert (event.status, event.title, event.kind, event.level) == ("draft", proposal.title, "workshop", "intermediate")
    assert (event.starts_at, event.ends_at) == (
        datetime(2027, 2, 3, 18, tzinfo=UTC),
        datetime(2027, 2, 3, 19, 30, tzinfo=UTC),
    )
    assert (event.summary, event.venue, event.what_to_bring) == (
        "Build a tiny transformer",
        "Lab 2.14",
        "Python; PyTorch installed.",
    )
    assert event.description == (
        "# Build a tiny transformer\n\nIn PyTorch, on Shakespeare.\n\n## What you will build or learn\n\n"
        "A working attention layer.\n\n## Prerequisites\n\nPython; PyTorch installed."
    )
    assert list(EventHost.objects.values_list("user", "role")) == [(member.pk, "proposer")]
    last = emails_to(member)[-1]
    assert (last.context["state"], last.context["room"], last.context["message"]) == (
        "scheduled",
        "Lab 2.14",
        "See you!",
    )


def test_paper_readings_and_project_demos_become_talks(member, committee_member):
    reading = submitted(member, kind=Proposal.Kind.PAPER_READING)
    demo = submitted(member, kind=Proposal.Kind.PROJECT_DEMO, title="My robot")

    first = services.schedule(proposal=reading, by=committee_member, day=DAY, at=time(18), now=NOW)
    second = services.schedule(proposal=demo, by=committee_member, day=DAY, at=time(19), now=NOW)

    assert (first.kind, second.kind) == ("talk", "talk")


def test_only_co_hosts_who_accepted_become_hosts(member, other_member, committee_member):
    pending, declining = UserFactory(), UserFactory()
    proposal = services.submit_proposal(
        proposal=new_proposal(), proposer=member, co_hosts=[other_member, pending, declining], now=NOW
    )
    services.answer_invitation(co_host=proposal.co_hosts.get(user=other_member), user=other_member, accept=True)
    services.answer_invitation(co_host=proposal.co_hosts.get(user=declining), user=declining, accept=False)

    event = services.schedule(proposal=proposal, by=committee_member, day=DAY, at=time(18), now=NOW)

    assert set(event.hosts.values_list("user", "role")) == {(member.pk, "proposer"), (other_member.pk, "co_host")}


def test_scheduling_is_logged_once_with_its_event(member, committee_member):
    proposal = submitted(member)

    event = services.schedule(
        proposal=proposal, by=committee_member, day=DAY, at=time(18), room="", message="", now=NOW
    )

    entries = ActionLog.objects.filter(action="proposal scheduled")
    assert [(entry.event, entry.member, entry.detail) for entry in entries] == [(event, member, proposal.title)]


def test_a_co_host_who_accepts_after_scheduling_becomes_a_host(member, other_member, committee_member):
    proposal = services.submit_proposal(proposal=new_proposal(), proposer=member, co_hosts=[other_member], now=NOW)
    event = services.schedule(proposal=proposal, by=committee_member, day=DAY, at=time(18), now=NOW)

    services.answer_invitation(co_host=CoHost.objects.get(), user=other_member, accept=True)

    assert event.hosts.filter(user=other_member, role="co_host").exists()


def test_a_co_host_who_declines_after_scheduling_is_no_longer_a_host(member, other_member, committee_member):
    proposal = services.submit_proposal(proposal=new_proposal(), proposer=member, co_hosts=[other_member], now=NOW)
    services.answer_invitation(co_host=CoHost.objects.get(), user=other_member, accept=True)
    event = services.schedule(proposal=proposal, by=committee_member, day=DAY, at=time(18), now=NOW)

    services.answer_invitation(co_host=CoHost.objects.get(), user=other_member, accept=False)

    assert list(event.hosts.values_list("user", flat=True)) == [member.pk]


def test_schedule_into_a_series_adds_the_session_last(member, committee_member):
    series = WorkshopSeriesFactory()
    proposal = submitted(member)

    event = services.schedule(proposal=proposal, by=committee_member, day=DAY, at=time(18), series=series, now=NOW)

    assert list(SeriesSession.objects.filter(series=series).values_list("event", flat=True)) == [event.pk]
    assert Proposal.objects.get(pk=proposal.pk).series == series


def test_schedule_into_a_retired_series_is_refused_and_changes_nothing(member, committee_member):
    series = WorkshopSeriesFactory(retired_at=NOW)
    proposal = submitted(member)

    with pytest.raises(services.ProposalError, match="is retired"):
        services.schedule(proposal=proposal, by=committee_member, day=DAY, at=time(18), series=series, now=NOW)

    assert (Proposal.objects.get(pk=proposal.pk).state, Event.objects.count()) == ("submitted", 0)
    assert [e.context["state"] for e in emails_to(member)] == ["submitted"]


def test_schedule_in_the_past_is_refused(member, committee_member):
    with pytest.raises(services.ProposalError, match="has passed"):
        services.schedule(proposal=submitted(member), by=committee_member, day=date(2027, 1, 4), at=time(18), now=NOW)

    assert Event.objects.count() == 0


def test_schedule_at_a_time_the_clocks_skip_is_refused(member, committee_member):
    with pytest.raises(services.ProposalError, match="does not exist"):
        services.schedule(
            proposal=submitted(member), by=committee_member, day=date(2027, 3, 28), at=time(1, 30), now=NOW
        )


def test_accept_then_schedule_later(member, committee_member):
    proposal = submitted(member)

    services.accept(proposal=proposal, by=committee_member, now=NOW)
    services.schedule(proposal=proposal, by=committee_member, day=DAY, at=time(18), now=NOW)

    assert [e.context["state"] for e in emails_to(member)] == ["submitted", "accepted", "scheduled"]


def test_scheduling_twice_is_refused_and_makes_one_event(member, committee_member):
    proposal = submitted(member)
    services.schedule(proposal=proposal, by=committee_member, day=DAY, at=time(18), now=NOW)

    with pytest.raises(services.ProposalError, match="scheduled already"):
        services.schedule(proposal=proposal, by=committee_member, day=DAY, at=time(19), now=NOW)

    assert Event.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_committee_members_scheduling_at_once_make_one_event(postgres):
    proposer = UserFactory()
    first, second = UserFactory(committee=True), UserFactory(committee=True)
    proposal = submitted(proposer)
    barrier = threading.Barrier(2)
    outcomes = []

    def schedule_as(user):
        try:
            barrier.wait()
            services.schedule(proposal=proposal, by=user, day=DAY, at=time(18), now=NOW)
            outcomes.append("scheduled")
        except services.ProposalError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=schedule_as, args=(user,)) for user in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["refused", "scheduled"]
    assert Event.objects.count() == 1
    assert OutboundEmail.objects.filter(context__state="scheduled").count() == 1


def test_first_line_is_the_first_words_without_markdown_marks():
    assert services.first_line("\n\n## Hello *there*\nmore") == "Hello *there*"
    assert services.first_line("x" * 400).endswith("…")
    assert len(services.first_line("x" * 400)) == 300

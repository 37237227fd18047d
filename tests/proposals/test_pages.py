"""The member's pages (propose, my proposals, one proposal, edit, answering an invitation)
and the committee's (queue, review and its actions): who sees what, and bad input."""

from datetime import time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from events.models import Event
from proposals import services
from proposals.models import CoHost, Message, Proposal, Vote
from society.models import OutboundEmail
from tests.factories import UserFactory, WorkshopSeriesFactory
from tests.proposals.factories import CoHostFactory, ProposalFactory
from tests.querycount import assert_constant_queries

pytestmark = pytest.mark.django_db

FORM = {
    "kind": "talk",
    "title": "Diffusion models, gently",
    "abstract": "How images come out of noise.",
    "level": "beginner",
    "outcomes": "An intuition for the forward and reverse processes.",
    "prerequisites": "",
    "length_minutes": "45",
    "preferred_weeks": "Weeks 3 to 5",
    "materials_plan": "Slides and a notebook.",
    "co_hosts": "",
}


def page(response) -> str:
    return response.content.decode()


# --- Proposing -----------------------------------------------------------------------------


def test_the_propose_page_says_what_happens_next(member_client):
    response = member_client.get(reverse("proposals:propose"))

    assert response.status_code == 200
    assert "What happens next" in page(response)
    assert 'name="abstract"' in page(response)
    assert '<label class="form-label" for="id_abstract">Abstract</label>' in page(response)


def test_proposing_saves_it_and_shows_it_submitted(member_client, member):
    response = member_client.post(reverse("proposals:propose"), FORM, follow=True)

    proposal = Proposal.objects.get()
    assert (proposal.proposer, proposal.title, proposal.state) == (member, "Diffusion models, gently", "submitted")
    assert response.redirect_chain == [(reverse("proposals:mine", kwargs={"proposal_id": proposal.pk}), 302)]
    assert "Thank you! The committee has your proposal" in page(response)
    assert '<span class="badge text-bg-secondary">Submitted</span>' in page(response)


def test_proposing_with_an_empty_abstract_says_so_and_saves_nothing(member_client):
    response = member_client.post(reverse("proposals:propose"), {**FORM, "abstract": "   "})

    assert response.status_code == 200
    assert "This field is required." in page(response)
    assert (Proposal.objects.count(), OutboundEmail.objects.count()) == (0, 0)


def test_proposing_with_a_co_host_who_is_not_a_member_says_so_and_saves_nothing(member_client):
    response = member_client.post(reverse("proposals:propose"), {**FORM, "co_hosts": "stranger@example.com"})

    assert response.status_code == 200
    assert "Nobody has an account with the email stranger@example.com: co-hosts must be members." in page(response)
    assert (Proposal.objects.count(), CoHost.objects.count(), OutboundEmail.objects.count()) == (0, 0, 0)


def test_proposing_with_a_co_host_invites_them(member_client, other_member):
    member_client.post(reverse("proposals:propose"), {**FORM, "co_hosts": "other@uni.ac.uk"})

    assert list(CoHost.objects.values_list("user", "status")) == [(other_member.pk, "invited")]


def test_a_visitor_is_sent_to_log_in(client):
    response = client.get(reverse("proposals:propose"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


# --- My proposals and one proposal -------------------------------------------------------------


def test_my_proposals_lists_mine_with_their_states_and_my_invitations(member_client, member, other_member):
    ProposalFactory(proposer=member, title="Mine, waiting")
    ProposalFactory(proposer=member, title="Mine, declined", state="declined")
    ProposalFactory(proposer=other_member, title="Not mine")
    CoHostFactory(user=member, proposal=ProposalFactory(proposer=other_member, title="Olu's talk"))

    html = page(member_client.get(reverse("proposals:my_proposals")))

    assert "Mine, waiting" in html
    assert '<span class="badge text-bg-dark">Declined</span>' in html
    assert "Not mine" not in html
    assert "Olu Other asks you to co-host “Olu&#x27;s talk”." in html
    assert 'name="answer" value="accept"' in html


def test_my_proposals_costs_the_same_queries_however_many(member_client, member):
    def add(n):
        for _ in range(n):
            proposal = ProposalFactory(proposer=member)
            CoHostFactory(user=member, proposal=ProposalFactory())
            CoHostFactory(proposal=proposal)

    assert_constant_queries(lambda: member_client.get(reverse("proposals:my_proposals")), add, small=2, large=12)


def test_the_proposer_sees_the_committees_messages_but_never_internal_notes_or_votes(
    member_client, member, committee_member
):
    proposal = ProposalFactory(proposer=member)
    services.add_message(proposal=proposal, by=committee_member, body="Could it be shorter?", internal=False)
    services.add_message(proposal=proposal, by=committee_member, body="SECRET: clashes with the AGM", internal=True)
    services.vote(proposal=proposal, by=committee_member, score=2, note="SECRET vote note")

    html = page(member_client.get(reverse("proposals:mine", kwargs={"proposal_id": proposal.pk})))

    assert "Could it be shorter?" in html
    assert "SECRET" not in html
    assert "Internal note" not in html


def test_a_co_host_can_read_the_proposal_but_not_edit_it(client, member, other_member):
    proposal = ProposalFactory(proposer=member)
    CoHostFactory(proposal=proposal, user=other_member)
    client.force_login(other_member)

    read = client.get(reverse("proposals:mine", kwargs={"proposal_id": proposal.pk}))
    edit = client.get(reverse("proposals:edit", kwargs={"proposal_id": proposal.pk}))

    assert read.status_code == 200
    assert "Change the proposal" not in page(read)
    assert edit.status_code == 404


@pytest.mark.parametrize("name", ["proposals:mine", "proposals:edit"])
def test_someone_elses_proposal_is_not_found(member_client, other_member, name):
    proposal = ProposalFactory(proposer=other_member)

    assert member_client.get(reverse(name, kwargs={"proposal_id": proposal.pk})).status_code == 404


def test_a_proposal_with_co_hosts_opens_for_its_proposer(member_client, member):
    proposal = ProposalFactory(proposer=member)
    CoHostFactory(proposal=proposal)
    CoHostFactory(proposal=proposal, status="declined")

    response = member_client.get(reverse("proposals:mine", kwargs={"proposal_id": proposal.pk}))

    assert response.status_code == 200
    assert "<strong>Declined</strong>" in page(response)


# --- Editing --------------------------------------------------------------------------------


def test_the_proposer_edits_it_after_changes_were_requested(member_client, member, committee_member):
    proposal = services.submit_proposal(proposal=ProposalFactory.build(), proposer=member)
    services.request_changes(proposal=proposal, by=committee_member, message="Say who it is for.")

    response = member_client.post(
        reverse("proposals:edit", kwargs={"proposal_id": proposal.pk}), {**FORM, "title": "Diffusion for beginners"}
    )

    proposal.refresh_from_db()
    assert response.status_code == 302
    assert (proposal.title, proposal.state) == ("Diffusion for beginners", "submitted")


def test_editing_after_acceptance_is_refused_and_the_event_is_not_changed(member_client, member, committee_member):
    proposal = services.submit_proposal(proposal=ProposalFactory.build(), proposer=member)
    tomorrow = timezone.localdate() + timedelta(days=7)
    event = services.schedule(proposal=proposal, by=committee_member, day=tomorrow, at=time(18))
    url = reverse("proposals:edit", kwargs={"proposal_id": proposal.pk})

    shown = member_client.get(url, follow=True)
    posted = member_client.post(url, {**FORM, "title": "Something else"}, follow=True)

    message = "This proposal is scheduled: it can no longer be changed here, and its event stays as it is."
    assert message in page(shown)
    assert message in page(posted)
    event.refresh_from_db()
    assert (Proposal.objects.get().title, event.title) == (proposal.title, proposal.title)


def test_editing_with_an_empty_abstract_says_so_and_changes_nothing(member_client, member):
    proposal = ProposalFactory(proposer=member)

    response = member_client.post(
        reverse("proposals:edit", kwargs={"proposal_id": proposal.pk}), {**FORM, "abstract": ""}
    )

    assert response.status_code == 200
    assert Proposal.objects.get().abstract == proposal.abstract


# --- Answering an invitation ----------------------------------------------------------------


@pytest.mark.parametrize(("answer", "status"), [("accept", "accepted"), ("decline", "declined")])
def test_the_invited_member_answers(member_client, member, answer, status):
    co_host = CoHostFactory(user=member)

    response = member_client.post(
        reverse("proposals:answer_invitation", kwargs={"co_host_id": co_host.pk}), {"answer": answer}, follow=True
    )

    co_host.refresh_from_db()
    assert co_host.status == status
    assert response.status_code == 200


def test_an_answer_that_is_neither_says_so_and_changes_nothing(member_client, member):
    co_host = CoHostFactory(user=member)

    response = member_client.post(
        reverse("proposals:answer_invitation", kwargs={"co_host_id": co_host.pk}), {"answer": "maybe"}, follow=True
    )

    assert "Choose to accept or to decline: nothing was changed." in page(response)
    assert CoHost.objects.get().status == "invited"


def test_someone_elses_invitation_is_not_found(member_client):
    co_host = CoHostFactory()

    response = member_client.post(
        reverse("proposals:answer_invitation", kwargs={"co_host_id": co_host.pk}), {"answer": "accept"}
    )

    assert response.status_code == 404
    assert CoHost.objects.get().status == "invited"


# --- The committee's queue ------------------------------------------------------------------


def test_the_queue_shows_what_waits_with_counts_and_average_votes(committee_client, committee_member):
    waiting = ProposalFactory(title="Waiting one")
    ProposalFactory(title="Declined one", state="declined")
    Vote.objects.create(proposal=waiting, voter=committee_member, score=4)
    Vote.objects.create(proposal=waiting, voter=UserFactory(committee=True), score=5)

    html = page(committee_client.get(reverse("proposals:queue")))

    assert "Waiting one" in html
    assert "Declined one" not in html
    assert "4.5 (2)" in html
    assert "Declined (1)" in html
    assert "Submitted (1)" in html


def test_the_queue_filters_by_state(committee_client):
    ProposalFactory(title="Waiting one")
    ProposalFactory(title="Declined one", state="declined")

    html = page(committee_client.get(reverse("proposals:queue"), {"state": "declined"}))

    assert "Declined one" in html
    assert "Waiting one" not in html


def test_the_queue_with_a_state_that_does_not_exist_says_so(committee_client):
    ProposalFactory(title="Waiting one")

    response = committee_client.get(reverse("proposals:queue"), {"state": "lost", "page": "x"})

    assert response.status_code == 200
    assert "There is no such state: showing the proposals waiting for the committee." in page(response)
    assert "Waiting one" in page(response)


def test_the_queue_costs_the_same_queries_however_many(committee_client):
    def add(n):
        for _ in range(n):
            proposal = ProposalFactory()
            Vote.objects.create(proposal=proposal, voter=UserFactory(), score=3)
            CoHostFactory(proposal=proposal)

    assert_constant_queries(lambda: committee_client.get(reverse("proposals:queue")), add, small=2, large=30)


def test_a_member_cannot_open_the_queue(member_client):
    assert member_client.get(reverse("proposals:queue")).status_code == 403


# --- The committee's review ----------------------------------------------------------------


def test_the_review_shows_internal_notes_and_votes(committee_client, committee_member):
    proposal = ProposalFactory()
    services.add_message(proposal=proposal, by=committee_member, body="Clashes with the AGM", internal=True)
    services.vote(proposal=proposal, by=committee_member, score=4, note="Good speaker")

    html = page(committee_client.get(reverse("proposals:review", kwargs={"proposal_id": proposal.pk})))

    assert "Clashes with the AGM" in html
    assert "Internal note" in html
    assert "Cam Committee: 4 · Good speaker" in html


def test_the_committee_comments_and_notes(committee_client):
    proposal = ProposalFactory()
    url = reverse("proposals:comment", kwargs={"proposal_id": proposal.pk})

    committee_client.post(url, {"body": "Please add a demo."})
    committee_client.post(url, {"body": "Between us: ask Lin.", "internal": "on"})

    assert list(Message.objects.values_list("body", "internal")) == [
        ("Please add a demo.", False),
        ("Between us: ask Lin.", True),
    ]


def test_an_empty_comment_says_so_and_saves_nothing(committee_client):
    proposal = ProposalFactory()

    response = committee_client.post(reverse("proposals:comment", kwargs={"proposal_id": proposal.pk}), {"body": ""})

    assert response.status_code == 200
    assert "This field is required." in page(response)
    assert Message.objects.count() == 0


def test_a_vote_out_of_range_says_so_and_saves_nothing(committee_client):
    proposal = ProposalFactory()

    response = committee_client.post(reverse("proposals:vote", kwargs={"proposal_id": proposal.pk}), {"score": "9"})

    assert response.status_code == 200
    assert "Select a valid choice. 9 is not one of the available choices." in page(response)
    assert Vote.objects.count() == 0


def test_request_changes_without_a_message_says_so_and_changes_nothing(committee_client):
    proposal = ProposalFactory()

    response = committee_client.post(
        reverse("proposals:request_changes", kwargs={"proposal_id": proposal.pk}), {"changes-body": " "}
    )

    assert response.status_code == 200
    assert Proposal.objects.get().state == "submitted"


def test_request_changes_sends_it_back(committee_client, member):
    proposal = services.submit_proposal(proposal=ProposalFactory.build(), proposer=member)

    committee_client.post(
        reverse("proposals:request_changes", kwargs={"proposal_id": proposal.pk}), {"changes-body": "Shorter."}
    )

    assert Proposal.objects.get().state == "changes_requested"


def test_decline_asks_first_then_declines_with_the_message(committee_client):
    proposal = ProposalFactory()
    url = reverse("proposals:decline", kwargs={"proposal_id": proposal.pk})

    asked = committee_client.get(url)
    empty = committee_client.post(url, {"decline-body": ""})
    done = committee_client.post(url, {"decline-body": "Not this term."})

    assert "gets an email with your message" in page(asked)
    assert empty.status_code == 200
    assert done.status_code == 302
    assert Proposal.objects.get().state == "declined"
    assert Message.objects.get(state="declined").body == "Not this term."


def test_accept_now_schedule_later(committee_client):
    proposal = ProposalFactory()

    committee_client.post(reverse("proposals:accept", kwargs={"proposal_id": proposal.pk}))

    assert Proposal.objects.get().state == "accepted"


def test_schedule_makes_the_draft_event_and_opens_it(committee_client, member):
    proposal = services.submit_proposal(proposal=ProposalFactory.build(), proposer=member)
    series = WorkshopSeriesFactory()
    day = timezone.localdate() + timedelta(days=10)

    response = committee_client.post(
        reverse("proposals:schedule", kwargs={"proposal_id": proposal.pk}),
        {
            "schedule-day": day.isoformat(),
            "schedule-at": "18:00",
            "schedule-room": "Lab 2.14",
            "schedule-series": series.pk,
        },
    )

    event = Event.objects.get()
    assert response["Location"] == reverse("events:manage_event", kwargs={"slug": event.slug})
    assert (event.status, event.venue, list(event.hosts.values_list("user", flat=True))) == (
        "draft",
        "Lab 2.14",
        [member.pk],
    )


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"schedule-day": "2020-01-01", "schedule-at": "18:00"}, "has passed: choose a time to come."),
        ({"schedule-day": "not a day", "schedule-at": "18:00"}, "Enter a valid date."),
        ({"schedule-day": "", "schedule-at": "18:00"}, "This field is required."),
    ],
)
def test_schedule_with_a_bad_date_says_so_and_changes_nothing(committee_client, data, error):
    proposal = ProposalFactory()

    response = committee_client.post(reverse("proposals:schedule", kwargs={"proposal_id": proposal.pk}), data)

    assert response.status_code == 200
    assert error in page(response)
    assert (Proposal.objects.get().state, Event.objects.count()) == ("submitted", 0)


def test_a_decided_proposal_refuses_another_decision_with_a_message(committee_client):
    proposal = ProposalFactory(state="declined")

    response = committee_client.post(reverse("proposals:accept", kwargs={"proposal_id": proposal.pk}), follow=True)

    assert "This proposal is declined already: reload the page to see what changed." in page(response)
    assert Proposal.objects.get().state == "declined"


def test_a_proposal_that_does_not_exist_is_not_found(committee_client):
    assert committee_client.get(reverse("proposals:review", kwargs={"proposal_id": 999999})).status_code == 404


def test_a_vote_without_a_score_says_so_and_saves_nothing(committee_client):
    proposal = ProposalFactory()

    response = committee_client.post(reverse("proposals:vote", kwargs={"proposal_id": proposal.pk}), {"score": ""})

    assert "This field is required." in page(response)
    assert Vote.objects.count() == 0


def test_a_vote_is_saved_and_shown_again_in_the_form(committee_client, committee_member):
    proposal = ProposalFactory()
    url = reverse("proposals:vote", kwargs={"proposal_id": proposal.pk})

    committee_client.post(url, {"score": "4", "note": "Good"})
    html = page(committee_client.get(reverse("proposals:review", kwargs={"proposal_id": proposal.pk})))

    assert list(Vote.objects.values_list("voter", "score", "note")) == [(committee_member.pk, 4, "Good")]
    assert '<option value="4" selected>4 · good</option>' in html

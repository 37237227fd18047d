import pytest

from proposals import personal_data, services
from proposals.models import CoHost, Proposal
from society.privacy import collect_personal_data
from tests.proposals.factories import CoHostFactory, ProposalFactory

pytestmark = pytest.mark.django_db


def test_the_export_has_my_proposals_and_the_committees_messages_but_no_internal_notes(member, committee_member):
    proposal = ProposalFactory(proposer=member, title="RAG")
    services.add_message(proposal=proposal, by=committee_member, body="Lovely.", internal=False)
    services.add_message(proposal=proposal, by=committee_member, body="SECRET", internal=True)
    CoHostFactory(user=member, proposal=ProposalFactory(title="GANs"))

    data = collect_personal_data(member)["proposals"]

    assert [(p["title"], p["state"]) for p in data["proposals"]] == [("RAG", "submitted")]
    assert [m["message"] for m in data["proposals"][0]["history"]] == ["Lovely."]
    assert "SECRET" not in str(data)
    assert data["co_host_invitations"] == [{"proposal": "GANs", "answer": "invited"}]


def test_forgetting_withdraws_undecided_proposals_and_keeps_decided_ones(member):
    ProposalFactory(proposer=member, title="Undecided")
    ProposalFactory(proposer=member, title="Scheduled", state="scheduled")
    CoHostFactory(user=member)

    personal_data.forget(member)

    assert list(Proposal.objects.filter(proposer=member).values_list("title", flat=True)) == ["Scheduled"]
    assert not CoHost.objects.filter(user=member).exists()

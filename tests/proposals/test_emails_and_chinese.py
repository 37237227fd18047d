"""Proposal emails: one per state change and per invitation, sent once, in the recipient's
language; and the proposal pages in Simplified Chinese."""

from datetime import UTC, date, datetime, time

import pytest
from django.urls import reverse

from proposals import services
from proposals.models import Proposal
from society.models import EmailKind, OutboundEmail
from tests.factories import UserFactory
from tests.outbox import rendered
from tests.proposals.factories import ProposalFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2027, 1, 11, 12, 0, tzinfo=UTC)
CHINESE = "zh-hans"


def a_proposal(proposer, **fields) -> Proposal:
    return services.submit_proposal(proposal=ProposalFactory.build(**fields), proposer=proposer, now=NOW)


def test_each_state_change_emails_the_proposer_once(member, committee_member):
    proposal = a_proposal(member, title="Graph neural networks")
    services.request_changes(proposal=proposal, by=committee_member, message="Add an exercise.", now=NOW)
    services.edit_proposal(proposal=Proposal.objects.get(pk=proposal.pk), by=member, now=NOW)
    services.accept(proposal=proposal, by=committee_member, now=NOW)
    services.schedule(proposal=proposal, by=committee_member, day=date(2027, 2, 3), at=time(18), room="Lab 1", now=NOW)

    emails = rendered(OutboundEmail.objects.filter(to_email=member.email).order_by("id"))

    assert [email.subject for email in emails] == [
        "We have your proposal: Graph neural networks",
        "Changes requested: Graph neural networks",
        "We have your proposal: Graph neural networks",
        "Accepted: Graph neural networks",
        "Scheduled: Graph neural networks",
    ]
    assert {email.kind for email in emails} == {EmailKind.PROPOSAL}
    assert len({email.key for email in emails}) == 5
    assert "Add an exercise." in emails[1].body_text
    assert "“Graph neural networks” is scheduled for Wednesday 3 February 2027, 18:00 GMT" in emails[4].body_text
    assert "Room: Lab 1" in emails[4].body_text
    assert f"/me/proposals/{proposal.pk}/" in emails[4].body_text


def test_a_decline_email_carries_the_message(member, committee_member):
    proposal = a_proposal(member, title="Prompting")

    services.decline(proposal=proposal, by=committee_member, message="We ran it last month.", now=NOW)

    email = rendered(OutboundEmail.objects.filter(to_email=member.email).order_by("id").last())
    assert email.subject == "Your proposal Prompting was declined"
    assert "We ran it last month." in email.body_text


def test_emails_are_in_the_recipients_language(member, committee_member):
    member.language = CHINESE
    member.save(update_fields=["language"])
    co_host = UserFactory(language=CHINESE)
    proposal = services.submit_proposal(
        proposal=ProposalFactory.build(title="图神经网络"), proposer=member, co_hosts=[co_host], now=NOW
    )
    services.request_changes(proposal=proposal, by=committee_member, message="请加一个练习。", now=NOW)

    to_proposer = rendered(list(OutboundEmail.objects.filter(to_email=member.email).order_by("id")))
    [invitation] = rendered(list(OutboundEmail.objects.filter(to_email=co_host.email)))

    assert [email.subject for email in to_proposer] == ["我们已收到你的提案：图神经网络", "需要修改：图神经网络"]
    assert "委员会已阅读“图神经网络”，希望你做一些修改：" in to_proposer[1].body_text
    assert invitation.subject == f"{member.display_name} 邀请你共同主持 图神经网络"


def test_the_co_hosts_answer_emails_the_proposer(member, other_member):
    proposal = services.submit_proposal(
        proposal=ProposalFactory.build(title="RAG"), proposer=member, co_hosts=[other_member], now=NOW
    )

    services.answer_invitation(co_host=proposal.co_hosts.get(), user=other_member, accept=False, now=NOW)

    email = rendered(OutboundEmail.objects.filter(template="emails/proposal_co_host_answer").get())
    assert (email.to_email, email.subject) == (member.email, "Olu Other declined to co-host RAG")


def test_the_propose_page_and_my_proposals_in_chinese(client, member):
    member.language = CHINESE
    member.save(update_fields=["language"])
    client.force_login(member)
    client.cookies["django_language"] = CHINESE
    ProposalFactory(proposer=member, title="RAG", state="changes_requested")

    propose = client.get(reverse("proposals:propose")).content.decode()
    mine = client.get(reverse("proposals:my_proposals")).content.decode()

    assert '<h1 class="h3">提议一场活动</h1>' in propose
    assert "接下来会怎样" in propose
    assert '<label class="form-label" for="id_abstract">简介</label>' in propose
    assert '<span class="badge text-bg-warning">需要修改</span>' in mine


def test_the_committees_queue_in_chinese(committee_client):
    committee_client.cookies["django_language"] = CHINESE
    ProposalFactory(title="RAG")

    html = committee_client.get(reverse("proposals:queue")).content.decode()

    assert "活动提案" in html
    assert "已提交 (1)" in html

"""What proposals/ holds about a person (see society.privacy): the sessions they proposed,
with the committee's messages to them (never internal notes), their co-host invitations,
and, for the committee, the votes they gave."""

from .models import CoHost, Message, Proposal, Vote


def export(user) -> dict:
    proposals = Proposal.objects.filter(proposer=user).order_by("created_at", "id")
    messages = Message.objects.filter(proposal__proposer=user, internal=False).order_by("created_at", "id")
    by_proposal: dict[int, list[dict]] = {}
    for message in messages:
        by_proposal.setdefault(message.proposal_id, []).append(
            {"at": message.created_at.isoformat(), "state": message.state, "message": message.body}
        )
    invitations = CoHost.objects.filter(user=user).select_related("proposal")
    return {
        "proposals": [
            {
                "title": proposal.title,
                "kind": proposal.kind,
                "state": proposal.state,
                "abstract": proposal.abstract,
                "outcomes": proposal.outcomes,
                "prerequisites": proposal.prerequisites,
                "preferred_weeks": proposal.preferred_weeks,
                "materials_plan": proposal.materials_plan,
                "proposed": proposal.created_at.isoformat(),
                "history": by_proposal.get(proposal.pk, []),
            }
            for proposal in proposals
        ],
        "co_host_invitations": [
            {"proposal": invitation.proposal.title, "answer": invitation.status} for invitation in invitations
        ],
        "proposal_votes_given": list(
            Vote.objects.filter(voter=user).values_list("proposal__title", "score", "note").order_by("id")
        ),
    }


def forget(user) -> None:
    """An anonymised account's proposals that nobody decided on are withdrawn (deleted);
    decided ones stay, as the record of what the committee did, under the anonymised name."""
    Proposal.objects.filter(
        proposer=user, state__in=[Proposal.State.SUBMITTED, Proposal.State.CHANGES_REQUESTED]
    ).delete()
    CoHost.objects.filter(user=user, status=CoHost.Status.INVITED).delete()

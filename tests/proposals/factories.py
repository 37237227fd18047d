"""Proposals as rows (for pages and queries); tests of the rules go through proposals.services."""

import factory
from django.utils import timezone

from proposals.models import CoHost, Proposal
from tests.factories import UserFactory


class ProposalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Proposal

    proposer = factory.SubFactory(UserFactory)
    kind = Proposal.Kind.WORKSHOP
    title = factory.Sequence(lambda n: f"Transformers from scratch {n}")
    abstract = "We build a tiny transformer in PyTorch.\n\nThen we train it on Shakespeare."
    outcomes = "A working attention layer."
    prerequisites = "Python and a laptop with PyTorch installed."
    length_minutes = 90
    state = Proposal.State.SUBMITTED
    state_changed_at = factory.LazyFunction(timezone.now)


class CoHostFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CoHost

    proposal = factory.SubFactory(ProposalFactory)
    user = factory.SubFactory(UserFactory)

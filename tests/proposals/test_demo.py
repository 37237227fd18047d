from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from events.models import EventHost, EventRating, Registration
from proposals.models import CoHost, Message, Proposal, Vote


@pytest.mark.django_db
def test_demo_has_proposals_in_every_state_and_loads_twice_without_duplicates():
    call_command("load_demo", force=True, stdout=StringIO())
    counts = (Proposal.objects.count(), Message.objects.count(), Vote.objects.count(), CoHost.objects.count())

    call_command("load_demo", force=True, stdout=StringIO())

    assert (Proposal.objects.count(), Message.objects.count(), Vote.objects.count(), CoHost.objects.count()) == counts
    assert set(Proposal.objects.values_list("state", flat=True)) == set(Proposal.State.values)
    assert Message.objects.filter(internal=True).exists()
    assert Message.objects.filter(internal=False, state="").exists()  # a comment to the proposer
    assert CoHost.objects.filter(status="invited").exists()
    assert CoHost.objects.filter(status="accepted").exists()


@pytest.mark.django_db
def test_demo_sams_session_was_run_with_hosts_attendance_and_ratings():
    call_command("load_demo", force=True, stdout=StringIO())

    proposal = Proposal.objects.get(title="Transformers from scratch in PyTorch")
    event = proposal.event

    assert (proposal.state, proposal.proposer.email) == ("scheduled", "sam@demo.ac.uk")
    assert event.status == "published"
    assert event.ends_at < timezone.now()
    assert set(EventHost.objects.filter(event=event).values_list("user__email", "role")) == {
        ("sam@demo.ac.uk", "proposer"),
        ("lin@demo.ac.uk", "co_host"),
    }
    assert Registration.objects.attended().filter(event=event).count() == 7
    assert EventRating.objects.filter(registration__event=event).count() == 6

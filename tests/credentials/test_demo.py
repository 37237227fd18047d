"""The demo shows a member with a verifiable record."""

from io import StringIO

import pytest
from django.core.management import call_command

from credentials import services
from credentials.models import IssuedCredential, RecordSnapshot
from credentials.proofs import Status
from events.record import sessions_led
from members.models import User
from workshops.record import series_completed


@pytest.mark.django_db
def test_the_demo_member_has_a_verifiable_record(client):
    call_command("load_demo", force=True, stdout=StringIO())
    call_command("load_demo", force=True, stdout=StringIO())  # again: nothing doubled
    sam = User.objects.get(email="sam@demo.ac.uk")

    # (the proposals demo may make Sam the host of a session of its own too)
    led = {entry.title: entry.detail for entry in sessions_led(sam).entries}
    credentials = IssuedCredential.objects.filter(member=sam)
    snapshot = RecordSnapshot.objects.get(member=sam)

    assert led["Member-led: Evaluating language models in Python"] == "9 attended · rated 4.4 out of 5 by 7"
    assert [entry.title for entry in series_completed(sam).entries] == ["Deep learning bootcamp, summer"]
    assert credentials.filter(kind="series_completed").count() == 1
    assert credentials.filter(kind="session_led").count() == len(led)
    assert {services.check(credential.document).status for credential in credentials} == {Status.GENUINE}
    assert (
        "Member-led: Evaluating language models in Python" in client.get(snapshot.get_absolute_url()).content.decode()
    )

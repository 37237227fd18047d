"""An event published while the broker is down: the publishing stands (a redirect,
not a 500 after the commit), and the webhook announcement is left out, logged."""

import pytest
from django.urls import reverse

from events.models import ConsoleSettings, Event
from tests.factories import EventFactory
from tests.integration.worker import redis_unreachable


@pytest.mark.django_db(transaction=True)
def test_publishing_while_the_broker_is_down_publishes_and_logs_the_missed_announcement(
    postgres, redis_url, committee_client, settings, caplog
):
    ConsoleSettings.objects.create(pk=1, webhook_url="https://hooks.slack.com/services/T0/B0/x")
    event = EventFactory(status=Event.Status.DRAFT)

    with redis_unreachable(settings):
        response = committee_client.post(reverse("events:manage_event_publish", kwargs={"slug": event.slug}))

    assert response.status_code == 302
    event.refresh_from_db()
    assert event.status == Event.Status.PUBLISHED
    assert "Could not reach the broker: this webhook post is left out." in caplog.text

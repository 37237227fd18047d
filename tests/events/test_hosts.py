"""The hosts rule (events.hosts) and making hosts (events.services.add_host)."""

from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from events import hosts, services
from events.models import ActionLog, Event, EventHost
from tests.factories import EventFactory, EventHostFactory, UserFactory

pytestmark = pytest.mark.django_db


@override_settings(HOST_RIGHTS_DAYS=14)
def test_a_host_may_run_their_event_until_fourteen_days_after_it_ends():
    event = EventFactory()
    host = EventHostFactory(event=event).user
    last_moment = event.ends_at + timedelta(days=14)

    assert hosts.is_host(host, event, now=last_moment - timedelta(seconds=1))
    assert not hosts.is_host(host, event, now=last_moment)
    assert hosts.may_run(host, event)


def test_a_host_of_one_event_is_nobody_on_another():
    host = EventHostFactory().user
    other = EventFactory()

    assert not hosts.is_host(host, other)
    assert not hosts.may_run(host, other)
    assert not hosts.is_host(UserFactory(), EventHostFactory().event)


def test_a_closed_account_hosts_nothing():
    host = EventHostFactory()
    host.user.is_active = False

    assert not hosts.is_host(host.user, host.event)


def test_adding_a_host_twice_keeps_one_and_logs_once():
    event, member, chair = EventFactory(), UserFactory(), UserFactory()

    services.add_host(event=event, member=member, by=chair)
    services.add_host(event=event, member=member, by=chair)

    assert EventHost.objects.filter(event=event, user=member).count() == 1
    assert ActionLog.objects.filter(event=event, member=member, action="host added").count() == 1


def test_a_cancelled_event_takes_no_host():
    event = EventFactory(status=Event.Status.CANCELLED)

    with pytest.raises(services.HostError, match="cancelled"):
        services.add_host(event=event, member=UserFactory(), by=UserFactory())
    assert not EventHost.objects.exists()


def test_hosted_by_lists_current_events_and_led_by_the_past_ones():
    member = UserFactory()
    soon = EventHostFactory(user=member, event=EventFactory(title="Soon")).event
    past = EventHostFactory(
        user=member,
        event=EventFactory(
            title="Past",
            starts_at=timezone.now() - timedelta(days=40),
            ends_at=timezone.now() - timedelta(days=40, hours=-2),
        ),
    ).event

    assert list(hosts.hosted_by(member)) == [soon]
    assert list(hosts.led_by(member)) == [past]

"""society.hooks: what apps offer each other, from the apps installed now."""

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from society import hooks
from society.hooks import Link, ShownLink

HOOK = "test_hook"


@pytest.fixture(autouse=True)
def _empty_test_hook():
    yield
    hooks._registry.pop(HOOK, None)


def test_contributions_come_in_installed_apps_order():
    hooks.register("workshops", HOOK, "third", "from workshops")
    hooks.register("members", HOOK, "first", "from members")
    hooks.register("events", HOOK, "second", "from events")

    assert hooks.contributions(HOOK) == {"first": "from members", "second": "from events", "third": "from workshops"}


def test_registering_a_name_again_replaces_it_as_ready_runs_again():
    hooks.register("events", HOOK, "events", "old")
    hooks.register("events", HOOK, "events", "new")

    assert hooks.contributions(HOOK) == {"events": "new"}


def test_two_apps_cannot_claim_one_name():
    hooks.register("events", HOOK, "materials", "events'")

    with pytest.raises(ImproperlyConfigured, match="workshops and events both offer 'materials'"):
        hooks.register("workshops", HOOK, "materials", "workshops'")


def test_an_app_taken_out_of_installed_apps_offers_nothing():
    hooks.register("events", HOOK, "events", "from events")
    hooks.register("workshops", HOOK, "workshops", "from workshops")

    with override_settings(INSTALLED_APPS=[app for app in settings.INSTALLED_APPS if app != "workshops"]):
        assert hooks.contributions(HOOK) == {"events": "from events"}
    assert hooks.contributions(HOOK) == {"events": "from events", "workshops": "from workshops"}


def test_links_are_reversed_in_their_order_and_know_the_page_they_are_on():
    hooks.register("members", HOOK, "about", Link("About", "members:about", order=2))
    hooks.register("events", HOOK, "events", Link("Events", "events:list", order=1, section=True))

    assert hooks.links(HOOK, path="/events/past/") == [
        ShownLink("events", "Events", "/events/", active=True),
        ShownLink("about", "About", "/about/", active=False),
    ]
    assert [link.active for link in hooks.links(HOOK, path="/about/")] == [False, True]


def test_link_url_reverses_the_first_link_with_the_pages_arguments():
    assert hooks.link_url(HOOK, slug="gans") is None

    hooks.register("events", HOOK, "page", Link("The event", "events:detail"))

    assert hooks.link_url(HOOK, slug="gans") == "/events/gans/"

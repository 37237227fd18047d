"""From the emails, without logging in, on a phone: "I'm set up", "I can't come",
and a rating link that opens the form with its score chosen (sent with a comment)."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from events import links
from events.models import EventRating, Registration
from tests.browser.test_members_journey import PHONE, SCREENSHOTS, fits_the_screen
from tests.factories import EventFactory, RegistrationFactory

pytestmark = pytest.mark.urls("tests.browser.urls")


def link(live_server, registration: Registration, purpose: str, **query) -> str:
    return live_server.url + links.registration_link(registration, purpose, **query).split("8000", 1)[-1]


@pytest.mark.django_db(transaction=True)
def test_set_up_and_cant_come_from_the_reminder_on_a_phone(page: Page, live_server, settings):
    settings.SITE_URL = "http://127.0.0.1:8000"
    event = EventFactory(
        title="Workshop 6: Convolutional networks for image classification",
        starts_at=timezone.now() + timedelta(hours=20),
        what_to_bring="A laptop and its charger. Python 3.11 or newer, with Jupyter installed.",
        setup_checklist="- Install Python 3.11 or newer\n- pip install jupyter numpy torch\n- Open the notebook",
    )
    registration = RegistrationFactory(event=event)
    page.set_viewport_size(PHONE)

    page.goto(link(live_server, registration, links.SET_UP))
    assert fits_the_screen(page)
    page.screenshot(path=SCREENSHOTS / "set-up-phone.png", full_page=True)
    page.get_by_role("button", name="I'm set up").click()
    expect(page.get_by_text("Thanks: you're set up.")).to_be_visible()

    page.goto(link(live_server, registration, links.CANT_COME))
    assert fits_the_screen(page)
    page.screenshot(path=SCREENSHOTS / "cant-come-phone.png", full_page=True)
    page.get_by_role("button", name="I can't come: cancel my place").click()
    expect(page.get_by_text("Your place is cancelled.").first).to_be_visible()
    registration.refresh_from_db()
    assert (registration.status, registration.set_up_at is not None) == (Registration.Status.CANCELLED, True)


@pytest.mark.django_db(transaction=True)
def test_a_rating_link_opens_the_form_and_sending_it_records_the_rating_on_a_phone(page: Page, live_server, settings):
    settings.SITE_URL = "http://127.0.0.1:8000"
    event = EventFactory(title="Workshop 3: Gradient descent", starts_at=timezone.now() - timedelta(days=1))
    registration = RegistrationFactory(event=event, checked_in_at=event.starts_at)
    page.set_viewport_size(PHONE)

    page.goto(link(live_server, registration, links.FEEDBACK, score=4))
    expect(page.get_by_text("You chose 4 out of 5.")).to_be_visible()
    expect(page.get_by_label("4 out of 5")).to_be_checked()
    assert EventRating.objects.count() == 0  # opening the link records nothing
    assert fits_the_screen(page)
    page.screenshot(path=SCREENSHOTS / "feedback-phone.png", full_page=True)
    page.get_by_label("Anything to tell us?").fill("More time for the exercises, please.")
    page.get_by_role("button", name="Send my feedback").click()

    expect(page.get_by_text("Thank you for your feedback!")).to_be_visible()
    rating = EventRating.objects.get()
    assert (rating.score, rating.comment) == (4, "More time for the exercises, please.")

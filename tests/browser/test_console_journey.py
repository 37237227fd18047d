"""The committee console in a browser: a weekly series, publishing, a member
registering, check-in at the door on a phone (by search and by the ticket's QR
link), and an announcement that lands in the outbox."""

import tempfile
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from events.models import Event, Registration
from society.models import EmailKind, OutboundEmail
from tests.browser.test_members_journey import DESKTOP, PHONE, SCREENSHOTS, fits_the_screen, log_in_as
from tests.factories import UserFactory, image_upload

pytestmark = pytest.mark.urls("tests.browser.urls")


def test_committee_runs_a_weekly_series_from_the_browser(page: Page, live_server, settings):
    # The first session is tomorrow: this society opens check-in two days ahead.
    settings.CHECK_IN_OPENS_HOURS = 48
    committee = UserFactory(name="Priya Sharma", email="priya@uni.ac.uk", committee=True)
    member = UserFactory(name="Zara Quinn", email="zara@uni.ac.uk")
    first_day = timezone.localdate() + timedelta(days=1)

    # A weekly series of three, skipping the second week.
    log_in_as(page, live_server, committee)
    page.set_viewport_size(DESKTOP)
    page.goto(live_server.url + "/manage/events/series/")
    page.get_by_label("Title", exact=True).fill("Deep learning lab")
    page.get_by_label("Weekday").select_option(str(first_day.weekday()))
    page.get_by_label("Starts at").fill("18:00")
    page.get_by_label("From").fill(first_day.isoformat())
    page.get_by_label("Number of weeks").fill("3")
    page.get_by_label("Skip these dates").fill((first_day + timedelta(weeks=1)).isoformat())
    page.get_by_label("Capacity").fill("40")
    page.get_by_role("button", name="Create the drafts").click()
    expect(page.get_by_text("2 drafts created")).to_be_visible()

    # Publish the first (the series' first draft is shown).
    event = Event.objects.order_by("starts_at").first()
    page.get_by_role("button", name="Publish", exact=True).click()
    expect(page.get_by_text("Published: the event is on the public list.")).to_be_visible()
    page.screenshot(path=SCREENSHOTS / "console-event.png", full_page=True)

    # A member registers from the public page.
    page.context.clear_cookies()
    log_in_as(page, live_server, member)
    page.goto(live_server.url + event.get_absolute_url())
    page.get_by_role("button", name="Register").click()
    expect(page.get_by_text("You are registered.")).to_be_visible()
    registration = Registration.objects.get(event=event, user=member)

    # At the door, on a phone: search, tap, counts update; then undo.
    page.context.clear_cookies()
    log_in_as(page, live_server, committee)
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + f"/manage/events/{event.slug}/door/")
    with page.expect_response(lambda response: "q=zar" in response.url):
        page.get_by_placeholder("Name or email").fill("zar")
    results = page.locator("#door-results")
    expect(results.get_by_text("Zara Quinn")).to_be_visible()
    results.get_by_role("button", name="Check in").click()
    expect(results.get_by_text("1 checked in of 1 expected")).to_be_visible()
    assert fits_the_screen(page)
    page.screenshot(path=SCREENSHOTS / "console-door-phone.png", full_page=True)
    results.get_by_role("button", name="Undo").click()
    expect(results.get_by_text("0 checked in of 1 expected")).to_be_visible()

    # The ticket's QR code opens the check-in link: who it is, and one button.
    page.goto(live_server.url + f"/check-in/{registration.token}/")
    expect(page.get_by_role("heading", name="Zara Quinn")).to_be_visible()
    page.get_by_role("button", name="Check in").click()
    expect(page.get_by_text("Zara Quinn is checked in.")).to_be_visible()
    registration.refresh_from_db()
    assert registration.checked_in_by == committee

    # An announcement: write, preview, send; it is in the outbox.
    page.set_viewport_size(DESKTOP)
    page.goto(live_server.url + f"/manage/events/{event.slug}/announcements/new/")
    page.get_by_label("Subject").fill("Bring a laptop")
    page.get_by_label("Body").fill("We code along tonight.")
    page.get_by_role("button", name="Preview").click()
    expect(page.get_by_text("We code along tonight.")).to_be_visible()
    page.get_by_role("button", name="Send now").click()
    expect(page.get_by_text("Sent to 1 person.")).to_be_visible()
    email = OutboundEmail.objects.get(kind=EmailKind.ANNOUNCEMENT)
    assert email.to_email == "zara@uni.ac.uk"
    assert email.key.startswith("announcement:")


def test_committee_creates_an_event_with_a_banner_a_new_topic_and_a_new_speaker_on_a_phone(
    page: Page, live_server, tmp_path
):
    committee = UserFactory(name="Priya Sharma", email="priya@uni.ac.uk", committee=True)
    banner, photo = tmp_path / "banner.png", tmp_path / "speaker.jpg"
    banner.write_bytes(image_upload(size=(1200, 500)).read())
    photo.write_bytes(image_upload(image_format="JPEG").read())
    starts = timezone.localtime() + timedelta(days=10)

    log_in_as(page, live_server, committee)
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + "/manage/events/new/")
    page.get_by_label("Title", exact=True).fill("Robots that learn")
    page.get_by_label("Starts").fill(starts.strftime("%Y-%m-%dT18:00"))
    page.get_by_label("Ends").fill(starts.strftime("%Y-%m-%dT20:00"))
    page.get_by_label("Banner image").set_input_files(banner)
    page.get_by_label("New topics").fill("Robotics")
    page.get_by_label("New speaker: name").fill("Ada Lovelace")
    page.get_by_label("New speaker: affiliation").fill("Analytical Engines Ltd")
    page.get_by_label("New speaker: photo").set_input_files(photo)
    assert fits_the_screen(page)
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text("Draft saved. Preview it, then publish.")).to_be_visible()

    event = Event.objects.get(title="Robots that learn")
    assert list(event.topics.values_list("name", flat=True)) == ["Robotics"]
    assert [link.speaker.name for link in event.event_speakers.select_related("speaker")] == ["Ada Lovelace"]
    page.goto(live_server.url + f"/manage/events/{event.slug}/edit/")
    expect(page.get_by_alt_text("The current banner of Robots that learn")).to_be_visible()
    assert fits_the_screen(page)
    page.screenshot(path=Path(tempfile.gettempdir()) / "console-form-phone.png", full_page=True)

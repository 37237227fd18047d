"""From idea to employer, in the browser: a member proposes a session, the committee asks
for changes, the member edits, the committee accepts and schedules it and publishes the
event; the member, now its host, uploads slides and checks an attendee in on a phone; the
attendee rates it; the host's record shows the session and its rating; the credential
they download verifies, and a tampered copy does not."""

import json
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from events import services as event_services
from events.models import Event, EventHost, EventRating, Registration
from proposals.models import Proposal
from tests.browser.test_members_journey import DESKTOP, PHONE, fits_the_screen, log_in_as
from tests.factories import RegistrationFactory, UserFactory, pdf_bytes
from workshops.models import Material

pytestmark = pytest.mark.urls("tests.browser.urls")


def as_(page: Page, live_server, user, size) -> None:
    page.context.clear_cookies()
    log_in_as(page, live_server, user)
    page.set_viewport_size(size)


def test_a_member_goes_from_an_idea_to_a_session_led_that_an_employer_can_verify(
    page: Page, live_server, tmp_path: Path
):
    sam = UserFactory(name="Sam Taylor", email="sam@uni.ac.uk")
    ada = UserFactory(name="Ada Lovelace", email="ada@uni.ac.uk")
    chair = UserFactory(name="Priya Sharma", email="priya@uni.ac.uk", committee=True)

    # Sam proposes a workshop.
    as_(page, live_server, sam, DESKTOP)
    page.goto(live_server.url + "/propose/")
    page.get_by_label("Kind of session").select_option("workshop")
    page.get_by_label("Title").fill("Diffusion models by hand")
    page.get_by_label("Abstract").fill("We write a tiny denoiser in NumPy.")
    page.get_by_label("What attendees will build or learn").fill("A working sampler.")
    page.get_by_role("button", name="Send the proposal").click()
    expect(page.get_by_text("Thank you! The committee has your proposal")).to_be_visible()
    proposal = Proposal.objects.get(title="Diffusion models by hand")
    assert (proposal.proposer, proposal.state) == (sam, Proposal.State.SUBMITTED)

    # The committee asks for changes.
    as_(page, live_server, chair, DESKTOP)
    page.goto(live_server.url + "/manage/proposals/")
    page.get_by_role("link", name="Diffusion models by hand").click()
    page.locator("#id_changes-body").fill("Could it run on a laptop without a GPU?")
    page.get_by_role("button", name="Send back to the proposer").click()
    expect(page.get_by_text("Changes requested: the proposer has your message.")).to_be_visible()

    # Sam reads the message and edits the proposal.
    as_(page, live_server, sam, DESKTOP)
    page.goto(live_server.url + "/me/proposals/")
    page.get_by_role("link", name="Diffusion models by hand").click()
    expect(page.get_by_text("Could it run on a laptop without a GPU?")).to_be_visible()
    page.get_by_role("link", name="Change the proposal").click()
    page.get_by_label("Abstract").fill("We write a tiny denoiser in NumPy: it runs on any laptop, no GPU.")
    page.get_by_role("button", name="Save changes").click()
    proposal.refresh_from_db()
    assert proposal.state == Proposal.State.SUBMITTED
    assert "no GPU" in proposal.abstract

    # The committee accepts and schedules it, starting in half an hour, and publishes it.
    starts = timezone.localtime() + timedelta(minutes=30)
    as_(page, live_server, chair, DESKTOP)
    page.goto(live_server.url + f"/manage/proposals/{proposal.pk}/")
    page.locator("#id_schedule-day").fill(starts.strftime("%Y-%m-%d"))
    page.locator("#id_schedule-at").fill(starts.strftime("%H:%M"))
    page.locator("#id_schedule-room").fill("Lab 2.14")
    page.get_by_role("button", name="Accept and schedule").click()
    proposal.refresh_from_db()
    event = proposal.event
    assert proposal.state == Proposal.State.SCHEDULED
    assert (event.status, event.venue) == (Event.Status.DRAFT, "Lab 2.14")
    assert "no GPU" in event.description
    assert EventHost.objects.filter(event=event, user=sam, role=EventHost.Role.PROPOSER).exists()
    expect(page.get_by_text("is a draft event, hosted by its proposer")).to_be_visible()
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_text("published", exact=False).first).to_be_visible()
    event.refresh_from_db()
    assert event.status == Event.Status.PUBLISHED

    # Ada registers (through the rules, as the registration journeys test the page).
    ada_ticket, _ = event_services.register(event=event, user=ada)

    # Sam, on a phone, as the host: uploads the slides and checks Ada in at the door.
    as_(page, live_server, sam, PHONE)
    page.goto(live_server.url + "/me/proposals/")
    page.get_by_role("link", name="Diffusion models by hand").click()
    page.get_by_role("link", name="Prepare and run your session").click()
    expect(page.get_by_role("heading", name="Who registered (first names)")).to_be_visible()
    page.get_by_role("navigation", name="This event").get_by_role("link", name="Materials").click()
    slides = tmp_path / "slides.pdf"
    slides.write_bytes(pdf_bytes("Diffusion slides"))
    page.get_by_label("Kind").select_option("file")
    page.get_by_label("Title").fill("Slides")
    page.get_by_label("Visibility").select_option("attendees")
    page.get_by_label("File", exact=True).set_input_files(str(slides))
    page.get_by_role("button", name="Add").click()
    expect(page.get_by_text("“Slides” added.")).to_be_visible()
    assert Material.objects.filter(event=event, title="Slides").exists()
    page.get_by_role("navigation", name="This event").get_by_role("link", name="Door").click()
    results = page.locator("#door-results")
    results.get_by_role("listitem").filter(has_text="Ada").get_by_role("button", name="Check in").click()
    expect(results.get_by_text("1 checked in of 1 expected")).to_be_visible()
    assert fits_the_screen(page)
    ada_ticket.refresh_from_db()
    assert ada_ticket.checked_in_by == sam

    # The session ends (its times move into the past); four others who came rated it already.
    Event.objects.filter(pk=event.pk).update(
        starts_at=timezone.now() - timedelta(hours=3), ends_at=timezone.now() - timedelta(hours=1)
    )
    for score in (5, 4, 5, 4):
        came = RegistrationFactory(event=event, checked_in_at=timezone.now() - timedelta(hours=2))
        event_services.rate_event(registration=came, score=score)

    # Ada rates it.
    as_(page, live_server, ada, PHONE)
    page.goto(live_server.url + f"/events/{event.slug}/workshop-feedback/")
    page.get_by_label("5", exact=True).check()
    page.get_by_label("What worked").fill("Sampling by hand made it click.")
    page.get_by_role("button", name="Send my feedback").click()
    expect(page.get_by_text("Thank you for your feedback!")).to_be_visible()
    assert EventRating.objects.filter(registration__event=event).count() == 5

    # Sam's record shows the session led, with its attendance and rating.
    as_(page, live_server, sam, PHONE)
    page.goto(live_server.url + "/me/record/")
    led = page.get_by_role("listitem").filter(has_text="Diffusion models by hand")
    expect(led.get_by_text("5 attended · rated 4.6 out of 5 by 5")).to_be_visible()

    # The credential, downloaded, verifies; a copy with another date does not.
    page.get_by_role("link", name="Credentials, PDF and shared copies").click()
    page.get_by_role("listitem").filter(has_text="Diffusion models by hand").get_by_role(
        "button", name="Get the credential"
    ).click()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download credential (.json)").click()
    saved = tmp_path / "credential.json"
    download.value.save_as(saved)
    page.context.clear_cookies()
    page.goto(live_server.url + "/verify/")
    page.get_by_label("…or upload its .json file").set_input_files(str(saved))
    page.get_by_role("button", name="Check it").click()
    expect(page.get_by_role("heading", name="Genuine: issued by this society and unchanged.")).to_be_visible()
    expect(page.get_by_text("Sam Taylor")).to_be_visible()
    tampered = json.loads(saved.read_text())
    tampered["validFrom"] = "2020-01-01T00:00:00Z"
    page.get_by_label("Paste the credential").fill(json.dumps(tampered))
    page.get_by_role("button", name="Check it").click()
    expect(page.get_by_role("heading", name="Not genuine", exact=False)).to_be_visible()
    assert Registration.objects.filter(event=event, checked_in_at__isnull=False).count() == 5

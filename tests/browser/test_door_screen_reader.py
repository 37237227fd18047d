"""The door, as a screen reader presents it: a committee member finds the search box,
the person and the button by their roles and names only (no CSS selector, no test id),
and the live region announces the new count after the check-in."""

from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import Page, expect

from events.models import Registration
from tests.browser.test_members_journey import PHONE, log_in_as
from tests.factories import EventFactory, RegistrationFactory, UserFactory


def test_committee_checks_someone_in_at_the_door_by_roles_and_names(page: Page, live_server):
    committee = UserFactory(name="Priya Sharma", email="priya@uni.ac.uk", committee=True)
    event = EventFactory(title="Transformers from scratch", starts_at=timezone.now() + timedelta(hours=1))
    registration = RegistrationFactory(event=event, user__name="Zara Quinn", user__email="zara@uni.ac.uk")
    RegistrationFactory(event=event, user__name="Ben Other", user__email="ben@uni.ac.uk")
    log_in_as(page, live_server, committee)
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + f"/manage/events/{event.slug}/door/")

    # What the screen reader offers: a heading, a search landmark with a named box, a
    # line saying how many are in, and a live status saying how many the search found.
    expect(page.get_by_role("heading", name="Check-in", level=1)).to_be_visible()
    search = page.get_by_role("search")
    status = page.get_by_role("status")
    expect(status).to_have_text("2 people found")
    assert "0 checked in of 2 expected" in page.get_by_role("main").aria_snapshot()

    with page.expect_response(lambda response: "q=zara" in response.url):
        search.get_by_role("searchbox", name="Name or email").fill("zara")
    found = page.get_by_role("listitem").filter(has_text="Zara Quinn")
    expect(found).to_have_count(1)
    expect(status).to_have_text("1 person found")  # read out: the live region's new text
    expect(page.get_by_role("listitem").filter(has_text="Ben Other")).to_have_count(0)
    found.get_by_role("button", name="Check in").press("Enter")

    # The row now offers to undo it, and the count says one is in.
    expect(
        page.get_by_role("listitem").filter(has_text="Zara Quinn").get_by_role("button", name="Undo")
    ).to_be_visible()
    assert "1 checked in of 2 expected" in page.get_by_role("main").aria_snapshot()
    registration.refresh_from_db()
    assert (registration.status, registration.checked_in_by) == (Registration.Status.CONFIRMED, committee)

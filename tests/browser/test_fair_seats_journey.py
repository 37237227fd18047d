"""Fair seats in the browser. A popular session by lot: the committee turns the lottery on
in the console, members ask on their phones (two as a pair), the committee runs the draw
once, each member sees their place or their number, and the published draw re-runs to the
same order. The no-show policy: a member who did not come reads the strike in the
follow-up, contests it from the email's link on a phone, sees registration open later for
them at a popular session, and registers once the committee waives the strike."""

import json
import re
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from events import lottery_draw, services
from events.models import Event, LotteryRequest, Registration, Strike
from society.models import OutboundEmail
from tests.browser.test_members_journey import DESKTOP, PHONE, fits_the_screen, log_in_as
from tests.factories import EventFactory, RegistrationFactory, UserFactory
from tests.outbox import rendered

pytestmark = pytest.mark.urls("tests.browser.urls")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def as_(page: Page, live_server, user, size) -> None:
    page.context.clear_cookies()
    log_in_as(page, live_server, user)
    page.set_viewport_size(size)


def test_a_popular_session_is_drawn_by_lot_from_the_console_to_the_members_phones(page: Page, live_server):
    chair = UserFactory(name="Priya Sharma", email="priya@uni.ac.uk", committee=True)
    ada = UserFactory(name="Ada Lovelace", email="ada@uni.ac.uk")
    ben = UserFactory(name="Ben Okafor", email="ben@uni.ac.uk")
    cleo = UserFactory(name="Cleo Diaz", email="cleo@uni.ac.uk")
    now = timezone.now()
    event = EventFactory(
        title="Guest workshop: diffusion by hand",
        capacity=2,
        registration_opens_at=now - timedelta(hours=1),
        starts_at=now + timedelta(days=5),
        ends_at=now + timedelta(days=5, hours=2),
    )

    # The committee turns the lottery on for this event in the console.
    as_(page, live_server, chair, DESKTOP)
    page.goto(live_server.url + f"/manage/events/{event.slug}/edit/")
    page.get_by_label("Seats drawn by lot").check()
    closes = timezone.localtime(now + timedelta(days=2))
    page.get_by_label("Requests close").fill(closes.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_role("button", name="Save", exact=True).click()
    event.refresh_from_db()
    assert event.lottery
    assert len(event.lottery_seed_hash) == 64

    # Ada asks alone; Ben asks naming Ada; Ada goes with Ben; Cleo asks. All on phones.
    as_(page, live_server, ada, PHONE)
    page.goto(live_server.url + event.get_absolute_url())
    expect(page.get_by_text(event.lottery_seed_hash)).to_be_visible()
    page.get_by_role("button", name="Ask for a place").click()
    expect(page.get_by_text("You have asked for a place.", exact=True)).to_be_visible()

    as_(page, live_server, ben, PHONE)
    page.goto(live_server.url + event.get_absolute_url())
    page.get_by_label("Only if my friend gets a place too (their email, optional)").fill("ada@uni.ac.uk")
    page.get_by_role("button", name="Ask for a place").click()
    expect(page.get_by_text("You named Ada Lovelace, who has not named you back")).to_be_visible()
    assert fits_the_screen(page)

    as_(page, live_server, ada, PHONE)
    page.goto(live_server.url + event.get_absolute_url())
    expect(page.get_by_text("Ben Okafor asked to go with you.")).to_be_visible()
    assert "ben@uni.ac.uk" not in page.content()
    page.screenshot(path=SCREENSHOTS / "lottery-ask-phone.png", full_page=True)
    page.get_by_role("button", name="Go with Ben Okafor").click()
    expect(page.get_by_text("You and Ben Okafor are drawn as a pair")).to_be_visible()

    as_(page, live_server, cleo, PHONE)
    page.goto(live_server.url + event.get_absolute_url())
    page.get_by_role("button", name="Ask for a place").click()
    expect(page.get_by_text("You have asked for a place.", exact=True)).to_be_visible()
    # One request each (asking twice is refused: tests/events/test_lottery.py).
    assert LotteryRequest.objects.filter(event=event).count() == 3

    # The requests close (the clock moves on); the committee runs the draw, once.
    Event.objects.filter(pk=event.pk).update(lottery_closes_at=timezone.now() - timedelta(minutes=1))
    as_(page, live_server, chair, PHONE)
    page.goto(live_server.url + f"/manage/events/{event.slug}/draw/")
    page.get_by_role("link", name="Run the draw").click()
    expect(page.get_by_text("The draw is made once: it cannot be undone or run again.")).to_be_visible()
    page.get_by_role("button", name="Run the draw").click()
    expect(page.get_by_text("Drawn on")).to_be_visible()
    expect(page.get_by_role("link", name="Run the draw")).to_have_count(0)
    assert fits_the_screen(page)
    page.screenshot(path=SCREENSHOTS / "console-draw-phone.png", full_page=True)
    event.refresh_from_db()
    assert event.drawn_at is not None
    confirmed = set(Registration.objects.confirmed().filter(event=event).values_list("user__email", flat=True))
    waiting = list(Registration.objects.waitlisted().filter(event=event).values_list("user__email", flat=True))
    # Two seats: the pair, or Cleo and one seat left that the pair cannot share.
    assert confirmed in ({"ada@uni.ac.uk", "ben@uni.ac.uk"}, {"cleo@uni.ac.uk"})
    assert len(confirmed) + len(waiting) == 3
    assert ({"ada@uni.ac.uk", "ben@uni.ac.uk"} <= confirmed) != ({"ada@uni.ac.uk", "ben@uni.ac.uk"} <= set(waiting))

    # Each member is told, and sees on the event page where they stand.
    assert OutboundEmail.objects.filter(key__startswith="lottery:").count() == 3
    as_(page, live_server, cleo, PHONE)
    page.goto(live_server.url + event.get_absolute_url())
    if "cleo@uni.ac.uk" in confirmed:
        expect(page.get_by_text("You are registered.")).to_be_visible()
    else:
        expect(page.get_by_text("You are number 1 on the waiting list.")).to_be_visible()

    # Anyone re-runs the published draw and gets the same order.
    page.goto(live_server.url + f"/events/{event.slug}/draw.json")
    published = json.loads(page.locator("body").inner_text())
    assert lottery_draw.seed_hash(published["seed"]) == published["seed_hash"] == event.lottery_seed_hash
    assert [unit.id for unit in lottery_draw.rerun(published).order] == published["result"]["order"]


def test_a_no_show_contests_the_strike_and_registers_once_it_is_waived(page: Page, live_server):
    chair = UserFactory(name="Priya Sharma", email="priya@uni.ac.uk", committee=True)
    sam = UserFactory(name="Sam Taylor", email="sam@uni.ac.uk")
    now = timezone.now()
    past = EventFactory(
        title="GPU programming with CUDA",
        no_show_policy=True,
        starts_at=now - timedelta(days=4),
        ends_at=now - timedelta(days=4) + timedelta(hours=2),
    )
    booked = past.starts_at - timedelta(days=3)
    RegistrationFactory(event=past, user=sam, created_at=booked, confirmed_at=booked)
    services.give_strikes(event=past, now=past.check_in_closes)
    strike = Strike.objects.get(user=sam)

    # The follow-up says so, with a link to contest it; Sam follows it on a phone.
    follow_up = rendered(OutboundEmail.objects.get(key__startswith="follow-up:"))
    assert "no-show strike" in follow_up.body_text
    link = re.search(r"https?://\S+/contest-strike/", follow_up.body_text).group(0)
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + urlsplit(link).path)
    page.get_by_label("Why is this strike wrong?").fill("I was there: my phone died and the door list missed me.")
    page.get_by_role("button", name="Send to the committee").click()
    expect(page.get_by_text("You have contested this strike")).to_be_visible()
    assert fits_the_screen(page)

    # A popular session with the policy opened ten minutes ago: an hour later for Sam.
    popular = EventFactory(
        title="Hands-on: fine-tuning small language models",
        no_show_policy=True,
        capacity=40,
        registration_opens_at=now - timedelta(minutes=10),
        starts_at=now + timedelta(days=7),
        ends_at=now + timedelta(days=7, hours=2),
    )
    as_(page, live_server, sam, PHONE)
    page.goto(live_server.url + popular.get_absolute_url())
    expect(page.get_by_text("You hold 1 no-show strike, so registration for this event opens for you")).to_be_visible()
    expect(page.get_by_role("button", name=re.compile("Registration opens on"))).to_be_disabled()
    page.screenshot(path=SCREENSHOTS / "strike-opening-later-phone.png", full_page=True)
    page.goto(live_server.url + "/me/strikes/")
    expect(page.get_by_text("Contested: waiting for the committee.")).to_be_visible()

    # The committee waives it, with a reason; it is logged and Sam is told.
    as_(page, live_server, chair, PHONE)
    page.goto(live_server.url + "/manage/strikes/")
    page.get_by_role("link", name="Sam Taylor").click()
    expect(page.get_by_text("I was there: my phone died and the door list missed me.")).to_be_visible()
    page.get_by_label("Waive it: it stops counting").check()
    page.get_by_label("Reason").fill("The door list was down that evening.")
    page.screenshot(path=SCREENSHOTS / "console-strike-phone.png", full_page=True)
    page.get_by_role("button", name="Decide").click()
    strike.refresh_from_db()
    assert (strike.decision, strike.decided_by) == (Strike.Decision.WAIVED, chair)
    assert OutboundEmail.objects.filter(key=f"strike-decided:{strike.pk}").exists()

    # Sam registers at once.
    as_(page, live_server, sam, PHONE)
    page.goto(live_server.url + popular.get_absolute_url())
    page.get_by_role("button", name="Register").click()
    expect(page.get_by_text("You are registered.")).to_be_visible()
    assert Registration.objects.confirmed().filter(event=popular, user=sam).exists()

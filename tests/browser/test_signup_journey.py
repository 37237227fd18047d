import re
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

from django.utils import timezone
from playwright.sync_api import Page, expect

from events.models import Event
from members.models import User
from tests.factories import EventFactory

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def test_visitor_signs_up_verifies_email_and_lands_logged_in(page: Page, live_server, mailoutbox):
    EventFactory(title="Neural networks with PyTorch", starts_at=timezone.now() + timedelta(days=2))
    EventFactory(title="From PhD to ML engineer", kind=Event.Kind.TALK, starts_at=timezone.now() + timedelta(days=5))
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(live_server.url)
    expect(page.get_by_role("heading", name="Learn AI together.")).to_be_visible()
    expect(page.get_by_role("link", name="Neural networks with PyTorch")).to_be_visible()
    page.screenshot(path=SCREENSHOTS / "home.png", full_page=True)

    page.get_by_role("link", name="Join the society").click()
    page.get_by_label("Your name").fill("Nia Newcomer")
    page.get_by_label("Email").fill("nia@uni.ac.uk")
    page.get_by_label("Password", exact=True).fill("tensors-and-tea-2026")
    page.get_by_label("Password (again)").fill("tensors-and-tea-2026")
    page.get_by_role("button", name="Sign Up").click()
    expect(page.get_by_role("heading", name="Verify Your Email Address")).to_be_visible()

    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", mailoutbox[0].body).group(0)
    page.goto(live_server.url + urlsplit(link).path)
    page.get_by_role("button", name="Confirm").click()

    expect(page.get_by_role("link", name="My account")).to_be_visible()
    expect(page.get_by_text("You have confirmed nia@uni.ac.uk.")).to_be_visible()
    assert User.objects.get(email="nia@uni.ac.uk").emailaddress_set.get().verified


def test_home_page_fits_a_phone(page: Page, live_server):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server.url)

    page.get_by_role("button", name="Toggle navigation").click()
    expect(page.get_by_role("link", name="Log in")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=SCREENSHOTS / "home-phone.png", full_page=True)

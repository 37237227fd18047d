"""A newcomer who uses only the keyboard (no mouse): signs up, confirms their email,
registers for an event, opens the ticket and cancels the place. Every control they
reach shows where the focus is."""

import re
from datetime import timedelta
from urllib.parse import urlsplit

from django.utils import timezone
from playwright.sync_api import Page, expect

from events.models import Registration
from tests.factories import EventFactory

DESKTOP = {"width": 1280, "height": 800}

# The focused element's accessible name as a screen reader would say it (roughly), and
# whether its focus ring shows (an outline or a box shadow).
FOCUSED = """() => {
  const e = document.activeElement;
  const style = getComputedStyle(e);
  const name = (e.getAttribute("aria-label") || (e.labels && e.labels[0] && e.labels[0].innerText)
                || e.innerText || e.value || "").trim();
  const ring = (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0) || style.boxShadow !== "none";
  return {name, ring, tag: e.tagName.toLowerCase()};
}"""


def tab_to(page: Page, name: str, *, backwards: bool = False, limit: int = 60) -> None:
    """Press Tab (or Shift+Tab) until the control named `name` has the focus, and check
    that its focus ring shows."""
    for _ in range(limit):
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
        focused = page.evaluate(FOCUSED)
        if focused["name"] == name:
            assert focused["ring"], f"{name!r} has the focus but shows no focus ring"
            return
    raise AssertionError(f"no control named {name!r} within {limit} presses of Tab")


def type_into(page: Page, name: str, text: str) -> None:
    tab_to(page, name)
    page.keyboard.type(text)


def test_newcomer_signs_up_registers_and_cancels_with_the_keyboard_only(page: Page, live_server, mailoutbox):
    event = EventFactory(title="Transformers from scratch", starts_at=timezone.now() + timedelta(days=3))
    page.set_viewport_size(DESKTOP)
    page.goto(live_server.url)

    # The skip link comes first, and takes the focus to the page's content.
    page.keyboard.press("Tab")
    assert page.evaluate(FOCUSED) == {"name": "Skip to content", "ring": True, "tag": "a"}
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"

    # Join, from the navigation bar (back up from the content with Shift+Tab).
    tab_to(page, "Join", backwards=True)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Sign Up")).to_be_visible()
    type_into(page, "Your name", "Kai Keyboard")
    type_into(page, "Email", "kai@uni.ac.uk")
    type_into(page, "Password", "tensors-and-tea-2026")
    type_into(page, "Password (again)", "tensors-and-tea-2026")
    tab_to(page, "Sign Up")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Verify Your Email Address")).to_be_visible()

    # The link in the email, opened as typed in the address bar; confirm with the keyboard.
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", mailoutbox[0].body).group(0)
    page.goto(live_server.url + urlsplit(link).path)
    tab_to(page, "Confirm")
    page.keyboard.press("Enter")
    expect(page.get_by_role("link", name="My account")).to_be_visible()

    # Register for the event, from its page.
    page.goto(live_server.url + event.get_absolute_url())
    tab_to(page, "Register")
    page.keyboard.press("Space")
    expect(page.get_by_text("You are registered. Your ticket is below, and on its way by email.")).to_be_visible()

    # Back to the event (its title on the ticket), which now says so; open the ticket from there.
    tab_to(page, "Transformers from scratch")
    page.keyboard.press("Enter")
    expect(page.get_by_text("You are registered.", exact=True)).to_be_visible()
    tab_to(page, "See your ticket")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Transformers from scratch")).to_be_visible()
    registration = Registration.objects.get(event=event, user__email="kai@uni.ac.uk")
    assert urlsplit(page.url).path == registration.get_absolute_url()

    # Cancel the place: the ticket's link, then the confirming button.
    tab_to(page, "Cancel my place")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Cancel your place at Transformers from scratch?")).to_be_visible()
    tab_to(page, "Cancel my place")
    page.keyboard.press("Enter")
    expect(page.get_by_text("Your place at Transformers from scratch is cancelled.")).to_be_visible()
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CANCELLED

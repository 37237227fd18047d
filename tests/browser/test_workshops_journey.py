"""A committee member uploads slides and a notebook to a workshop; a member who
attended opens the rendered notebook and downloads the slides; a visitor is
refused the members-only file."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.browser.test_members_journey import DESKTOP, PHONE, SCREENSHOTS, fits_the_screen, log_in_as
from tests.factories import (
    EventFactory,
    MembershipFactory,
    RegistrationFactory,
    SeriesSessionFactory,
    UserFactory,
    WorkshopSeriesFactory,
    notebook_bytes,
    pdf_bytes,
)
from workshops.models import Material

pytestmark = pytest.mark.urls("tests.browser.urls")


def test_committee_uploads_materials_and_an_attendee_uses_them(page: Page, live_server, tmp_path):
    start = timezone.now() - timedelta(days=1)
    series = WorkshopSeriesFactory(
        name="Intro to Machine Learning, autumn 2026",
        description="Ten weekly hands-on sessions, from Python basics to neural networks.",
        prerequisites="Some Python.",
    )
    event = EventFactory(title="Linear models from scratch", starts_at=start, ends_at=start + timedelta(hours=2))
    SeriesSessionFactory(series=series, event=event, order=0)
    SeriesSessionFactory(series=series, event=EventFactory(title="Neural networks with PyTorch"), order=1)
    committee = UserFactory(name="Cam Committee", committee=True)
    attendee = UserFactory(name="Mo Member")
    MembershipFactory(user=attendee)
    RegistrationFactory(event=event, user=attendee, checked_in_at=start)
    (tmp_path / "week2.pdf").write_bytes(pdf_bytes("Linear models"))
    (tmp_path / "linear.ipynb").write_bytes(notebook_bytes())

    # The committee uploads slides and a notebook from the console.
    page.set_viewport_size(DESKTOP)
    log_in_as(page, live_server, committee)
    page.goto(live_server.url + f"/manage/events/{event.slug}/materials/")
    for kind, title, path in [
        ("slides", "Slides", "week2.pdf"),
        ("notebook", "Notebook: linear regression", "linear.ipynb"),
    ]:
        page.get_by_label("Kind").select_option(kind)
        page.get_by_label("Title", exact=True).fill(title)
        page.get_by_label("Visibility").select_option("members")
        page.get_by_label("File").set_input_files(tmp_path / path)
        page.get_by_role("button", name="Add").click()
        expect(page.get_by_text(f"“{title}” added.")).to_be_visible()
    slides = Material.objects.get(kind="slides")
    assert Material.objects.get(kind="notebook").rendered_at is not None

    # The attendee sees their progress, opens the notebook, and downloads the slides.
    page.context.clear_cookies()
    log_in_as(page, live_server, attendee)
    page.goto(live_server.url + series.get_absolute_url())
    expect(page.get_by_text("You attended 1 of 1 session so far.")).to_be_visible()
    page.screenshot(path=SCREENSHOTS / "workshops-series.png", full_page=True)
    page.get_by_role("link", name="Notebook: linear regression").click()
    frame = page.frame_locator("iframe.notebook-frame")
    expect(frame.get_by_role("heading", name="Linear regression")).to_be_visible()
    expect(frame.get_by_text("w = 2.0")).to_be_visible()
    page.screenshot(path=SCREENSHOTS / "workshops-notebook.png", full_page=True)
    page.goto(live_server.url + series.get_absolute_url())
    with page.expect_download() as download:
        page.get_by_role("link", name="Slides").click()
    assert download.value.suggested_filename == "week2.pdf"
    assert download.value.path().read_bytes()[:5] == b"%PDF-"

    # On a phone: both pages fit the screen.
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + series.get_absolute_url())
    assert fits_the_screen(page)
    page.screenshot(path=SCREENSHOTS / "workshops-series-phone.png", full_page=True)
    page.get_by_role("link", name="Notebook: linear regression").click()
    expect(page.frame_locator("iframe.notebook-frame").get_by_text("w = 2.0")).to_be_visible()
    assert fits_the_screen(page)
    page.screenshot(path=SCREENSHOTS / "workshops-notebook-phone.png", full_page=True)

    # A visitor is refused the members-only file: sent to log in.
    page.context.clear_cookies()
    response = page.request.get(live_server.url + slides.download_url, max_redirects=0)
    assert response.status == 302
    assert "/accounts/login/" in response.headers["location"]

"""The console's figures on a phone, without JavaScript doing anything: pick the whole
year in the form, read it beside the year before, and the chart and tables fit the screen."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from members.terms import current_term
from tests.browser.test_members_journey import PHONE, SCREENSHOTS, fits_the_screen, log_in_as
from tests.factories import EventFactory, RegistrationFactory, UserFactory

pytestmark = pytest.mark.urls("tests.browser.urls")


def test_committee_reads_the_years_figures_on_a_phone(page: Page, live_server):
    committee = UserFactory(name="Priya Sharma", email="priya@uni.ac.uk", committee=True)
    people = [UserFactory() for _ in range(4)]
    for weeks_ago in (1, 2, 53):
        event = EventFactory(starts_at=timezone.now() - timedelta(weeks=weeks_ago))
        for person in people[: 2 + weeks_ago % 3]:
            RegistrationFactory(event=event, user=person, checked_in_at=event.starts_at)
        RegistrationFactory(event=event)  # a no-show
    year = current_term().year

    log_in_as(page, live_server, committee)
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + "/manage/figures/")
    page.get_by_label("Term").select_option(label="Whole year")
    page.get_by_role("button", name="Show").click()

    expect(page.get_by_role("heading", name=f"Figures for {year}/{(year + 1) % 100:02d}")).to_be_visible()
    assert page.url.endswith(f"?year={year}&term=year")
    expect(page.locator("svg.chart rect")).to_have_count(4)
    assert fits_the_screen(page)
    page.screenshot(path=SCREENSHOTS / "console-figures-phone.png", full_page=True)

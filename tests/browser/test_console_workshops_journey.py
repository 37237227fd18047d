"""The committee runs workshop series and study groups from the console, on a phone:
a series is made and its sessions ordered; a study group's meetings are generated
and its member registers from the group's page."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from events.models import Registration
from tests.browser.test_members_journey import PHONE, fits_the_screen, log_in_as
from tests.factories import EventFactory, UserFactory
from workshops import services
from workshops.models import SeriesSession, StudyGroup

pytestmark = pytest.mark.urls("tests.browser.urls")


def test_committee_makes_a_series_and_a_study_group_on_a_phone(page: Page, live_server, tmp_path):
    committee = UserFactory(name="Priya Sharma", email="priya@uni.ac.uk", committee=True)
    member = UserFactory(name="Zara Quinn", email="zara@uni.ac.uk")
    EventFactory(title="Week 1: Python", slug="week-1")
    EventFactory(title="Week 2: NumPy", slug="week-2", starts_at=timezone.now() + timedelta(days=14))
    log_in_as(page, live_server, committee)
    page.set_viewport_size(PHONE)

    # A series, two sessions, the second moved up.
    page.goto(live_server.url + "/manage/workshops/")
    page.get_by_role("link", name="New series").click()
    page.get_by_label("Name").fill("Intro to ML")
    page.get_by_role("button", name="Create the series").click()
    expect(page.get_by_text("“Intro to ML” created.")).to_be_visible()
    for slug in ("week-1", "week-2"):
        page.get_by_label("Event").select_option(slug)
        page.get_by_role("button", name="Add to the series").click()
    page.get_by_role("button", name="Move Week 2: NumPy up").click()
    assert fits_the_screen(page)
    page.screenshot(path=tmp_path / "series.png", full_page=True)
    order = SeriesSession.objects.order_by("order").values_list("event__slug", flat=True)
    assert list(order) == ["week-2", "week-1"]

    # A study group with a pattern; Zara joins; three meetings, one skipped.
    page.goto(live_server.url + "/manage/study-groups/new/")
    page.get_by_label("Name").fill("Paper reading")
    page.get_by_label("Meets on").select_option("3")
    page.get_by_label("At", exact=True).fill("18:00")
    page.get_by_label("Where").fill("Lab 2.14")
    page.get_by_label("Meeting pattern, as members read it").fill("Thursdays 6pm, Lab 2.14")
    # The organiser: an email nobody has is refused; part of a name suggests her.
    page.get_by_label("Organiser").fill("zq@uni.ac.uk")
    page.get_by_role("button", name="Create the group").click()
    expect(page.get_by_text("No active account with that email.")).to_be_visible()
    assert not StudyGroup.objects.exists()
    page.get_by_label("Organiser").fill("")
    page.get_by_label("Organiser").press_sequentially("zara q", delay=30)
    page.get_by_role("button", name="Zara Quinn zara@uni.ac.uk").click()
    page.get_by_role("button", name="Create the group").click()
    expect(page.get_by_text("Paper reading created.")).to_be_visible()
    assert StudyGroup.objects.get().organiser == member
    expect(page.get_by_label("Organiser")).to_have_value("zara@uni.ac.uk")
    services.join_study_group(group=StudyGroup.objects.get(), user=member)
    page.get_by_role("link", name="Generate meetings").click()
    first = timezone.localdate() + timedelta(days=1)
    page.get_by_label("From").fill(first.isoformat())
    page.get_by_label("Number of weeks").fill("3")
    page.get_by_role("button", name="Publish the meetings").click()
    expect(page.get_by_text("3 meetings published")).to_be_visible()
    assert fits_the_screen(page)
    page.screenshot(path=tmp_path / "group.png", full_page=True)

    # Zara registers for the first from the group's page.
    page.context.clear_cookies()
    log_in_as(page, live_server, member)
    page.goto(live_server.url + "/study-groups/paper-reading/")
    page.get_by_role("button", name="Register for").first.click()
    expect(page.get_by_text("Zara Quinn is registered for")).to_be_visible()
    assert Registration.objects.filter(user=member, status="confirmed").count() == 1
    page.screenshot(path=tmp_path / "public.png", full_page=True)
    print("SCREENSHOTS", tmp_path)

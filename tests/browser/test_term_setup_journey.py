"""A committee member without admin access sets up a term from the console, on a
phone: an 8-week workshop series with a banner, a checklist and a speaker with a
photo, published in one step; a study group and its meetings; an announcement to
all members; a failed email retried; the About text; next year's President."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from events.models import Event
from members.models import CommitteeRole
from members.years import academic_year_label, academic_year_term, current_academic_year
from society.emails import queue_email
from society.models import EmailKind, OutboundEmail
from tests.browser.test_members_journey import PHONE, SCREENSHOTS, fits_the_screen, log_in_as
from tests.factories import CommitteeRoleFactory, MembershipFactory, UserFactory, image_upload
from workshops.models import SeriesSession, StudyGroup

pytestmark = pytest.mark.urls("tests.browser.urls")


def picture(tmp_path, name: str, size=(1600, 900)):
    path = tmp_path / name
    path.write_bytes(image_upload(size=size, image_format="JPEG", name=name).read())
    return path


def test_committee_member_without_admin_access_sets_up_a_term_on_a_phone(page: Page, live_server, tmp_path):
    year = current_academic_year()
    committee = UserFactory(name="Priya Sharma", email="priya@uni.ac.uk", committee=True)
    assert not committee.is_staff
    starts_on, ends_on = academic_year_term(year)
    CommitteeRoleFactory(title="President", user=committee, starts_on=starts_on, ends_on=ends_on)
    successor = UserFactory(name="Nia Next", email="nia@uni.ac.uk")
    for person in (committee, successor, UserFactory(name="Zara Quinn", email="zara@uni.ac.uk")):
        MembershipFactory(user=person, academic_year=year)
    # An email the mail server refused for good (as the worker records it).
    queue_email(key="demo:bounced", to="gone@uni.ac.uk", template="emails/retention_warning",
                context={"anonymise_on": timezone.localdate(), "login_url": "/"}, kind=EmailKind.NOTICE)  # fmt: skip
    OutboundEmail.objects.filter(key="demo:bounced").update(state=OutboundEmail.State.FAILED, last_error="550 gone")
    log_in_as(page, live_server, committee)
    page.set_viewport_size(PHONE)

    # A workshop series, then eight weekly drafts with a banner and a checklist that join it.
    page.goto(live_server.url + "/manage/workshops/new/")
    page.get_by_label("Name").fill("Deep learning from scratch")
    page.get_by_role("button", name="Create the series").click()
    expect(page.get_by_text("“Deep learning from scratch” created.")).to_be_visible()
    first_day = timezone.localdate() + timedelta(days=7)
    page.goto(live_server.url + "/manage/events/series/")
    page.get_by_label("Title", exact=True).fill("Deep learning lab")
    page.get_by_label("Weekday").select_option(str(first_day.weekday()))
    page.get_by_label("Starts at").fill("18:00")
    page.get_by_label("From").fill(first_day.isoformat())
    page.get_by_label("Number of weeks").fill("8")
    page.get_by_label("Banner image").set_input_files(picture(tmp_path, "banner.jpg"))
    page.get_by_label("Setup checklist").fill("Install Python 3.12\nClone the workshop repository")
    page.get_by_label("Add the drafts to a workshop series").select_option(label="Deep learning from scratch")
    assert fits_the_screen(page)
    page.get_by_role("button", name="Create the drafts").click()
    expect(page.get_by_text("8 drafts created")).to_be_visible()

    # The first session gets its speaker, with a photo; then all eight are published at once.
    first = Event.objects.order_by("starts_at").first()
    page.goto(live_server.url + f"/manage/events/{first.slug}/edit/")
    page.get_by_label("New speaker: name").fill("Dr Ada Vision")
    page.get_by_label("New speaker: photo").set_input_files(picture(tmp_path, "ada.jpg", size=(400, 400)))
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("Saved.")).to_be_visible()
    page.get_by_role("button", name="Publish all 8 drafts of this series").click()
    expect(page.get_by_text("Published 8 events of the series.")).to_be_visible()
    events = Event.objects.filter(title="Deep learning lab")
    assert [e.status for e in events] == [Event.Status.PUBLISHED] * 8
    assert all(e.banner and e.setup_checklist for e in events)
    assert first.event_speakers.get().speaker.photo
    assert SeriesSession.objects.filter(series__name="Deep learning from scratch").count() == 8
    page.screenshot(path=SCREENSHOTS / "console-term-series-phone.png", full_page=True)

    # A study group and its meetings.
    page.goto(live_server.url + "/manage/study-groups/new/")
    page.get_by_label("Name").fill("Paper reading")
    page.get_by_label("Meets on").select_option("3")
    page.get_by_label("At", exact=True).fill("17:00")
    page.get_by_label("Where").fill("Library seminar room 2")
    page.get_by_label("Meeting pattern, as members read it").fill("Thursdays 5pm, library")
    page.get_by_role("button", name="Create the group").click()
    page.get_by_role("link", name="Generate meetings").click()
    page.get_by_label("From").fill(first_day.isoformat())
    page.get_by_label("Number of weeks").fill("4")
    page.get_by_role("button", name="Publish the meetings").click()
    expect(page.get_by_text("4 meetings published")).to_be_visible()
    assert StudyGroup.objects.get().meetings.count() == 4

    # An announcement to all of this year's members: how many it reaches, a preview, then send.
    page.goto(live_server.url + "/manage/announcements/new/")
    page.get_by_label("To", exact=True).select_option(label=f"All members of {academic_year_label(year)}")
    page.get_by_label("Subject").fill("Welcome to the new term")
    page.get_by_label("Body").fill("Eight weeks of deep learning start next week.")
    page.get_by_role("button", name="Preview").click()
    expect(page.get_by_text("Eight weeks of deep learning start next week.")).to_be_visible()
    assert fits_the_screen(page)
    page.screenshot(path=SCREENSHOTS / "console-announcement-phone.png", full_page=True)
    page.get_by_role("button", name="Send now").click()
    expect(page.get_by_text("Sent to 3 people.")).to_be_visible()

    # The email that failed goes back to the outbox.
    page.goto(live_server.url + "/manage/emails/")
    expect(page.get_by_text("550 gone")).to_be_visible()
    assert fits_the_screen(page)
    page.screenshot(path=SCREENSHOTS / "console-emails-phone.png", full_page=True)
    page.get_by_role("button", name="Retry").click()
    assert OutboundEmail.objects.get(key="demo:bounced").state in (
        OutboundEmail.State.PENDING,
        OutboundEmail.State.SENT,
    )

    # The About page's text.
    page.goto(live_server.url + "/manage/site-texts/about/")
    page.get_by_label("Text (Markdown)").fill("We learn **machine learning** together, every week.")
    page.get_by_role("button", name="Save").click()
    page.goto(live_server.url + "/about/")
    expect(page.locator("strong", has_text="machine learning")).to_be_visible()

    # Next year's President.
    page.goto(live_server.url + "/manage/committee/hand-over/")
    page.get_by_label(f"President in {academic_year_label(year + 1)}").fill(
        "nia@uni.ac.uk"
    )  # the whole email works too
    assert fits_the_screen(page)
    page.get_by_role("button", name="Hand over").click()
    expect(page.get_by_text("1 role for")).to_be_visible()
    role = CommitteeRole.objects.get(user=successor)
    assert (role.title, role.starts_on) == ("President", academic_year_term(year + 1)[0])

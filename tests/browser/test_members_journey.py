import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.test import Client
from playwright.sync_api import Page, expect

from events.models import Registration
from events.services import check_in
from members import services
from members.avatars import render_avatar
from members.models import Profile
from tests.factories import (
    CommitteeRoleFactory,
    EventFactory,
    MembershipFactory,
    ProfileFactory,
    TopicFactory,
    UserFactory,
    image_upload,
)
from tests.logins import log_in

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}

pytestmark = pytest.mark.urls("tests.browser.urls")


def log_in_as(page: Page, live_server, user) -> None:
    """Give the browser a logged-in session for `user` (the log-in form has its own tests)."""
    client = Client()
    log_in(client, user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


def fits_the_screen(page: Page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_new_member_verifies_completes_the_welcome_step_with_a_photo_and_sees_their_profile(
    page: Page, live_server, mailoutbox, tmp_path
):
    TopicFactory(name="Computer vision", slug="computer-vision")
    TopicFactory(name="Natural language processing", slug="nlp")
    photo = tmp_path / "me.jpg"
    photo.write_bytes(image_upload(size=(640, 480), image_format="JPEG", name="me.jpg").read())
    page.set_viewport_size(DESKTOP)
    page.goto(live_server.url + "/accounts/signup/")
    page.get_by_label("Your name").fill("Nia Newcomer")
    page.get_by_label("Email").fill("nia@uni.ac.uk")
    page.get_by_label("Password", exact=True).fill("tensors-and-tea-2026")
    page.get_by_label("Password (again)").fill("tensors-and-tea-2026")
    page.get_by_role("button", name="Sign Up").click()
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", mailoutbox[0].body).group(0)
    page.goto(live_server.url + urlsplit(link).path)
    page.get_by_role("button", name="Confirm").click()

    expect(page.get_by_role("heading", name="Welcome to AI Society!")).to_be_visible()
    page.get_by_label("Course").fill("Mathematics BSc")
    page.get_by_label("Year of study").select_option(label="First year")
    page.get_by_label("Computer vision").check()
    page.get_by_label("Photo").set_input_files(photo)
    page.screenshot(path=SCREENSHOTS / "welcome.png", full_page=True)
    page.get_by_role("button", name="Save and continue").click()

    expect(page.get_by_text("Thanks! Your profile is ready.")).to_be_visible()
    expect(page.get_by_role("heading", name="Hello, Nia Newcomer")).to_be_visible()
    expect(page.get_by_text("Mathematics BSc · First year")).to_be_visible()
    avatar = page.get_by_role("img", name="Your photo")
    expect(avatar).to_be_visible()
    # Visible is not loaded: wait for the image itself before measuring it.
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=avatar.element_handle())
    assert page.evaluate("img => img.naturalWidth", avatar.element_handle()) == 256
    profile = Profile.objects.get(user__email="nia@uni.ac.uk")
    assert [t.name for t in profile.interests.all()] == ["Computer vision"]
    page.screenshot(path=SCREENSHOTS / "my-account.png", full_page=True)

    page.set_viewport_size(PHONE)
    page.reload()
    assert fits_the_screen(page)
    page.screenshot(path=SCREENSHOTS / "my-account-phone.png", full_page=True)

    # Then they register for a workshop, are checked in at the door, and share their record.
    event = EventFactory(title="Convolutional networks for images")
    event.topics.set([TopicFactory(name="Computer vision", slug="computer-vision")])
    page.set_viewport_size(DESKTOP)
    page.goto(live_server.url + event.get_absolute_url())
    page.get_by_role("button", name="Register").click()
    expect(page.get_by_text("You are registered")).to_be_visible()
    registration = Registration.objects.get(event=event, user__email="nia@uni.ac.uk")
    check_in(registration=registration, by=UserFactory(committee=True), now=event.starts_at)

    page.goto(live_server.url + "/me/record/")
    page.get_by_role("button", name="Make it public").click()
    page.locator('a[href^="/record/"]').click()

    expect(page.get_by_role("heading", name="Nia Newcomer")).to_be_visible()
    expect(page.get_by_text("Convolutional networks for images")).to_be_visible()
    expect(page.get_by_text("Verified by AI Society.")).to_be_visible()
    page.screenshot(path=SCREENSHOTS / "record.png", full_page=True)
    page.set_viewport_size(PHONE)
    assert fits_the_screen(page)
    page.screenshot(path=SCREENSHOTS / "record-phone.png", full_page=True)


@pytest.fixture
def society(db):
    """A committee of four with photos, and a page of members."""
    committee = []
    for order, (name, title) in enumerate(
        [
            ("Priya Sharma", "President"),
            ("Tom Okafor", "Treasurer"),
            ("Mei Chen", "Events Lead"),
            ("Jonas Weber", "Workshops Lead"),
        ]
    ):
        role = CommitteeRoleFactory(title=title, order=order, user__name=name)
        profile = ProfileFactory(user=role.user, course="Computer Science BSc")
        services.set_avatar(profile=profile, renditions=render_avatar(image_upload(size=(300 + order, 200))))
        committee.append(role.user)
    vision = TopicFactory(name="Computer vision", slug="computer-vision")
    for n in range(12):
        profile = ProfileFactory(
            user__name=f"Student {n:02d}", course=["Physics MSci", "Mathematics BSc"][n % 2], year_of_study=n % 4 + 1
        )
        profile.interests.set([vision])
        if n % 3:
            MembershipFactory(user=profile.user)
    return committee


@pytest.mark.parametrize(("viewport", "suffix"), [(DESKTOP, ""), (PHONE, "-phone")])
def test_about_page_shows_the_committee_and_fits_the_screen(page: Page, live_server, society, viewport, suffix):
    page.set_viewport_size(viewport)

    page.goto(live_server.url + "/about/")

    expect(page.get_by_text("Workshops Lead")).to_be_visible()
    assert page.locator(".committee-card img").count() == 4
    assert fits_the_screen(page)
    page.screenshot(path=SCREENSHOTS / f"about{suffix}.png", full_page=True)


@pytest.mark.parametrize(("viewport", "suffix"), [(DESKTOP, ""), (PHONE, "-phone")])
def test_member_directory_filters_and_fits_the_screen(page: Page, live_server, society, viewport, suffix):
    log_in_as(page, live_server, society[0])
    page.set_viewport_size(viewport)
    page.goto(live_server.url + "/manage/members/")

    page.get_by_label("Course").fill("physics")
    page.get_by_role("button", name="Filter").click()

    expect(page.get_by_text("6 people")).to_be_visible()
    assert fits_the_screen(page)
    page.screenshot(path=SCREENSHOTS / f"directory{suffix}.png", full_page=True)


def test_profile_edit_page_fits_a_phone(page: Page, live_server):
    member = UserFactory(name="Sam Taylor")
    ProfileFactory(user=member, course="Economics BSc")
    TopicFactory.create_batch(6)
    log_in_as(page, live_server, member)
    page.set_viewport_size(PHONE)

    page.goto(live_server.url + "/me/profile/")

    expect(page.get_by_role("heading", name="Your profile")).to_be_visible()
    assert fits_the_screen(page)
    page.screenshot(path=SCREENSHOTS / "profile-edit-phone.png", full_page=True)


def test_committee_previews_and_confirms_the_union_list_on_a_phone(page: Page, live_server, society, tmp_path):
    listed = ProfileFactory(user__name="Paid Student", user__email="paid@uni.ac.uk", student_number="S42").user
    # A number typed on a profile is only a claim: the list's row with it alone is left to the committee.
    claimant = ProfileFactory(user__name="Cai Claimant", user__email="cai@gmail.com", student_number="S77").user
    union_csv = tmp_path / "union.csv"
    union_csv.write_text("Student Number,Email\nS42,paid@uni.ac.uk\nS77,\n,stranger@uni.ac.uk\n", encoding="utf-8")
    log_in_as(page, live_server, society[0])
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + "/manage/members/union-list/")

    page.get_by_label("Students' union membership export (CSV)").set_input_files(union_csv)
    page.get_by_role("button", name="Preview").click()

    expect(page.get_by_role("heading", name="What union.csv will change")).to_be_visible()
    expect(page.get_by_text("stranger@uni.ac.uk")).to_be_visible()
    expect(page.get_by_text("The union lists student number S77 with no email")).to_be_visible()
    assert fits_the_screen(page)
    page.screenshot(path=SCREENSHOTS / "union-preview-phone.png", full_page=True)
    page.get_by_role("button", name="Add 1 member").click()
    expect(page.get_by_role("heading", name="union.csv imported")).to_be_visible()
    expect(page.get_by_text("1 student number confirmed.")).to_be_visible()
    assert services.is_member(listed)
    assert not services.is_member(claimant)
    assert Profile.objects.get(user=listed).student_number_verified

    # The committee checks with the union, then adds the claimant by hand.
    page.get_by_role("link", name="Add as a member").click()
    page.get_by_role("button", name=re.compile("Renew for")).click()
    expect(page.get_by_text(re.compile("Cai Claimant is a member for"))).to_be_visible()
    assert services.is_member(claimant)

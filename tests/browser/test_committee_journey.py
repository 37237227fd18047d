"""The committee gives roles and hands itself over to next year on a phone, choosing each
person by typing part of their name (suggestions from the server, not a list of every
account), with the form's default term."""

import pytest
from playwright.sync_api import Page, expect

from members.models import CommitteeRole
from members.years import academic_year_label, academic_year_term, current_academic_year
from society.models import OutboundEmail
from tests.browser.test_members_journey import PHONE, SCREENSHOTS, fits_the_screen, log_in_as
from tests.factories import CommitteeRoleFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.urls("tests.browser.urls")


def choose_person(page: Page, label: str, typed: str, suggestion: str) -> None:
    """Type `typed` in the person field `label` and tap the suggestion that reads `suggestion`."""
    page.get_by_label(label).press_sequentially(typed, delay=30)
    page.get_by_role("button", name=suggestion).click()


def test_committee_hands_over_to_next_year_on_a_phone(page: Page, live_server):
    year = current_academic_year()
    starts_on, ends_on = academic_year_term(year)
    committee = UserFactory(name="Priya Sharma", committee=True)
    CommitteeRoleFactory(title="President", user=committee, starts_on=starts_on, ends_on=ends_on)
    successor = UserFactory(name="Nia Next", email="nia@uni.ac.uk")
    MembershipFactory(user=successor, academic_year=year)

    log_in_as(page, live_server, committee)
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + "/manage/committee/hand-over/")
    choose_person(page, f"President in {academic_year_label(year + 1)}", "nia n", "Nia Next nia@uni.ac.uk")
    expect(page.get_by_label(f"President in {academic_year_label(year + 1)}")).to_have_value("nia@uni.ac.uk")
    assert fits_the_screen(page)
    page.get_by_role("button", name="Hand over").click()

    expect(page.get_by_text("1 role for")).to_be_visible()
    new_role = CommitteeRole.objects.get(user=successor)
    assert (new_role.title, new_role.starts_on, new_role.ends_on) == ("President", *academic_year_term(year + 1))
    assert list(OutboundEmail.objects.values_list("to_email", flat=True)) == ["nia@uni.ac.uk"]


def test_committee_gives_a_role_by_typing_part_of_a_name_and_bad_input_changes_nothing(page: Page, live_server):
    year = current_academic_year()
    committee = UserFactory(name="Priya Sharma", committee=True)
    for name, email in [("Ada Lovelace", "ada@uni.ac.uk"), ("Adam Smith", "adam@uni.ac.uk")]:
        MembershipFactory(user=UserFactory(name=name, email=email), academic_year=year)
    UserFactory(name="Nora Nonmember", email="nora@uni.ac.uk")

    log_in_as(page, live_server, committee)
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + "/manage/committee/new/")
    member = page.get_by_label("Member")
    page.get_by_label("Title").fill("Treasurer")

    # An email nobody has, then someone who is not a member: each a clear error, nothing saved.
    member.fill("nobody@uni.ac.uk")
    page.get_by_role("button", name="Give the role").click()
    expect(page.get_by_text("No active account with that email.")).to_be_visible()
    page.get_by_label("Member").fill("nora@uni.ac.uk")
    page.get_by_role("button", name="Give the role").click()
    expect(page.get_by_text("Nora Nonmember (nora@uni.ac.uk) is not a member this year")).to_be_visible()
    assert (CommitteeRole.objects.count(), OutboundEmail.objects.count()) == (0, 0)
    # Members only are suggested (not Nora), by part of the name.
    page.get_by_label("Member").fill("")
    page.get_by_label("Member").press_sequentially("lovel", delay=30)
    expect(page.get_by_role("button", name="Ada Lovelace ada@uni.ac.uk")).to_be_visible()
    page.get_by_label("Member").fill("")
    page.get_by_label("Member").press_sequentially("no", delay=30)
    expect(page.locator(".person-suggestions")).to_be_hidden()

    page.get_by_label("Member").fill("")
    page.get_by_label("Member").press_sequentially("ada", delay=30)
    expect(page.get_by_role("button", name="Adam Smith adam@uni.ac.uk")).to_be_visible()
    assert fits_the_screen(page)
    page.screenshot(path=SCREENSHOTS / "console-give-role-phone.png", full_page=True)
    page.get_by_role("button", name="Ada Lovelace ada@uni.ac.uk").click()
    expect(page.get_by_label("Member")).to_have_value("ada@uni.ac.uk")
    page.get_by_role("button", name="Give the role").click()

    expect(page.get_by_text("Ada Lovelace is Treasurer")).to_be_visible()
    role = CommitteeRole.objects.get()
    assert (role.user.email, role.title, role.starts_on) == ("ada@uni.ac.uk", "Treasurer", academic_year_term(year)[0])

"""The committee hands itself over to next year on a phone, with the form's default term."""

import pytest
from playwright.sync_api import Page, expect

from members.models import CommitteeRole
from members.years import academic_year_label, academic_year_term, current_academic_year
from society.models import OutboundEmail
from tests.browser.test_members_journey import PHONE, fits_the_screen, log_in_as
from tests.factories import CommitteeRoleFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.urls("tests.browser.urls")


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
    page.get_by_label(f"President in {academic_year_label(year + 1)}").select_option(label="Nia Next (nia@uni.ac.uk)")
    assert fits_the_screen(page)
    page.get_by_role("button", name="Hand over").click()

    expect(page.get_by_text("1 role for")).to_be_visible()
    new_role = CommitteeRole.objects.get(user=successor)
    assert (new_role.title, new_role.starts_on, new_role.ends_on) == ("President", *academic_year_term(year + 1))
    assert list(OutboundEmail.objects.values_list("to_email", flat=True)) == ["nia@uni.ac.uk"]

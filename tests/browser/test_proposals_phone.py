"""Proposals on a phone: a member proposes a session with a co-host, the committee asks
for changes from its queue, the member sees the message. (The whole journey, to the
record, is in the issue's journey test.)"""

import pytest
from playwright.sync_api import Page, expect

from proposals.models import Proposal
from tests.browser.test_members_journey import PHONE, fits_the_screen, log_in_as
from tests.factories import UserFactory

pytestmark = pytest.mark.urls("tests.browser.urls")


def test_member_proposes_and_committee_asks_for_changes_on_a_phone(page: Page, live_server, tmp_path):
    member = UserFactory(name="Sam Taylor", email="sam@uni.ac.uk")
    UserFactory(name="Lin Wei", email="lin@uni.ac.uk")
    committee = UserFactory(name="Priya Sharma", email="priya@uni.ac.uk", committee=True)
    page.set_viewport_size(PHONE)
    log_in_as(page, live_server, member)

    page.goto(live_server.url + "/propose/")
    page.get_by_label("Kind of session").select_option("workshop")
    page.get_by_label("Title").fill("Transformers from scratch")
    page.get_by_label("Abstract").fill("We build a tiny GPT in PyTorch.")
    page.get_by_label("What attendees will build or learn").fill("A working attention layer.")
    page.get_by_label("Co-hosts").fill("nobody@uni.ac.uk")
    page.get_by_role("button", name="Send the proposal").click()
    expect(page.get_by_text("Nobody has an account with the email nobody@uni.ac.uk")).to_be_visible()
    assert not Proposal.objects.exists()
    assert fits_the_screen(page)
    page.get_by_label("Co-hosts").fill("lin@uni.ac.uk")
    page.get_by_role("button", name="Send the proposal").click()
    expect(page.get_by_text("Thank you! The committee has your proposal")).to_be_visible()
    page.screenshot(path=tmp_path / "proposal.png", full_page=True)

    page.context.clear_cookies()
    log_in_as(page, live_server, committee)
    page.goto(live_server.url + "/manage/proposals/")
    page.get_by_role("link", name="Transformers from scratch").click()
    page.locator("#id_changes-body").fill("Could the notebook run on Colab too?")
    page.get_by_role("button", name="Send back to the proposer").click()
    expect(page.get_by_text("Changes requested: the proposer has your message.")).to_be_visible()
    assert fits_the_screen(page)
    page.screenshot(path=tmp_path / "review.png", full_page=True)

    page.context.clear_cookies()
    log_in_as(page, live_server, member)
    page.goto(live_server.url + "/me/proposals/")
    page.get_by_role("link", name="Transformers from scratch").click()
    expect(page.get_by_text("Could the notebook run on Colab too?")).to_be_visible()
    assert fits_the_screen(page)
    page.screenshot(path=tmp_path / "mine.png", full_page=True)

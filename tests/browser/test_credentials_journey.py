"""A member who led a session shows it to an employer: gets the credential, downloads it,
shares a snapshot of their record; the employer checks the file, and a changed copy fails."""

import json
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from members import services as member_services
from tests.browser.test_members_journey import PHONE, SCREENSHOTS, fits_the_screen, log_in_as
from tests.credentials.conftest import led_session, series_attended

pytestmark = pytest.mark.urls("tests.browser.urls")


@pytest.fixture
def host(member):
    member.name = "Ada Lovelace"
    member.save()
    return member


def test_a_member_shows_their_record_and_an_employer_checks_the_credential(
    page: Page, live_server, host, tmp_path: Path
):
    led_session(host, title="Transformers from scratch")
    series_attended(host, name="Intro to Machine Learning")
    member_services.share_record(user=host, public=True)
    log_in_as(page, live_server, host)
    page.set_viewport_size(PHONE)

    page.goto(live_server.url + "/me/record/")
    expect(page.get_by_text("6 attended · rated 4.6 out of 5 by 5")).to_be_visible()
    page.get_by_role("link", name="Credentials, PDF and shared copies").click()
    page.get_by_role("listitem").filter(has_text="Transformers from scratch").get_by_role(
        "button", name="Get the credential"
    ).click()
    expect(page.get_by_text("Your credential for “Led “Transformers from scratch”” is ready.")).to_be_visible()
    page.get_by_role("button", name="Only get an address to share").click()
    expect(page.get_by_text("Your record is saved as it is today")).to_be_visible()
    assert fits_the_screen(page)
    page.screenshot(path=str(SCREENSHOTS / "credentials-phone.png"), full_page=True)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download credential (.json)").click()
    saved = tmp_path / "credential.json"
    download.value.save_as(saved)
    linkedin = page.get_by_role("link", name="Add to LinkedIn").get_attribute("href")
    assert linkedin.startswith("https://www.linkedin.com/profile/add?startTask=CERTIFICATION_NAME&name=")

    # The member hides their live record; the snapshot on their CV still shows it.
    page.goto(live_server.url + "/me/record/")
    page.get_by_role("button", name="Make it private").click()
    page.goto(live_server.url + "/me/record/credentials/")
    page.get_by_role("link", name="/records/").click()
    expect(page.get_by_role("heading", name="Ada Lovelace")).to_be_visible()
    expect(page.get_by_text("Transformers from scratch")).to_be_visible()
    assert fits_the_screen(page)
    page.screenshot(path=str(SCREENSHOTS / "record-snapshot-phone.png"), full_page=True)

    # The employer, logged out, checks the file, then a copy with another name.
    page.context.clear_cookies()
    page.goto(live_server.url + "/verify/")
    page.get_by_label("…or upload its .json file").set_input_files(str(saved))
    page.get_by_role("button", name="Check it").click()
    expect(page.get_by_role("heading", name="Genuine: issued by this society and unchanged.")).to_be_visible()
    expect(page.get_by_text("Ada Lovelace")).to_be_visible()
    assert fits_the_screen(page)
    page.screenshot(path=str(SCREENSHOTS / "verify-phone.png"), full_page=True)

    tampered = json.loads(saved.read_text())
    tampered["credentialSubject"]["identifier"][0]["identityHash"] = "Mallory Impostor"
    page.get_by_label("Paste the credential").fill(json.dumps(tampered))
    page.get_by_role("button", name="Check it").click()
    expect(page.get_by_role("heading", name="Not genuine", exact=False)).to_be_visible()

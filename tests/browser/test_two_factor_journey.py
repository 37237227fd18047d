"""Two-factor login in a browser: a committee member sent from the console to set up an
authenticator app, who comes back to it; and a passkey, made and used with Chromium's
virtual authenticator (WebAuthn over the DevTools protocol)."""

import re
import time

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from playwright.sync_api import Page, expect

from tests.browser.test_members_journey import PHONE, SCREENSHOTS, fits_the_screen
from tests.factories import TEST_PASSWORD, UserFactory
from tests.logins import current_code, give_authenticator
from tests.logins import log_in_with_password as log_in_elsewhere


def log_in_with_password(page: Page, live_server, user, path: str = "/accounts/login/") -> None:
    page.goto(live_server.url + path)
    page.locator("#id_login").fill(user.email)
    page.locator("#id_password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign In", exact=True).click()


def test_committee_member_sets_up_an_authenticator_app_and_returns_to_the_console(page: Page, live_server):
    committee = UserFactory(name="Priya Sharma", email="priya@uni.ac.uk", committee=True)
    page.set_viewport_size(PHONE)

    log_in_with_password(page, live_server, committee, "/accounts/login/?next=/manage/")

    expect(page.get_by_text("The committee pages need two-factor login.")).to_be_visible()
    expect(page.get_by_role("link", name="New event")).to_have_count(0)
    page.get_by_role("link", name="Activate").click()
    page.locator("#id_password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("heading", name="Activate Authenticator App")).to_be_visible()
    expect(page.get_by_role("img", name=re.compile(r"^[A-Z2-7]{32}$"))).to_be_visible()  # the QR code
    assert fits_the_screen(page)
    page.screenshot(path=SCREENSHOTS / "two-factor-setup-phone.png", full_page=True)
    secret = page.locator("#authenticator_secret").input_value()
    page.locator("#id_code").fill(format_hotp_value(hotp_value(secret, int(time.time()) // 30)))
    page.get_by_role("button", name="Activate").click()

    expect(page.get_by_role("heading", name="Recovery Codes")).to_be_visible()
    codes = page.locator("#recovery_codes").input_value().split()
    assert len(codes) == 10
    assert all(re.fullmatch(r"\d{8}", code) for code in codes)
    page.get_by_role("link", name="Continue to the page you asked for").click()
    expect(page.get_by_role("link", name="New event")).to_be_visible()
    assert Authenticator.objects.filter(user=committee, type=Authenticator.Type.TOTP).exists()


def test_committee_member_logs_in_with_a_code_after_the_password(page: Page, live_server):
    committee = UserFactory(name="Tom Okafor", email="tom@uni.ac.uk", committee=True)
    give_authenticator(committee)

    log_in_with_password(page, live_server, committee, "/accounts/login/?next=/manage/")
    expect(page.get_by_role("heading", name="Two-Factor Authentication")).to_be_visible()
    page.locator("#id_code").fill(current_code(committee))
    page.get_by_role("button", name="Sign In").click()

    expect(page.get_by_role("link", name="New event")).to_be_visible()


def test_member_adds_a_passkey_and_logs_in_with_it_alone(page: Page, live_server):
    committee = UserFactory(name="Mei Chen", email="mei@uni.ac.uk", committee=True)
    devtools = page.context.new_cdp_session(page)
    devtools.send("WebAuthn.enable")
    authenticator = devtools.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    log_in_with_password(page, live_server, committee)
    page.goto(live_server.url + "/accounts/2fa/webauthn/add/")
    page.locator("#id_password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("heading", name="Add Security Key")).to_be_visible()
    page.locator("#id_name").fill("Laptop")
    page.get_by_label("Passwordless").check()
    page.get_by_role("button", name="Add").click()
    expect(page.get_by_role("heading", name="Recovery Codes")).to_be_visible()
    passkey = Authenticator.objects.get(user=committee, type=Authenticator.Type.WEBAUTHN)
    assert passkey.wrap().is_passwordless is True
    # Made in this session (the first factor of the account): the console opens at once.
    page.goto(live_server.url + "/manage/")
    expect(page.get_by_role("link", name="New event")).to_be_visible()

    page.context.clear_cookies()
    page.goto(live_server.url + "/accounts/login/?next=/manage/")
    page.get_by_role("button", name="Sign in with a passkey").click()

    expect(page.get_by_role("link", name="New event")).to_be_visible()
    stored = devtools.send("WebAuthn.getCredentials", {"authenticatorId": authenticator["authenticatorId"]})
    assert [credential["isResidentCredential"] for credential in stored["credentials"]] == [True]


def test_member_sees_where_they_are_logged_in_and_logs_out_everywhere_else(page: Page, live_server, client):
    member = UserFactory(name="Ada Obi", email="ada@uni.ac.uk")
    log_in_elsewhere(client, member)  # another device, earlier
    page.set_viewport_size(PHONE)
    log_in_with_password(page, live_server, member, "/accounts/login/?next=/me/sessions/")

    rows = page.locator("[data-session]")
    expect(rows).to_have_count(2)
    expect(rows.filter(has_text="this device")).to_have_count(1)
    assert fits_the_screen(page)
    page.screenshot(path=SCREENSHOTS / "sessions-phone.png", full_page=True)
    page.get_by_role("link", name="Log out everywhere else").click()
    page.get_by_role("button", name=re.compile("Log out everywhere else")).click()

    expect(page.locator("[data-session]")).to_have_count(1)
    expect(page.get_by_text("You are logged in here only.")).to_be_visible()
    assert client.get("/me/").status_code == 302  # the other device is logged out

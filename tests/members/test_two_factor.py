"""Two-factor login (allauth.mfa): enrolling, logging in with a code or a recovery code,
and the committee console, the door's check-in link and the admin refusing a session
that did not use a second factor (members.two_factor)."""

import re
import time
from io import StringIO
from urllib.parse import parse_qs, urlsplit

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.signals import authenticator_added
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.contrib.sessions.middleware import SessionMiddleware
from django.core.management import CommandError, call_command
from django.urls import reverse

from members.demo import DEMO_PASSWORD
from members.models import User
from members.two_factor import VERIFY, second_factor_problem
from tests.factories import TEST_PASSWORD, RegistrationFactory, UserFactory
from tests.logins import (
    current_code,
    give_authenticator,
    log_in_with_password,
    log_in_with_second_factor,
    unused_recovery_code,
)
from tests.test_url_audience import AUDIENCE, COMMITTEE

pytestmark = pytest.mark.django_db

MANAGE = "/manage/"
ACTIVATE = reverse("mfa_activate_totp")
NEW_EVENT_LINK = f'href="{reverse("events:manage_event_create")}"'


def code_for(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def where(response) -> tuple[str, dict]:
    assert response.status_code == 302
    location = urlsplit(response["Location"])
    return location.path, parse_qs(location.query)


def enrol_authenticator_app(client, *, password: str = TEST_PASSWORD) -> tuple[str, list[str]]:
    """Through allauth's pages, as a person does: confirm the password, read the
    secret off the page, type the app's code; returns the secret and the recovery codes shown.

    allauth finishes the enrolment when the transaction commits (message, email,
    the authenticator_added signal): tests that enrol use real transactions."""
    asked = client.get(ACTIVATE)
    assert where(asked)[0] == reverse("account_reauthenticate")
    confirmed = client.post(asked["Location"], {"password": password})
    assert confirmed["Location"] == ACTIVATE
    page = client.get(ACTIVATE).content.decode()
    secret = re.search(r'id="authenticator_secret"[^>]*value="([A-Z2-7]+)"', page).group(1)
    assert 'src="data:image/svg+xml;base64,' in page  # the QR code to scan
    activated = client.post(ACTIVATE, {"code": code_for(secret)})
    assert activated["Location"] == reverse("mfa_view_recovery_codes")
    codes_page = client.get(activated["Location"]).content.decode()
    codes = re.search(r'<textarea[^>]*id="recovery_codes"[^>]*>([\d\s]+)</textarea>', codes_page).group(1).split()
    return secret, codes


# --- Enrolling ------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_member_enrols_an_authenticator_app_and_sees_ten_recovery_codes(client, member):
    client.force_login(member)

    secret, codes = enrol_authenticator_app(client)

    totp = Authenticator.objects.get(user=member, type=Authenticator.Type.TOTP)
    recovery = Authenticator.objects.get(user=member, type=Authenticator.Type.RECOVERY_CODES)
    assert len(secret) == 32
    assert codes == RecoveryCodes(recovery).get_unused_codes()
    assert len(codes) == 10
    assert current_code(member) == code_for(secret)
    assert totp.user == member


def test_a_wrong_code_enrols_nothing(client, member):
    client.force_login(member)
    asked = client.get(ACTIVATE)
    client.post(asked["Location"], {"password": TEST_PASSWORD})
    client.get(ACTIVATE)

    response = client.post(ACTIVATE, {"code": "000000"})

    assert response.status_code == 200
    assert "Incorrect code." in response.content.decode()
    assert not Authenticator.objects.filter(user=member).exists()


@pytest.mark.django_db(transaction=True)
def test_committee_member_without_two_factor_is_sent_to_set_it_up_then_back(client, committee_member):
    client.force_login(committee_member)

    refused = client.get(MANAGE + "members/?q=x")
    assert where(refused) == (reverse("mfa_index"), {"next": ["/manage/members/?q=x"]})
    index = client.get(refused["Location"]).content.decode()
    assert "The committee pages need two-factor login." in index
    assert "Continue to the page you asked for" not in index

    enrol_authenticator_app(client)

    codes_page = client.get(reverse("mfa_view_recovery_codes")).content.decode()
    assert 'href="/manage/members/?q=x"' in codes_page
    assert client.get("/manage/members/?q=x").status_code == 200


def added_in_a_session(rf, user, authenticator):
    """What allauth does on adding an authenticator, for a session that used no second factor."""
    request = rf.get("/")
    SessionMiddleware(lambda request: None).process_request(request)
    request.user = user
    authenticator_added.send(sender=Authenticator, request=request, user=user, authenticator=authenticator)
    return request


def test_the_first_authenticator_set_up_counts_as_this_sessions_second_factor(rf, committee_member):
    request = added_in_a_session(rf, committee_member, give_authenticator(committee_member))

    assert second_factor_problem(request) is None


def test_another_authenticator_added_in_a_session_that_never_used_the_first_does_not_count(rf, committee_member):
    give_authenticator(committee_member)
    passkey = Authenticator.objects.create(user=committee_member, type=Authenticator.Type.WEBAUTHN, data={})

    request = added_in_a_session(rf, committee_member, passkey)

    assert second_factor_problem(request) == VERIFY


# --- Logging in ------------------------------------------------------------------------


def test_logging_in_asks_for_a_code_after_the_password(client, member):
    give_authenticator(member)

    after_password = log_in_with_password(client, member)
    anonymous_meanwhile = client.get(reverse("members:me"))
    wrong = client.post(
        reverse("mfa_authenticate"), {"code": "123456" if current_code(member) != "123456" else "654321"}
    )
    right = client.post(reverse("mfa_authenticate"), {"code": current_code(member)})

    assert after_password["Location"] == reverse("mfa_authenticate")
    assert where(anonymous_meanwhile)[0] == reverse("account_login")
    assert "Incorrect code." in wrong.content.decode()
    assert right.status_code == 302
    assert client.get(reverse("members:me")).status_code == 200


def test_the_same_code_does_not_log_in_twice(client, member):
    give_authenticator(member)
    code = current_code(member)
    log_in_with_password(client, member)
    client.post(reverse("mfa_authenticate"), {"code": code})
    client.post(reverse("account_logout"))

    log_in_with_password(client, member)
    again = client.post(reverse("mfa_authenticate"), {"code": code})

    assert "Incorrect code." in again.content.decode()


def test_logging_in_with_a_recovery_code_uses_it_up(client, member):
    give_authenticator(member)
    code = unused_recovery_code(member)

    log_in_with_password(client, member)
    first = client.post(reverse("mfa_authenticate"), {"code": code})
    client.post(reverse("account_logout"))
    log_in_with_password(client, member)
    second = client.post(reverse("mfa_authenticate"), {"code": code})

    recovery = Authenticator.objects.get(user=member, type=Authenticator.Type.RECOVERY_CODES)
    assert first.status_code == 302
    assert "Incorrect code." in second.content.decode()
    assert len(RecoveryCodes(recovery).get_unused_codes()) == 9
    assert code not in RecoveryCodes(recovery).get_unused_codes()


def test_committee_member_logged_in_with_a_recovery_code_reaches_the_console(client, committee_member):
    give_authenticator(committee_member)

    log_in_with_password(client, committee_member)
    client.post(reverse("mfa_authenticate"), {"code": unused_recovery_code(committee_member)})

    assert client.get(MANAGE).status_code == 200


def test_member_without_two_factor_logs_in_with_the_password_alone(client, member):
    logged_in = log_in_with_password(client, member)

    assert logged_in.status_code == 302
    assert logged_in["Location"] != reverse("mfa_authenticate")
    assert client.get(reverse("members:me")).status_code == 200
    assert client.get(reverse("events:my_events")).status_code == 200


def test_my_account_links_to_two_factor_login(member_client):
    page = member_client.get(reverse("members:me")).content.decode()

    assert f'href="{reverse("mfa_index")}"' in page
    assert member_client.get(reverse("mfa_index")).status_code == 200


# --- The console and the admin refuse a session without the second factor -------------

COMMITTEE_URLS = sorted(name for name, entry in AUDIENCE.items() if entry.audience == COMMITTEE)


@pytest.mark.parametrize("name", COMMITTEE_URLS)
def test_every_console_page_sends_a_committee_member_without_two_factor_to_set_it_up(client, committee_member, name):
    client.force_login(committee_member)
    url = reverse(name, kwargs=AUDIENCE[name].kwargs())

    response = client.get(url)

    assert where(response) == (reverse("mfa_index"), {"next": [url]})


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_session_opened_without_the_code_must_confirm_it(client, committee_member, method):
    give_authenticator(committee_member)
    client.force_login(committee_member)  # as a session from before the authenticator was added

    response = getattr(client, method)(MANAGE)

    assert where(response) == (reverse("mfa_reauthenticate"), {"next": [MANAGE]})
    assert client.get(MANAGE, follow=True).redirect_chain[-1][0].startswith(reverse("mfa_reauthenticate"))


def test_confirming_with_a_code_opens_the_console(client, committee_member):
    give_authenticator(committee_member)
    client.force_login(committee_member)
    refused = client.get(MANAGE)

    confirmed = client.post(refused["Location"], {"code": current_code(committee_member)})

    assert confirmed["Location"] == MANAGE
    page = client.get(MANAGE)
    assert page.status_code == 200
    assert NEW_EVENT_LINK in page.content.decode()


def test_the_refusal_shows_no_console_content(client, committee_member):
    client.force_login(committee_member)

    page = client.get(MANAGE, follow=True).content.decode()

    assert "The committee pages need two-factor login." in page
    assert NEW_EVENT_LINK not in page


def test_door_check_in_link_needs_the_second_factor_too(client, committee_member):
    registration = RegistrationFactory(user=UserFactory(name="Tess Ticket"))
    url = reverse("events:check_in", kwargs={"token": registration.token})
    client.force_login(committee_member)

    refused = client.get(url)
    log_in_with_second_factor(client, committee_member)
    allowed = client.get(url)

    assert where(refused) == (reverse("mfa_index"), {"next": [url]})
    assert "Tess Ticket" in allowed.content.decode()


@pytest.mark.parametrize("path", ["/admin/", "/admin/members/user/", "/admin/events/event/add/"])
def test_admin_sends_an_admin_without_two_factor_to_set_it_up(client, admin_user, path):
    client.force_login(admin_user)

    response = client.get(path)

    assert where(response) == (reverse("mfa_index"), {"next": [path]})


def test_admin_asks_a_session_opened_without_the_code_to_confirm_it(client, admin_user):
    give_authenticator(admin_user)
    client.force_login(admin_user)

    response = client.get("/admin/members/user/")

    assert where(response) == (reverse("mfa_reauthenticate"), {"next": ["/admin/members/user/"]})


def test_admin_opens_after_a_second_factor_login(client, admin_user):
    log_in_with_second_factor(client, admin_user)

    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/members/user/").status_code == 200


def test_member_without_two_factor_is_not_asked_for_it_on_member_pages(member_client):
    for name in ["members:me", "members:profile_edit", "members:record", "events:my_events", "members:sessions"]:
        assert member_client.get(reverse(name)).status_code == 200, name
    assert member_client.get(MANAGE).status_code == 403  # refused as before: not on the committee


# --- The demo -------------------------------------------------------------------------


def test_demo_committee_logs_in_to_the_console_with_the_printed_code(client):
    call_command("load_demo", force=True, stdout=StringIO())
    priya = User.objects.get(email="priya@demo.ac.uk")
    printed = StringIO()

    after_password = log_in_with_password(client, priya, password=DEMO_PASSWORD)
    call_command("demo_code", "priya@demo.ac.uk", stdout=printed)
    client.post(reverse("mfa_authenticate"), {"code": printed.getvalue().strip()})

    assert after_password["Location"] == reverse("mfa_authenticate")
    assert re.fullmatch(r"\d{6}\n", printed.getvalue())
    assert client.get(MANAGE).status_code == 200


def test_demo_gives_every_committee_member_and_the_admin_an_authenticator_and_members_none():
    call_command("load_demo", force=True, stdout=StringIO())
    call_command("load_demo", force=True, stdout=StringIO())

    with_app = set(Authenticator.objects.filter(type=Authenticator.Type.TOTP).values_list("user__email", flat=True))

    assert with_app == {"admin@demo.ac.uk", "priya@demo.ac.uk", "tom@demo.ac.uk", "mei@demo.ac.uk", "jonas@demo.ac.uk"}
    assert Authenticator.objects.filter(type=Authenticator.Type.RECOVERY_CODES).count() == 5


def test_demo_code_prints_no_real_persons_code(committee_member):
    give_authenticator(committee_member)

    with pytest.raises(CommandError, match="has no demo authenticator"):
        call_command("demo_code", committee_member.email, stdout=StringIO())
    with pytest.raises(CommandError, match="No account has the email"):
        call_command("demo_code", "nobody@uni.ac.uk", stdout=StringIO())

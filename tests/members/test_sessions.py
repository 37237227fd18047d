"""Where you are logged in (/me/sessions/): the list, "log out everywhere else", and the
other sessions ending when the password or the email address changes."""

import re
import time

import pytest
from allauth.usersessions.models import UserSession
from django.test import Client
from django.urls import reverse

from members.services import sessions
from tests.factories import TEST_PASSWORD
from tests.logins import log_in_with_password
from tests.querycount import count_queries

pytestmark = pytest.mark.django_db

SESSIONS = reverse("members:sessions")
END_OTHERS = reverse("members:end_other_sessions")
ME = reverse("members:me")
FIREFOX_ON_WINDOWS = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0"
SAFARI_ON_IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1"
)


@pytest.fixture
def laptop(member) -> Client:
    client = Client(HTTP_USER_AGENT=FIREFOX_ON_WINDOWS)
    assert log_in_with_password(client, member).status_code == 302
    return client


@pytest.fixture
def phone(member) -> Client:
    client = Client(HTTP_USER_AGENT=SAFARI_ON_IPHONE, REMOTE_ADDR="192.0.2.7")
    assert log_in_with_password(client, member).status_code == 302
    return client


def listed(client) -> list[str]:
    page = client.get(SESSIONS).content.decode()
    items = re.findall(r"<li class=\"list-group-item\" data-session>(.*?)</li>", page, flags=re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", item).split()) for item in items]


def is_logged_in(client) -> bool:
    return client.get(ME).status_code == 200


def test_two_browsers_logged_in_as_one_member_are_both_listed(laptop, phone):
    on_laptop = listed(laptop)

    assert len(on_laptop) == 2
    assert on_laptop[0].startswith("Firefox on Windows this device IP address 127.0.0.1 · last seen")
    assert on_laptop[1].startswith("Safari on iPhone IP address 192.0.2.7 · last seen")
    assert listed(phone)[0].startswith("Safari on iPhone this device")


def test_log_out_everywhere_else_asks_then_ends_the_other_sessions(laptop, phone):
    asked = laptop.get(END_OTHERS).content.decode()
    assert "1 other session will be logged out" in asked
    assert "Safari on iPhone (192.0.2.7)" in asked
    assert is_logged_in(phone)

    done = laptop.post(END_OTHERS, follow=True)

    assert "You are logged out everywhere else." in done.content.decode()
    assert not is_logged_in(phone)
    assert is_logged_in(laptop)
    assert len(listed(laptop)) == 1


def test_changing_the_password_ends_the_other_sessions(laptop, phone, member):
    response = laptop.post(
        reverse("account_change_password"),
        {
            "oldpassword": TEST_PASSWORD,
            "password1": "a-new-and-long-passphrase",
            "password2": "a-new-and-long-passphrase",
        },
    )

    assert response.status_code == 302
    assert not is_logged_in(phone)
    assert is_logged_in(laptop)
    assert [line.split(" IP")[0] for line in listed(laptop)] == ["Firefox on Windows this device"]


def test_changing_the_email_address_ends_the_other_sessions(
    laptop, phone, member, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        added = laptop.post(reverse("account_email"), {"action_add": "", "email": "mo.new@uni.ac.uk"})
    assert added.status_code == 302
    assert is_logged_in(phone)  # nothing changed until the new address is confirmed
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", mailoutbox[-1].body).group(0)

    laptop.post(link)

    member.refresh_from_db()
    assert member.email == "mo.new@uni.ac.uk"
    assert not is_logged_in(phone)
    assert is_logged_in(laptop)


def test_the_sessions_page_is_the_members_own(laptop, other_member):
    stranger = Client()
    log_in_with_password(stranger, other_member)

    assert len(listed(stranger)) == 1
    assert "Firefox" not in stranger.get(SESSIONS).content.decode()


def test_a_session_logged_in_before_the_list_existed_is_listed_too(member_client):
    assert len(listed(member_client)) == 1


# --- Last seen, without a query on every page --------------------------------------------


def test_my_account_costs_the_same_queries_as_without_last_seen_tracking(laptop, settings):
    laptop.get(ME)
    with_tracking, _ = count_queries(lambda: laptop.get(ME))
    settings.MIDDLEWARE = [name for name in settings.MIDDLEWARE if name != "members.middleware.last_seen"]
    untracked = Client(HTTP_USER_AGENT=FIREFOX_ON_WINDOWS)
    untracked.cookies = laptop.cookies
    without_tracking, _ = count_queries(lambda: untracked.get(ME))

    assert (with_tracking, without_tracking) == (ME_QUERIES, ME_QUERIES)


# session, user, profile, membership, email preferences, committee check (navigation), email addresses,
# and the events they host and the no-show strikes they hold (the cards events adds, society.hooks.ME_CARDS)
ME_QUERIES = 9


def test_last_seen_is_refreshed_once_the_interval_has_passed(laptop, member, settings):
    row = UserSession.objects.get(user=member)
    before = row.last_seen_at
    quiet, _ = count_queries(lambda: laptop.get(ME))
    session = laptop.session
    session[sessions.LAST_SEEN_SESSION_KEY] = time.time() - settings.SESSION_LAST_SEEN_EVERY_SECONDS - 1
    session.save()

    refreshed, _ = count_queries(lambda: laptop.get(ME))

    assert UserSession.objects.get(user=member).last_seen_at > before
    assert refreshed > quiet
    assert count_queries(lambda: laptop.get(ME))[0] == quiet


@pytest.mark.parametrize(
    ("user_agent", "device"),
    [
        (FIREFOX_ON_WINDOWS, "Firefox on Windows"),
        (SAFARI_ON_IPHONE, "Safari on iPhone"),
        (
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36",
            "Chrome on Linux",
        ),
        (
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 Chrome/131.0 Safari/537.36 Edg/131.0",
            "Edge on macOS",
        ),
        ("", "Unknown browser"),
        ("curl/8.5.0", "Unknown browser"),
    ],
)
def test_device_names_read_like_people_say_them(user_agent, device):
    assert sessions.device_name(user_agent) == device

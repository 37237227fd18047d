"""Log-in limits per client address behind the reverse proxy.

allauth refuses an address's 11th failed log-in within a minute (then even the right
password), whoever's account it names. Behind a proxy every request comes from the
proxy's address (REMOTE_ADDR): with TRUSTED_PROXY_COUNT (ALLAUTH_TRUSTED_PROXY_COUNT)
the address counted is the one our proxy appended to X-Forwarded-For; with the default
0 it is REMOTE_ADDR, so everyone behind the proxy shares one limit.
"""

import pytest
from django.urls import reverse

from tests.factories import TEST_PASSWORD, UserFactory

PROXY = "10.0.0.2"  # nginx, as the app sees it
FAILED_LOGINS_ALLOWED = 10  # allauth's "10/m/ip" for failed log-ins
TOO_MANY = "Too many failed login attempts. Try again later."


def log_in(client, *, email: str, password: str, forwarded_for: str | None = None, **headers):
    if forwarded_for is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded_for
    return client.post(reverse("account_login"), {"login": email, "password": password}, REMOTE_ADDR=PROXY, **headers)


def fail_logins(client, *, forwarded_for: str | None = None, **headers) -> None:
    """As many failed log-ins as allowed, against made-up accounts (each once, so that the
    per-account limit plays no part)."""
    for n in range(FAILED_LOGINS_ALLOWED):
        response = log_in(
            client, email=f"nobody{n}@uni.ac.uk", password="wrong", forwarded_for=forwarded_for, **headers
        )
        assert response.status_code == 200
        assert TOO_MANY not in response.content.decode()


def form_errors(response) -> list[str]:
    return response.context["form"].non_field_errors()


@pytest.fixture
def someone(db):
    return UserFactory(email="someone@uni.ac.uk")


def test_two_clients_behind_one_proxy_are_limited_separately(client, settings, member, someone):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    fail_logins(client, forwarded_for="203.0.113.7")

    attacker = log_in(client, email=someone.email, password=TEST_PASSWORD, forwarded_for="203.0.113.7")
    neighbour = log_in(client, email=member.email, password=TEST_PASSWORD, forwarded_for="198.51.100.4")

    assert form_errors(attacker) == [TOO_MANY]
    assert neighbour.status_code == 302
    assert client.session["_auth_user_id"] == str(member.pk)


def test_a_spoofed_leftmost_forwarded_for_does_not_escape_the_limit(client, settings, someone):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    fail_logins(client, forwarded_for="203.0.113.7")

    # The client writes an address of its own choosing; nginx appends the real one.
    response = log_in(client, email=someone.email, password=TEST_PASSWORD, forwarded_for="198.51.100.4, 203.0.113.7")

    assert form_errors(response) == [TOO_MANY]
    assert "_auth_user_id" not in client.session


def test_without_trusted_proxies_everyone_behind_the_proxy_shares_its_limit(client, settings, member):
    assert settings.ALLAUTH_TRUSTED_PROXY_COUNT == 0  # the default: X-Forwarded-For is not believed
    fail_logins(client, forwarded_for="203.0.113.7")

    neighbour = log_in(client, email=member.email, password=TEST_PASSWORD, forwarded_for="198.51.100.4")

    assert form_errors(neighbour) == [TOO_MANY]


def test_a_client_ip_header_set_by_the_proxy_separates_clients(client, settings, member, someone):
    settings.ALLAUTH_TRUSTED_CLIENT_IP_HEADER = "X-Real-IP"
    fail_logins(client, HTTP_X_REAL_IP="203.0.113.7")

    attacker = log_in(client, email=someone.email, password=TEST_PASSWORD, HTTP_X_REAL_IP="203.0.113.7")
    neighbour = log_in(client, email=member.email, password=TEST_PASSWORD, HTTP_X_REAL_IP="198.51.100.4")

    assert form_errors(attacker) == [TOO_MANY]
    assert neighbour.status_code == 302


def test_a_request_that_skipped_a_trusted_proxy_is_counted_by_its_sender_not_refused(client, settings, member):
    # Two proxies configured (a load balancer, then nginx) but only one entry: the request
    # reached nginx directly. allauth alone would fail with a 500; it is counted against
    # the address that sent it.
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 2
    fail_logins(client, forwarded_for="203.0.113.7")

    same_sender = log_in(client, email=member.email, password=TEST_PASSWORD, forwarded_for="198.51.100.4")
    through_both = log_in(client, email=member.email, password=TEST_PASSWORD, forwarded_for="198.51.100.4, 10.0.0.1")

    assert form_errors(same_sender) == [TOO_MANY]
    assert through_both.status_code == 302

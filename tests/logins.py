"""Logging in as people do: password, then the second factor, through allauth's pages.

The committee console and the admin need a session that used a second factor
(members.two_factor), so the committee and admin personas log in this way.
"""

import time

from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from allauth.mfa.utils import decrypt
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from members.permissions import is_committee
from tests.factories import TEST_PASSWORD

# A fixed secret (base32), so that a test can compute the codes of an authenticator app.
TEST_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def give_authenticator(user) -> Authenticator:
    """An authenticator app (TOTP, secret TEST_TOTP_SECRET) and recovery codes, as if
    `user` had set them up; the existing one if they have it."""
    found = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    if found is None:
        found = TOTP.activate(user, TEST_TOTP_SECRET).instance
    RecoveryCodes.activate(user)
    return found


def current_code(user, *, at: float | None = None) -> str:
    """What the user's authenticator app shows now (or at the Unix time `at`)."""
    secret = decrypt(Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP).data["secret"])
    counter = int(time.time() if at is None else at) // mfa_settings.TOTP_PERIOD
    return format_hotp_value(hotp_value(secret, counter))


def unused_recovery_code(user) -> str:
    codes = Authenticator.objects.get(user=user, type=Authenticator.Type.RECOVERY_CODES)
    return RecoveryCodes(codes).get_unused_codes()[0]


def log_in_with_password(client: Client, user, *, password: str = TEST_PASSWORD):
    """The log-in form; for someone with two-factor login this stops at the code page."""
    return client.post(reverse("account_login"), {"login": user.email, "password": password})


def log_in_with_second_factor(client: Client, user, *, password: str = TEST_PASSWORD) -> Client:
    """Log `user` in through allauth's pages, password then a code from their
    authenticator app (given one if they have none), as the committee does.

    allauth refuses a code used twice: when this test has already used this
    period's code for `user` (a second login within the same 30 seconds), the
    marker allauth keeps of it is cleared, as waiting for the next code would do.
    """
    give_authenticator(user)
    client.logout()
    response = log_in_with_password(client, user, password=password)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert response["Location"] == reverse("mfa_authenticate")
    code = current_code(user)
    totp = TOTP(Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP))
    cache.delete(totp._get_used_cache_key(code))
    response = client.post(reverse("mfa_authenticate"), {"code": code})
    assert response.status_code == 302, response.content.decode()[:2000]
    # "Successfully signed in" was for the page after logging in, which tests do not open.
    client.cookies.pop("messages", None)
    return client


def needs_second_factor(user) -> bool:
    """The people members.two_factor asks a second factor of: the committee and admins."""
    return is_committee(user) or user.is_staff


def log_in(client: Client, user) -> Client:
    """Log `user` in the quickest way that lets them everywhere they may go: a
    second-factor login for the committee and admins, force_login for the others."""
    if needs_second_factor(user):
        return log_in_with_second_factor(client, user)
    client.force_login(user)
    return client

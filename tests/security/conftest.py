"""The attack suite's one way of logging a persona in.

Every test here logs in through tests.logins.log_in, as the site asks of each
persona: a second factor for the committee and admins.
"""

import pytest
from django.test import Client

from tests.factories import UserFactory
from tests.logins import log_in

PERSONAS = ("visitor", "member", "other_member", "committee", "admin")


@pytest.fixture
def personas(db) -> dict:
    """Each persona's user (None for the visitor): a member, another member (for
    things that belong to someone), the committee and an admin."""
    return {
        "visitor": None,
        "member": UserFactory(email="member@uni.ac.uk", name="Mo Member"),
        "other_member": UserFactory(email="other@uni.ac.uk", name="Olu Other"),
        "committee": UserFactory(email="committee@uni.ac.uk", name="Cam Committee", committee=True),
        "admin": UserFactory(email="admin@uni.ac.uk", name="Ada Admin", is_staff=True, is_superuser=True),
    }


# Clients kept for the whole run: a new Client loads the middleware again on its
# first request (WhiteNoise reads every static file's name), which would cost
# more than the requests themselves.
_CLIENTS: dict[tuple[str, bool], Client] = {}


def client_of(user, *, csrf_checks: bool = False) -> Client:
    """A client with no cookies of before: anonymous for None, else logged in as `user`.
    With `csrf_checks`, it sends no CSRF token and the site checks, as for a forged request."""
    key = (user.email if user is not None else "", csrf_checks)
    client = _CLIENTS.setdefault(key, Client(enforce_csrf_checks=csrf_checks))
    client.cookies.clear()
    if user is None:
        return client
    # Logging in is not the forged request: the login pages get their tokens.
    client.handler.enforce_csrf_checks = False
    try:
        return log_in(client, user)
    finally:
        client.handler.enforce_csrf_checks = csrf_checks

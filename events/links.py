"""Signed links in emails that work without logging in: "I can't come", "I'm set up",
and the rating links. Each names one registration and one purpose, and
expires; a tampered, expired or other-purpose token reads as None (the views 404)."""

from urllib.parse import urlencode

from django.conf import settings
from django.core import signing
from django.urls import reverse

from .models import Registration

SALT = "events.links"
CANT_COME = "cant-come"
SET_UP = "set-up"
FEEDBACK = "feedback"
# Long enough for an email read late; "I can't come" also stops at the start.
MAX_AGE_DAYS = {CANT_COME: 60, SET_UP: 60, FEEDBACK: 60}


def registration_token(registration: Registration, purpose: str) -> str:
    return signing.dumps({"r": registration.pk, "p": purpose}, salt=SALT, compress=True)


def read_registration_token(token: str, purpose: str) -> int | None:
    """The registration id a token stands for, or None."""
    try:
        data = signing.loads(token, salt=SALT, max_age=MAX_AGE_DAYS[purpose] * 24 * 3600)
        if data["p"] != purpose:
            return None
        return int(data["r"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None


def registration_link(registration: Registration, purpose: str, **query) -> str:
    """An absolute URL for an email."""
    names = {CANT_COME: "events:cant_come", SET_UP: "events:set_up", FEEDBACK: "events:feedback"}
    url = settings.SITE_URL + reverse(names[purpose], kwargs={"token": registration_token(registration, purpose)})
    return url + (f"?{urlencode(query)}" if query else "")

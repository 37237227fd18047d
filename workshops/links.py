"""The signed "register" link in a study group's meeting email: it names one meeting
and one member, works without logging in, and expires. A tampered or expired token
reads as None (the view 404s). Like events.links, whose purposes are per registration."""

from django.conf import settings
from django.core import signing
from django.urls import reverse

from events.models import Event

SALT = "workshops.links.register"
MAX_AGE_DAYS = 60


def meeting_token(event: Event, user) -> str:
    return signing.dumps({"e": event.pk, "u": user.pk}, salt=SALT, compress=True)


def read_meeting_token(token: str) -> tuple[int, int] | None:
    """(event id, user id) of a token, or None."""
    try:
        data = signing.loads(token, salt=SALT, max_age=MAX_AGE_DAYS * 24 * 3600)
        return int(data["e"]), int(data["u"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None


def meeting_register_link(event: Event, user) -> str:
    """An absolute URL for the email."""
    return settings.SITE_URL + reverse("workshops:meeting_register", kwargs={"token": meeting_token(event, user)})

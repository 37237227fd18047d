"""Where a member is logged in: allauth.usersessions keeps a row per logged-in
session (IP address, browser, when it was last seen); /me/sessions/ lists them
and ends the others.

"Last seen" is refreshed by members.middleware at most every
SESSION_LAST_SEEN_EVERY_SECONDS, decided from a time kept in the session itself,
so a page costs no query for it in between.
"""

import time
from importlib import import_module

from allauth.usersessions.internal.flows.sessions import end_other_sessions as allauth_end_other_sessions
from allauth.usersessions.models import UserSession
from django.conf import settings
from django.contrib.auth import HASH_SESSION_KEY, SESSION_KEY
from django.http import HttpRequest
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _

LAST_SEEN_SESSION_KEY = "members_last_seen_at"
# The first that matches names the browser (Edge and Opera say "Chrome" too, Chrome says "Safari").
BROWSERS = [("Edg/", "Edge"), ("OPR/", "Opera"), ("Firefox/", "Firefox"), ("Chrome/", "Chrome"), ("Safari/", "Safari")]
SYSTEMS = [
    ("iPhone", "iPhone"),
    ("iPad", "iPad"),
    ("Android", "Android"),
    ("Windows", "Windows"),
    ("Mac OS X", "macOS"),
    ("CrOS", "ChromeOS"),
    ("Linux", "Linux"),
]


def device_name(user_agent: str) -> str:
    """A browser's description of itself, as a person would say it: "Firefox on Windows"."""
    browser = next((name for mark, name in BROWSERS if mark in user_agent), "")
    system = next((name for mark, name in SYSTEMS if mark in user_agent), "")
    if browser and system:
        return _("%(browser)s on %(system)s") % {"browser": browser, "system": system}
    return browser or system or _("Unknown browser")


def last_seen_due(request: HttpRequest, *, now: float | None = None) -> bool:
    """True when this logged-in session's "last seen" should be written again
    (never written, or longer ago than the setting). Reads the session only."""
    session = request.session
    if SESSION_KEY not in session or not session.session_key:
        return False
    seen = session.get(LAST_SEEN_SESSION_KEY)
    now = time.time() if now is None else now
    return not isinstance(seen, int | float) or now - seen >= settings.SESSION_LAST_SEEN_EVERY_SECONDS


def note_seen(request: HttpRequest, *, now: float | None = None) -> None:
    """Write this session's row (made if missing): IP address, browser, last seen now."""
    if not request.user.is_authenticated:
        return
    UserSession.objects.create_from_request(request)
    request.session[LAST_SEEN_SESSION_KEY] = time.time() if now is None else now


def note_logged_in(sender, request: HttpRequest | None, user, **kwargs) -> None:
    """A session that has just logged in was seen now (allauth writes its row)."""
    if request is not None and hasattr(request, "session"):
        request.session[LAST_SEEN_SESSION_KEY] = time.time()


def sessions_of(request: HttpRequest) -> list[UserSession]:
    """The member's live sessions, this one first, then the most recently seen.
    Rows of sessions that ended (logged out, expired, or their password changed
    since) are deleted. A constant number of queries, however many there are."""
    user = request.user
    rows = list(UserSession.objects.filter(user_id=user.pk))
    if request.session.session_key not in {row.session_key for row in rows}:
        note_seen(request)  # a session from before this list existed
        rows = list(UserSession.objects.filter(user_id=user.pk))
    live = _live_session_keys(user, [row.session_key for row in rows])
    ended = [row.pk for row in rows if row.session_key not in live]
    if ended:
        UserSession.objects.filter(pk__in=ended).delete()
    current = request.session.session_key
    rows = [row for row in rows if row.session_key in live]
    for row in rows:
        row.device = device_name(row.user_agent)
        row.is_this_device = row.session_key == current
    return sorted(rows, key=lambda row: (row.session_key != current, -row.last_seen_at.timestamp()))


def _live_session_keys(user, keys: list[str]) -> set[str]:
    """Which of these sessions still exist and still belong to `user` (a changed
    password ends the others: Django checks the session's password hash)."""
    store_class = import_module(settings.SESSION_ENGINE).SessionStore
    if not hasattr(store_class, "get_model_class"):  # not database sessions: ask each one
        return {row.session_key for row in UserSession.objects.purge_and_list(user)}
    stored = store_class.get_model_class().objects.filter(session_key__in=keys, expire_date__gt=timezone.now())
    expected_hash = user.get_session_auth_hash()
    live = set()
    for stored_session in stored:
        data = store_class().decode(stored_session.session_data)
        if str(data.get(SESSION_KEY)) == str(user.pk) and constant_time_compare(
            data.get(HASH_SESSION_KEY, ""), expected_hash
        ):
            live.add(stored_session.session_key)
    return live


def end_other_sessions(*, request: HttpRequest, user) -> None:
    """Log `user` out everywhere but this request's session (allauth's rule, the
    same for the button on /me/sessions/ and for a changed email address)."""
    allauth_end_other_sessions(request, user)


def end_sessions_on_email_change(sender, request: HttpRequest | None, user, **kwargs) -> None:
    """allauth's `email_changed`: whoever else is logged in as this member is logged out
    (a changed password does this by itself: Django checks the session's password hash)."""
    if request is not None:
        end_other_sessions(request=request, user=user)

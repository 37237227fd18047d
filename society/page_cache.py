"""Public pages served from the cache, and never stale.

A page is cached under a key made of what it shows and everything that can
change it:

- the path and query string, and the page's language;
- a *version* for each app whose tables the page reads (`events`, `workshops`,
  `members`...). Every statement that writes to one of an app's tables gives
  that app a new version once its transaction commits, whichever road the
  write took (a service, the admin, a task, a management command);
- the *clock*: the next moment at which a page changes by itself (an event
  starts or ends, registration opens or closes, a material is released), as
  the apps tell it through the PAGE_CLOCK hook, and the local date.

Only visitors (not logged in, no message waiting) get whole cached pages;
the logged-in pages cache their shared parts with `{% cache shared_seconds
name ... shared_version %}` (society.context_processors), and render only the
person's own state around them. See docs/architecture.md, "Caching".
"""

import functools
import hashlib
import logging
import re
import secrets
from collections.abc import Callable, Iterable
from datetime import datetime
from functools import wraps

from django.apps import apps
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections
from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers, set_response_etag

from . import hooks

logger = logging.getLogger(__name__)

# How long a cached page lives at most. Versions make it exact; this only
# bounds what a lost bump (Redis unreachable at that moment) could leave behind.
PAGE_SECONDS = 10 * 60
# The apps whose tables public pages read: a write to any of their tables is watched.
# (Writes elsewhere, such as the outbox or sessions, change no cached page.)
TOPICS = frozenset({"events", "workshops", "members", "auth"})
VERSION_PREFIX = "pages:version:"
CLOCK_PREFIX = "pages:clock:"
PAGE_PREFIX = "pages:page:"

_WRITE = re.compile(r'\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+[`"]?(\w+)', re.IGNORECASE)
_TRUNCATE = re.compile(r"\s*TRUNCATE\b", re.IGNORECASE)


# --- Versions --------------------------------------------------------------


@functools.cache
def _topic_of_table() -> dict[str, str]:
    """db table -> app label, for every model (and many-to-many table) installed."""
    found = {}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.app_label in TOPICS:
            found[model._meta.db_table] = model._meta.app_label
    return found


class _Bump:
    """An on-commit callback that gives `topic` a new version; tagged so that a
    transaction registers one per topic (`pending_topics`)."""

    def __init__(self, topic: str):
        self.page_topic = topic

    def __call__(self) -> None:
        bump(self.page_topic)


def bump(*topics: str) -> None:
    """Give each topic a new version now: every page that reads it is rendered afresh."""
    cache.set_many({VERSION_PREFIX + topic: secrets.token_hex(8) for topic in topics}, timeout=None)


def changed(*topics: str, using: str = DEFAULT_DB_ALIAS) -> None:
    """What each topic shows changed in the current transaction: new versions once it
    commits (at once outside a transaction); nothing if it rolls back."""
    connection = connections[using]
    if not connection.in_atomic_block:
        bump(*topics)
        return
    waiting = pending_topics(using)
    for topic in topics:
        if topic not in waiting:
            connection.on_commit(_Bump(topic))
            waiting.add(topic)


def everything_changed() -> None:
    """Every topic at once: after a restore, which writes around Django."""
    bump(*TOPICS)


def pending_topics(using: str = DEFAULT_DB_ALIAS) -> set[str]:
    """Topics written in the current transaction and not committed yet. Derived from
    Django's own list of on-commit callbacks, so a rolled-back savepoint drops its own."""
    connection = connections[using]
    return {getattr(func, "page_topic", None) for _, func, _ in connection.run_on_commit} - {None}


def watch_writes(connection) -> None:
    """Install the write watcher on a database connection (once)."""
    if _watcher not in connection.execute_wrappers:
        connection.execute_wrappers.append(_watcher)


def _watcher(execute, sql, params, many, context):
    result = execute(sql, params, many, context)  # bump only after the write is done
    match = _WRITE.match(sql)
    if match is None and not _TRUNCATE.match(sql):
        return result
    if match is None:  # TRUNCATE: a test flushing, a restore
        topics = TOPICS
    else:
        topic = _topic_of_table().get(match[1])
        if topic is None:
            return result
        topics = {topic}
    changed(*topics, using=context["connection"].alias)
    return result


def versions(topics: Iterable[str]) -> str:
    """The topics' current versions, in one round trip to the cache. A topic never
    bumped (or evicted) gets a new random version, so nothing cached before is used."""
    keys = [VERSION_PREFIX + topic for topic in sorted(topics)]
    found = cache.get_many(keys)
    missing = [key for key in keys if key not in found]
    for key in missing:
        cache.add(key, secrets.token_hex(8), timeout=None)
    if missing:
        found.update(cache.get_many(missing))
    return ".".join(str(found.get(key, "-")) for key in keys)


# --- The clock ---------------------------------------------------------------


def next_change(now: datetime) -> datetime | None:
    """The next moment any app's public pages change by themselves (PAGE_CLOCK)."""
    moments = [moment for clock in hooks.contributions(hooks.PAGE_CLOCK).values() if (moment := clock(now))]
    return min(moments, default=None)


def clock(topic_versions: str, now: datetime) -> str:
    """Which stretch of time it is, for pages of these versions: the next moment a
    page changes by itself, kept in the cache until that moment (or a new version)."""
    key = CLOCK_PREFIX + topic_versions
    until = cache.get(key)
    if until is None or (until != "never" and now.timestamp() >= until):
        moment = next_change(now)
        until = moment.timestamp() if moment else "never"
        cache.set(key, until, timeout=PAGE_SECONDS)
    return f"{until}:{timezone.localdate(now).isoformat()}"


def page_version(topics: Iterable[str], *, now: datetime | None = None) -> str:
    """Everything, beside the URL, that a cached page or part depends on."""
    topic_versions = versions(topics)
    return f"{translation.get_language()}:{topic_versions}:{clock(topic_versions, now or timezone.now())}"


# --- Whole pages for visitors -------------------------------------------------


def _serves_visitors_from_cache(request: HttpRequest) -> bool:
    if request.method != "GET" or request.user.is_authenticated:
        return False
    if pending_topics():  # this connection's own writes are not committed yet
        return False
    return len(get_messages(request)) == 0  # counting does not mark them read


def _key(request: HttpRequest, version: str) -> str:
    query = "&".join(sorted(request.GET.urlencode().split("&")))
    raw = f"{request.path}?{query}|{version}"
    return PAGE_PREFIX + hashlib.sha256(raw.encode()).hexdigest()


def public_page(*topics: str) -> Callable:
    """Serve the view's page to visitors from the cache, keyed on `topics`' versions.

    Everyone else gets the view itself, marked private. Pages carry an ETag, so a
    browser (or a proxy) asking again with If-None-Match gets a 304.
    """

    unknown = set(topics) - TOPICS
    if unknown:
        raise ValueError(f"page_cache.TOPICS does not watch {', '.join(sorted(unknown))}.")

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not _serves_visitors_from_cache(request):
                return view(request, *args, **kwargs)
            key = _key(request, page_version(topics))
            entry = cache.get(key)
            if entry is None:
                response = view(request, *args, **kwargs)
                if not storable(request, response):
                    return response
                entry = _entry(response)
                cache.set(key, entry, timeout=PAGE_SECONDS)
            return _respond(request, entry)

        wrapped.page_topics = topics
        return wrapped

    return decorator


def storable(request: HttpRequest, response: HttpResponse) -> bool:
    session = getattr(request, "session", None)
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and not (session is not None and session.modified)
        and len(get_messages(request)) == 0
    )


_KEPT_HEADERS = ("Content-Type", "Content-Disposition", "Content-Language")


def _entry(response: HttpResponse) -> dict:
    set_response_etag(response)
    return {
        "content": response.content,
        "headers": {name: response[name] for name in _KEPT_HEADERS if response.has_header(name)},
        "etag": response["ETag"],
    }


def _respond(request: HttpRequest, entry: dict) -> HttpResponse:
    response = get_conditional_response(request, etag=entry["etag"])
    if response is None:
        response = HttpResponse(entry["content"])
        for name, value in entry["headers"].items():
            response[name] = value
    response["ETag"] = entry["etag"]
    return shared(response)


def shared(response: HttpResponse) -> HttpResponse:
    """The same for every visitor: a proxy may keep it, but must ask again each time
    (a visitor who logs in must not see it), and it differs for those with a cookie."""
    patch_cache_control(response, public=True, no_cache=True)
    patch_vary_headers(response, ("Cookie",))
    return response


def private(response: HttpResponse) -> HttpResponse:
    """Only for the person it was drawn for: no proxy keeps it."""
    patch_cache_control(response, private=True, no_cache=True)
    patch_vary_headers(response, ("Cookie",))
    return response


def private_unless_shared(get_response: Callable[[HttpRequest], HttpResponse]) -> Callable:
    """Middleware: every response that did not say how it may be cached is private."""

    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        if not response.has_header("Cache-Control"):
            private(response)
        return response

    return middleware


# --- Shared parts of logged-in pages ----------------------------------------


def remember(name: str, topics: Iterable[str], compute: Callable[[], object]):
    """`compute()`'s answer, kept under the topics' version: for what nearly every page
    asks and only a write to those topics (or the clock) changes, such as whether
    someone is on the committee. As exact as the pages: a connection with writes of
    its own not yet committed asks the database."""
    if pending_topics():
        return compute()
    key = f"pages:remember:{name}:{page_version(topics)}"
    found = cache.get(key)
    if found is None:
        found = {"answer": compute()}
        cache.set(key, found, timeout=PAGE_SECONDS)
    return found["answer"]


def shared_version() -> str:
    """The version of the parts of logged-in pages that are the same for everyone (event
    cards, an event's description and speakers), for `{% cache %}`: every topic. A
    request with writes of its own not yet committed gets a version of its own."""
    if pending_topics():
        return "uncommitted:" + secrets.token_hex(8)
    return page_version(TOPICS)


def request_version(request: HttpRequest) -> str:
    """`shared_version()`, asked once per request (the template and the navigation share it)."""
    if not hasattr(request, "_shared_version"):
        request._shared_version = shared_version()
    return request._shared_version


def not_modified_or(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """A personal response (a member's own calendar) with an ETag of its content: a 304
    when the client has it already."""
    if response.status_code != 200 or response.streaming:
        return private(response)
    set_response_etag(response)
    return private(get_conditional_response(request, etag=response["ETag"], response=response) or response)

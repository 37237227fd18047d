"""Keeps "last seen" of each logged-in session (shown on /me/sessions/) without a
query on every page: the row is written at most every SESSION_LAST_SEEN_EVERY_SECONDS,
decided from a time kept in the session."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from .services import sessions


def last_seen(get_response: Callable[[HttpRequest], HttpResponse]) -> Callable[[HttpRequest], HttpResponse]:
    def middleware(request: HttpRequest) -> HttpResponse:
        if sessions.last_seen_due(request):
            sessions.note_seen(request)
        return get_response(request)

    return middleware

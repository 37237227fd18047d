"""Keeps "last seen" of each logged-in session (shown on /me/sessions/) without a
query on every page: the row is written at most every SESSION_LAST_SEEN_EVERY_SECONDS,
decided from a time kept in the session."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation

from society import languages

from .services import sessions


def last_seen(get_response: Callable[[HttpRequest], HttpResponse]) -> Callable[[HttpRequest], HttpResponse]:
    def middleware(request: HttpRequest) -> HttpResponse:
        if sessions.last_seen_due(request):
            sessions.note_seen(request)
        return get_response(request)

    return middleware


def member_language(get_response: Callable[[HttpRequest], HttpResponse]) -> Callable[[HttpRequest], HttpResponse]:
    """A logged-in member reads the site in the language kept on their account (chosen in
    the footer or on their profile); anyone else in LocaleMiddleware's choice (the
    switcher's cookie, else the browser's Accept-Language). Runs after
    AuthenticationMiddleware; the user is loaded only when a session says someone is."""

    def middleware(request: HttpRequest) -> HttpResponse:
        if request.COOKIES.get(settings.SESSION_COOKIE_NAME):
            user = request.user
            if user.is_authenticated and (language := languages.chosen(user.language)):
                translation.activate(language)
                request.LANGUAGE_CODE = language
        return get_response(request)

    return middleware

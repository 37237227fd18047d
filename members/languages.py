"""The footer's language switcher: a plain form (no JavaScript) that any page posts.

A visitor's choice is kept in the language cookie; a logged-in member's also on
their account, so the site and their emails speak it wherever they log in. An
unknown code is read as English, never an error. The pages visitors get from the
cache carry no CSRF token, so a post without one still sets the cookie; it
changes an account only when the CSRF check passes.
"""

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.middleware.csrf import CsrfViewMiddleware
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from society import languages

from . import services


@csrf_exempt
@require_POST
def choose(request: HttpRequest) -> HttpResponse:
    language = languages.supported(request.POST.get("language"))
    if request.user.is_authenticated and _passes_csrf_check(request):
        services.choose_language(user=request.user, language=language)
    translation.activate(language)
    response = HttpResponseRedirect(_back_to(request))
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    return response


def _back_to(request: HttpRequest) -> str:
    """The page the switcher was on (this site only), else the home page."""
    wanted = request.POST.get("next", "")
    safe = url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return wanted if safe and wanted.startswith("/") else "/"


def _passes_csrf_check(request: HttpRequest) -> bool:
    return CsrfViewMiddleware(lambda r: HttpResponse()).process_view(request, None, (), {}) is None

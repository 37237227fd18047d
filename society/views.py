import sys

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from . import health
from .emails import opt_out, read_unsubscribe_token

# Seconds a visitor is asked to wait when the database cannot be reached (a restart
# or a fail-over takes about that long).
RETRY_AFTER_SECONDS = 30


@never_cache
@require_GET
def healthz(request):
    """For monitoring: the database, Redis and the storage, each answered (JSON, 200 only
    when all answer), and the age of the oldest pending email. With ?shallow=1, for the
    load balancer: 200 when the database answers (plain text)."""
    if request.GET.get("shallow"):
        try:
            health.database_answers()
        except DatabaseError:
            return HttpResponse("database unavailable\n", status=503, content_type="text/plain")
        return HttpResponse("ok\n", content_type="text/plain")
    found = health.report()
    return JsonResponse(found, status=200 if found["ok"] else 503)


@csrf_exempt  # RFC 8058: the mail client's POST carries only the token in the URL
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token: str):
    """One-click unsubscribe, no log in needed. A GET only asks; a POST unsubscribes."""
    found = read_unsubscribe_token(token)
    if found is None or not get_user_model().objects.filter(pk=found[0], is_active=True).exists():
        return render(request, "society/unsubscribe_invalid.html", status=404)
    user_id, kind = found
    if request.method == "POST":
        opt_out(user_id=user_id, kind=kind)
        return render(request, "society/unsubscribe_done.html", {"kind": kind})
    return render(request, "society/unsubscribe_confirm.html", {"kind": kind})


def database_unreachable(error: BaseException | None) -> bool:
    """Whether `error`, or an error it was raised from, says the database cannot be
    reached: Django's session middleware, for one, turns a failed save into a 400."""
    while error is not None:
        if isinstance(error, OperationalError | InterfaceError):
            return True
        error = error.__cause__ or error.__context__
    return False


def database_unavailable_response() -> HttpResponse:
    """The friendly 503, rendered without the request's context: no user, no
    session, no messages, nothing that needs the database."""
    html = loader.render_to_string("503.html", {"society_name": settings.SOCIETY_NAME})
    response = HttpResponse(html, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def server_error(request):
    """handler500: a database that cannot be reached (restarting, failing over) is a
    friendly 503 with Retry-After; any other error the plain 500 page. Neither
    says what went wrong, and neither touches the database."""
    if database_unreachable(sys.exc_info()[1]):
        return database_unavailable_response()
    return HttpResponseServerError(loader.render_to_string("500.html", {"society_name": settings.SOCIETY_NAME}))


def bad_request(request, exception):
    """handler400: Django's 400 page, unless the database is what failed (a session
    that could not be saved while it restarts): then the friendly 503."""
    if database_unreachable(exception):
        return database_unavailable_response()
    return defaults.bad_request(request, exception)

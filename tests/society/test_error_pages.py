"""The error pages: a database that cannot be reached is a friendly 503 that
asks the visitor to come back; any other error the plain 500 page. Neither
leaks what went wrong. (tests/integration/drills/ restart a real PostgreSQL.)"""

import pytest
from django.contrib.sessions.backends.base import UpdateError
from django.contrib.sessions.exceptions import SessionInterrupted
from django.db import InterfaceError, OperationalError
from django.test import Client
from django.urls import include, path

from society.views import bad_request, server_error

SECRET_DETAIL = "password authentication failed for user society_secret_role"


def database_unreachable(request):
    raise OperationalError(f'connection to server at "10.0.0.5", port 5432 failed: {SECRET_DETAIL}')


def connection_already_closed(request):
    raise InterfaceError(f"connection already closed ({SECRET_DETAIL})")


def broken(request):
    raise ValueError(SECRET_DETAIL)


def session_not_saved_while_database_restarts(request):
    # What the session backend and SessionMiddleware raise, as they raise it, when
    # saving the session meets a stopped database.
    try:
        try:
            raise OperationalError(f"server closed the connection unexpectedly ({SECRET_DETAIL})")
        except OperationalError:
            raise UpdateError  # noqa: B904
    except UpdateError:
        raise SessionInterrupted("The request's session was deleted before the request completed.")  # noqa: B904


def session_deleted_meanwhile(request):
    raise SessionInterrupted("The request's session was deleted before the request completed.")


# This module is the URLconf of its tests (settings.ROOT_URLCONF below).
handler400 = bad_request
handler500 = server_error
urlpatterns = [
    path("unreachable/", database_unreachable),
    path("closed/", connection_already_closed),
    path("session-unsaved/", session_not_saved_while_database_restarts),
    path("session-deleted/", session_deleted_meanwhile),
    path("broken/", broken),
    path("", include("society.urls")),  # the pages' links
]


@pytest.fixture
def anonymous(settings):
    settings.ROOT_URLCONF = __name__
    settings.DEBUG = False
    return Client(raise_request_exception=False)


@pytest.mark.parametrize("url", ["/unreachable/", "/closed/", "/session-unsaved/"])
def test_database_unreachable_is_a_friendly_503_that_leaks_nothing(anonymous, url):
    response = anonymous.get(url)

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    body = response.content.decode()
    assert '<h1 class="h3">Back in a moment</h1>' in body
    assert SECRET_DETAIL not in body
    assert "Traceback" not in body
    assert "5432" not in body


def test_any_other_error_is_the_plain_500_page_that_leaks_nothing(anonymous):
    response = anonymous.get("/broken/")

    assert response.status_code == 500
    assert not response.has_header("Retry-After")
    body = response.content.decode()
    assert '<h1 class="h3">Something went wrong</h1>' in body
    assert SECRET_DETAIL not in body
    assert "Traceback" not in body


@pytest.mark.django_db
def test_a_session_deleted_meanwhile_is_still_the_400_page(anonymous):
    response = anonymous.get("/session-deleted/")

    assert response.status_code == 400
    assert "This request could not be accepted" in response.content.decode()


def test_the_error_pages_need_no_database(anonymous):
    # No django_db mark: a query while rendering them would fail this test.
    assert [anonymous.get(url).status_code for url in ("/unreachable/", "/broken/")] == [503, 500]

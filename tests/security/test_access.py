"""Every URL of the project, tried by every persona, GET and POST.

Driven by the URL table itself (tests/security/urls.py walks get_resolver();
the project's own URLs are classified in tests/test_url_audience.py). Whoever
the URL is not for is refused: sent to log in, 403, 404 or 405, never a page
and never a 500, and their request changes nothing in the database. Things that
belong to someone (a ticket, a feedback form) are refused to another member.
Whoever it is for gets an answer that is not an error, even to an empty POST,
and looking (GET) changes nothing (a mail scanner opens every link in an email),
every page carrying the Content-Security-Policy, and a POST from another site
(no CSRF token) is refused;
a made-up slug, token or id is a 404.
"""

from urllib.parse import urlsplit

import pytest
from django.apps import apps
from django.urls import reverse

from tests.security.conftest import client_of
from tests.security.html import csp_problems
from tests.security.urls import ADMIN, ADMIN_GROUPS, COMMITTEE, HOST, MEMBER, NON_ADMIN, PUBLIC, audience_of

# Who each audience refuses, and who is the least one it lets in.
REFUSED = {
    PUBLIC: (),
    MEMBER: ("visitor",),
    # A host of the event is let in too: tests/test_url_audience.py tries them on each.
    HOST: ("visitor", "member"),
    COMMITTEE: ("visitor", "member"),
    ADMIN: ("visitor", "member", "committee"),
}
FIRST_ALLOWED = {PUBLIC: "visitor", MEMBER: "member", HOST: "committee", COMMITTEE: "committee", ADMIN: "admin"}
# The log-in pages, and allauth's "confirm your password" page, which it puts before
# every change to someone's two-factor login (a passkey of someone else's included).
LOGIN_PATHS = {"/accounts/login/", "/admin/login/", "/accounts/reauthenticate/"}


def database_state() -> dict:
    """Every row of the project's tables (few in a test): what a refused request must leave alone."""
    state = {}
    for app in ("society", "members", "events", "workshops"):
        for model in apps.get_app_config(app).get_models():
            fields = [f.attname for f in model._meta.concrete_fields if f.attname != "last_login"]
            state[model._meta.label] = sorted(map(repr, model.objects.values_list(*fields)))
    return state


# Views that take a POST without a CSRF token: RFC 8058's one-click unsubscribe, which
# the mail client sends with the token in the URL only.
# Answered without a CSRF token, and what they answer: one-click unsubscribe (RFC 8058),
# and the language switcher on pages visitors get from the cache (it sets the language
# cookie; it changes an account only with a token: tests/society/test_languages.py).
CSRF_EXEMPT = {"email_unsubscribe": 200, "members:language": 302}


def changed_tables(before: dict, after: dict) -> set[str]:
    return {label for label in before if before[label] != after[label]}


# Pages that write when they are looked at, and what they write: each a row made
# the first time it is needed, holding nothing the person chose.
GET_MAY_CHANGE: dict[str, set[str]] = {
    "events:manage_settings": {"events.ConsoleSettings"},  # the one settings row, made empty
    "events:my_events": {"events.CalendarFeed"},  # the member's secret calendar address
    "members:record": {"members.PublicRecord"},  # the record's address, private until shared
}


def refusal_problem(response) -> str | None:
    """None when `response` refuses (log in first, 403, 404, 405), else what is wrong with it."""
    if response.status_code in (403, 404, 405):
        return None
    if response.status_code == 302:
        location = urlsplit(response["Location"])
        if location.netloc in ("", "testserver") and location.path in LOGIN_PATHS:
            return None
        return f"302 to {response['Location']}, not to a login page"
    return f"answered {response.status_code}"


def try_as_refused(url: str, persona: str, user) -> list[str]:
    """GET and POST `url` as someone it is not for: both refused."""
    problems = []
    for method in ("get", "post"):
        response = getattr(client_of(user), method)(url)
        problem = refusal_problem(response)
        if problem:
            problems.append(f"{persona} {method.upper()} {url}: {problem}")
    return problems


@pytest.mark.parametrize("key", sorted(NON_ADMIN))
def test_url_refuses_whoever_it_is_not_for_and_answers_the_others(personas, key):
    route = NON_ADMIN[key]
    entry = audience_of(route)
    owner = personas["member"]
    url = route.url(entry.kwargs(owner) if entry.owned else entry.kwargs())
    refused = list(REFUSED[entry.audience])
    if entry.owned:
        refused.append("other_member")  # somebody else's ticket, feedback form...
    allowed = "member" if entry.owned else FIRST_ALLOWED[entry.audience]

    before = database_state()
    problems = [problem for persona in refused for problem in try_as_refused(url, persona, personas[persona])]
    changed = database_state() != before
    # The least privileged persona it is for: a page (405 for a POST-only URL) to
    # GET, and no server error to an empty POST (a clear refusal or a redirect).
    client = client_of(personas[allowed])
    before_get = database_state()
    got = client.get(url)
    changed_by_get = changed_tables(before_get, database_state())
    posted = client_of(personas[allowed]).post(url)
    forged = client_of(personas[allowed], csrf_checks=True).post(url)

    assert problems == []
    assert not changed, f"refused requests to {url} changed the database"
    assert got.status_code in ((405,) if entry.post_only else (200, 302)), f"GET {url} as {allowed}"
    assert posted.status_code < 500, f"POST {url} as {allowed}"
    assert forged.status_code == CSRF_EXEMPT.get(key, 403), f"POST {url} from another site"
    assert changed_by_get <= GET_MAY_CHANGE.get(key, set()), f"GET {url} changed the database"
    if got.status_code == 200 and got.get("Content-Type", "").startswith("text/html"):
        assert csp_problems(got) == []


# Made-up values for each kind of argument: nobody's slug, token, id or key.
MADE_UP = {
    "slug": "no-such-thing",
    "event_slug": "no-such-thing",
    "token": "not-a-token",
    "key": "no-such-text",
    "credential_id": "00000000-0000-4000-8000-000000000000",  # a UUID no credential has
}
MADE_UP_INT = "99999999999999999999"  # past any integer column too
# URLs whose arguments are not things looked up: allauth's keys (answered on the page).
NOT_LOOKED_UP = {"account_reset_password_from_key", "account_confirm_email"}
# allauth asks for the password again before it looks a passkey up (then 404s).
REAUTHENTICATE_FIRST = {"mfa_edit_webauthn", "mfa_remove_webauthn"}


@pytest.mark.parametrize(
    "key", sorted(key for key, route in NON_ADMIN.items() if route.arguments and key not in NOT_LOOKED_UP)
)
def test_url_with_a_made_up_argument_is_not_found(personas, key):
    """An admin (who may see everything) asks for things that do not exist: each is a 404."""
    route = NON_ADMIN[key]
    entry = audience_of(route)
    real = entry.kwargs(personas["admin"]) if entry.owned else entry.kwargs()
    admin = client_of(personas["admin"])
    problems = []
    for argument in route.arguments:
        made_up = MADE_UP.get(argument, MADE_UP_INT if str(real[argument]).isdigit() else "no-such-thing")
        url = route.url(real | {argument: made_up})
        method = "post" if entry.post_only else "get"
        response = getattr(admin, method)(url)
        if response.status_code != 404:
            reauthenticate_first = response.status_code == 302 and urlsplit(response["Location"]).path in LOGIN_PATHS
            if not (key in REAUTHENTICATE_FIRST and reauthenticate_first):
                problems.append(f"{method.upper()} {url} with a made-up {argument}: {response.status_code}")

    assert problems == []


@pytest.mark.parametrize("group", sorted(ADMIN_GROUPS))
def test_admin_urls_refuse_everyone_but_admins(personas, group):
    """The admin's every page (by model), GET and POST: visitors, members and the committee are refused."""
    problems = []
    for route in ADMIN_GROUPS[group]:
        if audience_of(route).audience != ADMIN:
            continue
        url = route.url()
        for persona in REFUSED[ADMIN]:
            client = client_of(personas[persona])
            for method in ("get", "post"):
                response = getattr(client, method)(url)
                location = urlsplit(response.get("Location", ""))
                # The admin's old "<id>/" addresses redirect to "<id>/change/": go there.
                inside_admin = location.path.startswith("/admin/") and location.path not in LOGIN_PATHS
                if response.status_code == 302 and inside_admin:
                    response = client.get(location.path)
                problem = refusal_problem(response)
                if problem:
                    problems.append(f"{persona} {method.upper()} {url}: {problem}")

    assert problems == []


def test_every_url_of_the_table_is_tried():
    """allauth's and the admin's URLs are classified here; the project's in test_url_audience."""
    for route in NON_ADMIN.values():
        audience_of(route)  # a KeyError names a URL nobody classified
    assert reverse("admin:index") == "/admin/"
    assert sum(len(routes) for routes in ADMIN_GROUPS.values()) > 100

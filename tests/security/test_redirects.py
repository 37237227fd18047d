"""No view sends people off the site because a link said so.

Every URL of the table is given `next`, `redirect_to`, `return` and
`return_to` pointing elsewhere (GET and POST, as the persona it is for); the
views that do read a "next" (logging in and out, signing up, the admin's log-in,
the console's way back to the directory) are given the whole list of tricks
browsers fall for. Wherever a redirect comes back, it stays on the site.
"""

from urllib.parse import urlencode, urlsplit

import pytest
from django.urls import reverse

from tests.factories import TEST_PASSWORD, UserFactory
from tests.security.conftest import client_of
from tests.security.urls import COMMITTEE, HOST, MEMBER, NON_ADMIN, PUBLIC, audience_of

ELSEWHERE = [
    "//evil.example",
    "https://evil.example",
    "/\\evil.example",
    "https:evil.example",
    "///evil.example",
    "\\\\evil.example",
    " //evil.example",
    "/\t/evil.example",
    "javascript:alert(1)",
    "http://testserver@evil.example/",
]
PARAMETERS = ("next", "redirect_to", "return", "return_to")


def leaves_the_site(location: str) -> bool:
    """Whether a browser given this Location would go to another site (or run script).

    Browsers drop tabs and newlines anywhere, spaces at either end, and read a
    backslash as a slash; "https:host" with no slashes is another host too."""
    cleaned = location.strip(" \x00\x1f").replace("\t", "").replace("\n", "").replace("\r", "").replace("\\", "/")
    parts = urlsplit(cleaned)
    if cleaned.startswith("//"):
        return True
    if parts.scheme and (parts.scheme not in ("http", "https") or not parts.netloc):
        return True
    return bool(parts.netloc) and parts.netloc != "testserver"


def test_leaves_the_site_knows_the_tricks():
    assert [leaves_the_site(target) for target in ELSEWHERE] == [True] * len(ELSEWHERE)
    assert not leaves_the_site("/me/?next=//evil.example")
    assert not leaves_the_site("http://testserver/manage/")


def sent_elsewhere(response) -> str | None:
    if response.status_code in (301, 302, 303, 307, 308) and leaves_the_site(response["Location"]):
        return response["Location"]
    return None


FIRST_ALLOWED = {PUBLIC: "visitor", MEMBER: "member", HOST: "committee", COMMITTEE: "committee"}


@pytest.mark.parametrize("key", sorted(NON_ADMIN))
def test_no_url_redirects_to_where_its_query_says(personas, key):
    route = NON_ADMIN[key]
    entry = audience_of(route)
    user = personas["member" if entry.owned else FIRST_ALLOWED[entry.audience]]
    url = route.url(entry.kwargs(user) if entry.owned else entry.kwargs())
    problems = []
    for method, target in (("get", "https://evil.example"), ("post", "//evil.example")):
        given = dict.fromkeys(PARAMETERS, target)
        response = getattr(client_of(user), method)(f"{url}?{urlencode(given)}", given if method == "post" else None)
        if where := sent_elsewhere(response):
            problems.append(f"{method.upper()} {url} with {target}: to {where}")

    assert problems == []


# --- The views that read "next" ------------------------------------------------------


@pytest.mark.parametrize("target", ELSEWHERE)
def test_logging_in_stays_on_the_site(personas, target):
    client = client_of(None)

    response = client.post(
        f"{reverse('account_login')}?next={target}",
        {"login": personas["member"].email, "password": TEST_PASSWORD, "next": target},
    )

    assert response.status_code == 302
    assert not leaves_the_site(response["Location"])
    assert client.session.get("_auth_user_id") == str(personas["member"].pk)


@pytest.mark.parametrize("target", ELSEWHERE)
def test_the_login_page_of_someone_logged_in_stays_on_the_site(personas, target):
    response = client_of(personas["member"]).get(reverse("account_login"), {"next": target})

    assert sent_elsewhere(response) is None


@pytest.mark.parametrize("target", ELSEWHERE)
def test_logging_out_stays_on_the_site(personas, target):
    client = client_of(personas["member"])

    response = client.post(reverse("account_logout"), {"next": target})

    assert response.status_code == 302
    assert not leaves_the_site(response["Location"])
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("target", ELSEWHERE)
def test_signing_up_stays_on_the_site(db, target):
    data = {"name": "New Student", "email": "new@uni.ac.uk", "password1": TEST_PASSWORD, "password2": TEST_PASSWORD}

    response = client_of(None).post(f"{reverse('account_signup')}?next={target}", {**data, "next": target})

    assert response.status_code == 302
    assert not leaves_the_site(response["Location"])


@pytest.mark.parametrize("target", ELSEWHERE)
def test_the_admin_log_in_and_log_out_stay_on_the_site(personas, target):
    visitor = client_of(None)
    admin = client_of(personas["admin"])

    answers = [
        visitor.get(reverse("admin:login"), {"next": target}),
        visitor.post(
            f"{reverse('admin:login')}?next={target}",
            {"login": personas["admin"].email, "password": TEST_PASSWORD, "next": target},
        ),
        admin.post(reverse("admin:logout"), {"next": target}),
    ]

    assert [sent_elsewhere(response) for response in answers] == [None, None, None]


@pytest.mark.parametrize("target", ELSEWHERE)
def test_the_directorys_way_back_stays_on_the_site(personas, target):
    person = UserFactory()
    committee = client_of(personas["committee"])

    answers = [
        committee.post(reverse("members:renew", kwargs={"user_id": person.pk}), {"next": target}),
        committee.post(reverse("members:lapse", kwargs={"user_id": person.pk}), {"next": target}),
    ]

    assert [response.status_code for response in answers] == [302, 302]
    assert [response["Location"] for response in answers] == [reverse("members:directory")] * 2

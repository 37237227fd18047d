"""Every URL of the project has a declared audience, and each persona gets what
that audience implies. A new URL fails here until it is classified.

allauth's URLs (/accounts/) and the admin's (/admin/) are theirs to guard;
everything else is listed in AUDIENCE.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from society.emails import unsubscribe_token
from society.models import EmailKind
from tests.factories import EventFactory, UserFactory

PUBLIC = "public"
MEMBER = "member"
COMMITTEE = "committee"
ADMIN = "admin"


@dataclass(frozen=True)
class Entry:
    audience: str
    # Builds the URL's arguments (creating rows as needed) inside the test.
    kwargs: Callable[[], dict] = field(default=dict)


def unsubscribe_link() -> dict:
    return {"token": unsubscribe_token(UserFactory(), EmailKind.REMINDER)}


def published_event() -> dict:
    return {"slug": EventFactory().slug}


def some_member() -> dict:
    return {"user_id": UserFactory().pk}


AUDIENCE: dict[str, Entry] = {
    "healthz": Entry(PUBLIC),
    "email_unsubscribe": Entry(PUBLIC, unsubscribe_link),
    "events:home": Entry(PUBLIC),
    "events:list": Entry(PUBLIC),
    "events:past": Entry(PUBLIC),
    "events:detail": Entry(PUBLIC, published_event),
    "events:manage": Entry(COMMITTEE),
    "workshops:list": Entry(PUBLIC),
    "members:about": Entry(PUBLIC),
    "members:privacy_policy": Entry(PUBLIC),
    "members:me": Entry(MEMBER),
    "members:join": Entry(MEMBER),
    "members:profile_edit": Entry(MEMBER),
    "members:email_preferences": Entry(MEMBER),
    "members:welcome": Entry(MEMBER),
    "members:privacy": Entry(MEMBER),
    "members:export_data": Entry(MEMBER),
    "members:delete_account": Entry(MEMBER),
    "members:directory": Entry(COMMITTEE),
    "members:directory_export": Entry(COMMITTEE),
    "members:renew": Entry(COMMITTEE, some_member),
    "members:lapse": Entry(COMMITTEE, some_member),
    "members:union_upload": Entry(COMMITTEE),
    "members:union_preview": Entry(COMMITTEE),
    "members:union_report": Entry(COMMITTEE),
}


def project_url_names(resolver: URLResolver | None = None, namespaces: tuple[str, ...] = ()) -> set[str]:
    names = set()
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            module = getattr(pattern.urlconf_module, "__name__", "")
            if module.startswith("allauth") or pattern.app_name == "admin":
                continue
            names |= project_url_names(pattern, namespaces + ((pattern.namespace,) if pattern.namespace else ()))
        elif isinstance(pattern, URLPattern):
            assert pattern.name, f"unnamed URL pattern {pattern.pattern} cannot be classified"
            names.add(":".join((*namespaces, pattern.name)))
    return names


def test_url_audience_table_lists_every_url():
    names = project_url_names()
    assert names - AUDIENCE.keys() == set(), "URLs with no audience in AUDIENCE"
    assert AUDIENCE.keys() - names == set(), "AUDIENCE lists URLs that no longer exist"


# What each persona gets, by audience: a status, or "login" for a redirect to log in.
EXPECTED = {
    PUBLIC: {"visitor": 200, "member": 200, "committee": 200, "admin": 200},
    MEMBER: {"visitor": "login", "member": 200, "committee": 200, "admin": 200},
    COMMITTEE: {"visitor": "login", "member": 403, "committee": 200, "admin": 200},
    ADMIN: {"visitor": "admin-login", "member": 403, "committee": 403, "admin": 200},
}


@pytest.mark.parametrize("persona", ["visitor", "member", "committee", "admin"])
@pytest.mark.parametrize("name", sorted(AUDIENCE))
def test_url_answers_each_persona_as_its_audience_says(db, client, request, name, persona):
    entry = AUDIENCE[name]
    users = {"member": "member", "committee": "committee_member", "admin": "admin_user"}
    if persona in users:
        client.force_login(request.getfixturevalue(users[persona]))
    url = reverse(name, kwargs=entry.kwargs())

    response = client.get(url)

    expected = EXPECTED[entry.audience][persona]
    if expected == "login":
        assert response.status_code == 302
        location = urlsplit(response["Location"])
        assert (location.path, parse_qs(location.query)) == (reverse("account_login"), {"next": [url]})
    elif expected == "admin-login":
        assert response.status_code == 302
        assert urlsplit(response["Location"]).path == reverse("admin:login")
    else:
        assert response.status_code == expected

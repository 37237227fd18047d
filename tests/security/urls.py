"""The project's URL table, walked: every pattern, its name and what its arguments are.

tests/test_url_audience.py classifies the project's own URLs (AUDIENCE); this
adds allauth's and the admin's, so that the attack suite covers every pattern
Django would answer.
"""

import re
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.test_url_audience import AUDIENCE, COMMITTEE, HOST, MEMBER, PUBLIC, Entry

ADMIN = "admin"


def authenticator_of(user) -> dict:
    """No arguments; `user` is given an authenticator app (and recovery codes) to manage."""
    from tests.logins import give_authenticator

    give_authenticator(user)
    return {}


def passkey_of(user) -> dict:
    """A passkey of `user`'s (as allauth keeps one; never used to log in here)."""
    from allauth.mfa.models import Authenticator

    key = Authenticator.objects.create(
        user=user, type=Authenticator.Type.WEBAUTHN, data={"name": "Phone", "credential": {}, "passwordless": True}
    )
    return {"pk": key.pk}


# allauth's URLs: the forms anyone uses to get in, and the account pages behind a login.
ALLAUTH_AUDIENCE: dict[str, Entry] = {
    "account_login": Entry(PUBLIC),
    "account_logout": Entry(PUBLIC),
    "account_inactive": Entry(PUBLIC),
    "account_signup": Entry(PUBLIC),
    "account_reset_password": Entry(PUBLIC),
    "account_reset_password_done": Entry(PUBLIC),
    "account_reset_password_from_key": Entry(PUBLIC, lambda: {"uidb36": "1", "key": "set-password"}),
    "account_reset_password_from_key_done": Entry(PUBLIC),
    "account_email_verification_sent": Entry(PUBLIC),
    "account_confirm_email": Entry(PUBLIC, lambda: {"key": "not-a-key"}),
    "account_confirm_login_code": Entry(PUBLIC),
    "account_email": Entry(MEMBER),
    "account_change_password": Entry(MEMBER),
    "account_set_password": Entry(MEMBER),
    "account_reauthenticate": Entry(MEMBER),
    "account_request_reauthentication_code": Entry(MEMBER),
    "account_confirm_reauthentication_code": Entry(MEMBER),
    # Two-factor login: the steps of logging in are for anyone on their way in, the
    # rest for the account's owner (the committee and admins must use it, members may).
    "mfa_authenticate": Entry(PUBLIC),
    "mfa_login_webauthn": Entry(PUBLIC),
    "mfa_index": Entry(MEMBER),
    "mfa_reauthenticate": Entry(MEMBER),
    "mfa_activate_totp": Entry(MEMBER),
    "mfa_deactivate_totp": Entry(MEMBER, authenticator_of, owned=True),
    "mfa_view_recovery_codes": Entry(MEMBER, authenticator_of, owned=True),
    "mfa_generate_recovery_codes": Entry(MEMBER),
    "mfa_download_recovery_codes": Entry(MEMBER, authenticator_of, owned=True),
    "mfa_list_webauthn": Entry(MEMBER),
    "mfa_add_webauthn": Entry(MEMBER),
    "mfa_reauthenticate_webauthn": Entry(MEMBER),
    "mfa_remove_webauthn": Entry(MEMBER, passkey_of, owned=True),
    "mfa_edit_webauthn": Entry(MEMBER, passkey_of, owned=True),
    "usersessions_list": Entry(MEMBER),
}

# The admin's own doors: its log-in and log-out pages are for everyone.
ADMIN_PUBLIC = {"admin:login", "admin:logout"}


@dataclass(frozen=True)
class Route:
    """One pattern of the URL table: `name` (namespaced; None for the admin's
    unnamed redirects), its full route text, and the names of its arguments."""

    name: str | None
    route: str
    arguments: tuple[str, ...]

    @property
    def key(self) -> str:
        return self.name or self.route

    @property
    def is_admin(self) -> bool:
        return self.route.startswith("admin/")

    def url(self, kwargs: dict | None = None) -> str:
        """The URL with `kwargs`, or with a placeholder for each argument not given."""
        values = dict.fromkeys(self.arguments, "1") | {"app_label": "events", "url": "no-such-page/"}
        values |= kwargs or {}
        if self.name:
            return reverse(self.name, kwargs={name: values[name] for name in self.arguments})
        # Unnamed (the admin's "object_id/" redirects and its catch-all): fill the route in.
        path = re.sub(r"<(?:\w+:)?(\w+)>", lambda match: str(values[match.group(1)]), self.route)
        path = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda match: str(values[match.group(1)]), path)
        return "/" + path.replace("^", "").replace("$", "")


def walk(
    resolver: URLResolver | None = None, namespaces: tuple[str, ...] = (), prefix: str = "", outer: tuple[str, ...] = ()
) -> list[Route]:
    """Every pattern of the project's URL table (django.urls.get_resolver()), with the
    arguments of the includes it sits in (allauth's passkeys: keys/<int:pk>/edit/)."""
    routes = []
    for pattern in (resolver or get_resolver()).url_patterns:
        route = prefix + str(pattern.pattern)
        arguments = outer + tuple(pattern.pattern.regex.groupindex)
        if isinstance(pattern, URLResolver):
            spaces = namespaces + ((pattern.namespace,) if pattern.namespace else ())
            routes += walk(pattern, spaces, route, arguments)
        elif isinstance(pattern, URLPattern):
            name = ":".join((*namespaces, pattern.name)) if pattern.name else None
            routes.append(Route(name, route, arguments))
    return routes


def audience_of(route: Route) -> Entry:
    """The entry that says who may use `route` and how to build its arguments."""
    if route.is_admin:
        return Entry(PUBLIC if route.name in ADMIN_PUBLIC else ADMIN)
    if route.name in ALLAUTH_AUDIENCE:
        return ALLAUTH_AUDIENCE[route.name]
    return AUDIENCE[route.name]


def admin_group(route: Route) -> str:
    """The admin's URLs, grouped by the model they serve (or "site")."""
    match = re.match(r"admin/(\w+)/(\w+)/", route.route)
    if match and match.group(1) not in ("r", "login", "logout", "autocomplete", "jsi18n"):
        return f"admin:{match.group(1)}.{match.group(2)}"
    return "admin:site"


ROUTES = walk()
NON_ADMIN = {route.key: route for route in ROUTES if not route.is_admin}
ADMIN_GROUPS: dict[str, list[Route]] = {}
for _route in ROUTES:
    if _route.is_admin:
        ADMIN_GROUPS.setdefault(admin_group(_route), []).append(_route)

__all__ = ["ADMIN", "COMMITTEE", "HOST", "MEMBER", "PUBLIC"]

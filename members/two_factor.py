"""Two-factor login: the one rule for the committee console and the admin.

A second factor is an authenticator app (TOTP, with recovery codes) or a passkey,
both from allauth.mfa. Members may turn it on; the committee console and the admin
need it, and not only on the account: the session must have been opened (or
confirmed) with it. `second_factor_problem` answers both questions from allauth's
record of how this session authenticated, kept in the session itself, so a session
that passed costs no query.
"""

from collections.abc import Callable
from functools import wraps
from urllib.parse import urlencode

from allauth.account.authentication import get_authentication_records
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

SET_UP = "set up"
VERIFY = "verify"
# Types that prove a person has their second factor with them (recovery codes are a fallback).
FACTORS = [Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]
# Where to go once the second factor is set up (allauth's pages end on their own).
NEXT_SESSION_KEY = "two_factor_next"


def used_second_factor(request: HttpRequest) -> bool:
    """True when this session was logged in, or confirmed, with a second factor
    (a code, a recovery code or a passkey), by allauth's authentication records."""
    records = get_authentication_records(request, request.user)
    return any(record.get("method") == "mfa" for record in records)


def second_factor_problem(request: HttpRequest) -> str | None:
    """What keeps this session out of the committee console and the admin:
    SET_UP when the account has no authenticator, VERIFY when the session was
    opened without it, None when it may go on."""
    if used_second_factor(request):
        return None
    if not is_mfa_enabled(request.user, FACTORS):
        return SET_UP
    return VERIFY


def second_factor_redirect(request: HttpRequest, problem: str) -> HttpResponse:
    """Send the person to set up or to confirm their second factor, and back here afterwards."""
    here = request.get_full_path()
    if problem == SET_UP:
        request.session[NEXT_SESSION_KEY] = here
        messages.info(
            request,
            _(
                "The committee pages need two-factor login. Set up an authenticator app or a passkey "
                "here; then continue to the page you asked for."
            ),
        )
        return redirect(f"{reverse('mfa_index')}?{urlencode({'next': here})}")
    messages.info(
        request,
        _(
            "This session was opened without your second factor. "
            "Confirm it is you with your authenticator app or passkey to continue."
        ),
    )
    by_code = is_mfa_enabled(request.user, [Authenticator.Type.TOTP])
    confirm = reverse("mfa_reauthenticate" if by_code else "mfa_reauthenticate_webauthn")
    return redirect(f"{confirm}?{urlencode({'next': here})}")


def second_factor_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """For views whose access check has already passed (the admin's): the session must
    have used a second factor too."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        problem = second_factor_problem(request)
        if problem:
            return second_factor_redirect(request, problem)
        request.session.pop(NEXT_SESSION_KEY, None)
        return view(request, *args, **kwargs)

    return wrapper


def continue_url(request: HttpRequest) -> str:
    """The page a person was on their way to when sent to set up two-factor login,
    once they have it ("" if none, or if it is not on this site)."""
    target = request.session.get(NEXT_SESSION_KEY, "")
    if not target or not used_second_factor(request):
        return ""
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return ""
    return target


def count_first_authenticator(sender, request: HttpRequest, user, authenticator: Authenticator, **kwargs) -> None:
    """Setting up one's first authenticator app or passkey takes a code from it (or
    the key itself): this session has proved the second factor, as a login would.
    A second one added to a session that never used the first proves nothing, so
    only the first counts."""
    if request is None or authenticator.type not in FACTORS:
        return
    if Authenticator.objects.filter(user_id=user.pk, type__in=FACTORS).exclude(pk=authenticator.pk).exists():
        return
    # allauth's own record of an authentication step, so that allauth reads it too.
    from allauth.account.internal.flows.login import record_authentication

    record_authentication(request, user, "mfa", id=authenticator.pk, type=authenticator.type, enrolled=True)

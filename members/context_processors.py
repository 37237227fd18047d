from django.utils.functional import SimpleLazyObject

from society import page_cache

from .permissions import is_committee
from .two_factor import continue_url


def committee(request):
    """`is_committee` in every template, asked only if the template uses it. Error pages
    drawn before the user is known (a 400 for a wrong host) have no request.user.
    The answer is kept under the members' version (society.page_cache.remember): the
    navigation asks on every page; views that guard the console ask `is_committee` itself."""
    return {"is_committee": SimpleLazyObject(lambda: _is_committee_for_navigation(request))}


def _is_committee_for_navigation(request) -> bool:
    user = getattr(request, "user", None)
    if not getattr(user, "is_authenticated", False):
        return False
    return page_cache.remember(request, f"is-committee:{user.pk}", lambda: is_committee(user))


def two_factor(request):
    """`two_factor_continue`: where someone sent to set up two-factor login was going,
    once it is on (allauth's pages offer the link); read only if a template asks."""
    found = SimpleLazyObject(lambda: continue_url(request) if hasattr(request, "session") else "")
    return {"two_factor_continue": found}

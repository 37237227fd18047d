from django.utils.functional import SimpleLazyObject

from .permissions import is_committee
from .two_factor import continue_url


def committee(request):
    """`is_committee` in every template, asked only if the template uses it. Error pages
    drawn before the user is known (a 400 for a wrong host) have no request.user."""
    return {"is_committee": SimpleLazyObject(lambda: is_committee(getattr(request, "user", None)))}


def two_factor(request):
    """`two_factor_continue`: where someone sent to set up two-factor login was going,
    once it is on (allauth's pages offer the link); read only if a template asks."""
    found = SimpleLazyObject(lambda: continue_url(request) if hasattr(request, "session") else "")
    return {"two_factor_continue": found}

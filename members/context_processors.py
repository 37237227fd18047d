from django.utils.functional import SimpleLazyObject

from .permissions import is_committee
from .two_factor import continue_url


def committee(request):
    """`is_committee` in every template, asked only if the template uses it."""
    return {"is_committee": SimpleLazyObject(lambda: is_committee(request.user))}


def two_factor(request):
    """`two_factor_continue`: where someone sent to set up two-factor login was going,
    once it is on (allauth's pages offer the link); read only if a template asks."""
    found = SimpleLazyObject(lambda: continue_url(request) if hasattr(request, "session") else "")
    return {"two_factor_continue": found}

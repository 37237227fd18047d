from django.utils.functional import SimpleLazyObject

from .permissions import is_committee


def committee(request):
    """`is_committee` in every template, asked only if the template uses it. Error pages
    drawn before the user is known (a 400 for a wrong host) have no request.user."""
    return {"is_committee": SimpleLazyObject(lambda: is_committee(getattr(request, "user", None)))}

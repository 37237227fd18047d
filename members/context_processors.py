from django.utils.functional import SimpleLazyObject

from .permissions import is_committee


def committee(request):
    """`is_committee` in every template, asked only if the template uses it."""
    return {"is_committee": SimpleLazyObject(lambda: is_committee(request.user))}

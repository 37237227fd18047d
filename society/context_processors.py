from django.conf import settings
from django.utils.functional import SimpleLazyObject

from . import page_cache


def society(request):
    return {
        "society_name": settings.SOCIETY_NAME,
        "site_url": settings.SITE_URL,
        # For {% cache shared_seconds "name" ... shared_version %}: asked only if a template uses it.
        "shared_version": SimpleLazyObject(lambda: page_cache.request_version(request)),
        "shared_seconds": page_cache.PAGE_SECONDS,
    }

"""Web links that people type, and the site's own links drawn once a row: shared by every
app's models and forms."""

import re
from functools import lru_cache

from django.conf import settings
from django.core.validators import URLValidator
from django.db import models
from django.urls import get_script_prefix, get_urlconf, reverse

# http and https only: no javascript:, data: or ftp: links on anyone's page.
web_link = URLValidator(schemes=["http", "https"], message="Enter a web address starting with http:// or https://.")


def https_by_default(db_field, **kwargs):
    """A ModelForm's `formfield_callback`: a link typed without a scheme is taken as https://."""
    if isinstance(db_field, models.URLField):
        kwargs["assume_scheme"] = "https"
        kwargs["error_messages"] = {"invalid": web_link.message}
    return db_field.formfield(**kwargs)


PLAIN_ARGUMENT = re.compile(r"[-\w]+\Z", re.ASCII)  # a slug or a token: nothing to quote
PLACEHOLDER = "zz0argument0"


def reverse_plain(name: str, **kwargs: str) -> str:
    """`reverse(name, kwargs=kwargs)` for arguments that are slugs or tokens, at a fraction of
    its cost (about 40 µs a call, which a list of a hundred rows with two links each feels):
    the URL's shape is reversed once per URL table and script prefix, then filled in. Any
    other argument goes through reverse() itself."""
    if not all(PLAIN_ARGUMENT.match(str(value)) for value in kwargs.values()):
        return reverse(name, kwargs=kwargs)
    url = _url_shape(name, tuple(sorted(kwargs)), settings.ROOT_URLCONF, get_urlconf(), get_script_prefix())
    for key, value in kwargs.items():
        url = url.replace(PLACEHOLDER + key, str(value))
    return url


@lru_cache(maxsize=256)
def _url_shape(name: str, keys: tuple[str, ...], root_urlconf: str, urlconf: str | None, prefix: str) -> str:
    """The URL `name` with a placeholder for each argument (the table and prefix are in the key)."""
    return reverse(name, kwargs={key: PLACEHOLDER + key for key in keys}, urlconf=urlconf)

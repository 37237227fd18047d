"""Web links that people type: shared by every app's models and forms."""

from django.core.validators import URLValidator
from django.db import models

# http and https only: no javascript:, data: or ftp: links on anyone's page.
web_link = URLValidator(schemes=["http", "https"], message="Enter a web address starting with http:// or https://.")


def https_by_default(db_field, **kwargs):
    """A ModelForm's `formfield_callback`: a link typed without a scheme is taken as https://."""
    if isinstance(db_field, models.URLField):
        kwargs["assume_scheme"] = "https"
        kwargs["error_messages"] = {"invalid": web_link.message}
    return db_field.formfield(**kwargs)

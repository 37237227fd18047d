"""Texts that people wrote in two languages: `{{ event|in_reading_language:"title" }}`.

An event may carry a Chinese title and summary beside the ones it was written with
(`title_zh`, `summary_zh`). Someone reading in Chinese gets the Chinese text when it
was written; everyone else, and a Chinese reader when it was not, the original. Works
on a model instance and on the plain dict an email's context keeps.
"""

from django import template
from django.utils import translation

register = template.Library()


def in_reading_language(thing, field: str, language: str | None = None) -> str:
    """`thing`'s `field`, or its `<field>_zh` for a reader of Chinese when that is written."""
    read = thing.get if isinstance(thing, dict) else lambda name, default="": getattr(thing, name, default)
    if (language or translation.get_language() or "").startswith("zh") and (chinese := read(f"{field}_zh", "")):
        return chinese
    return read(field, "")


register.filter("in_reading_language", in_reading_language)

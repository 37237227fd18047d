"""The languages the society speaks, and what an unknown one falls back to.

A code from outside (the footer's switcher, a profile form, a stored account)
is data: anything not in settings.LANGUAGES is read as the default language,
never an error.
"""

from contextlib import nullcontext

from django.conf import settings
from django.utils import translation


def chosen(code: str | None) -> str | None:
    """`code` when the site speaks it (any case, `_` or `-`), else None (nothing chosen:
    follow the browser)."""
    wanted = (code or "").strip().lower().replace("_", "-")
    return wanted if wanted in dict(settings.LANGUAGES) else None


def supported(code: str | None) -> str:
    """`code` when the site speaks it, else the default language."""
    return chosen(code) or settings.LANGUAGE_CODE


def reads_chinese(language: str | None = None) -> bool:
    """Whether `language` (default: the active one) is Chinese."""
    return (language or translation.get_language() or "").startswith("zh")


def of(user) -> str:
    """The language to write to `user` in (an email, a task's message): the one kept on
    their account, else the default."""
    return supported(getattr(user, "language", None))


def speaking(user):
    """`with languages.speaking(user):` renders what follows in `user`'s language (English
    when they chose none); with no user, in the active one (a request's, else the default)."""
    return translation.override(of(user)) if user is not None else nullcontext()


def in_reading_language(thing, field: str, language: str | None = None) -> str:
    """`thing`'s `field` as the reader should see it: its `<field>_zh` (an event's Chinese
    title, say) for a reader of Chinese when that was written, else the original. `thing`
    is a model instance or the plain dict an email's context keeps."""
    read = thing.get if isinstance(thing, dict) else lambda name, default="": getattr(thing, name, default)
    if reads_chinese(language) and (chinese := read(f"{field}_zh", "")):
        return chinese
    return read(field, "")

"""A member's copy of their personal data (UK GDPR, right of access).

Each app that keeps data about people ships a `personal_data` module with

    def export(user) -> dict: ...
    def forget(user) -> None: ...   # optional: when the account is anonymised

returning JSON-ready sections about `user` (and nobody else). They are found
the way demo data is, in INSTALLED_APPS order, so society imports no app and
an app adds its sections without members knowing about it (society itself may
ship one too, for the emails sent to the person).
"""

from collections.abc import Callable

from django.conf import settings
from django.utils import timezone

from .discovery import app_modules


def exporters() -> dict[str, Callable[[object], dict]]:
    """App label -> its `personal_data.export`, for the apps that have one."""
    return {label: module.export for label, module in app_modules("personal_data").items()}


def collect_personal_data(user) -> dict:
    """Everything the apps hold about `user`, one section per app."""
    return {
        "society": settings.SOCIETY_NAME,
        "generated_at": timezone.now().isoformat(),
        **{label: export(user) for label, export in exporters().items()},
    }


def forget_elsewhere(user) -> None:
    """Let every app drop what it holds about `user` when their account is
    anonymised: each `personal_data.forget(user)`, where an app has one."""
    for module in app_modules("personal_data").values():
        if hasattr(module, "forget"):
            module.forget(user)

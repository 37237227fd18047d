"""The site's texts the committee edits (the about page, contact, the privacy notice's
contact): each edit is a new version, kept with who made it and when."""

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from ..models import SiteText, User

MAX_LENGTH = 10_000


class SiteTextProblem(Exception):
    """An edit that was refused; its message is for the committee, and nothing changed."""


def latest_version(key: str) -> int:
    """The number of the newest version of `key`: 0 while it still shows its default."""
    return SiteText.objects.filter(key=key).aggregate(latest=Max("version"))["latest"] or 0


def edit_site_text(*, key: str, body: str, based_on: int, by: User | None) -> SiteText:
    """Save `body` (Markdown) as the next version of the text `key`. `based_on` is the
    version the editor started from: when someone saved another since, the edit is
    refused, so that nobody overwrites a change they never saw."""
    if key not in SiteText.Key.values:
        raise SiteTextProblem(_("There is no such text on the site."))
    body = body.strip().replace("\r\n", "\n")
    if len(body) > MAX_LENGTH:
        raise SiteTextProblem(
            _("The text is %(length)s characters long; it may be %(most)s at most.")
            % {"length": len(body), "most": MAX_LENGTH}
        )
    latest = latest_version(key)
    if latest != based_on:
        raise SiteTextProblem(
            _(
                "Someone saved this text while you were editing it: your change was not saved. "
                "Their version is below; make your change again on it."
            )
        )
    try:
        with transaction.atomic():
            return SiteText.objects.create(key=key, version=latest + 1, body=body, edited_by=by)
    except IntegrityError:
        # Two edits from the same version at the same moment: the other one was saved first.
        raise SiteTextProblem(
            _("Someone saved this text at the same moment: your change was not saved. Make it again on theirs.")
        ) from None

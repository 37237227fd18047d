"""Reading what a queued email says. The outbox renders an email when it delivers it,
so a test that reads a queued email's subject or text renders it first, as the worker
does (society.emails.render_for_delivery), without sending it."""

from society.emails import render_for_delivery
from society.models import OutboundEmail


def rendered(emails):
    """Outbox rows (one row, or a queryset or list of them) rendered in place, as they
    will be sent; the row, or a list of the rows. A row that cannot be rendered raises."""
    rows = [emails] if isinstance(emails, OutboundEmail) else list(emails)
    problems = render_for_delivery(rows)
    if problems:
        raise next(iter(problems.values()))
    return emails if isinstance(emails, OutboundEmail) else rows

"""Deliver the outbox: claim due emails, send them over one SMTP connection,
record what happened. Called by the Celery tasks in society/tasks.py.

Rows are claimed with SELECT ... FOR UPDATE SKIP LOCKED, so two workers never
send the same row. A row kept as a template and its context is rendered here, each
template found once per batch; what was sent (subject, texts, unsubscribe headers)
is written with the outcome, in the statement that records it. An email that cannot
be rendered fails, with the reason, and the rest of the batch goes on.

A claim is a lease: a worker killed mid-batch leaves rows in SENDING, and
`release_stale_claims` hands them back after OUTBOX_LEASE_SECONDS (longer than a
task may run), so none is lost.

Account emails (verification, password reset, email change) carry links into the
account: their text is emptied in the statement that records them sent, failed
for good or cancelled, and they are never queued again (`retry_emails`).
Sent and cancelled emails of every kind are deleted after OUTBOX_RETENTION_DAYS
(`purge_old_emails`); failed ones stay until someone deals with them.
"""

import logging
import smtplib
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import get_connection
from django.db import connection as db_connection
from django.db import transaction
from django.db.models import Case, F, Q, TextField, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy

from .emails import MessageBuilder, render_for_delivery, request_delivery
from .models import EmailKind, EmailOptOut, OutboundEmail

logger = logging.getLogger(__name__)

State = OutboundEmail.State

# The text of an account email, emptied in the statement that records it done.
_BODY_GONE_IF_ACCOUNT = {
    name: Case(When(kind=EmailKind.ACCOUNT, then=Value("")), default=F(name), output_field=TextField())
    for name in ("body_text", "body_html")
}


@dataclass
class DeliveryReport:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    cancelled: int = 0
    claimed: list[int] = field(default_factory=list)


def claim_due_emails(*, now: datetime, limit: int) -> list[int]:
    """Mark up to `limit` due pending emails as SENDING by this caller; return their ids."""
    with transaction.atomic():
        ids = list(
            OutboundEmail.objects.select_for_update(skip_locked=True)
            .filter(state=State.PENDING, next_attempt_at__lte=now)
            .order_by("next_attempt_at", "id")
            .values_list("id", flat=True)[:limit]
        )
        OutboundEmail.objects.filter(id__in=ids).update(state=State.SENDING, claimed_at=now)
    return ids


def deliver_due_emails(*, now: datetime | None = None, limit: int | None = None) -> DeliveryReport:
    """Claim a batch of due emails and send it over one SMTP connection."""
    now = now or timezone.now()
    report = DeliveryReport(claimed=claim_due_emails(now=now, limit=limit or settings.OUTBOX_BATCH_SIZE))
    if not report.claimed:
        return report
    emails = list(OutboundEmail.objects.filter(id__in=report.claimed).select_related("user").order_by("id"))
    opted_out = set(
        EmailOptOut.objects.filter(user_id__in={e.user_id for e in emails if e.user_id}).values_list("user_id", "kind")
    )
    unsubscribed = [e.pk for e in emails if (e.user_id, e.kind) in opted_out]
    if unsubscribed:  # one statement for the batch; only while still claimed, as in _finish
        report.cancelled = OutboundEmail.objects.filter(pk__in=unsubscribed, state=State.SENDING).update(
            state=State.CANCELLED, last_error="The member unsubscribed.", claimed_at=None, **_BODY_GONE_IF_ACCOUNT
        )
    to_send = [e for e in emails if (e.user_id, e.kind) not in opted_out]
    unrendered = render_for_delivery(to_send)
    for email in to_send:
        if email.pk in unrendered:
            _record_render_failure(email, unrendered[email.pk])
            report.failed += 1
    to_send = [e for e in to_send if e.pk not in unrendered]
    builder = MessageBuilder(to_send)  # one boundary and domain for the batch
    connection = get_connection()
    try:
        _open_quietly(connection)  # one connection for the batch; a failure shows per email below
        _record_without_waiting_for_disk()
        for email in to_send:
            try:
                builder.build(email, connection).send()
            except Exception as error:
                if _record_failure(email, error, now=now):
                    report.retrying += 1
                else:
                    report.failed += 1
                _close_quietly(connection)  # start the next message on a fresh connection
                _open_quietly(connection)
            else:
                _mark_sent(email)
                report.sent += 1
    finally:
        _close_quietly(connection)
        _record_without_waiting_for_disk(False)
    return report


def deliver_all_due(*, budget_seconds: float | None = None) -> DeliveryReport:
    """Deliver batch after batch until nothing is due or the time budget is spent."""
    deadline = time.monotonic() + (budget_seconds or settings.OUTBOX_TASK_BUDGET_SECONDS)
    total = DeliveryReport()
    while time.monotonic() < deadline:
        report = deliver_due_emails()
        for name in ("sent", "retrying", "failed", "cancelled"):
            setattr(total, name, getattr(total, name) + getattr(report, name))
        total.claimed += report.claimed
        if len(report.claimed) < settings.OUTBOX_BATCH_SIZE:
            break
    return total


def release_stale_claims(*, now: datetime | None = None) -> int:
    """Hand back emails claimed by a worker that died before recording them."""
    now = now or timezone.now()
    expired = now - timedelta(seconds=settings.OUTBOX_LEASE_SECONDS)
    released = OutboundEmail.objects.filter(state=State.SENDING, claimed_at__lt=expired).update(
        state=State.PENDING,
        claimed_at=None,
        next_attempt_at=F("claimed_at"),  # due again at once
    )
    if released:
        logger.warning("Released %d emails claimed by a worker that stopped mid-batch.", released)
    return released


class RetryRefused(Exception):
    """The email cannot be tried again; the message says why, for the committee."""


RETRYABLE = (State.FAILED, State.CANCELLED)
# What the admin and the console show in place of an account email's text.
ACCOUNT_BODY_NOT_KEPT = gettext_lazy(
    "Body not kept: this email carried a sign-in link (verification, password reset or email change), "
    "so its text is never shown, and is deleted once it is sent."
)
ACCOUNT_EMAIL_NOT_RETRIED = gettext_lazy(
    "Account emails (verification, password reset, email change) are not sent again: their link would be stale, "
    "and their text is not kept. The member asks for a new one from the log-in page."
)


def retry_emails(*, emails, now: datetime | None = None) -> int:
    """Put the failed or cancelled emails among `emails` (a queryset) back in the
    queue: pending, due at `now`, with a fresh count of attempts. The worker is
    asked to deliver them after the commit (the sweep would, a minute later).
    Account emails are never queued again (ACCOUNT_EMAIL_NOT_RETRIED).
    Returns how many were queued again; the others are left as they were."""
    now = now or timezone.now()
    with transaction.atomic():
        count = (
            emails.filter(state__in=RETRYABLE)
            .exclude(kind=EmailKind.ACCOUNT)
            .update(state=State.PENDING, attempts=0, next_attempt_at=now, claimed_at=None, last_error="")
        )
        if count:
            transaction.on_commit(request_delivery)
    return count


def retry_email(*, email_id: int, now: datetime | None = None) -> None:
    """Try one failed (or cancelled) email again; refused, changing nothing, for any other."""
    if not retry_emails(emails=OutboundEmail.objects.filter(pk=email_id), now=now):
        if OutboundEmail.objects.filter(pk=email_id, kind=EmailKind.ACCOUNT).exists():
            raise RetryRefused(ACCOUNT_EMAIL_NOT_RETRIED)
        raise RetryRefused("That email has not failed (it was sent, or is queued already): nothing changed.")


def cancel_emails(*, emails, reason: str) -> int:
    """Cancel the pending or failed emails among `emails` (a queryset); the text
    of account emails goes with them. Returns how many were cancelled."""
    return emails.filter(state__in=(State.PENDING, State.FAILED)).update(
        state=State.CANCELLED, last_error=reason, **_BODY_GONE_IF_ACCOUNT
    )


def purge_old_emails(*, now: datetime | None = None, batch_size: int = 1000) -> int:
    """Delete the emails sent (or cancelled) more than OUTBOX_RETENTION_DAYS
    before `now`, `batch_size` rows per statement; failed ones stay until
    handled, pending ones until sent. Returns how many were deleted.

    A purged key could be queued again: the periodic tasks that queue by key
    (reminders, follow-ups, the digest) only find what is due within days of
    its moment, which the settings check keeps shorter than the retention
    (society.checks); the others keep their own record (docs/architecture.md)."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.OUTBOX_RETENTION_DAYS)
    old = OutboundEmail.objects.filter(
        Q(state=State.SENT, sent_at__lt=cutoff) | Q(state=State.CANCELLED, created_at__lt=cutoff)
    )
    deleted = 0
    while ids := list(old.values_list("id", flat=True)[:batch_size]):
        deleted += OutboundEmail.objects.filter(id__in=ids).delete()[0]
    if deleted:
        logger.info("Purged %d emails sent or cancelled before %s.", deleted, cutoff.date())
    return deleted


def retry_delay(attempts: int) -> timedelta:
    """Growing delays: base, 2 x base, 4 x base..."""
    return timedelta(seconds=settings.OUTBOX_RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0))


def is_temporary(error: Exception) -> bool:
    """4xx answers and lost connections are worth retrying; 5xx answers are not."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(400 <= code < 500 for code, _ in error.recipients.values())
    if isinstance(error, smtplib.SMTPResponseException):
        return 400 <= error.smtp_code < 500
    return isinstance(error, smtplib.SMTPServerDisconnected | OSError)


def _record_failure(email: OutboundEmail, error: Exception, *, now: datetime) -> bool:
    """Schedule a retry (True) or mark the email failed (False)."""
    attempts = email.attempts + 1
    message = f"{type(error).__name__}: {error}"[:2000]
    if is_temporary(error) and attempts < settings.OUTBOX_MAX_ATTEMPTS:
        _finish(
            email, state=State.PENDING, attempts=attempts, error=message, next_attempt_at=now + retry_delay(attempts)
        )
        return True
    logger.error("Email %s to %s failed after %d attempts: %s", email.key, email.to_email, attempts, message)
    _finish(email, state=State.FAILED, attempts=attempts, error=message)
    return False


def _record_render_failure(email: OutboundEmail, error: Exception) -> None:
    """Its template or context is at fault: trying again would fail again. The committee
    sees why in the console, and retries it once the template is mended."""
    message = f"Could not render {email.template}: {type(error).__name__}: {error}"[:2000]
    logger.error("Email %s to %s: %s", email.key, email.to_email, message, exc_info=error)
    _finish(email, state=State.FAILED, attempts=email.attempts + 1, error=message)


_MARK_SENT = (
    "UPDATE society_outboundemail SET state = %s, attempts = attempts + 1, sent_at = %s,"
    " last_error = '', claimed_at = NULL, subject = %s, body_text = %s, body_html = %s, headers = %s"
    " WHERE id = %s AND state = %s"
)
SUBJECT_KEPT = OutboundEmail._meta.get_field("subject").max_length


def _mark_sent(email: OutboundEmail) -> None:
    """_finish(state=SENT) for the hot path: once per email sent, and the ORM's
    query building cost more than the statement itself (see bench/outbox.py)."""
    text = _text_kept(email, state=State.SENT)
    headers = OutboundEmail._meta.get_field("headers").get_db_prep_save(text["headers"], db_connection)
    with db_connection.cursor() as cursor:
        cursor.execute(
            _MARK_SENT,
            [
                State.SENT,
                timezone.now(),
                text["subject"],
                text["body_text"],
                text["body_html"],
                headers,
                email.pk,
                State.SENDING,
            ],
        )


def _finish(email: OutboundEmail, *, state: str, error: str = "", **fields) -> None:
    # Only while still claimed: an admin's cancel in the meantime stays a cancel.
    OutboundEmail.objects.filter(pk=email.pk, state=State.SENDING).update(
        state=state, last_error=error, claimed_at=None, **fields, **_text_kept(email, state=state)
    )


def _text_kept(email: OutboundEmail, *, state: str) -> dict:
    """What the row keeps of the email as it was tried: its subject, texts and headers
    (rendered in this batch, or as queued); an account email's texts go once it is done."""
    done = state in (State.SENT, State.FAILED, State.CANCELLED)
    gone = done and not email.keeps_body
    return {
        "subject": email.subject[:SUBJECT_KEPT],
        "body_text": "" if gone else email.body_text,
        "body_html": "" if gone else email.body_html,
        "headers": email.headers,
    }


def _record_without_waiting_for_disk(enable: bool = True) -> None:
    """Each email is marked sent in its own commit, right after SMTP accepts it,
    so a worker that dies loses at most the one in flight. On PostgreSQL those
    commits need not wait for the disk: a crash of the worker loses none of
    them, and only a crash of the database server itself could forget the
    last instants of them (those emails would then be sent again)."""
    if db_connection.vendor == "postgresql":
        with db_connection.cursor() as cursor:
            cursor.execute(f"SET synchronous_commit TO {'off' if enable else 'DEFAULT'}")


def _open_quietly(connection) -> None:
    try:
        connection.open()
    except Exception:
        # Left closed: sending the next message tries again and records the error.
        logger.warning("Could not connect to the SMTP server", exc_info=True)


def _close_quietly(connection) -> None:
    try:
        connection.close()
    except Exception:
        logger.debug("Closing the SMTP connection failed", exc_info=True)

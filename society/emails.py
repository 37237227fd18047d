"""Queue an email: the one road every email of the project takes.

Business code calls `queue_email` inside its own transaction. The email is
rendered now and written to the outbox; delivery is handed to Celery when the
transaction commits, and nothing is sent if it rolls back.
"""

import logging
import re
import secrets
from dataclasses import dataclass
from datetime import datetime
from email.utils import formataddr

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template import Context
from django.template.loader import TemplateDoesNotExist, get_template, render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape, linebreaks
from django.utils.safestring import mark_safe

from .models import EmailKind, EmailOptOut, OutboundEmail

logger = logging.getLogger(__name__)

UNSUBSCRIBE_SALT = "society.emails.unsubscribe"


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: str
    mimetype: str


def queue_email(
    *,
    key: str,
    to: str,
    template: str,
    context: dict,
    kind: EmailKind,
    user=None,
    attachments: tuple[Attachment, ...] = (),
    now: datetime | None = None,
) -> bool:
    """Render `template` and write one email to the outbox, in the caller's transaction.

    `template` is a prefix: `<template>_subject.txt`, `<template>_message.txt`
    and, when it exists, `<template>_message.html` (else the text is laid out
    as HTML). The same `key` queued twice keeps the first email. Optional kinds
    need `user` and are skipped when that member opted out. Returns True only
    when a new email was written: False when the key was queued before or the
    member opted out, so callers can count what they sent.
    `now` (default: the clock) is when it is queued and due.
    """
    now = now or timezone.now()
    validate_email(to)
    if kind in EmailKind.optional():
        if user is None:
            raise ValueError(f"{kind} emails need the member they are for (user=...).")
        if EmailOptOut.objects.filter(user=user, kind=kind).exists():
            return False
    if OutboundEmail.objects.filter(key=key).exists():
        return False  # queued before: keep that one, and render nothing
    headers = unsubscribe_headers(user, kind) if kind in EmailKind.optional() else {}
    subject, body_text, body_html = render_email(template, context, user=user, kind=kind)
    email = OutboundEmail(
        key=key,
        kind=kind,
        user=user,
        to_email=to,
        subject=subject,
        body_text=body_text,
        body_html=body_html,
        headers=headers,
        attachments=[{"filename": a.filename, "content": a.content, "mimetype": a.mimetype} for a in attachments],
        created_at=now,
        next_attempt_at=now,
    )
    try:
        # A savepoint: the same key written meanwhile by another transaction (or
        # while this one rendered) is no error, and the caller's transaction goes on.
        with transaction.atomic():
            email.save(force_insert=True)
    except IntegrityError:
        if not OutboundEmail.objects.filter(key=key).exists():
            raise  # another constraint failed: a real error
        return False
    _request_delivery_on_commit()
    return True


def render_email(template: str, context: dict, *, user=None, kind: EmailKind) -> tuple[str, str, str]:
    """Subject (one line), text and HTML bodies, with the society's layout."""
    context = {
        "society_name": settings.SOCIETY_NAME,
        "site_url": settings.SITE_URL,
        "recipient": user,
        "unsubscribe_url": unsubscribe_url(user, kind) if user and kind in EmailKind.optional() else "",
        "kind": kind,
        **context,
    }
    # Newlines in a subject would start new headers: fold all whitespace.
    subject = " ".join(render_text(f"{template}_subject.txt", context).split())
    body_text = render_text(f"{template}_message.txt", context).strip() + "\n"
    try:
        body_html = render_to_string(f"{template}_message.html", context)
    except TemplateDoesNotExist:
        body_html = render_to_string(
            "emails/base_message.html",
            # The text's signature ("-- " and below) is the HTML layout's footer already.
            {**context, "body": text_as_html(body_text.rsplit("\n-- \n", 1)[0])},
        )
    return subject, body_text, body_html


def _request_delivery_on_commit() -> None:
    # One delivery task per transaction, however many emails it queues (a
    # committee announcement queues hundreds).
    connection = transaction.get_connection()
    if connection.in_atomic_block and any(func is request_delivery for _, func, _ in connection.run_on_commit):
        return
    transaction.on_commit(request_delivery)


_LINK = re.compile(r"https?://[^\s<>\"']+[^\s<>\"'.,;:!?)\]]")


def text_as_html(text: str) -> str:
    """A plain-text body as HTML paragraphs, its web addresses as links.
    (Django's urlize does the same for more cases, at a cost the outbox felt.)"""
    pieces, last = [], 0
    for match in _LINK.finditer(text):
        url = escape(match.group(0))
        pieces += [escape(text[last : match.start()]), f'<a href="{url}">{url}</a>']
        last = match.end()
    pieces.append(escape(text[last:]))
    return mark_safe(linebreaks("".join(pieces)))  # noqa: S308 (every piece escaped)


def render_text(template_name: str, context: dict) -> str:
    """A plain-text template: nothing is HTML-escaped (no &#x27; in a subject)."""
    return get_template(template_name).template.render(Context(context, autoescape=False))


def request_delivery() -> None:
    """Ask Celery to deliver now. If the broker is down, the periodic sweep
    sends the email later: no web request fails because of it."""
    from .celery import ask_worker
    from .tasks import deliver_outbox

    ask_worker(deliver_outbox, otherwise="the outbox sweep will deliver later.")


# --- Unsubscribing ------------------------------------------------------------------


def unsubscribe_token(user, kind: EmailKind) -> str:
    """Signed, without a timestamp: the same link in every email, valid for good."""
    return signing.Signer(salt=UNSUBSCRIBE_SALT).sign_object({"u": user.pk, "k": str(kind)}, compress=True)


def read_unsubscribe_token(token: str) -> tuple[int, EmailKind] | None:
    """The (user id, kind) a token stands for, or None for a forged or damaged one."""
    try:
        data = signing.Signer(salt=UNSUBSCRIBE_SALT).unsign_object(token)
        return int(data["u"]), EmailKind(data["k"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None


def unsubscribe_url(user, kind: EmailKind) -> str:
    return settings.SITE_URL + reverse("email_unsubscribe", kwargs={"token": unsubscribe_token(user, kind)})


def unsubscribe_headers(user, kind: EmailKind) -> dict[str, str]:
    """RFC 8058 one-click unsubscribe."""
    return {
        "List-Unsubscribe": f"<{unsubscribe_url(user, kind)}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


def opt_out(*, user_id: int, kind: EmailKind) -> None:
    """Stop `kind` emails to this member, and cancel those already queued."""
    with transaction.atomic():
        EmailOptOut.objects.get_or_create(user_id=user_id, kind=kind)
        OutboundEmail.objects.filter(user_id=user_id, kind=kind, state=OutboundEmail.State.PENDING).update(
            state=OutboundEmail.State.CANCELLED, last_error="The member unsubscribed."
        )


def email_preferences(user) -> dict[EmailKind, bool]:
    """Each optional kind, and whether this member receives it."""
    off = set(EmailOptOut.objects.filter(user=user).values_list("kind", flat=True))
    return {kind: kind not in off for kind in sorted(EmailKind.optional())}


def set_email_preferences(*, user, wanted: set[EmailKind]) -> None:
    """Receive the optional kinds in `wanted`, and none of the others."""
    with transaction.atomic():
        for kind in EmailKind.optional() - set(wanted):
            opt_out(user_id=user.pk, kind=kind)
        EmailOptOut.objects.filter(user=user, kind__in=set(wanted)).delete()


def forget_recipient(*, user, addresses: set[str]) -> None:
    """The person has left: drop every email to them, sent or not (pending
    ones are thereby never sent), and their preferences."""
    OutboundEmail.objects.filter(Q(user=user) | Q(to_email__in=addresses)).delete()
    EmailOptOut.objects.filter(user=user).delete()


# --- Building the message -----------------------------------------------------------


class _OutboxMessage(EmailMultiAlternatives):
    """A message whose MIME boundary is chosen here, not by the generator, which
    otherwise compiles a fresh regular expression per message to check its
    random boundary against the text (a fifth of the cost of building one)."""

    boundary = ""

    def message(self):
        msg = super().message()
        if self.boundary and msg.is_multipart():
            msg.set_boundary(self.boundary)
        return msg


class MessageBuilder:
    """Builds the messages of a batch: what is the same for every email (the
    domain, one random boundary checked against every text) is worked out once.
    The emails need their `user` loaded (select_related). A stable Message-ID
    per row lets mail clients drop a repeat if a crash between sending and
    recording ever sends one twice."""

    def __init__(self, emails: list[OutboundEmail]):
        self.domain = settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0] or "localhost"
        texts = [piece for email in emails for piece in _texts_of(email)]
        self.boundary = ""
        while not self.boundary or any(self.boundary in text for text in texts):
            self.boundary = f"=={secrets.token_hex(16)}=="

    def build(self, email: OutboundEmail, connection=None) -> EmailMultiAlternatives:
        name = email.user.display_name if email.user_id and email.user else ""
        message = _OutboxMessage(
            subject=email.subject,
            body=email.body_text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[formataddr((" ".join(name.split()), email.to_email))],
            headers={**email.headers, "Message-ID": f"<outbox-{email.pk}@{self.domain}>"},
            connection=connection,
        )
        message.boundary = self.boundary
        message.attach_alternative(email.body_html, "text/html")
        for attachment in email.attachments:
            message.attach(attachment["filename"], attachment["content"], attachment["mimetype"])
        return message


def build_message(email: OutboundEmail, connection=None) -> EmailMultiAlternatives:
    """The one message as sent (MessageBuilder for a batch)."""
    return MessageBuilder([email]).build(email, connection)


def _texts_of(email: OutboundEmail) -> list[str]:
    return [email.subject, email.body_text, email.body_html, *(str(a["content"]) for a in email.attachments)]

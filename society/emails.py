"""Queue an email: the one road every email of the project takes.

Business code calls `queue_email` (or `queue_emails`, for many at once) inside its
own transaction. The outbox row keeps the email's templates and their context as
JSON: plain data worked out now (`email_context`). It is rendered once, when it is
delivered (society.outbox), and nothing is sent if the transaction rolls back.
Delivery is handed to Celery when the transaction commits.
"""

import logging
import quopri
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from email.header import Header
from email.utils import formataddr, formatdate
from urllib.parse import quote

from django.conf import settings
from django.core import signing
from django.core.mail import BadHeaderError, EmailMessage
from django.core.mail.message import sanitize_address
from django.core.validators import validate_email
from django.db import connection as db_connection
from django.db import transaction
from django.db.models import Q
from django.template import Context
from django.template.loader import TemplateDoesNotExist, get_template
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.html import escape, linebreaks
from django.utils.safestring import mark_safe

from . import languages
from .models import EmailKind, EmailOptOut, OutboundEmail

logger = logging.getLogger(__name__)

UNSUBSCRIBE_SALT = "society.emails.unsubscribe"
# Rows per INSERT: well under the bind parameters PostgreSQL and SQLite take in one statement.
INSERT_BATCH = 500


@dataclass(frozen=True)
class Attachment:
    """A text file sent with an email (the ticket's .ics)."""

    filename: str
    content: str
    mimetype: str


@dataclass(frozen=True)
class Email:
    """One email to queue: what `queue_email` takes, as a value, for `queue_emails`."""

    key: str
    to: str
    template: str
    context: dict
    kind: EmailKind
    user: object = None
    attachments: tuple[Attachment, ...] = ()


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
    """Write one email to the outbox, in the caller's transaction; it is rendered
    from `template` and `context` when it is delivered.

    `template` is a prefix: `<template>_subject.txt`, `<template>_message.txt`
    and, when it exists, `<template>_message.html` (else the text is laid out
    as HTML). `context` is plain data (`email_context`). The same `key` queued
    twice keeps the first email. Optional kinds need `user` and are skipped
    when that member opted out. Returns True only when a new email was written:
    False when the key was queued before or the member opted out, so callers
    can count what they sent. `now` (default: the clock) is when it is queued and due.
    """
    email = Email(key=key, to=to, template=template, context=context, kind=kind, user=user, attachments=attachments)
    return queue_emails([email], now=now) == 1


def queue_emails(emails: Iterable[Email], *, now: datetime | None = None) -> int:
    """Write many emails to the outbox in the caller's transaction, each as `queue_email`
    would: one query for the opt-outs and one INSERT (per INSERT_BATCH emails) that
    skips the keys already queued. Returns how many were new."""
    now = now or timezone.now()
    emails = list(emails)
    for email in emails:
        validate_email(email.to)
        if email.kind in EmailKind.optional() and email.user is None:
            raise ValueError(f"{email.kind} emails need the member they are for (user=...).")
    opted_out = _opted_out(emails)
    rows, keys = [], set()
    for email in emails:
        if email.key in keys or (email.user and (email.user.pk, email.kind) in opted_out):
            continue
        keys.add(email.key)
        rows.append(_outbox_row(email, now=now))
    written = _insert_new(rows)
    if written:
        _request_delivery_on_commit()
    return written


def _opted_out(emails: list[Email]) -> set[tuple[int, str]]:
    """(member id, kind) of those among `emails` who turned their kind off (one query, if any is optional)."""
    optional = [email for email in emails if email.kind in EmailKind.optional()]
    if not optional:
        return set()
    opt_outs = EmailOptOut.objects.filter(
        user_id__in={email.user.pk for email in optional}, kind__in={email.kind for email in optional}
    )
    return set(opt_outs.values_list("user_id", "kind"))


def _outbox_row(email: Email, *, now: datetime) -> OutboundEmail:
    row = OutboundEmail(
        key=email.key,
        kind=email.kind,
        user=email.user,
        to_email=email.to,
        attachments=[{"filename": a.filename, "content": a.content, "mimetype": a.mimetype} for a in email.attachments],
        created_at=now,
        next_attempt_at=now,
    )
    if email.kind == EmailKind.ACCOUNT:
        # allauth's context holds live objects (the request, the user, the site) and
        # its link is for now: an account email is rendered now and sent as written.
        row.subject, row.body_text, row.body_html = render_email(
            email.template, email.context, user=email.user, kind=email.kind
        )
    else:
        row.template, row.context = email.template, email_context(email.context)
    return row


def _insert_new(rows: list[OutboundEmail]) -> int:
    """INSERT ... ON CONFLICT (key) DO NOTHING RETURNING id (PostgreSQL, SQLite 3.35+):
    the rows whose key is new are written, a key queued before (or meanwhile, by
    another transaction) is left as it was, and the caller's transaction goes on.
    Returns how many were written, which bulk_create(ignore_conflicts=True) cannot tell."""
    fields = [field for field in OutboundEmail._meta.concrete_fields if not field.primary_key]
    quote = db_connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    placeholders = "(" + ", ".join(["%s"] * len(fields)) + ")"
    written = 0
    with db_connection.cursor() as cursor:
        for start in range(0, len(rows), INSERT_BATCH):
            batch = rows[start : start + INSERT_BATCH]
            params = [
                field.get_db_prep_save(field.pre_save(row, add=True), db_connection)
                for row in batch
                for field in fields
            ]
            cursor.execute(
                f"INSERT INTO {quote(OutboundEmail._meta.db_table)} ({columns})"  # noqa: S608 (names from the model)
                f" VALUES {', '.join([placeholders] * len(batch))}"
                f" ON CONFLICT ({quote('key')}) DO NOTHING RETURNING {quote('id')}",
                params,
            )
            written += len(cursor.fetchall())
    return written


# --- The context, as JSON -----------------------------------------------------------


def email_context(context: dict) -> dict:
    """`context` as the outbox keeps it (JSON): strings, numbers, booleans, None,
    lists and dicts of them, and dates and datetimes (tagged, read back as such by
    `read_email_context`). Model instances are refused: give the values the email
    shows, worked out now, so that it says what was true when it was queued."""
    return _as_json(context, "context")


def _as_json(value, where: str):
    if value is None or isinstance(value, str | bool | int | float):
        return value
    if isinstance(value, Promise):  # a lazy translation
        return str(value)
    if isinstance(value, datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, date):
        return {"$date": value.isoformat()}
    if isinstance(value, dict):
        return {str(key): _as_json(item, f"{where}[{key!r}]") for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_as_json(item, f"{where}[{index}]") for index, item in enumerate(value)]
    raise TypeError(
        f"The email's {where} is a {type(value).__name__}: give plain values (strings, numbers, dates), "
        "worked out when the email is queued."
    )


def read_email_context(value):
    """What `email_context` wrote, with its dates and datetimes back."""
    if isinstance(value, dict):
        if len(value) == 1:
            if "$datetime" in value:
                return datetime.fromisoformat(value["$datetime"])
            if "$date" in value:
                return date.fromisoformat(value["$date"])
        return {key: read_email_context(item) for key, item in value.items()}
    if isinstance(value, list):
        return [read_email_context(item) for item in value]
    return value


# --- Rendering ----------------------------------------------------------------------


class EmailTemplates:
    """The templates of one email, found once: a batch renders many emails of a few kinds."""

    def __init__(self, prefix: str):
        self.subject = get_template(f"{prefix}_subject.txt").template
        self.text = get_template(f"{prefix}_message.txt").template
        try:
            self.html = get_template(f"{prefix}_message.html").template
        except TemplateDoesNotExist:
            self.html = None
            self.layout = get_template("emails/base_message.html").template

    def render(self, context: dict) -> tuple[str, str, str]:
        """Subject (one line), text and HTML bodies."""
        # Newlines in a subject would start new headers: fold all whitespace.
        subject = " ".join(self.subject.render(Context(context, autoescape=False)).split())
        body_text = self.text.render(Context(context, autoescape=False)).strip() + "\n"
        if self.html is not None:
            body_html = self.html.render(Context(context))
        else:
            # The text's signature ("-- " and below) is the HTML layout's footer already.
            body = text_as_html(body_text.rsplit("\n-- \n", 1)[0])
            body_html = self.layout.render(Context({**context, "body": body}))
        return subject, body_text, body_html


def _layout_context(context: dict, *, user, kind: EmailKind, unsubscribe: str = "") -> dict:
    """What every email's layout shows besides its own context."""
    return {
        "society_name": settings.SOCIETY_NAME,
        "site_url": settings.SITE_URL,
        "recipient": user,
        "unsubscribe_url": unsubscribe,
        "kind": kind,
        **context,
    }


def render_email(template: str, context: dict, *, user=None, kind: EmailKind) -> tuple[str, str, str]:
    """Subject (one line), text and HTML bodies, with the society's layout."""
    unsubscribe = unsubscribe_url(user, kind) if user and kind in EmailKind.optional() else ""
    with languages.speaking(user):
        return EmailTemplates(template).render(_layout_context(context, user=user, kind=kind, unsubscribe=unsubscribe))


def render_for_delivery(emails: list[OutboundEmail]) -> dict[int, Exception]:
    """Render, in place, the emails among `emails` kept as a template and a context
    (their `user` loaded): subject, texts and unsubscribe headers. Each template is
    found once for them all. Returns why each email that could not be rendered
    could not, by id; the others are ready to build (MessageBuilder)."""
    found: dict[str, EmailTemplates] = {}
    errors = {}
    for email in emails:
        if not email.template:
            continue  # rendered when queued (or queued before emails were rendered at delivery)
        try:
            if email.template not in found:
                found[email.template] = EmailTemplates(email.template)
            optional = email.user_id is not None and email.kind in EmailKind.optional()
            unsubscribe = unsubscribe_url(email.user, email.kind) if optional else ""
            context = _layout_context(
                read_email_context(email.context), user=email.user, kind=email.kind, unsubscribe=unsubscribe
            )
            with languages.speaking(email.user):  # the recipient's language, else English
                email.subject, email.body_text, email.body_html = found[email.template].render(context)
            email.headers = unsubscribe_headers(unsubscribe) if unsubscribe else {}
        except Exception as error:  # any fault of a template or its context fails this email only
            errors[email.pk] = error
    return errors


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


def unsubscribe_headers(url: str) -> dict[str, str]:
    """RFC 8058 one-click unsubscribe, to `url` (unsubscribe_url)."""
    return {
        "List-Unsubscribe": f"<{url}>",
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


class _OutboxMessage(EmailMessage):
    """A message whose MIME text MessageBuilder has written (`mime`). Django's
    message() builds it with Python's email package, which folds every header
    through email.header and parses every address again: most of the cost of
    sending one email. Its sender and `to` are the envelope's."""

    mime = b""

    def message(self):
        return _WrittenMessage(self.mime)


class _WrittenMessage:
    """What the mail backends ask of EmailMessage.message(): its bytes."""

    def __init__(self, mime: bytes):
        self.mime = mime

    def as_bytes(self, unixfrom: bool = False, linesep: str = "\n") -> bytes:
        return self.mime if linesep == "\r\n" else self.mime.replace(b"\r\n", linesep.encode())

    def get_charset(self):
        return None  # the console backend then reads the bytes as UTF-8


_NEWLINES = re.compile(r"\r\n|\r|\n")
# RFC 5322: a line is at most 998 octets; a header line should be at most 78.
LONGEST_LINE, LONGEST_HEADER_LINE = 998, 78


class MessageBuilder:
    """Writes the messages of a batch as MIME: what is the same for every email
    (the sender, the domain, two random boundaries checked against every text) is
    worked out once. The same message Django would build (multipart/alternative,
    text then HTML, in multipart/mixed with the attachments when there are any;
    UTF-8, 7bit or 8bit, quoted-printable when a line is too long; RFC 2047
    headers where they are not ASCII), at a small part of its cost. The emails
    need their `user` loaded (select_related). A stable Message-ID per row lets
    mail clients drop a repeat if a crash between sending and recording ever
    sends one twice."""

    def __init__(self, emails: list[OutboundEmail]):
        self.domain = settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0] or "localhost"
        self.sender = sanitize_address(settings.DEFAULT_FROM_EMAIL, "utf-8")
        texts = [piece for email in emails for piece in _texts_of(email)]
        self.boundary = self.mixed_boundary = ""
        while not self.boundary or any(self.boundary in text or self.mixed_boundary in text for text in texts):
            self.boundary, self.mixed_boundary = (f"=={secrets.token_hex(16)}==" for _ in range(2))

    def build(self, email: OutboundEmail, connection=None) -> EmailMessage:
        name = " ".join(email.user.display_name.split()) if email.user_id and email.user else ""
        to = formataddr((name, email.to_email))
        message = _OutboxMessage(
            subject=email.subject,
            body=email.body_text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[to],
            connection=connection,
        )
        message.mime = self.mime(email, to=to, name=name)
        return message

    def mime(self, email: OutboundEmail, *, to: str, name: str) -> bytes:
        """The message as its bytes, to `to` (formataddr of `name` and the address)."""
        headers = [
            _header("From", self.sender),
            _header("To", to if to.isascii() else sanitize_address((name, email.to_email), "utf-8")),
            _header("Subject", email.subject),
            _header("Date", formatdate(localtime=settings.EMAIL_USE_LOCALTIME)),
            _header("Message-ID", f"<outbox-{email.pk}@{self.domain}>"),
            *(_header(key, value) for key, value in email.headers.items()),
            b"MIME-Version: 1.0",
        ]
        body = _multipart(
            "alternative", self.boundary, [_text_part("plain", email.body_text), _text_part("html", email.body_html)]
        )
        if email.attachments:
            parts = [body, *(_attachment(a["filename"], a["content"], a["mimetype"]) for a in email.attachments)]
            body = _multipart("mixed", self.mixed_boundary, parts)
        return b"\r\n".join(headers) + b"\r\n" + body


def _header(name: str, value: str) -> bytes:
    """One header line (folded, RFC 2047-encoded where need be); newlines refused, as Django does."""
    if "\n" in value or "\r" in value:
        raise BadHeaderError(f"Header values cannot contain newlines (got {value!r} for header {name!r})")
    if value.isascii() and len(name) + 2 + len(value) <= LONGEST_HEADER_LINE:
        return f"{name}: {value}".encode()
    folded = Header(value, "us-ascii" if value.isascii() else "utf-8", header_name=name).encode(linesep="\r\n")
    return f"{name}: {folded}".encode()


def _multipart(subtype: str, boundary: str, parts: list[bytes]) -> bytes:
    """Its Content-Type line, a blank line, then its parts between boundaries."""
    delimiter = f"\r\n--{boundary}\r\n".encode()
    head = f'Content-Type: multipart/{subtype}; boundary="{boundary}"\r\n\r\n--{boundary}\r\n'.encode()
    return head + delimiter.join(parts) + f"\r\n--{boundary}--\r\n".encode()


def _text_part(subtype: str, text: str, disposition: bytes = b"") -> bytes:
    lines = _NEWLINES.split(text)
    data = "\r\n".join(lines).encode()
    if any(len(line.encode()) > LONGEST_LINE for line in lines):
        encoding, data = "quoted-printable", quopri.encodestring("\n".join(lines).encode()).replace(b"\n", b"\r\n")
    else:
        encoding = "7bit" if data.isascii() else "8bit"
    head = f'Content-Type: text/{subtype}; charset="utf-8"\r\nContent-Transfer-Encoding: {encoding}\r\n'.encode()
    return head + disposition + b"\r\n" + data


def _attachment(filename: str, content: str, mimetype: str) -> bytes:
    """A text file (Attachment.content is text: the ticket's .ics)."""
    basetype, _, subtype = mimetype.partition("/")
    if basetype != "text":
        raise ValueError(f"Attachments are text files: {filename} is {mimetype}.")
    if filename.isascii() and not set(filename) & set('"\\\r\n'):
        disposition = f'Content-Disposition: attachment; filename="{filename}"\r\n'.encode()
    else:
        disposition = f"Content-Disposition: attachment; filename*=utf-8''{quote(filename)}\r\n".encode()
    return _text_part(subtype, content, disposition)


def build_message(email: OutboundEmail, connection=None) -> EmailMessage:
    """The one message as it is sent (MessageBuilder for a batch), rendered first if need be."""
    errors = render_for_delivery([email])
    if errors:
        raise errors[email.pk]
    return MessageBuilder([email]).build(email, connection)


def _texts_of(email: OutboundEmail) -> list[str]:
    return [email.body_text, email.body_html, *(str(a["content"]) for a in email.attachments)]

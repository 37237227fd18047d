from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class EmailKind(models.TextChoices):
    """What an email is for. Members may turn off the optional kinds."""

    # allauth's: verification, password reset, email change. Their links open the
    # account, so their text is not kept once sent (society.outbox).
    ACCOUNT = "account", _("Account (verification, password)")
    # To one person about their account or role, with no sign-in link: a committee
    # role given, a retention warning.
    NOTICE = "notice", _("Notice (committee role, retention)")
    REGISTRATION = "registration", _("Registration (confirmed, waiting list, promoted)")
    EVENT_UPDATE = "event_update", _("Event changed or cancelled")
    REMINDER = "reminder", _("Event reminders")
    FOLLOW_UP = "follow_up", _("Follow-ups after events")
    DIGEST = "digest", _("Weekly digest")
    ANNOUNCEMENT = "announcement", _("Announcements from the committee")
    SPEAKER = "speaker", _("To a speaker (feedback digest)")
    PROPOSAL = "proposal", _("Your session proposals (reviewed, accepted, co-hosts)")
    HOSTING = "hosting", _("To a host (preparing a session)")
    LOTTERY = "lottery", _("Lottery results (a place, or your number on the waiting list)")
    STRIKE = "strike", _("No-show strikes (given, contested, decided)")

    @classmethod
    def optional(cls) -> frozenset["EmailKind"]:
        """Kinds a member can unsubscribe from; the others are transactional, always sent."""
        return frozenset({cls.REMINDER, cls.FOLLOW_UP, cls.DIGEST, cls.ANNOUNCEMENT})


class OutboundEmail(models.Model):
    """One email to one recipient, written in the transaction that causes it.

    `key` names its purpose (say `reminder-24h:<registration>`): queuing the same
    key twice keeps one row, so one email. Celery delivers pending rows; a
    periodic sweep picks up whatever is still pending.
    """

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Cancelled")

    # Unique while the row lasts; sent and cancelled rows are purged after
    # OUTBOX_RETENTION_DAYS (society.outbox.purge_old_emails).
    key = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=20, choices=EmailKind.choices)
    # The member it is for, if any: deleting the account deletes its emails,
    # so nothing is sent to someone who has left.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="outbound_emails"
    )
    to_email = models.EmailField("to")
    # What it is made of: its templates' prefix and their context as JSON, plain data
    # worked out when it was queued (society.emails.email_context). It is rendered when
    # it is delivered (society.outbox), and what was sent is kept below. Empty for an
    # email rendered when queued (allauth's account emails), sent as written.
    template = models.CharField(max_length=200, blank=True)
    context = models.JSONField(default=dict, blank=True)
    # Rendered: at delivery, or when queued for account emails. Emptied once an
    # account email is sent, failed for good or cancelled.
    subject = models.CharField(max_length=300, blank=True)
    body_text = models.TextField(blank=True)
    body_html = models.TextField(blank=True)
    headers = models.JSONField(default=dict, blank=True)
    # [{"filename": ..., "mimetype": ..., "content": <text>}]
    attachments = models.JSONField(default=list, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "outbound email"
        ordering = ["-created_at"]
        indexes = [
            # The delivery query: pending rows that are due.
            models.Index(fields=["next_attempt_at"], condition=Q(state="pending"), name="outbox_due_idx"),
            models.Index(fields=["claimed_at"], condition=Q(state="sending"), name="outbox_sending_idx"),
            # The purge: sent rows by when they were sent, cancelled ones by when they were queued.
            models.Index(fields=["sent_at"], condition=Q(state="sent"), name="outbox_sent_idx"),
            models.Index(fields=["created_at"], condition=Q(state="cancelled"), name="outbox_cancelled_idx"),
            models.Index(fields=["to_email"]),
        ]

    def __str__(self) -> str:
        return f"{self.headline} → {self.to_email} ({self.get_state_display()})"

    @property
    def headline(self) -> str:
        """Its subject, or which email it is while it waits to be rendered."""
        return self.subject or f"{self.template} (not rendered yet)"

    @property
    def keeps_body(self) -> bool:
        """Account emails carry sign-in links: their text is never shown, and is emptied once delivered."""
        return self.kind != EmailKind.ACCOUNT


class EmailOptOut(models.Model):
    """A member who does not want one optional kind of email."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="email_opt_outs")
    kind = models.CharField(max_length=20, choices=EmailKind.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="one_opt_out_per_kind"),
            # Transactional emails (account, registration...) are always sent.
            models.CheckConstraint(
                condition=Q(kind__in=sorted(EmailKind.optional())), name="opt_out_of_optional_kinds_only"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} opted out of {self.get_kind_display()}"

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from events.models import Event
from workshops.models import WorkshopSeries


class IssuedCredential(models.Model):
    """An Open Badges 3.0 credential the society signed for a member: for a session they
    led or a series they completed. The signed JSON is kept as issued, so the member
    downloads the same credential every time; revoking it (services.revoke_credential)
    makes the site's check report it as revoked. Made only through services."""

    class Kind(models.TextChoices):
        SESSION_LED = "session_led", _("Session led")
        SERIES_COMPLETED = "series_completed", _("Workshop series completed")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="credentials")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    event = models.ForeignKey(Event, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    series = models.ForeignKey(WorkshopSeries, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    title = models.CharField(max_length=300)  # the achievement's name, as issued
    document = models.JSONField()  # the signed credential, exactly as issued
    issued_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-issued_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["member", "event"],
                condition=Q(revoked_at__isnull=True, kind="session_led"),
                name="credential_once_per_session_led",
            ),
            models.UniqueConstraint(
                fields=["member", "series"],
                condition=Q(revoked_at__isnull=True, kind="series_completed"),
                name="credential_once_per_series_completed",
            ),
        ]

    def __str__(self) -> str:
        state = "revoked" if self.revoked_at else "valid"
        return f"{self.get_kind_display()}: {self.title} for {self.member} ({state})"

    def get_absolute_url(self) -> str:
        return reverse("credentials:credential", kwargs={"credential_id": self.pk})

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None


def new_snapshot_token() -> str:
    return secrets.token_urlsafe(32)


class RecordSnapshot(models.Model):
    """A member's participation record frozen on a date, at an unguessable address they
    can put on a CV: it stays as it was, and stays up when they hide their live record,
    until they revoke it."""

    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="record_snapshots")
    token = models.CharField(max_length=43, unique=True, default=new_snapshot_token)
    name = models.CharField(max_length=200)  # the member's name, as it was
    course = models.CharField(max_length=200, blank=True)
    sections = models.JSONField()  # society.records sections, as plain JSON (credentials.snapshots)
    language = models.CharField(max_length=10)  # the language its headings were written in
    taken_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-taken_at", "-pk"]

    def __str__(self) -> str:
        state = "revoked" if self.revoked_at else "shared"
        return f"Record of {self.name} on {self.taken_at:%Y-%m-%d} ({state})"

    def get_absolute_url(self) -> str:
        return reverse("credentials:snapshot", kwargs={"token": self.token})

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

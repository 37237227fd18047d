"""The records of the fair-seats rules: no-show strikes and lottery requests.

Written only by events.services.strikes and events.services.lottery (the admin goes
through them too); imported by events.models, so `from events.models import Strike`.
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class StrikeQuerySet(models.QuerySet):
    def active(self, at):
        """Strikes that count at `at`: given by then, not expired, not waived."""
        return self.filter(given_at__lte=at, expires_at__gt=at).exclude(decision=Strike.Decision.WAIVED)

    def contested(self):
        """Contested and not yet decided: the committee's queue."""
        return self.filter(contested_at__isnull=False, decided_at__isnull=True)


class Strike(models.Model):
    """A no-show at an event whose no-show policy was on: given once attendance was final,
    it counts until `expires_at` unless the committee waives it (with a reason, logged).
    The member may contest it from the follow-up email."""

    class Decision(models.TextChoices):
        WAIVED = "waived", _("Waived")
        KEPT = "kept", _("Kept")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="strikes")
    # The place that was not used (its event is the strike's event).
    registration = models.OneToOneField("events.Registration", on_delete=models.CASCADE, related_name="strike")
    given_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    contested_at = models.DateTimeField(_("contested"), null=True, blank=True)
    contest_reason = models.TextField(_("why the member contests it"), blank=True)
    decision = models.CharField(max_length=20, choices=Decision.choices, blank=True)
    decision_reason = models.CharField(_("reason"), max_length=500, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = StrikeQuerySet.as_manager()

    class Meta:
        verbose_name = _("no-show strike")
        verbose_name_plural = _("no-show strikes")
        ordering = ["-given_at", "-id"]
        indexes = [
            models.Index(fields=["user", "expires_at"], name="strike_by_user"),
            models.Index(
                fields=["contested_at"],
                condition=Q(contested_at__isnull=False, decided_at__isnull=True),
                name="strike_contested",
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(expires_at__gt=models.F("given_at")), name="strike_expires_after"),
            models.CheckConstraint(
                condition=Q(decision="") | Q(decided_at__isnull=False), name="strike_decision_has_time"
            ),
        ]

    def __str__(self) -> str:
        return f"Strike for {self.user} ({self.given_at:%Y-%m-%d})"


def new_request_id() -> str:
    """The anonymised id a request is published under: random, so it says nothing of who asked."""
    return secrets.token_hex(6)


class LotteryRequest(models.Model):
    """A member asks for a place at an event whose seats are drawn by lot, optionally only
    together with one friend (who must ask too, naming them). The draw fills in `weight`,
    `position` and `seated`, and links the registration it made."""

    event = models.ForeignKey("events.Event", on_delete=models.CASCADE, related_name="lottery_requests")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lottery_requests")
    # "I can only come if my friend gets a place too": a pair when both name each other.
    friend = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Published with the draw, instead of the person.
    public_id = models.CharField(max_length=24, default=new_request_id, editable=False)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    # Filled in by the draw.
    weight = models.DecimalField(max_digits=6, decimal_places=3, null=True, blank=True)
    position = models.PositiveIntegerField(_("drawn position"), null=True, blank=True)
    seated = models.BooleanField(null=True, blank=True)
    registration = models.OneToOneField(
        "events.Registration", null=True, blank=True, on_delete=models.SET_NULL, related_name="lottery_request"
    )
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("lottery request")
        verbose_name_plural = _("lottery requests")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "user"], condition=Q(withdrawn_at__isnull=True), name="lottery_request_once"
            ),
            models.UniqueConstraint(fields=["event", "public_id"], name="lottery_request_public_id"),
            models.CheckConstraint(condition=~Q(friend=models.F("user")), name="lottery_request_not_own_friend"),
        ]

    def __str__(self) -> str:
        return f"{self.user} asks for {self.event}"

"""Session proposals: a member offers to lead a session, the committee reviews it, and
an accepted one becomes a draft event that the proposer (and co-hosts) host.

States change only through proposals.services, which keeps the state machine:

    submitted -> changes requested -> submitted (the proposer edits) -> ...
    submitted | changes requested -> declined (final) | accepted -> scheduled (final)
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from events.models import Event
from workshops.models import WorkshopSeries


class Proposal(models.Model):
    """A session a member offers to lead."""

    class Kind(models.TextChoices):
        WORKSHOP = "workshop", _("Workshop")
        TALK = "talk", _("Talk")
        PAPER_READING = "paper_reading", _("Paper reading")
        PROJECT_DEMO = "project_demo", _("Project demo")

    class State(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        CHANGES_REQUESTED = "changes_requested", _("Changes requested")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        SCHEDULED = "scheduled", _("Scheduled")

    class Length(models.IntegerChoices):
        MIN_30 = 30, _("30 minutes")
        MIN_45 = 45, _("45 minutes")
        MIN_60 = 60, _("1 hour")
        MIN_90 = 90, _("1½ hours")
        MIN_120 = 120, _("2 hours")
        MIN_180 = 180, _("3 hours")

    proposer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="proposals")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.WORKSHOP)
    title = models.CharField(_("title"), max_length=200)
    abstract = models.TextField(
        _("abstract"), help_text=_("Markdown. What the session is about; its first line becomes the summary.")
    )
    level = models.CharField(
        _("level"), max_length=20, choices=Event.Level.choices, default=Event.Level.ALL, blank=True
    )
    prerequisites = models.TextField(
        _("prerequisites"), blank=True, help_text=_("What attendees should know, bring or install.")
    )
    outcomes = models.TextField(_("what attendees will build or learn"))
    length_minutes = models.PositiveSmallIntegerField(_("length"), choices=Length.choices, default=Length.MIN_60)
    preferred_weeks = models.CharField(
        _("preferred weeks"), max_length=200, blank=True, help_text=_("For example: weeks 3 to 5, not reading week.")
    )
    materials_plan = models.TextField(
        _("materials plan"), blank=True, help_text=_("Slides, notebooks, a repository: what you will share and when.")
    )
    state = models.CharField(max_length=20, choices=State.choices, default=State.SUBMITTED, editable=False)
    event = models.OneToOneField(
        Event, null=True, blank=True, on_delete=models.SET_NULL, related_name="proposal", editable=False
    )
    series = models.ForeignKey(
        WorkshopSeries, null=True, blank=True, on_delete=models.SET_NULL, related_name="proposals", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # The last time the state changed (when it was submitted, at first).
    state_changed_at = models.DateTimeField(editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["state", "-state_changed_at"], name="proposal_queue")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("proposals:mine", kwargs={"proposal_id": self.pk})

    @property
    def editable(self) -> bool:
        """The proposer may change it only while the committee has not decided."""
        return self.state in (self.State.SUBMITTED, self.State.CHANGES_REQUESTED)


class CoHost(models.Model):
    """Someone the proposer invited to lead the session with them; they must accept."""

    class Status(models.TextChoices):
        INVITED = "invited", pgettext_lazy("a co-host", "Invited")
        ACCEPTED = "accepted", pgettext_lazy("a co-host", "Accepted")
        DECLINED = "declined", pgettext_lazy("a co-host", "Declined")

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="co_hosts")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="co_hosting")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.INVITED)
    answered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("co-host")
        ordering = ["created_at", "id"]
        constraints = [models.UniqueConstraint(fields=["proposal", "user"], name="co_host_once")]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_status_display()})"


class Message(models.Model):
    """What the committee (or the proposer) wrote about a proposal. An internal note is
    for the committee only; the proposer sees the rest, with the state changes."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    body = models.TextField(blank=True)
    internal = models.BooleanField(default=False, help_text=_("Seen by the committee only."))
    # The state this message came with (a request for changes, a decline), if any.
    state = models.CharField(max_length=20, choices=Proposal.State.choices, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["proposal", "internal"], name="proposal_message_seen")]

    def __str__(self) -> str:
        return f"{self.author}: {self.body[:40]}"


class Vote(models.Model):
    """A committee member's rating of a proposal, 1 (no) to 5 (yes please); one each, changeable."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="votes")
    voter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    score = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(5)])
    note = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["proposal", "voter"], name="proposal_vote_once"),
            models.CheckConstraint(condition=Q(score__gte=1, score__lte=5), name="proposal_vote_1_to_5"),
        ]

    def __str__(self) -> str:
        return f"{self.voter}: {self.score}"

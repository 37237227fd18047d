import re
import secrets
from pathlib import PurePosixPath

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from events.models import Event, new_token
from members.models import Topic
from society.links import web_link

from .storage import private_storage

WEEKDAYS = [_("Monday"), _("Tuesday"), _("Wednesday"), _("Thursday"), _("Friday"), _("Saturday"), _("Sunday")]
# github.com/<owner>/<repo>/blob/<ref>/<path>.ipynb: a notebook Colab can open.
GITHUB_NOTEBOOK = re.compile(r"^https://github\.com/([\w.-]+/[\w.-]+/blob/.+\.ipynb)$")


class WorkshopSeries(models.Model):
    """A named run of workshop events, such as "Intro to Machine Learning, autumn 2026"."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=220, unique=True)
    description = models.TextField(blank=True, help_text=_("Plain text."))
    level = models.CharField(max_length=20, choices=Event.Level.choices, default=Event.Level.ALL, blank=True)
    prerequisites = models.TextField(blank=True, help_text=_("Plain text: what to know before the first session."))
    topics = models.ManyToManyField(Topic, blank=True, related_name="workshop_series")
    sessions = models.ManyToManyField(Event, through="SeriesSession", related_name="workshop_series")
    # A retired series is listed apart and offered no new sessions; its page stays.
    retired_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = _("workshop series")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("workshops:series", kwargs={"slug": self.slug})


class SeriesSession(models.Model):
    """A workshop event in a series, in its place."""

    series = models.ForeignKey(WorkshopSeries, on_delete=models.CASCADE, related_name="series_sessions")
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="series_sessions")
    order = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["order", "id"]
        constraints = [models.UniqueConstraint(fields=["series", "event"], name="series_session_once")]

    def __str__(self) -> str:
        return f"{self.series}: {self.order}. {self.event}"


def material_upload_to(material: "Material", filename: str) -> str:
    """A random name: the original name is kept in `original_name` for downloads."""
    suffix = PurePosixPath(filename).suffix.lower()
    suffix = suffix if re.fullmatch(r"\.[a-z0-9]{1,10}", suffix) else ""
    return f"materials/{secrets.token_hex(16)}{suffix}"


class Material(models.Model):
    """Slides, a notebook, a file or a link, for one event or a whole series."""

    class Kind(models.TextChoices):
        SLIDES = "slides", _("Slides (PDF)")
        NOTEBOOK = "notebook", _("Notebook (.ipynb)")
        FILE = "file", _("File (code, data)")
        LINK = "link", _("Link")

    class Visibility(models.TextChoices):
        PUBLIC = "public", _("Everyone")
        MEMBERS = "members", _("Members")
        ATTENDEES = "attendees", _("Attendees")

    FILE_KINDS = (Kind.SLIDES, Kind.NOTEBOOK, Kind.FILE)

    event = models.ForeignKey(Event, null=True, blank=True, on_delete=models.CASCADE, related_name="materials")
    series = models.ForeignKey(
        WorkshopSeries, null=True, blank=True, on_delete=models.CASCADE, related_name="materials"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    title = models.CharField(max_length=200)
    description = models.CharField(max_length=500, blank=True)
    visibility = models.CharField(max_length=20, choices=Visibility.choices, default=Visibility.MEMBERS)
    available_from = models.DateTimeField(
        null=True, blank=True, help_text=_("Hidden until then (e.g. the workshop's start). Empty: at once.")
    )
    order = models.PositiveSmallIntegerField(default=0)
    file = models.FileField(upload_to=material_upload_to, storage=private_storage, blank=True, max_length=200)
    original_name = models.CharField(max_length=200, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    url = models.URLField(max_length=500, blank=True, validators=[web_link])
    # In URLs instead of the id.
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    # The notebook's HTML, made once per upload by workshops.tasks.render_notebook.
    rendered_html = models.TextField(blank=True, editable=False)
    rendered_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["order", "id"]
        indexes = [models.Index(fields=["event", "order"]), models.Index(fields=["series", "order"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(event__isnull=True, series__isnull=False) | Q(event__isnull=False, series__isnull=True),
                name="material_of_event_or_series",
            ),
            models.CheckConstraint(
                condition=Q(kind="link", file="") & ~Q(url="") | ~Q(kind="link") & ~Q(file="") & Q(url=""),
                name="material_link_has_url_file_has_file",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.get_kind_display()})"

    @property
    def is_file(self) -> bool:
        return self.kind in self.FILE_KINDS

    @property
    def download_url(self) -> str:
        return reverse("workshops:material_download", kwargs={"token": self.token})

    @property
    def notebook_url(self) -> str:
        return reverse("workshops:notebook", kwargs={"token": self.token})

    @property
    def colab_url(self) -> str:
        """ "Open in Colab" for a link to a notebook in a public GitHub repository."""
        match = GITHUB_NOTEBOOK.match(self.url) if self.kind == self.Kind.LINK else None
        return f"https://colab.research.google.com/github/{match.group(1)}" if match else ""


class StudyGroup(models.Model):
    """A small group meeting regularly around a topic; its meetings are study-group events."""

    name = models.CharField(max_length=150)
    slug = models.SlugField(max_length=170, unique=True)
    topic = models.ForeignKey(Topic, null=True, blank=True, on_delete=models.SET_NULL, related_name="study_groups")
    description = models.TextField(blank=True, help_text=_("Plain text."))
    organiser = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="organised_study_groups"
    )
    meeting_pattern = models.CharField(max_length=200, help_text=_("E.g. Thursdays 6pm, Lab 2.14."))
    # The pattern the console generates meetings from (workshops.services.plan_meetings).
    meeting_weekday = models.PositiveSmallIntegerField(
        null=True, blank=True, choices=list(enumerate(WEEKDAYS)), help_text=_("The day its meetings fall on.")
    )
    meeting_time = models.TimeField(null=True, blank=True, help_text=_("Local time of the society."))
    meeting_minutes = models.PositiveSmallIntegerField(default=60)
    meeting_place = models.CharField(max_length=200, blank=True)
    capacity = models.PositiveSmallIntegerField(default=12)
    # Archived at the end of its academic year: listed apart, no longer joined.
    archived_at = models.DateTimeField(null=True, blank=True)
    meetings = models.ManyToManyField(
        Event, blank=True, related_name="study_groups", limit_choices_to={"kind": Event.Kind.STUDY_GROUP}
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="StudyGroupMembership", related_name="study_groups"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("study group")
        verbose_name_plural = _("study groups")
        ordering = ["name"]
        constraints = [models.CheckConstraint(condition=Q(capacity__gte=1), name="study_group_capacity_positive")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("workshops:study_group", kwargs={"slug": self.slug})


class StudyGroupMembership(models.Model):
    group = models.ForeignKey(StudyGroup, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="study_memberships")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [models.UniqueConstraint(fields=["group", "user"], name="study_group_member_once")]

    def __str__(self) -> str:
        return f"{self.user} in {self.group}"

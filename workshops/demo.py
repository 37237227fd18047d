"""Demo workshops: the demo's workshop events as a series with materials (a real
small PDF and notebook made here), two study groups with meetings, some
feedback. Safe to run again: rows are found by slug or title and updated."""

import json
from datetime import time, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from events.models import Event, EventRating
from members.models import Topic, User

from . import services
from .models import Material, SeriesSession, StudyGroup, StudyGroupMembership, WorkshopSeries

SERIES_SLUG = "intro-to-machine-learning-autumn-2026"
COLAB_NOTEBOOK = (
    "https://github.com/jakevdp/PythonDataScienceHandbook/blob/master/notebooks/05.02-Introducing-Scikit-Learn.ipynb"
)


def make_pdf(text: str = "Slides") -> bytes:
    """A real one-page PDF saying `text` (ASCII), with a correct cross-reference table."""
    safe = "".join(ch for ch in text if ch.isascii() and ch not in "()\\")
    stream = f"BT /F1 24 Tf 72 720 Td ({safe}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def make_notebook(*, title: str = "Linear regression", outputs: list | None = None) -> bytes:
    """A real small nbformat-4 notebook: a heading, code and its output."""
    code_outputs = (
        outputs if outputs is not None else [{"output_type": "stream", "name": "stdout", "text": "w = 2.0\n"}]
    )
    notebook = {
        "nbformat": 4,
        "nbformat_minor": 5,
        "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
        "cells": [
            {"cell_type": "markdown", "id": "intro", "metadata": {}, "source": f"# {title}\n\nFit a line to points."},
            {
                "cell_type": "code",
                "id": "fit",
                "metadata": {},
                "execution_count": 1,
                "source": (
                    "xs, ys = [1, 2, 3], [2, 4, 6]\n"
                    "w = sum(x * y for x, y in zip(xs, ys)) / sum(x * x for x in xs)\n"
                    "print(f'w = {w}')"
                ),
                "outputs": code_outputs,
            },
        ],
    }
    return json.dumps(notebook, indent=1).encode()


def load(stdout) -> None:
    workshops = list(Event.objects.filter(kind=Event.Kind.WORKSHOP, slug__startswith="workshop-").order_by("starts_at"))
    if not workshops:
        return
    series, _ = WorkshopSeries.objects.update_or_create(
        slug=SERIES_SLUG,
        defaults={
            "name": "Intro to Machine Learning, autumn 2026",
            "description": "Ten weekly hands-on sessions, from Python basics to building a RAG app.",
            "level": Event.Level.BEGINNER,
            "prerequisites": "Some Python (loops, functions). A laptop with Python 3.12 or a Google account for Colab.",
        },
    )
    series.topics.set(Topic.objects.filter(slug="machine-learning"))
    for order, event in enumerate(workshops):
        SeriesSession.objects.update_or_create(series=series, event=event, defaults={"order": order})
    first = workshops[0]
    if not Material.objects.filter(event=first).exists():
        services.add_material(
            event=first, kind="slides", title="Slides", visibility="public", content_type="application/pdf",
            upload=SimpleUploadedFile("python-for-ml.pdf", make_pdf("Python for machine learning")),
        )  # fmt: skip
        services.add_material(
            event=first, kind="notebook", title="Notebook: linear regression", visibility="members",
            content_type="application/x-ipynb+json", upload=SimpleUploadedFile("linear.ipynb", make_notebook()),
        )  # fmt: skip
        services.add_material(
            event=first, kind="link", title="Scikit-learn notebook (GitHub)", visibility="public", url=COLAB_NOTEBOOK
        )
        services.add_material(
            series=series, kind="link", title="Code repository", visibility="public",
            url="https://github.com/scikit-learn/scikit-learn",
        )  # fmt: skip
    for event in workshops[1:]:
        if not Material.objects.filter(event=event).exists():
            services.add_material(
                event=event, kind="slides", title="Slides", visibility="attendees", available_from=event.starts_at,
                content_type="application/pdf", upload=SimpleUploadedFile("slides.pdf", make_pdf(event.title[:60])),
            )  # fmt: skip
    _feedback(workshops)
    _study_groups()
    _last_years_group()
    stdout.write(f"Workshops: series “{series.name}” with {len(workshops)} sessions, study groups.\n")


def _last_years_group() -> None:
    """A group from last academic year, archived by the new year's clean-up."""
    if StudyGroup.objects.filter(slug="reading-club-last-year").exists():
        return
    committee = User.objects.current_committee().order_by("id").first()
    group = services.save_study_group(
        group=StudyGroup(
            slug="reading-club-last-year", name="Reading club (last year)", capacity=8,
            meeting_pattern="Tuesdays 1pm, library", description="Last year's weekly paper reading.",
        ),
        by=committee,
    )  # fmt: skip
    # It was set up a year ago (the demo has no clock to wind back).
    StudyGroup.objects.filter(pk=group.pk).update(created_at=timezone.now() - timedelta(days=365))
    services.archive_last_years_study_groups(by=committee)


def _feedback(workshops: list[Event]) -> None:
    """Some who rated from the follow-up email also wrote what worked and what to improve."""
    rated = EventRating.objects.filter(registration__event__in=workshops, what_worked="", what_to_improve="")
    for rating in rated.select_related("registration").order_by("id")[:4]:
        services.give_feedback(
            registration=rating.registration, score=rating.score,
            what_worked="Coding along with the notebook.", what_to_improve="A bit more time for the exercises.",
        )  # fmt: skip


def _study_groups() -> None:
    """Two groups with a weekly pattern; members join, then the next two meetings are
    generated (and published, and members told) through the services, as the console does."""
    organiser = User.objects.filter(is_active=True).order_by("id").first()
    committee = User.objects.current_committee().order_by("id").first()
    students = list(User.objects.filter(is_active=True, is_staff=False).order_by("id")[1:3])
    groups = [
        ("paper-reading", "Paper reading group", "natural-language-processing", "Thursdays 6pm, Lab 2.14", 10, 3, 18),
        ("kaggle-team", "Kaggle team", "data-science", "Saturdays 11am, online", 5, 5, 11),
    ]  # fmt: skip
    today = timezone.localdate()
    for slug, name, topic, pattern, capacity, weekday, hour in groups:
        group = StudyGroup.objects.filter(slug=slug).first() or StudyGroup(slug=slug)
        group.name, group.topic, group.organiser = name, Topic.objects.filter(slug=topic).first(), organiser
        group.meeting_pattern, group.capacity, group.description = (
            pattern,
            capacity,
            "We meet every week; bring questions.",
        )
        group.meeting_weekday, group.meeting_time, group.meeting_minutes = weekday, time(hour), 60
        group.meeting_place = pattern.split(", ")[-1]
        group = services.save_study_group(group=group, by=committee)
        for person in [organiser, *students]:
            if person and not StudyGroupMembership.objects.filter(group=group, user=person).exists():
                services.join_study_group(group=group, user=person)
        if not group.meetings.filter(starts_at__gte=timezone.now()).exists():
            # The meetings fall on the group's own day and hour, as its pattern says.
            first_day = today + timedelta(days=(weekday - today.weekday()) % 7 or 7)
            services.generate_meetings(group=group, first_day=first_day, weeks=2, by=committee)

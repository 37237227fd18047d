"""Topics (the labels events, series, study groups and interests share): create,
rename, merge. Merging finds what points at a topic by Django's relation
introspection, so members names no other app."""

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.text import slugify
from django.utils.translation import gettext as _

from society.hooks import log_action

from ..models import Topic


class TopicError(Exception):
    """A rule about topics said no; the message is for the committee (a form error)."""


def topic_name_problem(name: str, *, exclude: Topic | None = None) -> str | None:
    """Why `name` cannot name a topic: empty, or another topic has it (in any case)."""
    name = " ".join(name.split())
    if not name:
        return _("A topic needs a name.")
    taken = Topic.objects.filter(name__iexact=name).exclude(pk=exclude.pk if exclude else None).first()
    if taken:
        return _("There is already a topic called “%(name)s”: merge into it instead.") % {"name": taken.name}
    return None


def topic_slug(name: str) -> str:
    """The slug a topic of this name gets ("" when the name has no letters or digits to make one)."""
    return slugify(name)[:55]


def create_topic(*, name: str, by=None) -> Topic:
    """A new topic; its slug (used in the events list's filter) is made from the name."""
    name = " ".join(name.split())
    with transaction.atomic():
        problem = topic_name_problem(name)
        if problem:
            raise TopicError(problem)
        base = topic_slug(name) or "topic"
        slug, n = base, 2
        while Topic.objects.filter(slug=slug).exists():
            slug, n = f"{base}-{n}", n + 1
        topic = Topic.objects.create(name=name, slug=slug)
        log_action(actor=by, action="created topic", detail=name)
        return topic


def topics_named(names: list[str], *, by=None) -> list[Topic]:
    """The topics of these names (typed in a form), each created through create_topic when
    none exists yet; matched by name whatever the case or by its slug, so "NLP", "nlp"
    and "N.L.P." are one topic."""
    topics = []
    for name in (" ".join(name.split())[:60] for name in names):
        same = Topic.objects.filter(Q(slug=topic_slug(name)) | Q(name__iexact=name)).order_by("pk")
        topic = same.first()
        if topic is None:
            try:
                with transaction.atomic():  # someone may be creating it at this moment
                    topic = create_topic(name=name, by=by)
            except (IntegrityError, TopicError):
                topic = same.first()
        topics.append(topic)
    return topics


def rename_topic(*, topic: Topic, name: str, by=None) -> Topic:
    """Rename a topic. Its slug stays, so filtered links people shared keep working."""
    name = " ".join(name.split())
    with transaction.atomic():
        topic = Topic.objects.select_for_update().get(pk=topic.pk)
        problem = topic_name_problem(name, exclude=topic)
        if problem:
            raise TopicError(problem)
        log_action(actor=by, action="renamed topic", detail=f"{topic.name} → {name}")
        topic.name = name
        topic.save(update_fields=["name", "updated_at"])
    return topic


def merge_topics(*, merged: Topic, kept: Topic, by=None) -> dict[str, int]:
    """Everything about `merged` becomes about `kept` (events, members' interests, series,
    study groups: whatever points at Topic, found through Django's relation introspection
    so members names no other app), then `merged` is deleted. One transaction.
    Returns how many rows moved, by the relation's model label."""
    if merged.pk == kept.pk:
        raise TopicError(_("A topic cannot be merged into itself: choose another topic to keep."))
    moved: dict[str, int] = {}
    with transaction.atomic():
        locked = {t.pk: t for t in Topic.objects.select_for_update().filter(pk__in=[merged.pk, kept.pk])}
        if len(locked) != 2:
            raise TopicError(_("One of these topics no longer exists: nothing was changed."))
        for relation in Topic._meta.related_objects:
            if relation.many_to_many:
                through = relation.through
                to_topic, to_owner = relation.field.m2m_reverse_field_name(), relation.field.m2m_field_name()
                both = through.objects.filter(**{to_topic: kept}).values(to_owner)
                through.objects.filter(**{to_topic: merged, f"{to_owner}__in": both}).delete()
                count = through.objects.filter(**{to_topic: merged}).update(**{to_topic: kept})
                label = relation.related_model._meta.label
            elif relation.one_to_many:
                name = relation.field.name
                count = relation.related_model._base_manager.filter(**{name: merged}).update(**{name: kept})
                label = relation.related_model._meta.label
            else:
                raise TopicError(f"{relation.related_model._meta.label} points at topics in a way merging cannot move.")
            moved[label] = moved.get(label, 0) + count
        log_action(actor=by, action="merged topics", detail=f"{locked[merged.pk].name} into {locked[kept.pk].name}")
        locked[merged.pk].delete()
    return moved

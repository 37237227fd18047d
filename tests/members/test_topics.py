"""Topics in the console: listed with what points at them, created, renamed, merged."""

import pytest
from django.urls import reverse

from members import services
from members.models import Topic
from tests.factories import EventFactory, ProfileFactory, StudyGroupFactory, TopicFactory, WorkshopSeriesFactory
from tests.querycount import assert_constant_queries

pytestmark = pytest.mark.django_db


def test_create_topic_makes_a_slug_from_its_name():
    topic = services.create_topic(name="  Reinforcement   learning ")

    assert (topic.name, topic.slug) == ("Reinforcement learning", "reinforcement-learning")


def test_create_topic_with_a_name_taken_in_another_case_is_refused():
    TopicFactory(name="NLP", slug="nlp")

    with pytest.raises(services.TopicError, match="There is already a topic called “NLP”"):
        services.create_topic(name="nlp")
    assert Topic.objects.count() == 1


def test_rename_topic_keeps_its_slug():
    topic = TopicFactory(name="ML", slug="ml")

    services.rename_topic(topic=topic, name="Machine learning")

    topic.refresh_from_db()
    assert (topic.name, topic.slug) == ("Machine learning", "ml")


def test_rename_topic_to_an_existing_name_is_refused_and_changes_nothing():
    TopicFactory(name="Vision", slug="vision")
    topic = TopicFactory(name="CV", slug="cv")

    with pytest.raises(services.TopicError, match="There is already a topic called “Vision”: merge into it instead"):
        services.rename_topic(topic=topic, name="vision")
    topic.refresh_from_db()
    assert topic.name == "CV"


def test_merge_topics_moves_events_interests_series_and_groups_then_deletes_the_merged_one():
    kept, merged = TopicFactory(name="Machine learning", slug="ml"), TopicFactory(name="ML", slug="ml-2")
    event, both_event = EventFactory(), EventFactory()
    event.topics.add(merged)
    both_event.topics.add(merged, kept)
    profile = ProfileFactory()
    profile.interests.add(merged)
    series = WorkshopSeriesFactory()
    series.topics.add(merged)
    group = StudyGroupFactory(topic=merged)

    moved = services.merge_topics(merged=merged, kept=kept)

    assert not Topic.objects.filter(pk=merged.pk).exists()
    assert list(event.topics.all()) == [kept]
    assert list(both_event.topics.all()) == [kept]
    assert list(profile.interests.all()) == [kept]
    assert list(series.topics.all()) == [kept]
    group.refresh_from_db()
    assert group.topic == kept
    assert moved == {"events.Event": 1, "members.Profile": 1, "workshops.WorkshopSeries": 1, "workshops.StudyGroup": 1}


def test_merge_a_topic_into_itself_is_refused():
    topic = TopicFactory()

    with pytest.raises(services.TopicError, match="A topic cannot be merged into itself"):
        services.merge_topics(merged=topic, kept=topic)
    assert Topic.objects.filter(pk=topic.pk).exists()


def test_topics_page_lists_counts_per_kind(committee_client):
    topic = TopicFactory(name="Robotics", slug="robotics")
    EventFactory().topics.add(topic)
    EventFactory().topics.add(topic)
    StudyGroupFactory(topic=topic)

    response = committee_client.get(reverse("members:manage_topics"))

    assert response.status_code == 200
    assert response.context["labels"] == ["members' interests", "events", "workshop series", "study groups"]
    assert response.context["rows"] == [(topic, [0, 2, 0, 1])]


def test_topics_page_creates_a_topic_and_shows_a_refusal_as_a_form_error(committee_client):
    TopicFactory(name="Robotics", slug="robotics")

    created = committee_client.post(reverse("members:manage_topics"), {"name": "Ethics"})
    refused = committee_client.post(reverse("members:manage_topics"), {"name": "robotics"})

    assert created.status_code == 302
    assert refused.status_code == 400
    assert refused.context["form"].errors == {
        "name": ["There is already a topic called “Robotics”: merge into it instead."]
    }
    assert sorted(Topic.objects.values_list("name", flat=True)) == ["Ethics", "Robotics"]


def test_rename_page_renames_and_refuses_a_taken_name(committee_client):
    TopicFactory(name="Vision", slug="vision")
    topic = TopicFactory(name="CV", slug="cv")
    url = reverse("members:rename_topic", kwargs={"slug": "cv"})

    refused = committee_client.post(url, {"name": "Vision"})
    renamed = committee_client.post(url, {"name": "Computer vision"})

    assert refused.status_code == 400
    assert renamed.status_code == 302
    topic.refresh_from_db()
    assert topic.name == "Computer vision"


def test_merge_page_merges_and_refuses_the_same_topic_twice(committee_client):
    kept, merged = TopicFactory(name="NLP", slug="nlp"), TopicFactory(name="Language", slug="language")
    url = reverse("members:merge_topics")

    refused = committee_client.post(url, {"merged": "nlp", "kept": "nlp"})
    done = committee_client.post(url, {"merged": "language", "kept": "nlp"})

    assert refused.status_code == 400
    assert refused.context["form"].non_field_errors() == [
        "A topic cannot be merged into itself: choose another topic to keep."
    ]
    assert done.status_code == 302
    assert list(Topic.objects.all()) == [kept]
    assert not Topic.objects.filter(pk=merged.pk).exists()


def test_topics_page_costs_constant_queries(committee_client):
    def add_topics(n):
        for _ in range(n):
            topic = TopicFactory()
            EventFactory().topics.add(topic)

    assert_constant_queries(lambda: committee_client.get(reverse("members:manage_topics")), add_topics)


@pytest.mark.django_db
def test_topic_changes_are_in_the_committee_action_log(committee_member):
    from events.models import ActionLog

    vision = services.create_topic(name="Vision", by=committee_member)
    services.rename_topic(topic=vision, name="Computer vision", by=committee_member)
    kept = services.create_topic(name="Deep learning", by=committee_member)
    services.merge_topics(merged=vision, kept=kept, by=committee_member)

    entries = ActionLog.objects.order_by("created_at", "id").values_list("actor", "action", "detail")
    assert list(entries) == [
        (committee_member.pk, "created topic", "Vision"),
        (committee_member.pk, "renamed topic", "Vision → Computer vision"),
        (committee_member.pk, "created topic", "Deep learning"),
        (committee_member.pk, "merged topics", "Computer vision into Deep learning"),
    ]

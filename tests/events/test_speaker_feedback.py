"""After a talk: the committee passes on the feedback it chose, to each speaker, once."""

from datetime import timedelta
from importlib import import_module

import pytest
from django.apps import apps as django_apps
from django.urls import reverse
from django.utils import timezone

from events import speaker_feedback
from events.models import ActionLog, EventRating, EventSpeaker, Speaker
from society import outbox
from society.models import EmailKind, OutboundEmail
from tests.factories import EventFactory, RegistrationFactory
from tests.smtp import text_body


@pytest.fixture
def talk(db):
    start = timezone.now() - timedelta(days=2)
    event = EventFactory(title="Alignment research in practice", starts_at=start, ends_at=start + timedelta(hours=1))
    speaker = Speaker.objects.create(name="Dr Ada Byron", email="ada@lab.example")
    EventSpeaker.objects.create(event=event, speaker=speaker)
    answers = [
        (5, "Clear examples", "", ""),
        (3, "", "Too fast at the end", ""),
        (4, "", "", "The speaker was rude about my question"),  # the committee keeps this back
    ]
    for score, worked, improve, comment in answers:
        EventRating.objects.create(
            registration=RegistrationFactory(event=event, checked_in_at=start),
            score=score,
            what_worked=worked,
            what_to_improve=improve,
            comment=comment,
        )
    return event, speaker


def url(event) -> str:
    return reverse("events:manage_speaker_feedback", kwargs={"slug": event.slug})


def ratings_of(event, **filters) -> list[int]:
    return sorted(EventRating.objects.filter(registration__event=event, **filters).values_list("score", flat=True))


@pytest.mark.django_db
def test_committee_chooses_answers_and_the_speaker_gets_only_those_once(committee_client, talk, smtp_server):
    event, speaker = talk
    chosen = EventRating.objects.filter(registration__event=event, score__in=[5, 3]).values_list("pk", flat=True)

    committee_client.post(url(event), {"action": "share", "rating": list(chosen)})
    committee_client.post(url(event), {"action": "send", "speaker": speaker.pk})
    again = committee_client.post(url(event), {"action": "send", "speaker": speaker.pk}, follow=True)
    outbox.deliver_due_emails()

    [message] = smtp_server.messages
    assert message["To"] == "ada@lab.example"
    assert message["Subject"] == "Feedback on your talk at AI Society: Alignment research in practice"
    text = text_body(message)
    assert "3 attendees rated the session: 4.0 out of 5 on average." in text
    assert "What worked: Clear examples" in text
    assert "To improve: Too fast at the end" in text
    assert "rude" not in text
    assert "Dr Ada Byron has already been sent the digest for this event." in again.content.decode()
    assert ratings_of(event, shared_with_speakers=True) == [3, 5]
    assert ActionLog.objects.filter(event=event, action="sent the feedback digest").count() == 1


@pytest.mark.django_db
def test_digest_stays_sent_when_its_email_is_deleted(committee_client, committee_member, talk):
    event, speaker = talk
    link = EventSpeaker.objects.get(event=event, speaker=speaker)
    sent_at = timezone.now()
    speaker_feedback.send_speaker_digest(link=link, by=committee_member, now=sent_at)
    OutboundEmail.objects.all().delete()  # an admin's clean-up of old emails

    with pytest.raises(speaker_feedback.DigestError, match="already been sent the digest"):
        speaker_feedback.send_speaker_digest(link=link, by=committee_member)
    page = committee_client.get(url(event))

    assert OutboundEmail.objects.count() == 0
    assert EventSpeaker.objects.get(pk=link.pk).digest_sent_at == sent_at
    assert page.context["sent"] == {speaker.pk}


@pytest.mark.django_db
def test_digests_already_emailed_are_recorded_by_the_migration(talk):
    event, speaker = talk
    quiet = Speaker.objects.create(name="Prof Quiet", email="quiet@lab.example")
    EventSpeaker.objects.create(event=event, speaker=quiet)
    queued = timezone.now() - timedelta(days=1)
    for key in (f"speaker-digest:{event.pk}:{speaker.pk}", f"speaker-digest:{event.pk}:999999", "speaker-digest:x"):
        OutboundEmail.objects.create(
            key=key, kind=EmailKind.SPEAKER, to_email="ada@lab.example", subject="Feedback", created_at=queued
        )

    import_module("events.migrations.0010_speaker_digests_from_outbox").from_outbox(django_apps, None)

    assert dict(EventSpeaker.objects.filter(event=event).values_list("speaker__name", "digest_sent_at")) == {
        "Dr Ada Byron": queued,
        "Prof Quiet": None,
    }


@pytest.mark.django_db
def test_digest_waits_for_the_event_to_end_and_for_an_address(committee_client, talk):
    event, speaker = talk
    upcoming = EventFactory()
    EventSpeaker.objects.create(event=upcoming, speaker=speaker)
    no_email = Speaker.objects.create(name="Prof Quiet")
    EventSpeaker.objects.create(event=event, speaker=no_email)

    too_early = committee_client.post(url(upcoming), {"action": "send", "speaker": speaker.pk}, follow=True)
    no_address = committee_client.post(url(event), {"action": "send", "speaker": no_email.pk}, follow=True)

    assert "The event has not ended yet: there is no feedback to send." in too_early.content.decode()
    assert "There is no email address for Prof Quiet" in no_address.content.decode()
    assert OutboundEmail.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize("speaker", ["", "abc", "999999"])
def test_digest_to_someone_not_speaking_at_this_event_is_404(committee_client, talk, speaker):
    event, _ = talk
    Speaker.objects.create(name="Elsewhere", email="x@lab.example")

    response = committee_client.post(url(event), {"action": "send", "speaker": speaker})

    assert response.status_code == 404
    assert OutboundEmail.objects.count() == 0


@pytest.mark.django_db
def test_a_speaker_of_another_event_cannot_be_sent_this_ones_feedback(committee_client, talk):
    event, _ = talk
    other = Speaker.objects.create(name="Other talk", email="o@lab.example")
    EventSpeaker.objects.create(event=EventFactory(), speaker=other)

    assert committee_client.post(url(event), {"action": "send", "speaker": other.pk}).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("data", [{"action": "share", "rating": ["1", "x"]}, {"action": "delete-all"}])
def test_bad_choices_explain_and_change_nothing(committee_client, talk, data):
    event, _ = talk
    EventRating.objects.filter(registration__event=event, score=5).update(shared_with_speakers=True)

    response = committee_client.post(url(event), data, follow=True)

    assert response.status_code == 200
    assert (
        "nothing changed" in response.content.decode() or "not something this page can do" in response.content.decode()
    )
    assert ratings_of(event, shared_with_speakers=True) == [5]


@pytest.mark.django_db
def test_ratings_of_another_event_cannot_be_shared_from_this_one(committee_client, talk):
    event, _ = talk
    foreign = EventRating.objects.create(registration=RegistrationFactory(), score=1, comment="elsewhere")

    committee_client.post(url(event), {"action": "share", "rating": [foreign.pk]})

    foreign.refresh_from_db()
    assert foreign.shared_with_speakers is False


@pytest.mark.django_db
def test_speaker_feedback_page_is_for_the_committee(client, member, talk):
    event, _ = talk
    client.force_login(member)

    assert client.get(url(event)).status_code == 403
    assert client.post(url(event), {"action": "share", "rating": []}).status_code == 403
    assert ratings_of(event, shared_with_speakers=True) == []

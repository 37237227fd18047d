"""Feedback: attendees only, once each, on events.EventRating; the committee sees the figures."""

import pytest
from django.urls import reverse
from django.utils import timezone

from events.models import EventRating
from tests.factories import RegistrationFactory, SeriesSessionFactory
from workshops import services

ANSWERS = {"score": 4, "what_worked": "The notebook", "what_to_improve": "More time"}


def feedback_url(event) -> str:
    return reverse("workshops:feedback", kwargs={"slug": event.slug})


@pytest.mark.django_db
def test_feedback_by_an_attendee_is_recorded_once(member_client, member):
    registration = RegistrationFactory(user=member, checked_in_at=timezone.now())

    first = member_client.post(feedback_url(registration.event), ANSWERS)
    second = member_client.post(feedback_url(registration.event), {**ANSWERS, "score": 1})

    assert first.status_code == 302
    assert second.status_code == 409
    rating = EventRating.objects.get()
    assert (rating.score, rating.what_worked, rating.what_to_improve) == (4, "The notebook", "More time")


@pytest.mark.django_db
def test_feedback_completes_a_one_click_rating_from_the_email(member):
    registration = RegistrationFactory(user=member, checked_in_at=timezone.now())
    EventRating.objects.create(registration=registration, score=5)
    services.give_feedback(registration=registration, score=5, what_worked="All", what_to_improve="")
    with pytest.raises(services.WorkshopError, match="already given feedback"):
        services.give_feedback(registration=registration, score=2, what_worked="Again", what_to_improve="")
    assert EventRating.objects.get().what_worked == "All"


@pytest.mark.django_db
def test_feedback_by_a_non_attendee_is_refused(member_client, member):
    registration = RegistrationFactory(user=member)  # registered, never checked in
    assert member_client.post(feedback_url(registration.event), ANSWERS).status_code == 404
    with pytest.raises(services.WorkshopError, match="Only people who came"):
        services.give_feedback(registration=registration, **ANSWERS)
    assert EventRating.objects.count() == 0


@pytest.mark.django_db
def test_feedback_needs_an_answer(member_client, member):
    registration = RegistrationFactory(user=member, checked_in_at=timezone.now())
    response = member_client.post(feedback_url(registration.event), {"score": 3})
    assert response.status_code == 400
    assert "Tell us at least" in response.content.decode()


@pytest.mark.django_db
def test_committee_sees_average_count_and_comments_per_event_and_series(committee_client):
    session = SeriesSessionFactory()
    for score, worked in [(5, "Great pace"), (3, "")]:
        registration = RegistrationFactory(event=session.event, checked_in_at=timezone.now())
        EventRating.objects.create(registration=registration, score=score, what_worked=worked)

    event_page = committee_client.get(reverse("workshops:manage_event_feedback", kwargs={"slug": session.event.slug}))
    series_page = committee_client.get(
        reverse("workshops:manage_series_feedback", kwargs={"slug": session.series.slug})
    )

    for page in (event_page, series_page):
        text = page.content.decode()
        assert "Average <strong>4.0</strong> out of 5 from 2 ratings." in text
        assert "Great pace" in text


@pytest.mark.django_db
def test_members_never_see_others_answers(member_client, member):
    registration = RegistrationFactory(checked_in_at=timezone.now())
    EventRating.objects.create(registration=registration, score=2, what_worked="Secret opinion")
    RegistrationFactory(event=registration.event, user=member, checked_in_at=timezone.now())
    response = member_client.get(feedback_url(registration.event))
    assert "Secret opinion" not in response.content.decode()
    manage = member_client.get(reverse("workshops:manage_event_feedback", kwargs={"slug": registration.event.slug}))
    assert manage.status_code == 403


@pytest.mark.django_db
def test_a_rating_sent_from_the_emails_link_leads_to_the_written_feedback(client):
    from events import links

    registration = RegistrationFactory(checked_in_at=timezone.now())
    token = links.registration_token(registration, links.FEEDBACK)

    response = client.post(reverse("events:feedback", kwargs={"token": token}), {"score": 5}, follow=True)

    assert EventRating.objects.get().score == 5
    assert feedback_url(registration.event) in response.content.decode()

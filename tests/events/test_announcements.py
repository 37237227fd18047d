"""Announcements to an audience: who each audience reaches, the preview, sending, refusals."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from events import services
from events.models import ActionLog, Announcement, Registration
from society.models import EmailKind, EmailOptOut, OutboundEmail
from tests.factories import (
    EventFactory,
    MembershipFactory,
    RegistrationFactory,
    SeriesSessionFactory,
    StudyGroupFactory,
    UserFactory,
    WorkshopSeriesFactory,
)
from tests.outbox import rendered
from tests.querycount import assert_constant_queries
from workshops.models import StudyGroupMembership

pytestmark = pytest.mark.django_db
Status = Registration.Status
Audience = Announcement.Audience


def opted_out(email: str):
    user = UserFactory(email=email)
    EmailOptOut.objects.create(user=user, kind=EmailKind.ANNOUNCEMENT)
    return user


def reached(**fields) -> set[str]:
    announcement = Announcement(subject="s", body="b", **fields)
    return set(services.announcement_recipients(announcement).values_list("email", flat=True))


def attended(user, *, days_ago: int, event=None):
    event = event or EventFactory(starts_at=timezone.now() - timedelta(days=days_ago))
    return RegistrationFactory(event=event, user=user, checked_in_at=event.starts_at)


def test_event_audience_reaches_the_confirmed_and_asked_for_the_waiting_list(db):
    event = EventFactory()
    RegistrationFactory(event=event, user=UserFactory(email="confirmed@uni.ac.uk"))
    RegistrationFactory(event=event, user=UserFactory(email="waiting@uni.ac.uk"), status=Status.WAITLISTED)
    RegistrationFactory(event=event, user=UserFactory(email="cancelled@uni.ac.uk"), status=Status.CANCELLED)
    RegistrationFactory(event=event, user=opted_out("quiet@uni.ac.uk"))
    RegistrationFactory(event=EventFactory(), user=UserFactory(email="elsewhere@uni.ac.uk"))

    assert reached(audience=Audience.EVENT, event=event) == {"confirmed@uni.ac.uk"}
    assert reached(audience=Audience.EVENT, event=event, include_waitlist=True) == {
        "confirmed@uni.ac.uk",
        "waiting@uni.ac.uk",
    }


def test_members_audience_reaches_this_years_active_members(db):
    MembershipFactory(user=UserFactory(email="member@uni.ac.uk"))
    MembershipFactory(user=UserFactory(email="lapsed@uni.ac.uk"), academic_year=2001)
    MembershipFactory(user=opted_out("quiet@uni.ac.uk"))
    MembershipFactory(user=UserFactory(email="gone@uni.ac.uk", is_active=False))
    UserFactory(email="never@uni.ac.uk")

    assert reached(audience=Audience.MEMBERS) == {"member@uni.ac.uk"}


def test_attended_audience_reaches_who_came_to_anything_in_the_last_months(db):
    attended(UserFactory(email="recent@uni.ac.uk"), days_ago=40)
    attended(UserFactory(email="long-ago@uni.ac.uk"), days_ago=200)
    attended(opted_out("quiet@uni.ac.uk"), days_ago=10)
    past = EventFactory(starts_at=timezone.now() - timedelta(days=10))
    RegistrationFactory(event=past, user=UserFactory(email="no-show@uni.ac.uk"))

    assert reached(audience=Audience.ATTENDED, months=3) == {"recent@uni.ac.uk"}
    assert reached(audience=Audience.ATTENDED, months=12) == {"recent@uni.ac.uk", "long-ago@uni.ac.uk"}


def test_series_audience_reaches_who_attended_one_of_its_sessions(db):
    series, other = WorkshopSeriesFactory(), WorkshopSeriesFactory()
    first = SeriesSessionFactory(series=series, event=EventFactory(starts_at=timezone.now() - timedelta(days=20)))
    second = SeriesSessionFactory(series=series, event=EventFactory(starts_at=timezone.now() - timedelta(days=13)))
    elsewhere = SeriesSessionFactory(series=other, event=EventFactory(starts_at=timezone.now() - timedelta(days=6)))
    both = UserFactory(email="both@uni.ac.uk")
    attended(both, days_ago=20, event=first.event)
    attended(both, days_ago=13, event=second.event)
    attended(UserFactory(email="second@uni.ac.uk"), days_ago=13, event=second.event)
    attended(opted_out("quiet@uni.ac.uk"), days_ago=20, event=first.event)
    attended(UserFactory(email="other-series@uni.ac.uk"), days_ago=6, event=elsewhere.event)
    RegistrationFactory(event=first.event, user=UserFactory(email="no-show@uni.ac.uk"))

    assert reached(audience="series", audience_target=series.pk) == {"both@uni.ac.uk", "second@uni.ac.uk"}


def test_study_group_audience_reaches_its_members(db):
    group = StudyGroupFactory()
    for user in (UserFactory(email="reader@uni.ac.uk"), opted_out("quiet@uni.ac.uk")):
        StudyGroupMembership.objects.create(group=group, user=user)
    StudyGroupMembership.objects.create(group=StudyGroupFactory(), user=UserFactory(email="other@uni.ac.uk"))

    assert reached(audience="study_group", audience_target=group.pk) == {"reader@uni.ac.uk"}


def test_announcement_to_members_is_previewed_then_sent_with_one_click_unsubscribe(committee_client, settings):
    settings.SITE_URL = "https://society.example.ac.uk"
    ada = MembershipFactory(user=UserFactory(email="ada@uni.ac.uk", name="Ada")).user
    MembershipFactory(user=UserFactory(email="bo@uni.ac.uk"))
    MembershipFactory(user=opted_out("quiet@uni.ac.uk"))

    created = committee_client.post(
        reverse("events:manage_announcement_create"),
        {"audience": "members", "subject": "AGM next week", "body": "Vote for the new committee."},
    )
    announcement = Announcement.objects.get()
    preview = committee_client.get(created["Location"])

    assert created["Location"] == f"/manage/announcements/{announcement.pk}/"
    assert preview.context["count"] == 2
    assert preview.context["preview"]["to"] == ada
    assert preview.context["preview"]["subject"] == "AGM next week"
    assert preview.context["preview"]["text"].startswith("Hello Ada,\n\nA message from the committee of AI Society:")
    assert "Vote for the new committee." in preview.context["preview"]["text"]
    assert OutboundEmail.objects.count() == 0

    sent = committee_client.post(created["Location"], follow=True)

    assert [str(m) for m in sent.context["messages"]] == ["Sent to 2 people."]
    emails = rendered(OutboundEmail.objects.filter(kind=EmailKind.ANNOUNCEMENT).order_by("to_email"))
    assert [(e.key, e.to_email) for e in emails] == [
        (f"announcement:{announcement.pk}:user:{ada.pk}", "ada@uni.ac.uk"),
        (f"announcement:{announcement.pk}:user:{emails[1].user_id}", "bo@uni.ac.uk"),
    ]
    assert emails[0].headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    announcement.refresh_from_db()
    assert (announcement.recipient_count, announcement.audience_text) == (2, announcement.audience_label)
    log = ActionLog.objects.get(action="sent announcement")
    assert (log.event, log.detail) == (None, f"AGM next week · to {announcement.audience_label} · 2 sent")


def test_announcement_to_a_study_group_with_nobody_to_reach_is_refused(committee_client):
    group = StudyGroupFactory(name="Paper reading")
    StudyGroupMembership.objects.create(group=group, user=opted_out("quiet@uni.ac.uk"))

    response = committee_client.post(
        reverse("events:manage_announcement_create"),
        {"audience": f"study_group:{group.pk}", "subject": "Tonight", "body": "Room 2."},
    )

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "Nobody in this audience can get it (nobody is in it, or they all turned announcements off): "
        "choose another audience."
    ]
    assert Announcement.objects.count() == 0


def test_sending_to_an_audience_that_emptied_since_the_draft_sends_nothing(committee_client, committee_member):
    event = EventFactory()
    registration = RegistrationFactory(event=event)
    announcement = services.draft_announcement(
        subject="Room", body="Lab 3.", audience=Audience.EVENT, event=event, by=committee_member
    )
    registration.status = Status.CANCELLED
    registration.save()

    response = committee_client.post(
        reverse("events:manage_announcement_detail", kwargs={"announcement_id": announcement.pk}), follow=True
    )

    assert [str(m) for m in response.context["messages"]] == [
        "Nobody in this audience can get it (nobody is in it, or they all turned announcements off): nothing was sent."
    ]
    announcement.refresh_from_db()
    assert (announcement.sent_at, OutboundEmail.objects.count()) == (None, 0)


@pytest.mark.parametrize("months", ["0", "-2", "three", ""])
def test_announcement_to_recent_attendees_needs_a_positive_number_of_months(committee_client, months):
    attended(UserFactory(), days_ago=10)

    response = committee_client.post(
        reverse("events:manage_announcement_create"),
        {"audience": "attended", "months": months, "subject": "Thanks", "body": "For coming."},
    )

    assert response.context["form"].errors == {"months": ["Give the months as a whole number of one or more."]}
    assert Announcement.objects.count() == 0


def test_announcement_form_offers_each_audience(committee_client):
    series = WorkshopSeriesFactory(name="Intro to ML")
    group = StudyGroupFactory(name="Paper reading")
    event = EventFactory(title="GANs")

    choices = committee_client.get(reverse("events:manage_announcement_create")).context["form"]["audience"]
    labels = dict(choices.field.choices)

    assert list(labels)[:2] == ["members", "attended"]
    assert labels["Everyone who attended a session of a workshop series"] == [(f"series:{series.pk}", "Intro to ML")]
    assert labels["A study group's members"] == [(f"study_group:{group.pk}", "Paper reading")]
    assert labels["Everyone registered for an event"] == [
        (f"event:{event.pk}", f"GANs · {timezone.localtime(event.starts_at):%d %b}"),
    ]


def test_announcements_list_costs_constant_queries(committee_client, committee_member):
    def add_rows(n: int) -> None:
        for _ in range(n):
            Announcement.objects.create(
                event=EventFactory(), subject="Room", body="Lab 3.", author=committee_member, audience_label="x"
            )

    count = assert_constant_queries(lambda: committee_client.get(reverse("events:manage_announcements")), add_rows)
    assert count == 5

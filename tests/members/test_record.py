"""The participation record: what a member attended and did, private unless shared."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from events import services as event_services
from events.models import Event, Registration
from members import services
from members.models import PublicRecord
from society.records import RECORD_LATEST
from tests.factories import (
    CommitteeRoleFactory,
    EventFactory,
    ProfileFactory,
    RegistrationFactory,
    TopicFactory,
    UserFactory,
)
from tests.querycount import assert_constant_queries

RECORD = reverse("members:record")


def attended(user, *, title: str, days_ago: int, kind=Event.Kind.WORKSHOP, topics=()) -> Registration:
    start = timezone.now() - timedelta(days=days_ago)
    event = EventFactory(title=title, kind=kind, starts_at=start, ends_at=start + timedelta(hours=2))
    event.topics.set(topics)
    return RegistrationFactory(event=event, user=user, checked_in_at=start)


@pytest.fixture
def record_member(member):
    ProfileFactory(user=member, course="Physics MSci", year_of_study=3)
    attended(member, title="Neural networks with PyTorch", days_ago=10, topics=[TopicFactory(name="Deep learning")])
    attended(member, title="Alignment research in practice", days_ago=20, kind=Event.Kind.TALK)
    attended(member, title="Paper reading: attention", days_ago=5, kind=Event.Kind.STUDY_GROUP)
    RegistrationFactory(event=EventFactory(title="Registered but never came"), user=member)
    RegistrationFactory(event=EventFactory(title="Cancelled seat"), user=member, status=Registration.Status.CANCELLED)
    CommitteeRoleFactory(user=member, title="Treasurer", starts_on=date(2025, 8, 1), ends_on=date(2026, 7, 31))
    return member


def public_url(user) -> str:
    return reverse("members:public_record", kwargs={"token": services.record_of(user).token})


@pytest.mark.django_db
def test_record_lists_what_the_member_attended_and_the_roles_they_held(member_client, record_member):
    page = member_client.get(RECORD).content.decode()

    assert page.index("Paper reading: attention") > page.index("Study group meetings")
    for text in ("Neural networks with PyTorch", "Alignment research in practice", "Deep learning", "Treasurer"):
        assert text in page
    assert "Registered but never came" not in page
    assert "Cancelled seat" not in page
    assert page.index("Neural networks with PyTorch") < page.index("Alignment research in practice")  # newest first


@pytest.mark.django_db
def test_record_is_private_by_default_and_404_for_everyone_else(client, record_member):
    url = public_url(record_member)

    assert client.get(url).status_code == 404
    client.force_login(record_member)
    assert client.get(url).status_code == 404  # not even the owner sees it as public until shared


@pytest.mark.django_db
def test_made_public_the_record_shows_at_its_address_with_a_verification_line(member_client, record_member, client):
    member_client.post(RECORD, {"action": "publish"})

    page = client.get(public_url(record_member)).content.decode()

    assert "Neural networks with PyTorch" in page
    assert "Verified by AI Society." in page
    assert f"http://127.0.0.1:8000{public_url(record_member)}" in page
    assert "member@uni.ac.uk" not in page  # a record, not a contact card


@pytest.mark.django_db
def test_a_new_address_retires_the_old_one(member_client, record_member, client):
    member_client.post(RECORD, {"action": "publish"})
    old = public_url(record_member)

    member_client.post(RECORD, {"action": "new-link"})

    assert client.get(old).status_code == 404
    assert client.get(public_url(record_member)).status_code == 200


@pytest.mark.django_db
def test_making_the_record_private_again_hides_it(member_client, record_member, client):
    member_client.post(RECORD, {"action": "publish"})
    member_client.post(RECORD, {"action": "hide"})

    assert client.get(public_url(record_member)).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("action", ["", "delete-everything", "publish\n"])
def test_unknown_record_action_explains_and_changes_nothing(member_client, record_member, action):
    response = member_client.post(RECORD, {"action": action}, follow=True)

    assert "That is not something you can do with your record." in response.content.decode()
    assert PublicRecord.objects.get(user=record_member).is_public is False


@pytest.mark.django_db
@pytest.mark.parametrize("token", ["nope", "x" * 43, "../../admin"])
def test_unknown_record_token_is_404(client, token):
    PublicRecord.objects.create(user=UserFactory(), is_public=True)

    assert client.get(f"/record/{token}/").status_code == 404


@pytest.mark.django_db
def test_an_anonymised_account_has_no_record(member_client, record_member, client):
    member_client.post(RECORD, {"action": "publish"})
    url = public_url(record_member)

    services.anonymise_account(user=record_member)

    assert client.get(url).status_code == 404
    assert PublicRecord.objects.count() == 0


@pytest.mark.django_db
def test_public_record_costs_constant_queries(client, member):
    record = services.share_record(user=member, public=True)
    topic = TopicFactory(name="Vision")

    def attend(n: int) -> None:
        for i in range(n):
            attended(member, title=f"Workshop {i}", days_ago=i + 1, topics=[topic])
            CommitteeRoleFactory(user=member)

    # record + user, profile, sessions led (counted: none), attended events: counted, listed, their
    # topics; series completed, study groups joined; roles
    assert assert_constant_queries(lambda: client.get(record.get_absolute_url()), attend) == 9
    assert assert_constant_queries(lambda: client.get(record.get_absolute_url() + "?whole=1"), attend, small=0) == 9


@pytest.mark.django_db
def test_a_long_record_shows_the_latest_events_and_the_whole_one_on_request(member_client, member, client):
    events = [attended(member, title=f"Workshop {n}", days_ago=n + 1) for n in range(RECORD_LATEST + 3)]
    attended(member, title="Paper reading", days_ago=2, kind=Event.Kind.STUDY_GROUP)
    public = public_url(services.share_record(user=member, public=True).user)

    latest = member_client.get(RECORD)
    whole = member_client.get(RECORD, {"whole": "1"})
    shared, shared_whole = client.get(public), client.get(public, {"whole": "1"})

    shown = [entry.title for entry in latest.context["sections"][0].entries]
    assert shown == [f"Workshop {n}" for n in range(RECORD_LATEST)]
    assert [(s.title, s.earlier) for s in latest.context["sections"]] == [
        ("Workshops, talks and events attended", 3), ("Study group meetings", 0),
    ]  # fmt: skip
    assert "…and 3 earlier." in latest.content.decode()
    assert '<a href="?whole=1">The whole record</a>' in latest.content.decode()
    assert len(whole.context["sections"][0].entries) == len(events)
    assert (whole.context["earlier"], 'href="?whole=1"' in whole.content.decode()) == (0, False)
    assert '<a class="btn btn-outline-secondary" href="?whole=1">Print the whole record</a>' in shared.content.decode()
    assert "data-print" in shared_whole.content.decode()
    assert "Workshop 52" in shared_whole.content.decode()


@pytest.mark.django_db
def test_anonymising_an_account_gives_its_future_seats_to_the_waiting_list(member, other_member):
    event = EventFactory(capacity=1, starts_at=timezone.now() + timedelta(days=3))
    event_services.register(event=event, user=member)
    waiting, _ = event_services.register(event=event, user=other_member)

    services.anonymise_account(user=member)

    waiting.refresh_from_db()
    assert waiting.status == Registration.Status.CONFIRMED
    assert Registration.objects.get(event=event, user=member).status == Registration.Status.CANCELLED

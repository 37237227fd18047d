import pytest
from django.urls import reverse

from tests.factories import EventFactory, StudyGroupFactory, UserFactory
from workshops import services
from workshops.models import StudyGroupMembership


@pytest.mark.django_db
def test_member_joins_and_leaves_a_study_group(member_client, member):
    group = StudyGroupFactory()
    member_client.post(reverse("workshops:study_group_join", kwargs={"slug": group.slug}))
    assert list(group.members.all()) == [member]
    member_client.post(reverse("workshops:study_group_leave", kwargs={"slug": group.slug}))
    assert list(group.members.all()) == []


@pytest.mark.django_db
def test_joining_a_full_study_group_is_refused(member_client, member):
    group = StudyGroupFactory(capacity=1)
    services.join_study_group(group=group, user=UserFactory())

    response = member_client.post(reverse("workshops:study_group_join", kwargs={"slug": group.slug}), follow=True)

    assert "This study group is full." in response.content.decode()
    assert StudyGroupMembership.objects.filter(group=group).count() == 1
    with pytest.raises(services.WorkshopError, match="full"):
        services.join_study_group(group=group, user=member)


@pytest.mark.django_db
def test_study_group_page_shows_its_meetings(client):
    group = StudyGroupFactory(name="Kaggle team")
    group.meetings.add(EventFactory(kind="study_group", title="Kaggle team: week 1"))
    text = client.get(group.get_absolute_url()).content.decode()
    assert "Kaggle team: week 1" in text
    assert "0 of 8 places taken" in text

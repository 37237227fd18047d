"""The new year's clean-up: last year's study groups are archived (listed apart, no new
members), except those still meeting; the console's checklist says what is left."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from events.models import ActionLog
from tests.factories import EventFactory, StudyGroupFactory, UserFactory
from workshops import services
from workshops.models import StudyGroup
from workshops.new_year import new_year_checklist

pytestmark = pytest.mark.django_db


def made_last_year(group: StudyGroup) -> StudyGroup:
    StudyGroup.objects.filter(pk=group.pk).update(created_at=timezone.now() - timedelta(days=400))
    group.refresh_from_db()
    return group


def test_archiving_takes_last_years_groups_and_keeps_those_still_meeting(committee_member):
    made_last_year(StudyGroupFactory(name="Old Kaggle squad"))
    still_meeting = made_last_year(StudyGroupFactory(name="Paper reading"))
    still_meeting.meetings.add(EventFactory(kind="study_group"))
    StudyGroupFactory(name="Reinforcement learning")

    archived = services.archive_last_years_study_groups(by=committee_member)

    assert [group.name for group in archived] == ["Old Kaggle squad"]
    states = dict(StudyGroup.objects.values_list("name", "archived_at"))
    assert (states["Old Kaggle squad"] is not None, states["Paper reading"], states["Reinforcement learning"]) == (
        True,
        None,
        None,
    )
    entry = ActionLog.objects.get(action="archived study groups")
    assert (entry.actor, entry.detail) == (committee_member, "Old Kaggle squad")


def test_an_archived_group_takes_no_new_members_and_leaves_the_public_list(client, member):
    group = made_last_year(StudyGroupFactory(name="Old Kaggle squad"))
    services.archive_last_years_study_groups(by=None)

    with pytest.raises(services.WorkshopError, match="ended"):
        services.join_study_group(group=group, user=member)
    listing = client.get(reverse("workshops:study_groups")).content.decode()
    page = client.get(reverse("workshops:study_group", kwargs={"slug": group.slug})).content.decode()
    assert "Old Kaggle squad" not in listing
    assert "This group ended with its academic year: it takes no new members." in page


def test_console_archives_from_its_button_and_lists_them_apart(committee_client):
    made_last_year(StudyGroupFactory(name="Old Kaggle squad"))
    page = committee_client.get(reverse("workshops:manage_study_groups")).content.decode()

    response = committee_client.post(reverse("workshops:manage_study_groups_archive"), follow=True)

    assert "Archive last year's groups</button>" in page
    content = response.content.decode()
    assert "Archived: Old Kaggle squad." in content
    assert '<h2 class="h5">Archived</h2>' in content
    again = committee_client.post(reverse("workshops:manage_study_groups_archive"), follow=True)
    assert "There is nothing from last year to archive." in again.content.decode()


def test_members_cannot_archive(member_client):
    group = made_last_year(StudyGroupFactory())

    response = member_client.post(reverse("workshops:manage_study_groups_archive"))

    assert response.status_code == 403
    group.refresh_from_db()
    assert group.archived_at is None


def test_new_year_checklist_asks_to_archive_until_none_is_left(settings):
    today = timezone.localdate()
    settings.ACADEMIC_YEAR_START = (today.month, 1)  # the year started this month
    made_last_year(StudyGroupFactory(name="Old Kaggle squad"))

    [before] = new_year_checklist(today=today)
    services.archive_last_years_study_groups(by=UserFactory())
    [after] = new_year_checklist(today=today)

    assert (before.label, before.done, before.detail) == (
        "Archive last year's study groups",
        False,
        "1 study group from last year still open.",
    )
    assert (after.done, after.detail) == (True, "Done: none left open.")
    assert new_year_checklist(today=date(today.year + 1, today.month, 1) + timedelta(weeks=9)) == []


def test_demo_shows_last_years_group_archived():
    from io import StringIO

    from django.core.management import call_command

    call_command("load_demo", force=True, stdout=StringIO())
    call_command("load_demo", force=True, stdout=StringIO())

    group = StudyGroup.objects.get(slug="reading-club-last-year")
    assert group.archived_at is not None
    assert StudyGroup.objects.filter(archived_at__isnull=True).count() == 2

"""The console's checklist for the start of an academic year (members' items), and the union imports it reads."""

from datetime import date, datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from members import services
from members.models import CommitteeRole, UnionListImport
from members.new_year import new_year_checklist
from members.union_csv import UnionRow
from tests.factories import CommitteeRoleFactory, MembershipFactory, UserFactory
from tests.querycount import assert_constant_queries

# Academic years start on 1 August (the default ACADEMIC_YEAR_START): 2030/31 from 1 Aug 2030.
EARLY = date(2030, 8, 20)


def summary(items) -> list[tuple[str, bool, str]]:
    return [(item.label, item.done, item.detail) for item in items]


@pytest.mark.django_db
def test_new_year_checklist_is_there_for_the_first_eight_weeks_only():
    assert len(new_year_checklist(today=date(2030, 8, 1))) == 3
    assert len(new_year_checklist(today=date(2030, 9, 25))) == 3
    assert new_year_checklist(today=date(2030, 9, 26)) == []
    assert new_year_checklist(today=date(2031, 7, 31)) == []


@pytest.mark.django_db
def test_new_year_checklist_says_what_is_still_to_do_and_links_to_it():
    sitting = UserFactory(name="Sam Sitting", committee=True)
    MembershipFactory(user=sitting, academic_year=2029)  # last year's membership only
    CommitteeRoleFactory(title="President", starts_on=date(2029, 8, 1), ends_on=date(2030, 7, 31))

    items = new_year_checklist(today=EARLY)

    assert summary(items) == [
        ("Hand over the committee roles", False, "No role starts in 2030/31 yet."),
        ("Import the students' union list", False, "Not yet for 2030/31."),
        ("Renew the committee's memberships", False, "Not members in 2030/31 yet: Sam Sitting."),
    ]
    assert [item.url for item in items] == [
        reverse("members:committee_handover"),
        reverse("members:union_upload"),
        reverse("members:directory") + "?membership_year=none",
    ]


@pytest.mark.django_db
def test_new_year_checklist_ticks_each_item_once_it_is_done():
    holder = UserFactory(name="Nia New")
    services.hand_over(
        handovers=[services.Handover(title="President", holder=holder)],
        starts_on=date(2030, 8, 1),
        ends_on=date(2031, 7, 31),
        by=None,
    )
    group_member = UserFactory(committee=True)
    admin = UserFactory(is_superuser=True)  # an admin is let into the console, but is not on the committee
    for person in (holder, group_member):
        MembershipFactory(user=person, academic_year=2030)
    services.import_union_list(rows=[UnionRow(line=2, email=admin.email, student_number="")], year=2030)
    UnionListImport.objects.update(created_at=timezone.make_aware(datetime(2030, 8, 12, 10)))

    assert summary(new_year_checklist(today=EARLY)) == [
        ("Hand over the committee roles", True, "1 role starts in 2030/31."),
        ("Import the students' union list", True, "Imported on 12 Aug 2030."),
        ("Renew the committee's memberships", True, "Everyone on the committee is a member in 2030/31."),
    ]


@pytest.mark.django_db
def test_union_import_is_recorded_with_who_did_it_and_what_it_did(committee_client, committee_member):
    UserFactory(email="ana@uni.ac.uk")
    upload = reverse("members:union_upload")
    csv = SimpleUploadedFile("union-2030.csv", b"Email\r\nana@uni.ac.uk\r\nzed@uni.ac.uk\r\n", content_type="text/csv")
    committee_client.post(upload, {"file": csv})
    committee_client.post(reverse("members:union_preview"), {"confirm": "1"})

    record = UnionListImport.objects.get()
    assert (record.filename, record.added, record.already_members, record.unmatched, record.by) == (
        "union-2030.csv", 1, 0, 1, committee_member,
    )  # fmt: skip


@pytest.fixture
def year_started_this_month(settings):
    """The academic year started on the first of this month, so today is in its first weeks."""
    settings.ACADEMIC_YEAR_START = (timezone.localdate().month, 1)


@pytest.mark.django_db
def test_console_home_shows_the_checklist_at_the_start_of_the_year(committee_client, year_started_this_month):
    page = committee_client.get(reverse("events:manage")).content.decode()

    assert '<h2 class="h5" id="new-year">A new academic year</h2>' in page
    assert f'<a href="{reverse("members:committee_handover")}">Hand over the committee roles</a>' in page
    assert page.count('<span class="badge text-bg-warning">To do</span>') == 3


@pytest.mark.django_db
def test_console_home_shows_no_checklist_later_in_the_year(committee_client, settings):
    today = timezone.localdate()
    settings.ACADEMIC_YEAR_START = ((today.month - 4) % 12 + 1, 1)  # three or four months ago

    response = committee_client.get(reverse("events:manage"))

    assert response.context["checklist"] == []
    assert "A new academic year" not in response.content.decode()


@pytest.mark.django_db
def test_console_home_with_the_checklist_costs_the_same_queries_with_5_and_200_committee_members(
    committee_client, year_started_this_month
):
    def add_committee(count: int) -> None:
        for _ in range(count):
            role = CommitteeRoleFactory(title=f"Role {CommitteeRole.objects.count()}")
            MembershipFactory(user=role.user, academic_year=2000 + CommitteeRole.objects.count() % 50)

    assert_constant_queries(lambda: committee_client.get(reverse("events:manage")), add_committee)

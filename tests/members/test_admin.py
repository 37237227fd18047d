import csv
import io
from datetime import date

import pytest
from django.contrib.admin.models import LogEntry
from django.urls import reverse

from events import services
from events.models import Registration
from members.models import CommitteeChange, CommitteeRole, Membership, Profile
from members.years import current_academic_year
from society.models import OutboundEmail
from tests.factories import CommitteeRoleFactory, EventFactory, MembershipFactory, ProfileFactory, UserFactory

CHANGELIST = reverse("admin:members_user_changelist")


@pytest.fixture
def admin_client_(admin_client):
    return admin_client


@pytest.mark.django_db
def test_admin_user_page_shows_profile_memberships_and_roles_inline(admin_client_, member):
    ProfileFactory(user=member, course="Physics MSci")
    MembershipFactory(user=member)
    CommitteeRoleFactory(user=member, title="Treasurer")

    response = admin_client_.get(reverse("admin:members_user_change", args=[member.pk]))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Physics MSci" in page
    assert "Treasurer" in page
    assert [formset.formset.prefix for formset in response.context["inline_admin_formsets"]] == [
        "profile",
        "memberships",
        "committee_roles",
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"member_in": "this"}, ["member@uni.ac.uk"]),
        ({"committee": "yes"}, ["admin@uni.ac.uk", "committee@uni.ac.uk", "role@uni.ac.uk"]),
        ({"committee": "no"}, ["member@uni.ac.uk", "unverified@uni.ac.uk"]),
        ({"verified": "no"}, ["unverified@uni.ac.uk"]),
        ({"q": "S777"}, ["member@uni.ac.uk"]),
    ],
)
def test_admin_user_list_filters(admin_client_, member, committee_member, query, expected):
    MembershipFactory(user=member)
    ProfileFactory(user=member, student_number="S777")
    CommitteeRoleFactory(user__email="role@uni.ac.uk")
    UserFactory(email="unverified@uni.ac.uk", verified=False)
    if query.get("member_in") == "this":
        query = {"member_in": str(current_academic_year())}

    response = admin_client_.get(CHANGELIST, query)

    assert sorted(u.email for u in response.context["cl"].result_list) == expected


@pytest.mark.django_db
def test_admin_renews_selected_users_for_this_year(admin_client_, member, other_member):
    MembershipFactory(user=member)

    response = admin_client_.post(
        CHANGELIST, {"action": "renew_membership", "_selected_action": [member.pk, other_member.pk]}, follow=True
    )

    assert "1 renewed for" in response.content.decode()
    year = current_academic_year()
    assert sorted(Membership.objects.filter(academic_year=year).values_list("user__email", flat=True)) == [
        "member@uni.ac.uk",
        "other@uni.ac.uk",
    ]


@pytest.mark.django_db
def test_admin_exports_selected_users_as_safe_csv(admin_client_, member):
    member.name = "=cmd()"
    member.save()
    MembershipFactory(user=member, academic_year=2025)

    response = admin_client_.post(CHANGELIST, {"action": "export_csv", "_selected_action": [member.pk]})

    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["Email", "Name", "Student number", "Course", "Memberships", "Joined"]
    assert rows[1][:5] == ["member@uni.ac.uk", "'=cmd()", "", "", "2025/26"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url_name",
    [
        "admin:members_topic_changelist",
        "admin:members_membership_changelist",
        "admin:members_committeerole_changelist",
        "admin:members_committeerole_add",
    ],
)
def test_admin_lists_members_models(admin_client_, url_name):
    assert admin_client_.get(reverse(url_name)).status_code == 200


# --- Deleting an account anonymises it ------------------------------------------------


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


ANONYMISED = (
    "1 account anonymised: names, emails and profiles are gone, and their seats at events to come were given back."
)


@pytest.mark.django_db
def test_deleting_a_user_in_the_admin_asks_first_and_says_the_account_is_anonymised(admin_client_, member):
    single = admin_client_.get(reverse("admin:members_user_delete", args=[member.pk]))
    bulk = admin_client_.post(CHANGELIST, {"action": "anonymise_accounts", "_selected_action": [member.pk]})

    for response in (single, bulk):
        assert response.status_code == 200
        assert "Deleting an account anonymises it" in response.content.decode()
    member.refresh_from_db()
    assert (member.is_active, member.email) == (True, "member@uni.ac.uk")


@pytest.mark.django_db
def test_deleting_a_user_in_the_admin_anonymises_the_account_and_gives_back_their_seats(admin_client_, member):
    ProfileFactory(user=member, course="Physics MSci")
    event = EventFactory(capacity=1)
    seat, _ = services.register(event=event, user=member)
    waiting, _ = services.register(event=event, user=UserFactory())

    response = admin_client_.post(reverse("admin:members_user_delete", args=[member.pk]), {"post": "yes"}, follow=True)

    assert messages_of(response) == [ANONYMISED]
    member.refresh_from_db()
    assert (member.is_active, member.name, member.has_usable_password()) == (False, "", False)
    assert member.email.endswith("@anonymised.invalid")
    assert not Profile.objects.filter(user=member).exists()
    assert [r.status for r in Registration.objects.filter(pk__in=[seat.pk, waiting.pk]).order_by("pk")] == [
        Registration.Status.CANCELLED,
        Registration.Status.CONFIRMED,
    ]
    assert OutboundEmail.objects.filter(key=f"promoted:{waiting.pk}").count() == 1
    assert not LogEntry.objects.filter(object_repr__contains="member@uni.ac.uk").exists()  # the history forgets too


@pytest.mark.django_db
def test_admin_cannot_anonymise_their_own_account(admin_client_, admin_user, member):
    single = admin_client_.post(
        reverse("admin:members_user_delete", args=[admin_user.pk]), {"post": "yes"}, follow=True
    )
    bulk = admin_client_.post(
        CHANGELIST,
        {"action": "anonymise_accounts", "_selected_action": [admin_user.pk, member.pk], "post": "yes"},
        follow=True,
    )

    refusal = "You cannot anonymise your own account here: ask another admin, or use “Delete my account” on the site."
    assert messages_of(single) == [refusal]
    assert messages_of(bulk) == [refusal, ANONYMISED]
    admin_user.refresh_from_db()
    member.refresh_from_db()
    assert (admin_user.is_active, admin_user.is_superuser, admin_user.email) == (True, True, "admin@uni.ac.uk")
    assert member.is_active is False


@pytest.mark.django_db
def test_a_role_added_in_the_admin_is_given_as_in_the_console(admin_client_, admin_user, member):
    response = admin_client_.post(
        reverse("admin:members_committeerole_add"),
        {"title": "Treasurer", "user": member.pk, "starts_on": "2030-08-01", "ends_on": "2031-07-31", "order": 1},
    )

    assert response.status_code == 302
    role = CommitteeRole.objects.get()
    change = CommitteeChange.objects.get()
    assert (change.role, change.holder, change.by, change.action) == (role, member, admin_user, "given")
    assert list(OutboundEmail.objects.values_list("key", "to_email")) == [(f"committee-role:{role.pk}", member.email)]


@pytest.mark.django_db
def test_the_admin_refuses_a_role_overlapping_another_of_the_same_title(admin_client_, member):
    sitting = CommitteeRoleFactory(title="Treasurer", starts_on=date(2030, 8, 1), ends_on=date(2031, 7, 31))
    other = CommitteeRoleFactory(title="Treasurer", starts_on=date(2031, 8, 1), ends_on=date(2032, 7, 31))
    data = {"title": "treasurer", "user": member.pk, "starts_on": "2031-06-01", "ends_on": "2031-12-31", "order": 0}

    added = admin_client_.post(reverse("admin:members_committeerole_add"), data)
    changed = admin_client_.post(
        reverse("admin:members_committeerole_change", args=[other.pk]), {**data, "user": other.user.pk}
    )
    kept = admin_client_.post(
        reverse("admin:members_committeerole_change", args=[sitting.pk]),
        {"title": "Treasurer", "user": sitting.user.pk, "starts_on": "2030-08-01", "ends_on": "2031-07-30", "order": 3},
    )

    message = (
        f"{sitting.user.display_name} is Treasurer from 1 Aug 2030 to 31 Jul 2031: "
        "two terms of one title cannot overlap."
    )
    assert added.context["adminform"].form.non_field_errors() == [message]
    assert changed.context["adminform"].form.non_field_errors() == [message]
    assert kept.status_code == 302  # a role's own term never overlaps itself
    assert CommitteeRole.objects.count() == 2
    assert OutboundEmail.objects.count() == 0

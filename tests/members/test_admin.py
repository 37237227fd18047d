import csv
import io

import pytest
from django.urls import reverse

from members.models import Membership
from members.years import current_academic_year
from tests.factories import CommitteeRoleFactory, MembershipFactory, ProfileFactory, UserFactory

CHANGELIST = reverse("admin:members_user_changelist")


@pytest.fixture
def admin_client_(client, admin_user):
    client.force_login(admin_user)
    return client


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

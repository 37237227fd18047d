from datetime import date, timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import IntegrityError
from django.urls import reverse
from django.utils import timezone

from members.models import CommitteeRole, User
from members.permissions import is_committee
from members.services import accounts_due_for_anonymising
from members.years import current_academic_year
from tests.factories import CommitteeRoleFactory, MembershipFactory, ProfileFactory, UserFactory
from tests.logins import log_in_with_second_factor
from tests.querycount import assert_constant_queries


@pytest.mark.django_db
def test_is_committee_is_true_for_the_committee_group_and_admins_only():
    assert is_committee(UserFactory(committee=True)) is True
    assert is_committee(UserFactory(is_superuser=True)) is True
    assert is_committee(UserFactory()) is False
    assert is_committee(AnonymousUser()) is False
    assert is_committee(UserFactory(committee=True, is_active=False)) is False


@pytest.mark.django_db
def test_console_admin_filter_and_retention_agree_on_who_is_on_the_committee(client):
    today = timezone.localdate()
    long_ago = timezone.now() - timedelta(days=3650)

    def lapsed(label: str, **fields) -> User:
        # Joined long ago, last a member years ago, never logged in: due for anonymising unless kept.
        user = UserFactory(email=f"{label}@uni.ac.uk", date_joined=long_ago, **fields)
        MembershipFactory(user=user, academic_year=current_academic_year() - 5)
        return user

    people = [
        lapsed("group", committee=True),
        lapsed("current-role"),
        lapsed("ended-role"),
        lapsed("inactive-group", committee=True, is_active=False),
        lapsed("plain"),
    ]
    CommitteeRoleFactory(user=people[1], starts_on=today - timedelta(days=10), ends_on=today + timedelta(days=10))
    CommitteeRoleFactory(user=people[2], starts_on=today - timedelta(days=400), ends_on=today - timedelta(days=1))
    admin = UserFactory(email="admin@uni.ac.uk", is_staff=True, is_superuser=True)
    log_in_with_second_factor(client, admin)

    def label(email: str) -> str:
        return email.split("@")[0]

    by_console = {label(u.email) for u in [*people, admin] if is_committee(User.objects.get(pk=u.pk))}
    by_queryset = {label(email) for email in User.objects.current_committee().values_list("email", flat=True)}
    response = client.get(reverse("admin:members_user_changelist"), {"committee": "yes"})
    by_admin = {label(u.email) for u in response.context["cl"].result_list}
    due = {label(email) for email in accounts_due_for_anonymising().values_list("email", flat=True)}

    assert by_console == by_queryset == by_admin == {"admin", "group", "current-role"}
    assert due == {"ended-role", "plain"}  # the inactive account was anonymised already


@pytest.mark.django_db
def test_navigation_shows_manage_to_the_committee_only(client, member, committee_member):
    client.force_login(member)
    as_member = client.get("/").content.decode()
    client.force_login(committee_member)
    as_committee = client.get("/").content.decode()

    assert 'href="/manage/"' not in as_member
    assert 'href="/manage/"' in as_committee


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("starts", "ends", "expected"),
    [(-30, 30, True), (0, 0, True), (-30, 0, True), (-30, -1, False), (1, 30, False)],
    ids=["during", "one-day-term", "last-day", "day-after", "not-started"],
)
def test_committee_role_grants_committee_access_during_its_term_only(starts, ends, expected):
    today = timezone.localdate()
    role = CommitteeRoleFactory(starts_on=today + timedelta(days=starts), ends_on=today + timedelta(days=ends))

    assert is_committee(User.objects.get(pk=role.user_id)) is expected


@pytest.mark.django_db
def test_committee_role_term_is_judged_on_the_day_given():
    role = CommitteeRoleFactory(starts_on=date(2026, 8, 1), ends_on=date(2027, 7, 31))

    current_on = [
        CommitteeRole.objects.current(today=day).filter(pk=role.pk).exists()
        for day in (date(2026, 7, 31), date(2026, 8, 1), date(2027, 7, 31), date(2027, 8, 1))
    ]

    assert current_on == [False, True, True, False]
    assert role.is_current(today=date(2027, 1, 1)) is True


@pytest.mark.django_db
def test_committee_role_holder_reaches_the_console_until_the_term_ends(client):
    today = timezone.localdate()
    role = CommitteeRoleFactory(title="Treasurer", starts_on=today - timedelta(days=100), ends_on=today)
    log_in_with_second_factor(client, role.user)
    during = client.get(reverse("events:manage")).status_code

    CommitteeRole.objects.filter(pk=role.pk).update(ends_on=today - timedelta(days=1))
    after = client.get(reverse("events:manage")).status_code

    assert (during, after) == (200, 403)


@pytest.mark.django_db
def test_committee_role_term_cannot_end_before_it_starts():
    with pytest.raises(IntegrityError):
        CommitteeRoleFactory(starts_on=date(2026, 8, 1), ends_on=date(2026, 7, 31))


@pytest.mark.django_db
def test_is_committee_costs_one_query_and_is_remembered_for_the_request(django_assert_num_queries):
    user = User.objects.get(pk=CommitteeRoleFactory().user_id)

    with django_assert_num_queries(1):
        assert is_committee(user) is True
        assert is_committee(user) is True


@pytest.mark.django_db
def test_about_page_shows_current_roles_in_order_with_photos(client):
    today = timezone.localdate()
    treasurer = CommitteeRoleFactory(title="Treasurer", order=2, user__name="Tom Okafor")
    president = CommitteeRoleFactory(title="President", order=1, user__name="Priya Sharma")
    ProfileFactory(user=president.user, avatar="avatars/abc-256.jpg", avatar_small="avatars/abc-64.jpg")
    CommitteeRoleFactory(title="Past President", user__name="Old Hand", ends_on=today - timedelta(days=1))
    CommitteeRoleFactory(title="Future Lead", user__name="New Face", starts_on=today + timedelta(days=1))
    CommitteeRoleFactory(title="Gone", user__name="Deleted", user__is_active=False)

    response = client.get(reverse("members:about"))

    assert [(r.title, r.user.name) for r in response.context["roles"]] == [
        ("President", "Priya Sharma"),
        ("Treasurer", "Tom Okafor"),
    ]
    page = response.content.decode()
    assert '<img class="avatar avatar-lg" src="/media/avatars/abc-256.jpg"' in page
    assert page.index("Priya Sharma") < page.index("Tom Okafor")
    assert treasurer.user.email not in page


@pytest.mark.django_db
def test_about_page_costs_constant_queries(client):
    def add_roles(n: int) -> None:
        for role in CommitteeRoleFactory.create_batch(n, title="Events Lead"):
            ProfileFactory(user=role.user, avatar="avatars/x-256.jpg", avatar_small="avatars/x-64.jpg")

    # The roles, and the site's texts.
    assert assert_constant_queries(lambda: client.get(reverse("members:about")), add_roles) == 2

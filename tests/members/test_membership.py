from datetime import date

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import IntegrityError
from django.urls import reverse

from members import services
from members.models import Membership
from members.years import academic_year_label, academic_year_of, current_academic_year
from tests.factories import MembershipFactory, UserFactory


@pytest.mark.parametrize(
    ("day", "year"),
    [(date(2026, 7, 31), 2025), (date(2026, 8, 1), 2026), (date(2027, 1, 15), 2026), (date(2027, 7, 31), 2026)],
)
def test_academic_year_starts_on_1_august_by_default(day, year):
    assert academic_year_of(day) == year


def test_academic_year_start_is_a_setting(settings):
    settings.ACADEMIC_YEAR_START = (9, 15)

    assert (academic_year_of(date(2026, 9, 14)), academic_year_of(date(2026, 9, 15))) == (2025, 2026)


def test_academic_year_label_reads_like_the_union_writes_it():
    assert (academic_year_label(2026), academic_year_label(2099)) == ("2026/27", "2099/00")


@pytest.mark.django_db
def test_membership_is_once_per_user_and_year_in_the_database(member):
    MembershipFactory(user=member, academic_year=2026)

    with pytest.raises(IntegrityError):
        MembershipFactory(user=member, academic_year=2026)


@pytest.mark.django_db
def test_is_member_answers_for_this_year_only(member, other_member):
    this_year = current_academic_year()
    MembershipFactory(user=member, academic_year=this_year)
    MembershipFactory(user=other_member, academic_year=this_year - 1)

    assert services.is_member(member) is True
    assert services.is_member(other_member) is False
    assert services.is_member(other_member, year=this_year - 1) is True
    assert services.is_member(AnonymousUser()) is False


@pytest.mark.django_db
def test_member_joins_for_the_current_year_from_their_account_page(member_client, member):
    page = member_client.get(reverse("members:me")).content.decode()

    response = member_client.post(reverse("members:join"))

    assert f"Join for {academic_year_label(current_academic_year())}" in page
    assert response["Location"] == reverse("members:me")
    assert list(Membership.objects.values_list("user", "academic_year", "source")) == [
        (member.pk, current_academic_year(), "joined")
    ]
    assert "You are a member for" in member_client.get(reverse("members:me")).content.decode()


@pytest.mark.django_db
def test_joining_twice_keeps_one_membership(member_client, member):
    member_client.post(reverse("members:join"))
    member_client.post(reverse("members:join"))

    assert Membership.objects.filter(user=member).count() == 1


@pytest.mark.django_db
def test_join_page_asks_before_joining(member_client, member):
    response = member_client.get(reverse("members:join"))

    assert response.status_code == 200
    assert Membership.objects.count() == 0


@pytest.mark.django_db
def test_committee_renews_a_member_for_this_year(committee_client, member):
    MembershipFactory(user=member, academic_year=current_academic_year() - 1)

    response = committee_client.post(reverse("members:renew", args=[member.pk]))

    assert response["Location"] == reverse("members:directory")
    assert services.is_member(member) is True
    assert Membership.objects.get(user=member, academic_year=current_academic_year()).source == "committee"


@pytest.mark.django_db
def test_committee_lapses_a_member_after_confirming(committee_client, member):
    MembershipFactory(user=member)
    url = reverse("members:lapse", args=[member.pk])

    confirm = committee_client.get(url)
    still_member = services.is_member(member)
    response = committee_client.post(url, {"next": "/manage/members/?q=mo"})

    assert "Lapse membership" in confirm.content.decode()
    assert still_member is True
    assert response["Location"] == "/manage/members/?q=mo"
    assert services.is_member(member) is False


@pytest.mark.django_db
def test_lapsing_someone_who_is_not_a_member_changes_nothing(committee_client, member):
    MembershipFactory(user=member, academic_year=current_academic_year() - 1)

    committee_client.post(reverse("members:lapse", args=[member.pk]))

    assert Membership.objects.filter(user=member).count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("next_url", ["https://evil.example/", "//evil.example/", "javascript:alert(1)"])
def test_renew_never_redirects_to_another_site(committee_client, member, next_url):
    response = committee_client.post(reverse("members:renew", args=[member.pk]), {"next": next_url})

    assert response["Location"] == reverse("members:directory")


@pytest.mark.django_db
@pytest.mark.parametrize("view", ["members:renew", "members:lapse"])
def test_renew_and_lapse_are_404_for_unknown_or_deleted_accounts(committee_client, view):
    gone = UserFactory(is_active=False)

    unknown = committee_client.post(reverse(view, args=[999_999]))
    inactive = committee_client.post(reverse(view, args=[gone.pk]))

    assert (unknown.status_code, inactive.status_code) == (404, 404)
    assert Membership.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize("view", ["members:renew", "members:lapse"])
def test_members_cannot_renew_or_lapse_anyone(member_client, other_member, view):
    MembershipFactory(user=other_member, academic_year=current_academic_year() - 1)

    response = member_client.post(reverse(view, args=[other_member.pk]))

    assert response.status_code == 403
    assert Membership.objects.count() == 1

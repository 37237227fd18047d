import json
from datetime import UTC, date, datetime

import pytest
from allauth.account.models import EmailAddress
from django.core.files.storage import default_storage
from django.urls import reverse

from members import services
from members.models import CommitteeRole, Membership, Profile, RetentionWarning, User
from members.permissions import committee_group
from society.emails import opt_out, queue_email
from society.models import EmailKind, EmailOptOut, OutboundEmail
from tests.factories import CommitteeRoleFactory, MembershipFactory, ProfileFactory, TopicFactory

EXPORT = reverse("members:export_data")
DELETE = reverse("members:delete_account")


@pytest.fixture
def full_member(member):
    """The member with something in every section: profile, photo, memberships, a role, two addresses."""
    profile = ProfileFactory(
        user=member,
        course="Physics MSci",
        year_of_study=3,
        student_number="S123",
        bio="Likes GPUs.",
        github_url="https://github.com/mo",
    )
    profile.interests.set([TopicFactory(name="Computer vision")])
    services.set_avatar(profile=profile, renditions={256: b"big", 64: b"small"})
    MembershipFactory(user=member, academic_year=2025, source=Membership.Source.UNION)
    MembershipFactory(user=member, academic_year=2026)
    CommitteeRoleFactory(user=member, title="Treasurer", starts_on=date(2026, 8, 1), ends_on=date(2027, 7, 31))
    EmailAddress.objects.create(user=member, email="mo@gmail.com", verified=False, primary=False)
    member.groups.add(committee_group())
    RetentionWarning.objects.create(user=member, for_year=2022, warned_at=datetime(2025, 7, 2, 3, 30, tzinfo=UTC))
    queue_email(key="reminder:1", to=member.email, template=TEMPLATE, context={}, kind=EmailKind.REMINDER, user=member)
    queue_email(key="account:1", to="mo@gmail.com", template=TEMPLATE, context={}, kind=EmailKind.ACCOUNT)
    opt_out(user_id=member.pk, kind=EmailKind.DIGEST)
    return member


TEMPLATE = "account/email/password_changed"


@pytest.fixture
def someone_else(other_member):
    profile = ProfileFactory(user=other_member, course="Secret Course", student_number="S999", bio="Other bio")
    profile.interests.set([TopicFactory(name="Other topic")])
    MembershipFactory(user=other_member, academic_year=2024)
    CommitteeRoleFactory(user=other_member, title="Other Role")
    queue_email(key="other:1", to=other_member.email, template=TEMPLATE, context={}, kind=EmailKind.ACCOUNT)
    return other_member


@pytest.mark.django_db
def test_data_export_contains_everything_about_the_member(client, full_member, someone_else):
    client.force_login(full_member)

    response = client.get(EXPORT)

    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"].startswith('attachment; filename="my-data-')
    assert "no-store" in response["Cache-Control"]
    data = json.loads(response.content)
    members = data["members"]
    assert members["account"]["email"] == "member@uni.ac.uk"
    assert members["account"]["name"] == "Mo Member"
    assert members["email_addresses"] == [
        {"email": "member@uni.ac.uk", "verified": True, "primary": True},
        {"email": "mo@gmail.com", "verified": False, "primary": False},
    ]
    profile = Profile.objects.get(user=full_member)
    assert members["profile"] == {
        "course": "Physics MSci",
        "year_of_study": "Third year",
        "student_number": "S123",
        "bio": "Likes GPUs.",
        "interests": ["Computer vision"],
        "github": "https://github.com/mo",
        "linkedin": "",
        "website": "",
        "photo": profile.avatar.url,
    }
    assert members["memberships"] == [
        {"academic_year": "2025/26", "source": "Students' union list"},
        {"academic_year": "2026/27", "source": "Joined on the site"},
    ]
    assert members["committee_roles"] == [{"title": "Treasurer", "from": "2026-08-01", "to": "2027-07-31"}]
    assert members["retention_warnings"] == [{"member_until": "2022/23", "warned": "2025-07-02T03:30:00+00:00"}]
    assert [(e["kind"], e["to"], e["state"]) for e in data["society"]["emails"]] == [
        ("reminder", "member@uni.ac.uk", "pending")
    ]
    # Not sent yet, so kept as a template: its subject is rendered for the export.
    [pending] = data["society"]["emails"]
    assert pending["subject"]
    assert "not rendered" not in pending["subject"]
    assert not OutboundEmail.objects.get(key="reminder:1").subject  # and nothing saved
    assert data["society"]["emails_turned_off"] == ["digest"]


@pytest.mark.django_db
def test_data_export_contains_nothing_about_anyone_else(client, full_member, someone_else):
    client.force_login(full_member)

    text = client.get(EXPORT).content.decode()

    for secret in (
        "other@uni.ac.uk",
        "Olu Other",
        "Secret Course",
        "S999",
        "Other bio",
        "Other topic",
        "Other Role",
        "2024",
    ):
        assert secret not in text


@pytest.mark.django_db
def test_data_export_works_for_a_member_without_a_profile(member_client):
    data = json.loads(member_client.get(EXPORT).content)

    assert (data["members"]["profile"], data["members"]["memberships"]) == (None, [])


@pytest.mark.django_db
def test_deleted_account_leaves_no_personal_data(client, full_member, someone_else, django_capture_on_commit_callbacks):
    client.force_login(full_member)
    profile = Profile.objects.get(user=full_member)
    files = [profile.avatar.name, profile.avatar_small.name]
    assert [default_storage.exists(name) for name in files] == [True, True]

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(DELETE, {"email": "MEMBER@uni.ac.uk "})

    assert response["Location"] == reverse("events:home")
    user = User.objects.get(pk=full_member.pk)
    assert user.email.endswith("@anonymised.invalid")
    assert "member" not in user.email
    assert (user.name, user.is_active, user.is_staff, user.is_superuser) == ("", False, False, False)
    assert user.has_usable_password() is False
    assert user.last_login is None
    assert list(user.groups.all()) == []
    assert Profile.objects.filter(user=user).exists() is False
    assert EmailAddress.objects.filter(user=user).exists() is False
    assert CommitteeRole.objects.filter(user=user).exists() is False
    assert [default_storage.exists(name) for name in files] == [False, False]
    # Every email to them is gone (the pending reminder will never be sent), and their preferences.
    assert list(OutboundEmail.objects.values_list("key", flat=True)) == ["other:1"]
    assert EmailOptOut.objects.exists() is False
    # Anonymous counts stay: the memberships per year still count this (now nameless) account.
    assert Membership.objects.filter(user=user).count() == 2
    # Nobody else is touched.
    assert Profile.objects.get(user=someone_else).course == "Secret Course"
    assert CommitteeRole.objects.filter(user=someone_else).count() == 1


@pytest.mark.django_db
def test_deleted_account_is_logged_out_and_cannot_log_in_again(client, member):
    client.force_login(member)

    client.post(DELETE, {"email": member.email})
    me = client.get(reverse("members:me"))
    login = client.post(reverse("account_login"), {"login": member.email, "password": "correct-horse-battery-staple"})

    assert me.status_code == 302
    assert "The email address and/or password you specified are not correct." in login.content.decode()


@pytest.mark.django_db
def test_two_deleted_accounts_do_not_collide(client, member, other_member):
    services.anonymise_account(user=member)
    services.anonymise_account(user=other_member)

    assert User.objects.filter(email__endswith="@anonymised.invalid").count() == 2


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"email": "other@uni.ac.uk"}, "That is not this account&#x27;s email address: nothing was deleted."),
        ({"email": ""}, "This field is required."),
        ({}, "This field is required."),
    ],
)
def test_account_is_not_deleted_without_the_right_confirmation(member_client, member, data, message):
    response = member_client.post(DELETE, data)

    assert response.status_code == 200
    assert message in response.content.decode()
    member.refresh_from_db()
    assert (member.email, member.is_active) == ("member@uni.ac.uk", True)


@pytest.mark.django_db
def test_privacy_notice_is_public_and_linked_from_every_page(client):
    notice = client.get(reverse("members:privacy_policy"))
    home = client.get(reverse("events:home")).content.decode()

    assert notice.status_code == 200
    assert "more than 2 years ago" in notice.content.decode()
    assert 'href="/privacy/"' in home


@pytest.mark.django_db
def test_my_privacy_page_offers_download_and_deletion(member_client):
    page = member_client.get(reverse("members:privacy")).content.decode()

    assert f'href="{EXPORT}"' in page
    assert f'href="{DELETE}"' in page


@pytest.mark.django_db
def test_account_page_shows_email_preferences(member_client, member):
    opt_out(user_id=member.pk, kind=EmailKind.DIGEST)

    page = member_client.get(reverse("members:me")).content.decode()

    assert '<span class="badge text-bg-secondary">off</span> Weekly digest' in page
    assert '<span class="badge text-bg-success">on</span> Event reminders' in page
    assert f'href="{reverse("members:email_preferences")}"' in page


@pytest.mark.django_db
def test_email_preferences_turn_kinds_off_and_on(member_client, member):
    opt_out(user_id=member.pk, kind=EmailKind.DIGEST)
    url = reverse("members:email_preferences")

    response = member_client.post(url, {"wanted": ["digest", "reminder"]})

    assert response["Location"] == reverse("members:me")
    assert sorted(EmailOptOut.objects.filter(user=member).values_list("kind", flat=True)) == [
        "announcement",
        "follow_up",
    ]


@pytest.mark.django_db
def test_email_preferences_all_off_is_allowed(member_client, member):
    member_client.post(reverse("members:email_preferences"), {})

    assert EmailOptOut.objects.filter(user=member).count() == 4


@pytest.mark.django_db
@pytest.mark.parametrize("wanted", [["account"], ["registration"], ["nonsense"]])
def test_email_preferences_refuse_transactional_or_unknown_kinds(member_client, member, wanted):
    response = member_client.post(reverse("members:email_preferences"), {"wanted": wanted})

    assert response.status_code == 200
    assert f"Select a valid choice. {wanted[0]} is not one of the available choices." in response.content.decode()
    assert EmailOptOut.objects.count() == 0

import re

import pytest
from django.urls import reverse

from members.models import Profile, User
from tests.factories import ProfileFactory, TopicFactory, image_upload

SIGNUP = {
    "name": "Nia Newcomer",
    "email": "nia@uni.ac.uk",
    "password1": "tensors-and-tea-2026",
    "password2": "tensors-and-tea-2026",
}
URL = reverse("members:welcome")


@pytest.fixture
def sign_up_and_verify(client, mailoutbox, django_capture_on_commit_callbacks):
    def sign_up_and_verify():
        # Emails leave the outbox when the transaction commits: run those hooks.
        with django_capture_on_commit_callbacks(execute=True):
            client.post(reverse("account_signup"), SIGNUP)
        link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", mailoutbox[0].body).group(0)
        return client.post(link)

    return sign_up_and_verify


@pytest.mark.django_db
def test_welcome_step_follows_email_verification_for_a_new_member(client, sign_up_and_verify):
    response = sign_up_and_verify()

    assert response.status_code == 302
    assert response["Location"] == URL
    assert client.get(URL).status_code == 200


@pytest.mark.django_db
def test_welcome_step_saves_the_essentials_and_an_avatar_then_shows_the_profile(client, sign_up_and_verify):
    sign_up_and_verify()
    topic = TopicFactory(name="Deep learning", slug="deep-learning")

    response = client.post(
        URL,
        {
            "name": "Nia N.",
            "course": "Maths BSc",
            "year_of_study": "1",
            "interests": [topic.pk],
            "avatar_upload": image_upload(),
        },
    )

    assert response["Location"] == reverse("members:me")
    profile = Profile.objects.get(user__email="nia@uni.ac.uk")
    assert (profile.user.name, profile.course, profile.year_of_study) == ("Nia N.", "Maths BSc", 1)
    assert list(profile.interests.all()) == [topic]
    assert profile.avatar.name.endswith("-256.jpg")
    assert profile.needs_welcome is False
    page = client.get(reverse("members:me")).content.decode()
    assert profile.avatar.url in page
    assert "Deep learning" in page


@pytest.mark.django_db
def test_welcome_step_can_be_skipped_and_is_not_shown_again(client, sign_up_and_verify):
    sign_up_and_verify()

    response = client.post(URL, {"skip": "1"})
    client.logout()
    login = client.post(reverse("account_login"), {"login": SIGNUP["email"], "password": SIGNUP["password1"]})

    assert response["Location"] == reverse("members:me")
    assert Profile.objects.get(user__email="nia@uni.ac.uk").course == ""
    assert login["Location"] == reverse("events:home")


@pytest.mark.django_db
def test_welcome_step_is_offered_again_at_next_login_until_done(client, sign_up_and_verify):
    sign_up_and_verify()
    client.logout()

    login = client.post(reverse("account_login"), {"login": SIGNUP["email"], "password": SIGNUP["password1"]})

    assert login["Location"] == URL


@pytest.mark.django_db
def test_members_who_never_signed_up_here_are_not_sent_to_the_welcome_step(client, member):
    ProfileFactory(user=member)

    login = client.post(reverse("account_login"), {"login": member.email, "password": "correct-horse-battery-staple"})

    assert login["Location"] == reverse("events:home")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"name": ""}, "This field is required."),
        ({"year_of_study": "first"}, "Select a valid choice."),
        ({"interests": ["999999"]}, "Select a valid choice. 999999 is not one of the available choices."),
    ],
)
def test_welcome_step_with_bad_input_explains_and_changes_nothing(client, sign_up_and_verify, changes, message):
    sign_up_and_verify()

    response = client.post(URL, {"name": "Nia", "course": "Maths BSc", **changes})

    assert response.status_code == 200
    assert message in response.content.decode()
    profile = Profile.objects.get(user__email="nia@uni.ac.uk")
    assert (profile.course, profile.needs_welcome) == ("", True)
    assert User.objects.get(email="nia@uni.ac.uk").name == "Nia Newcomer"

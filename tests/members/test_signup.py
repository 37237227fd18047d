import re

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse

from members.models import User

SIGNUP = {
    "name": "Nia Newcomer",
    "email": "nia@uni.ac.uk",
    "password1": "tensors-and-tea-2026",
    "password2": "tensors-and-tea-2026",
}


def verification_link(mail) -> str:
    return re.search(r"https?://\S+/accounts/confirm-email/\S+/", mail.body).group(0)


@pytest.mark.django_db
def test_signup_creates_an_unverified_member_and_sends_a_verification_email(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("account_signup"), SIGNUP)

    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    user = User.objects.get()
    assert (user.email, user.name) == ("nia@uni.ac.uk", "Nia Newcomer")
    assert EmailAddress.objects.get(user=user).verified is False
    assert [m.to for m in mailoutbox] == [["Nia Newcomer <nia@uni.ac.uk>"]]
    assert verification_link(mailoutbox[0])


@pytest.mark.django_db
def test_verification_link_logs_the_member_in_and_cannot_be_reused(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_signup"), SIGNUP)
    link = verification_link(mailoutbox[0])

    response = client.post(link)

    assert response.status_code == 302
    assert EmailAddress.objects.get(email="nia@uni.ac.uk").verified is True
    assert client.get(reverse("members:me")).status_code == 200
    client.logout()
    reused = client.get(link)
    assert "This email confirmation link expired or is invalid" in reused.content.decode()


@pytest.mark.django_db
def test_unverified_member_cannot_log_in_until_verified(client, mailoutbox):
    client.post(reverse("account_signup"), SIGNUP)
    client.logout()

    response = client.post(reverse("account_login"), {"login": SIGNUP["email"], "password": SIGNUP["password1"]})

    assert response["Location"] == reverse("account_email_verification_sent")
    assert client.get(reverse("members:me")).status_code == 302


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"email": "not-an-email"}, "Enter a valid email address."),
        ({"email": "nia@uni.ac.uk\r\nBcc: all@uni.ac.uk"}, "Enter a valid email address."),
        ({"password1": "password", "password2": "password"}, "This password is too common."),
        ({"password1": "12345678901", "password2": "12345678901"}, "This password is entirely numeric."),
        ({"password2": "something-else-entirely"}, "You must type the same password each time."),
        ({"name": ""}, "This field is required."),
    ],
)
def test_signup_with_bad_input_explains_and_creates_nothing(client, mailoutbox, changes, message):
    response = client.post(reverse("account_signup"), {**SIGNUP, **changes})

    assert response.status_code == 200
    assert message in response.content.decode()
    assert User.objects.count() == 0
    assert mailoutbox == []


@pytest.mark.django_db
def test_signup_is_limited_to_the_university_domains(client, settings, mailoutbox):
    settings.SIGNUP_EMAIL_DOMAINS = ["uni.ac.uk"]

    refused = client.post(reverse("account_signup"), {**SIGNUP, "email": "nia@gmail.com"})
    subdomain = client.post(reverse("account_signup"), {**SIGNUP, "email": "nia@cs.uni.ac.uk"})

    assert "Please use your university email address (ending in @uni.ac.uk)." in refused.content.decode()
    assert subdomain.status_code == 302
    assert list(User.objects.values_list("email", flat=True)) == ["nia@cs.uni.ac.uk"]


@pytest.mark.django_db
def test_signup_with_an_email_already_registered_creates_no_second_account(
    client, member, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("account_signup"), {**SIGNUP, "email": member.email.upper()})

    assert response.status_code == 302  # allauth does not reveal that the address is taken...
    assert User.objects.count() == 1  # ...and creates nothing
    assert [m.to for m in mailoutbox] == [[member.email]]  # the owner is told instead


@pytest.mark.django_db
@pytest.mark.parametrize("next_url", ["https://evil.example/", "//evil.example/", "javascript:alert(1)"])
def test_login_ignores_a_next_that_points_to_another_site(client, member, next_url):
    response = client.post(
        reverse("account_login") + "?next=" + next_url,
        {"login": member.email, "password": "correct-horse-battery-staple"},
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("events:home")


@pytest.mark.django_db
def test_login_follows_a_next_on_this_site(client, member):
    response = client.post(
        reverse("account_login") + "?next=/me/", {"login": member.email, "password": "correct-horse-battery-staple"}
    )

    assert response["Location"] == "/me/"


@pytest.mark.django_db
def test_wrong_password_is_refused_with_a_message(client, member):
    response = client.post(reverse("account_login"), {"login": member.email, "password": "nope"})

    assert response.status_code == 200
    assert "The email address and/or password you specified are not correct." in response.content.decode()


@pytest.mark.django_db
def test_admin_login_goes_through_allauth(client, member):
    anonymous = client.get("/admin/")
    client.force_login(member)
    not_staff = client.get("/admin/login/")

    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(reverse("admin:login"))
    assert client.get(anonymous["Location"]).status_code in (302, 403)
    assert not_staff.status_code == 403


@pytest.mark.django_db
def test_admin_login_page_redirects_visitors_to_the_site_login(client):
    response = client.get(reverse("admin:login") + "?next=/admin/")

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))

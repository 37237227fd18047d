"""The committee's list of issued credentials, and revoking one."""

import pytest
from django.urls import reverse

from credentials import badges, services
from credentials.models import IssuedCredential
from events.models import ActionLog
from tests.factories import UserFactory
from tests.querycount import assert_constant_queries

from .conftest import led_session

MANAGE = reverse("credentials:manage")


def issue_for(member, title: str) -> IssuedCredential:
    led_session(member, title=title, attendees=1, ratings=())
    achievement = next(a for a in badges.earned(member) if a.title == title)
    return services.issue_credential(member=member, achievement=achievement)


@pytest.mark.django_db
def test_the_committee_sees_issued_credentials_and_searches_them(committee_client, host):
    issue_for(host, "Transformers from scratch")
    issue_for(UserFactory(name="Grace Hopper"), "Compilers for fun")

    everyone = committee_client.get(MANAGE).content.decode()
    found = committee_client.get(MANAGE, {"q": "grace"}).content.decode()

    assert "Led “Transformers from scratch”" in everyone
    assert "Led “Compilers for fun”" in everyone
    assert "Compilers for fun" in found
    assert "Transformers from scratch" not in found
    assert "No credential matches that search." in committee_client.get(MANAGE, {"q": "nobody"}).content.decode()


@pytest.mark.django_db
def test_the_committee_revokes_a_credential_and_it_is_logged(committee_client, committee_member, host):
    credential = issue_for(host, "Transformers from scratch")
    url = reverse("credentials:manage_revoke", kwargs={"credential_id": credential.pk})

    assert "Withdraw the credential “Led “Transformers from scratch”” of Ada Lovelace?" in (
        committee_client.get(url).content.decode()
    )
    committee_client.post(url)

    credential.refresh_from_db()
    assert credential.revoked_by == committee_member
    assert ActionLog.objects.filter(action="revoked credential", actor=committee_member).count() == 1
    assert "withdrawn on" in committee_client.get(MANAGE).content.decode()


@pytest.mark.django_db
def test_revoking_twice_changes_nothing(committee_client, host):
    credential = issue_for(host, "Transformers from scratch")
    services.revoke_credential(credential=credential, by=host)
    revoked_at = IssuedCredential.objects.get().revoked_at

    response = committee_client.post(reverse("credentials:manage_revoke", kwargs={"credential_id": credential.pk}))

    assert response.status_code == 302
    assert IssuedCredential.objects.get().revoked_at == revoked_at


@pytest.mark.django_db
def test_the_console_list_costs_constant_queries(committee_client):
    def issue(n: int) -> None:
        for _ in range(n):
            member = UserFactory()
            issue_for(member, f"Session of {member.pk}")

    assert_constant_queries(lambda: committee_client.get(MANAGE), issue, small=2, large=12)

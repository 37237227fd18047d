import pytest
from django.contrib.auth.models import AnonymousUser

from members.permissions import is_committee
from tests.factories import UserFactory


@pytest.mark.django_db
def test_is_committee_is_true_for_the_committee_group_and_admins_only():
    assert is_committee(UserFactory(committee=True)) is True
    assert is_committee(UserFactory(is_superuser=True)) is True
    assert is_committee(UserFactory()) is False
    assert is_committee(AnonymousUser()) is False
    assert is_committee(UserFactory(committee=True, is_active=False)) is False


@pytest.mark.django_db
def test_navigation_shows_manage_to_the_committee_only(client, member, committee_member):
    client.force_login(member)
    as_member = client.get("/").content.decode()
    client.force_login(committee_member)
    as_committee = client.get("/").content.decode()

    assert 'href="/manage/"' not in as_member
    assert 'href="/manage/"' in as_committee

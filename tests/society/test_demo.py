from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from events.models import Event
from members.models import Topic, User
from members.permissions import is_committee
from members.services import is_member


@pytest.mark.django_db
def test_demo_data_loads_twice_without_duplicates_and_prints_logins():
    first = StringIO()
    call_command("load_demo", force=True, stdout=first)
    counts = (User.objects.count(), Event.objects.count())

    call_command("load_demo", force=True, stdout=StringIO())

    assert (User.objects.count(), Event.objects.count()) == counts
    output = first.getvalue()
    assert "committee member  priya@demo.ac.uk" in output
    assert "member            sam@demo.ac.uk" in output
    assert is_committee(User.objects.get(email="priya@demo.ac.uk"))
    assert not is_committee(User.objects.get(email="sam@demo.ac.uk"))
    assert Event.objects.listed().upcoming().exists()
    assert Event.objects.listed().past().exists()


@pytest.mark.django_db
def test_demo_logins_work(client):
    call_command("load_demo", force=True, stdout=StringIO())

    response = client.post("/accounts/login/", {"login": "sam@demo.ac.uk", "password": "society-demo"})

    assert response.status_code == 302
    assert client.get("/me/").status_code == 200


@pytest.mark.django_db
def test_demo_data_refuses_to_load_with_debug_off_unless_forced():
    with pytest.raises(CommandError, match="Demo data is for local development"):
        call_command("load_demo", stdout=StringIO())

    assert User.objects.count() == 0


@pytest.mark.django_db
def test_demo_has_a_committee_with_roles_profiles_and_this_years_members(client):
    call_command("load_demo", force=True, stdout=StringIO())
    call_command("load_demo", force=True, stdout=StringIO())

    roles = client.get("/about/").context["roles"]

    assert [(role.title, role.user.email) for role in roles] == [
        ("President", "priya@demo.ac.uk"),
        ("Treasurer", "tom@demo.ac.uk"),
        ("Events Lead", "mei@demo.ac.uk"),
        ("Workshops Lead", "jonas@demo.ac.uk"),
    ]
    assert all(role.user.profile.avatar for role in roles)
    assert is_committee(User.objects.get(email="jonas@demo.ac.uk"))  # by the role alone
    sam = User.objects.get(email="sam@demo.ac.uk")
    assert is_member(sam)
    assert (sam.profile.course, sam.profile.year_of_study, sam.profile.needs_welcome) == ("Economics BSc", 2, False)
    assert sam.profile.interests.count() == 2
    assert Topic.objects.count() == 8


@pytest.mark.django_db
def test_demo_has_a_member_who_reads_chinese_and_events_with_chinese_titles(client):
    call_command("load_demo", force=True, stdout=StringIO())
    lin = User.objects.get(email="lin@demo.ac.uk")
    client.post("/accounts/login/", {"login": lin.email, "password": "society-demo"})

    my_events = client.get("/me/events/")

    assert lin.language == "zh-hans"
    assert my_events["Content-Language"] == "zh-hans"
    assert lin.registrations.filter(checked_in_at__isnull=False).count() == 2
    assert Event.objects.exclude(title_zh="").filter(kind=Event.Kind.WORKSHOP).count() >= 10
    assert Event.objects.filter(slug="workshop-1", title_zh="第 1 次工作坊：面向机器学习的 Python").exists()

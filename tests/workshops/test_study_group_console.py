"""Study groups in the console: details, meetings generated from the pattern (members
told, with a one-click register link), cancelling a meeting, who is in."""

import re
from datetime import date, time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from events import services as event_services
from events.models import ActionLog, Event, Registration
from society.emails import opt_out
from society.models import EmailKind, OutboundEmail
from tests.factories import EventFactory, StudyGroupFactory, TopicFactory, UserFactory
from tests.outbox import rendered
from tests.querycount import assert_constant_queries
from workshops import links, services
from workshops.models import StudyGroup

pytestmark = pytest.mark.django_db


def next_weekday(weekday: int) -> date:
    today = timezone.localdate()
    return today + timedelta(days=(weekday - today.weekday()) % 7 or 7)


def patterned_group(**kwargs) -> StudyGroup:
    defaults = {"name": "Paper reading", "slug": "paper-reading", "meeting_weekday": 3, "meeting_time": time(18),
                "meeting_minutes": 90, "meeting_place": "Lab 2.14", "capacity": 8}  # fmt: skip
    return StudyGroupFactory(**{**defaults, **kwargs})


def test_new_study_group_from_the_console(committee_client, committee_member):
    topic = TopicFactory(name="NLP", slug="nlp")
    data = {
        "name": "Kaggle team", "topic": topic.pk, "organiser": committee_member.email, "description": "", "capacity": 6,
        "meeting_pattern": "Saturdays 11am, online", "meeting_weekday": 5, "meeting_time": "11:00",
        "meeting_minutes": 60, "meeting_place": "Online",
    }  # fmt: skip

    response = committee_client.post(reverse("workshops:manage_study_group_new"), data)

    group = StudyGroup.objects.get()
    assert response["Location"] == "/manage/study-groups/kaggle-team/"
    assert (group.slug, group.topic, group.organiser, group.meeting_weekday, group.meeting_time) == (
        "kaggle-team", topic, committee_member, 5, time(11),
    )  # fmt: skip
    assert list(ActionLog.objects.values_list("action", "detail")) == [("created study group", "Kaggle team")]


def test_study_group_organiser_is_shown_and_changed_by_email(committee_client):
    group = patterned_group(organiser=UserFactory(email="olu@uni.ac.uk"))
    successor = UserFactory(name="Sade Successor", email="sade@uni.ac.uk")
    url = reverse("workshops:manage_study_group", kwargs={"slug": group.slug})
    data = {"name": group.name, "description": "", "capacity": 8, "meeting_pattern": "Thursdays",
            "meeting_weekday": 3, "meeting_time": "18:00", "meeting_minutes": 90, "meeting_place": "Lab"}  # fmt: skip

    page = committee_client.get(url)
    committee_client.post(url, {**data, "organiser": "SADE@uni.ac.uk"})

    assert page.context["form"]["organiser"].value() == "olu@uni.ac.uk"
    assert 'value="olu@uni.ac.uk"' in page.content.decode()
    group.refresh_from_db()
    assert group.organiser == successor


@pytest.mark.parametrize("typed", ["nobody@uni.ac.uk", "gone@uni.ac.uk"])
def test_study_group_with_an_unknown_organiser_is_refused_and_unchanged(committee_client, typed):
    UserFactory(email="gone@uni.ac.uk", is_active=False)
    organiser = UserFactory(email="olu@uni.ac.uk")
    group = patterned_group(organiser=organiser)
    data = {"name": "Renamed", "description": "", "capacity": 8, "meeting_pattern": "Thursdays", "organiser": typed,
            "meeting_weekday": 3, "meeting_time": "18:00", "meeting_minutes": 90, "meeting_place": "Lab"}  # fmt: skip

    response = committee_client.post(reverse("workshops:manage_study_group", kwargs={"slug": group.slug}), data)

    assert response.status_code == 400
    assert response.context["form"].errors == {"organiser": ["No active account with that email."]}
    group.refresh_from_db()
    assert (group.name, group.organiser) == ("Paper reading", organiser)


def test_places_below_the_members_are_refused_as_a_form_error(committee_client):
    group = patterned_group()
    for _ in range(3):
        services.join_study_group(group=group, user=UserFactory())
    data = {"name": group.name, "description": "", "capacity": 2, "meeting_pattern": "Thursdays",
            "meeting_weekday": 3, "meeting_time": "18:00", "meeting_minutes": 90, "meeting_place": "Lab"}  # fmt: skip

    response = committee_client.post(reverse("workshops:manage_study_group", kwargs={"slug": group.slug}), data)

    assert response.status_code == 400
    assert response.context["form"].errors["capacity"] == [
        "Paper reading has 3 members: its places cannot be fewer. Nobody is removed by hand."
    ]
    group.refresh_from_db()
    assert (group.capacity, group.meeting_pattern) == (8, "Thursdays 6pm, Lab 2.14")


def test_generate_meetings_publishes_study_group_events_linked_to_the_group(committee_member):
    group = patterned_group(topic=TopicFactory(name="NLP", slug="nlp"))
    first = next_weekday(3)

    meetings = services.generate_meetings(
        group=group, first_day=first, weeks=3, skip=frozenset({first + timedelta(weeks=1)}), by=committee_member
    )

    local_starts = [timezone.localtime(m.starts_at).replace(tzinfo=None) for m in meetings]
    assert local_starts == [
        timezone.datetime.combine(first, time(18)),
        timezone.datetime.combine(first + timedelta(weeks=2), time(18)),
    ]
    assert [(m.kind, m.status, m.venue, m.capacity) for m in meetings] == [
        ("study_group", "published", "Lab 2.14", 8)
    ] * 2
    assert [m.ends_at - m.starts_at for m in meetings] == [timedelta(minutes=90)] * 2
    assert [list(m.topics.values_list("slug", flat=True)) for m in meetings] == [["nlp"], ["nlp"]]
    assert set(group.meetings.all()) == set(meetings)
    assert list(ActionLog.objects.filter(event=meetings[0]).order_by("id").values_list("action", flat=True)) == [
        "created",
        "published",
    ]


def test_generate_meetings_on_a_time_the_clocks_skip_is_refused_and_creates_nothing(committee_client):
    # Clocks go forward at 01:00 on Sunday 28 March 2027 in London: 01:30 does not exist.
    group = patterned_group(meeting_weekday=6, meeting_time=time(1, 30))
    url = reverse("workshops:manage_study_group_meetings", kwargs={"slug": group.slug})

    response = committee_client.post(url, {"first_day": "2027-03-21", "weeks": 2, "skip": ""})

    assert response.status_code == 400
    assert response.context["form"].non_field_errors() == [
        "01:30 on 28 March 2027 does not exist in Europe/London: the clocks go forward that night. Choose another time."
    ]
    assert Event.objects.count() == 0


def test_generate_meetings_with_every_date_skipped_is_refused(committee_member):
    group = patterned_group()
    first = next_weekday(3)

    with pytest.raises(services.WorkshopError, match="Every date is skipped: there is no meeting to create"):
        services.generate_meetings(group=group, first_day=first, weeks=1, skip=frozenset({first}), by=committee_member)
    assert Event.objects.count() == 0


def test_generate_meetings_without_a_pattern_is_refused(committee_member):
    group = StudyGroupFactory(name="Loose group")

    with pytest.raises(services.WorkshopError, match="Give Loose group a meeting day and time first"):
        services.generate_meetings(group=group, first_day=next_weekday(3), weeks=2, by=committee_member)


def test_members_are_emailed_of_each_new_meeting_unless_they_opted_out(settings, committee_member):
    settings.SITE_URL = "https://society.example.ac.uk"
    group = patterned_group()
    keen, quiet = UserFactory(email="keen@uni.ac.uk", name="Kay Keen"), UserFactory(email="quiet@uni.ac.uk")
    for user in (keen, quiet):
        services.join_study_group(group=group, user=user)
    opt_out(user_id=quiet.pk, kind=EmailKind.ANNOUNCEMENT)

    [meeting] = services.generate_meetings(group=group, first_day=next_weekday(3), weeks=1, by=committee_member)

    [email] = rendered(OutboundEmail.objects.all())
    starts = timezone.localtime(meeting.starts_at)
    # The link is signed with the time it was made: read it back rather than make it again.
    [token] = re.findall(
        r"Register with one click: https://society\.example\.ac\.uk/study-groups/links/(\S+)/register/\n",
        email.body_text,
    )
    register_url = "https://society.example.ac.uk" + reverse("workshops:meeting_register", kwargs={"token": token})
    assert links.read_meeting_token(token) == (meeting.pk, keen.pk)
    assert (email.key, email.kind, email.to_email, email.user) == (
        f"study-group-meeting:{meeting.pk}:{keen.pk}", EmailKind.ANNOUNCEMENT, "keen@uni.ac.uk", keen,
    )  # fmt: skip
    assert email.subject == f"Paper reading: a new meeting on {starts:%A} {starts.day} {starts:%B}"
    assert "The group's page: https://society.example.ac.uk/study-groups/paper-reading/\n" in email.body_text
    assert f'<a href="{register_url}">Register with one click</a>' in email.body_html
    assert email.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert services.tell_member_of_meeting(group=group, event=meeting, user=keen) is False  # once per key


def test_register_link_asks_then_registers(client, committee_member):
    group = patterned_group()
    member = UserFactory(name="Kay Keen")
    services.join_study_group(group=group, user=member)
    [meeting] = services.generate_meetings(group=group, first_day=next_weekday(3), weeks=1, by=committee_member)
    url = reverse("workshops:meeting_register", kwargs={"token": links.meeting_token(meeting, member)})

    asked = client.get(url)
    registered = client.post(url, follow=True)
    again = client.post(url)

    assert "Kay Keen, take a place at this meeting?" in asked.content.decode()
    assert "Kay Keen is registered for Paper reading" in registered.content.decode()
    assert again.status_code == 302
    assert list(Registration.objects.values_list("user", "event", "status")) == [(member.pk, meeting.pk, "confirmed")]


def test_register_link_tampered_is_404(client):
    assert client.get(reverse("workshops:meeting_register", kwargs={"token": "nope"})).status_code == 404


def test_group_page_offers_register_to_its_members_and_registers(member_client, member):
    group = patterned_group()
    meeting = EventFactory(kind="study_group", title="Paper reading: week 1", slug="pr-1")
    group.meetings.add(meeting)
    services.join_study_group(group=group, user=member)

    before = member_client.get(group.get_absolute_url()).content.decode()
    member_client.post(reverse("workshops:meeting_register_button", kwargs={"slug": group.slug, "event_slug": "pr-1"}))
    after = member_client.get(group.get_absolute_url()).content.decode()

    assert 'aria-label="Register for Paper reading: week 1"' in before
    assert 'aria-label="Register for Paper reading: week 1"' not in after
    assert "You are registered." in after
    assert Registration.objects.filter(event=meeting, user=member, status="confirmed").count() == 1


def test_group_register_button_is_refused_to_someone_not_in_the_group(member_client, member):
    group = patterned_group()
    group.meetings.add(EventFactory(kind="study_group", slug="pr-1"))

    response = member_client.post(
        reverse("workshops:meeting_register_button", kwargs={"slug": group.slug, "event_slug": "pr-1"}), follow=True
    )

    assert "Join Paper reading to register for its meetings from here." in response.content.decode()
    assert Registration.objects.count() == 0


def test_cancel_meeting_tells_the_registrants(committee_client, other_member):
    group = patterned_group()
    meeting = EventFactory(kind="study_group", slug="pr-1")
    group.meetings.add(meeting)
    event_services.register(event=meeting, user=other_member)
    url = reverse("workshops:manage_study_group_cancel_meeting", kwargs={"slug": group.slug, "event_slug": "pr-1"})

    response = committee_client.post(url, {"message": "The room is taken.", "confirm": "on"})

    meeting.refresh_from_db()
    assert response.status_code == 302
    assert meeting.status == Event.Status.CANCELLED
    assert list(OutboundEmail.objects.filter(kind=EmailKind.EVENT_UPDATE).values_list("to_email", flat=True)) == [
        other_member.email
    ]


def test_cancel_a_meeting_of_another_group_is_404(committee_client):
    group = patterned_group()
    EventFactory(kind="study_group", slug="elsewhere")
    url = reverse("workshops:manage_study_group_cancel_meeting", kwargs={"slug": group.slug, "event_slug": "elsewhere"})

    assert committee_client.get(url).status_code == 404


def test_console_group_page_shows_who_is_in(committee_client):
    group = patterned_group()
    services.join_study_group(group=group, user=UserFactory(name="Kay Keen"))

    response = committee_client.get(reverse("workshops:manage_study_group", kwargs={"slug": group.slug}))

    assert [m.user.name for m in response.context["memberships"]] == ["Kay Keen"]
    assert "Who is in (1 of 8)" in response.content.decode()


def test_console_study_group_list_costs_constant_queries(committee_client):
    def add_groups(n):
        for _ in range(n):
            group = StudyGroupFactory(organiser=UserFactory(), topic=TopicFactory())
            group.meetings.add(EventFactory(kind="study_group"))

    assert_constant_queries(lambda: committee_client.get(reverse("workshops:manage_study_groups")), add_groups)


def test_console_group_page_costs_constant_queries(committee_client):
    group = patterned_group(capacity=300)

    def add_rows(n):
        for _ in range(n):
            services.join_study_group(group=group, user=UserFactory())
            group.meetings.add(EventFactory(kind="study_group"))

    url = reverse("workshops:manage_study_group", kwargs={"slug": group.slug})
    assert_constant_queries(lambda: committee_client.get(url), add_rows)


def test_generate_meetings_page_publishes_and_says_how_many(committee_client):
    group = patterned_group()
    first = next_weekday(3)
    url = reverse("workshops:manage_study_group_meetings", kwargs={"slug": group.slug})

    response = committee_client.post(url, {"first_day": first.isoformat(), "weeks": 2, "skip": ""}, follow=True)

    assert "2 meetings published; the group&#x27;s members are being emailed." in response.content.decode()
    assert list(group.meetings.values_list("status", flat=True)) == ["published", "published"]


def test_generate_meetings_page_with_every_date_skipped_says_so(committee_client):
    group = patterned_group()
    first = next_weekday(3)
    url = reverse("workshops:manage_study_group_meetings", kwargs={"slug": group.slug})

    response = committee_client.post(url, {"first_day": first.isoformat(), "weeks": 1, "skip": first.isoformat()})

    assert response.status_code == 400
    assert response.context["form"].non_field_errors() == ["Every date is skipped: there is no meeting to create."]
    assert Event.objects.count() == 0


def test_register_link_of_a_cancelled_meeting_registers_nobody(client, committee_member):
    group = patterned_group()
    member = UserFactory()
    [meeting] = services.generate_meetings(group=group, first_day=next_weekday(3), weeks=1, by=committee_member)
    services.cancel_meeting(group=group, event=meeting, by=committee_member, message="Room taken.")
    url = reverse("workshops:meeting_register", kwargs={"token": links.meeting_token(meeting, member)})

    page = client.get(url)
    client.post(url)

    assert "This meeting is cancelled: there is nothing to register for." in page.content.decode()
    assert Registration.objects.count() == 0

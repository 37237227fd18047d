"""A host on the console: what they may do on their event (its overview, the host's
edit form, the door, materials, feedback), what they may not, and until when; the
committee naming and removing hosts. The URL audience table tries every console page
as a host (tests/test_url_audience.py)."""

from datetime import timedelta

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from events import hosts, services
from events.models import ActionLog, Event, EventHost, EventRating, Registration
from tests.factories import (
    EventFactory,
    EventHostFactory,
    MaterialFactory,
    RegistrationFactory,
    UserFactory,
    WorkshopSeriesFactory,
)
from tests.logins import log_in
from tests.querycount import assert_constant_queries
from workshops.models import Material

pytestmark = pytest.mark.django_db


@pytest.fixture
def event():
    return EventFactory(
        title="Diffusion models from scratch",
        capacity=1,
        description="Old text",
        setup_checklist="",
        what_to_bring="",
    )


@pytest.fixture
def host_client(client, host_member, event):
    EventHostFactory(event=event, user=host_member)
    return log_in(client, host_member)


def console(name: str, event: Event, **kwargs) -> str:
    return reverse(name, kwargs={"slug": event.slug, **kwargs})


def test_host_sees_counts_and_first_names_only_of_who_registered(host_client, event):
    RegistrationFactory(event=event, user=UserFactory(name="Ada Lovelace", email="ada.l@uni.ac.uk"))
    RegistrationFactory(
        event=event,
        user=UserFactory(name="Wendy Waiting", email="wendy@uni.ac.uk"),
        status=Registration.Status.WAITLISTED,
        confirmed_at=None,
    )

    response = host_client.get(console("events:manage_event", event))

    page = response.content.decode()
    assert response.status_code == 200
    assert "Who registered (first names)" in page
    assert "Ada" in page
    assert [word for word in ("Lovelace", "ada.l@uni.ac.uk", "Wendy", "wendy@uni.ac.uk") if word in page] == []
    assert response.context["counts"]["confirmed"] == 1
    assert response.context["counts"]["waitlisted"] == 1
    assert response.context["first_names"] == ["Ada"]
    # The committee's parts are not there: no log, no publish or cancel, no console navigation.
    assert "What the committee did" not in page
    assert console("events:manage_registrations", event) not in page
    assert reverse("events:manage_figures") not in page


def test_host_overview_costs_constant_queries(host_client, event):
    def register(n):
        for _ in range(n):
            RegistrationFactory(event=event)

    assert_constant_queries(lambda: host_client.get(console("events:manage_event", event)), register, large=40)


def test_host_door_costs_constant_queries(client, host_member):
    event = EventFactory(underway=True, capacity=100)
    EventHostFactory(event=event, user=host_member)
    log_in(client, host_member)

    def register(n):
        for _ in range(n):
            RegistrationFactory(event=event)

    assert_constant_queries(lambda: client.get(console("events:manage_door", event)), register, large=40)


def test_host_edits_description_checklist_and_what_to_bring_through_the_service(host_client, event):
    form = host_client.get(console("events:manage_event_edit", event)).context["form"]
    data = {
        "version": form["version"].initial,
        "description": "We build a **tiny** diffusion model.",
        "setup_checklist": "- Python 3.12\n- PyTorch",
        "what_to_bring": "A laptop",
    }

    response = host_client.post(console("events:manage_event_edit", event), data)

    assert response.status_code == 302
    event.refresh_from_db()
    assert (event.description, event.setup_checklist, event.what_to_bring) == (
        "We build a **tiny** diffusion model.",
        "- Python 3.12\n- PyTorch",
        "A laptop",
    )
    entry = ActionLog.objects.get(event=event, action="edited")
    assert entry.actor.email == "host@uni.ac.uk"
    assert entry.detail == "Changed: description, setup_checklist, what_to_bring. 0 registrants told."


def test_host_posting_fields_they_may_not_change_changes_none_of_them(host_client, event):
    before = Event.objects.values("title", "capacity", "starts_at", "venue", "status").get(pk=event.pk)
    form = host_client.get(console("events:manage_event_edit", event)).context["form"]

    response = host_client.post(
        console("events:manage_event_edit", event),
        {
            "version": form["version"].initial,
            "description": "New text",
            "setup_checklist": "",
            "what_to_bring": "",
            "title": "Hijacked",
            "capacity": "500",
            "starts_at": "2030-01-01T10:00",
            "venue": "My flat",
            "status": "cancelled",
        },
    )

    assert response.status_code == 302
    assert Event.objects.values("title", "capacity", "starts_at", "venue", "status").get(pk=event.pk) == before
    assert Event.objects.get(pk=event.pk).description == "New text"


def test_host_edit_saved_by_someone_else_meanwhile_is_refused_and_changes_nothing(host_client, event):
    form = host_client.get(console("events:manage_event_edit", event)).context["form"]
    stale = form["version"].initial
    Event.objects.filter(pk=event.pk).update(description="The committee's text", updated_at=timezone.now())

    response = host_client.post(
        console("events:manage_event_edit", event),
        {"version": stale, "description": "Mine", "setup_checklist": "", "what_to_bring": ""},
    )

    assert response.status_code == 200
    assert "Someone else saved this event since you opened it" in response.content.decode()
    assert Event.objects.get(pk=event.pk).description == "The committee's text"
    assert not ActionLog.objects.filter(event=event, action="edited").exists()


def test_host_form_shows_only_the_three_fields(host_client, event):
    form = host_client.get(console("events:manage_event_edit", event)).context["form"]

    assert [field.name for field in form.visible_fields()] == ["description", "setup_checklist", "what_to_bring"]


def test_host_adds_moves_and_removes_materials_of_their_event(host_client, event):
    url = reverse("workshops:manage_event_materials", kwargs={"slug": event.slug})

    response = host_client.post(
        url, {"kind": "link", "title": "Repo", "visibility": "public", "url": "https://github.com/x/y"}
    )

    assert response.status_code == 302
    material = Material.objects.get(event=event)
    assert material.title == "Repo"
    second = MaterialFactory(event=event, kind="link", title="Slides")
    host_client.post(reverse("workshops:manage_material_move", kwargs={"token": second.token}), {"direction": "up"})
    assert list(Material.objects.filter(event=event).values_list("title", flat=True)) == ["Slides", "Repo"]
    response = host_client.post(reverse("workshops:manage_material_delete", kwargs={"token": material.token}))
    assert response.status_code == 302
    assert list(Material.objects.filter(event=event).values_list("title", flat=True)) == ["Slides"]


def test_host_may_not_touch_materials_of_another_event_or_of_a_series(host_client):
    others = [MaterialFactory(kind="link"), MaterialFactory(kind="link", event=None, series=WorkshopSeriesFactory())]

    for material in others:
        moved = host_client.post(reverse("workshops:manage_material_move", kwargs={"token": material.token}))
        deleted = host_client.post(reverse("workshops:manage_material_delete", kwargs={"token": material.token}))
        assert (moved.status_code, deleted.status_code) == (403, 403)
    assert Material.objects.filter(pk__in=[m.pk for m in others]).count() == 2


def test_host_checks_people_in_at_the_door_seeing_first_names_and_ticket_codes(client, host_member):
    event = EventFactory(underway=True)
    EventHostFactory(event=event, user=host_member)
    registration = RegistrationFactory(event=event, user=UserFactory(name="Ada Lovelace", email="ada.l@uni.ac.uk"))
    log_in(client, host_member)

    page = client.get(console("events:manage_door", event)).content.decode()

    assert "Ada" in page
    assert registration.short_code in page
    assert "Lovelace" not in page
    assert "ada.l@uni.ac.uk" not in page
    assert "Walk-in without registration" not in page
    check_in = console("events:manage_door_check_in", event, token=registration.token)
    response = client.post(check_in, {"seen": registration.state_stamp})
    assert response.status_code == 302
    registration.refresh_from_db()
    assert registration.checked_in_at is not None
    assert registration.checked_in_by == host_member
    client.post(console("events:manage_door_undo", event, token=registration.token), {"seen": registration.state_stamp})
    registration.refresh_from_db()
    assert registration.checked_in_at is None


def test_host_finds_people_at_the_door_by_name_or_code_never_by_email(client, host_member):
    event = EventFactory(underway=True)
    EventHostFactory(event=event, user=host_member)
    registration = RegistrationFactory(event=event, user=UserFactory(name="Ada Lovelace", email="secret@uni.ac.uk"))
    log_in(client, host_member)
    door = console("events:manage_door", event)

    assert list(client.get(door, {"q": "secret@uni"}).context["found"]) == []
    assert [r.pk for r in client.get(door, {"q": "Ada"}).context["found"]] == [registration.pk]
    assert [r.pk for r in client.get(door, {"q": registration.short_code}).context["found"]] == [registration.pk]


def test_host_may_not_add_walk_ins(host_client, event):
    response = host_client.post(console("events:manage_add_registrant", event), {"email": "x@uni.ac.uk"})

    assert response.status_code == 403
    assert not Registration.objects.filter(event=event).exists()


def test_host_reads_the_feedback_of_their_event(host_client, event):
    registration = RegistrationFactory(event=event, checked_in_at=timezone.now())
    EventRating.objects.create(registration=registration, score=4, what_worked="The live coding")

    response = host_client.get(reverse("workshops:manage_event_feedback", kwargs={"slug": event.slug}))

    assert response.status_code == 200
    assert "The live coding" in response.content.decode()


@pytest.mark.parametrize(
    "name",
    [
        "events:manage_registrations",
        "events:manage_event_speakers",
        "events:manage_event_preview",
        "events:manage_event_duplicate",
        "events:manage_event_hosts",
        "events:manage_projector",
        "events:manage_bulk_attendance",
        "events:manage_announcement_new",
        "events:manage_registrations_csv",
    ],
)
def test_host_is_refused_the_committee_pages_of_their_own_event(host_client, event, name):
    assert host_client.get(console(name, event)).status_code == 403


def test_host_is_refused_the_consoles_own_pages(host_client):
    for name in ("events:manage", "workshops:manage_hosted_sessions", "events:manage_figures"):
        assert host_client.get(reverse(name)).status_code == 403


@override_settings(HOST_RIGHTS_DAYS=14)
def test_host_rights_end_fourteen_days_after_the_event_to_the_second(client, host_member):
    now = timezone.now()
    still = EventFactory(
        starts_at=now - timedelta(days=14, hours=2), ends_at=now - timedelta(days=14) + timedelta(minutes=1)
    )
    over = EventFactory(starts_at=now - timedelta(days=14, hours=2), ends_at=now - timedelta(days=14, seconds=1))
    for event in (still, over):
        EventHostFactory(event=event, user=host_member)
    log_in(client, host_member)

    assert client.get(console("events:manage_event", still)).status_code == 200
    assert client.get(console("events:manage_event", over)).status_code == 403
    assert hosts.is_host(host_member, still, now=hosts.rights_end(still) - timedelta(seconds=1))
    assert not hosts.is_host(host_member, still, now=hosts.rights_end(still))
    assert list(hosts.hosted_by(host_member, now=now)) == [still]


# --- The committee names and removes hosts ------------------------------------------


def test_committee_names_a_host_by_email(committee_client, committee_member, event):
    member = UserFactory(email="sam@uni.ac.uk", name="Sam Speaker")

    response = committee_client.post(console("events:manage_event_hosts", event), {"email": "SAM@uni.ac.uk"})

    assert response.status_code == 302
    host = EventHost.objects.get(event=event)
    assert (host.user, host.role, host.added_by) == (member, EventHost.Role.NAMED, committee_member)
    assert "Sam Speaker" in committee_client.get(console("events:manage_event_hosts", event)).content.decode()


@pytest.mark.parametrize(
    ("email", "message"),
    [
        ("nobody@uni.ac.uk", "Nobody has an account with the email nobody@uni.ac.uk"),
        ("not an email", "Enter a valid email address."),
        ("", "This field is required."),
    ],
)
def test_naming_someone_who_is_not_a_member_is_refused_with_a_message(committee_client, event, email, message):
    response = committee_client.post(console("events:manage_event_hosts", event), {"email": email})

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not EventHost.objects.exists()


def test_naming_a_host_twice_says_so_and_keeps_one(committee_client, event):
    host = EventHostFactory(event=event)

    response = committee_client.post(console("events:manage_event_hosts", event), {"email": host.user.email})

    assert response.status_code == 400
    assert "already hosts this event" in response.content.decode()
    assert EventHost.objects.filter(event=event).count() == 1


def test_removing_a_host_asks_first_then_removes_once(committee_client, event):
    host = EventHostFactory(event=event, user=UserFactory(name="Sam Speaker"))
    url = console("events:manage_event_host_remove", event, host_id=host.pk)

    asked = committee_client.get(url)
    assert asked.status_code == 200
    assert "Remove Sam Speaker as a host?" in asked.content.decode()
    assert EventHost.objects.filter(pk=host.pk).exists()

    committee_client.post(url)
    again = committee_client.post(url, follow=True)

    assert not EventHost.objects.filter(pk=host.pk).exists()
    assert "That member is not a host of this event any more." in again.content.decode()
    assert ActionLog.objects.filter(event=event, action="host removed").count() == 1


def test_removing_a_host_through_the_service_twice_is_refused():
    host = EventHostFactory()
    chair = UserFactory()
    services.remove_host(host=host, by=chair)

    with pytest.raises(services.HostError, match="not a host of this event any more"):
        services.remove_host(host=host, by=chair)
    assert ActionLog.objects.filter(action="host removed").count() == 1


def test_a_host_of_another_event_cannot_be_removed_through_this_one(committee_client, event):
    other = EventHostFactory()
    url = console("events:manage_event_host_remove", event, host_id=other.pk)

    asked = committee_client.get(url)
    committee_client.post(url)

    assert asked.status_code == 404
    assert EventHost.objects.filter(pk=other.pk).exists()
    assert not ActionLog.objects.filter(action="host removed").exists()


def test_committee_console_lists_the_hosts(committee_client, event):
    EventHostFactory(event=event, user=UserFactory(name="Sam Speaker"))

    page = committee_client.get(console("events:manage_event", event)).content.decode()

    assert "Sam Speaker" in page


# --- Navigation ---------------------------------------------------------------------


def test_me_page_shows_a_hosting_card_only_to_hosts(client, host_member, member):
    EventHostFactory(user=host_member)

    log_in(client, member)
    assert "Events you host" not in client.get(reverse("members:me")).content.decode()
    log_in(client, host_member)
    page = client.get(reverse("members:me")).content.decode()
    assert "Events you host" in page
    assert reverse("events:my_hosting") in page


def test_my_hosting_lists_hosted_events_with_links(host_client, event):
    EventFactory(title="Not mine")

    response = host_client.get(reverse("events:my_hosting"))

    page = response.content.decode()
    assert [e.pk for e in response.context["events"]] == [event.pk]
    assert "Not mine" not in page
    for url in (
        console("events:manage_event", event),
        console("events:manage_event_edit", event),
        console("events:manage_door", event),
        reverse("workshops:manage_event_materials", kwargs={"slug": event.slug}),
        reverse("workshops:manage_event_feedback", kwargs={"slug": event.slug}),
    ):
        assert url in page


def test_my_hosting_costs_constant_queries(client, host_member):
    log_in(client, host_member)

    def add_events(n):
        for _ in range(n):
            EventHostFactory(user=host_member)

    assert_constant_queries(lambda: client.get(reverse("events:my_hosting")), add_events, small=2, large=12)


def test_host_pages_read_in_chinese(host_client, event):
    host_client.cookies["django_language"] = "zh-hans"

    pages = [
        host_client.get(console("events:manage_event", event)).content.decode(),
        host_client.get(console("events:manage_event_edit", event)).content.decode(),
        host_client.get(reverse("events:my_hosting")).content.decode(),
    ]

    assert "谁报名了" in pages[0]
    assert "Who registered" not in pages[0]
    assert "Edit the description" not in pages[0]
    assert "As a host you may change" not in pages[1]
    assert "你主持的活动" in pages[2]


# --- The admin --------------------------------------------------------------------


def test_admin_adds_and_removes_hosts_through_the_services(admin_client, admin_user, event):
    member = UserFactory()

    admin_client.post(
        reverse("admin:events_eventhost_add"), {"event": event.pk, "user": member.pk, "role": EventHost.Role.NAMED}
    )
    host = EventHost.objects.get(event=event, user=member)
    admin_client.post(reverse("admin:events_eventhost_delete", args=[host.pk]), {"post": "yes"})

    assert not EventHost.objects.filter(pk=host.pk).exists()
    log = ActionLog.objects.filter(event=event).order_by("id").values_list("action", "actor", "member")
    assert list(log) == [("host added", admin_user.pk, member.pk), ("host removed", admin_user.pk, member.pk)]


def test_admin_cannot_make_a_host_of_a_cancelled_event(admin_client):
    cancelled = EventFactory(status=Event.Status.CANCELLED)

    response = admin_client.post(
        reverse("admin:events_eventhost_add"),
        {"event": cancelled.pk, "user": UserFactory().pk, "role": EventHost.Role.NAMED},
        follow=True,
    )

    assert "This event is cancelled: it needs no hosts." in response.content.decode()
    assert not EventHost.objects.exists()

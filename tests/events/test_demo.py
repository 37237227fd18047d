from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from events.figures import period_figures
from events.models import Event, EventRating, Registration
from members.terms import current_term
from society.models import OutboundEmail


@pytest.mark.django_db
def test_demo_events_load_twice_with_the_same_registrations():
    call_command("load_demo", force=True, stdout=StringIO())
    counts = (Registration.objects.count(), OutboundEmail.objects.count(), EventRating.objects.count())

    call_command("load_demo", force=True, stdout=StringIO())

    assert (Registration.objects.count(), OutboundEmail.objects.count(), EventRating.objects.count()) == counts
    assert EventRating.objects.filter(registration__event__slug="workshop-1").count() == 4
    upcoming = Event.objects.get(slug="workshop-6")
    assert upcoming.what_to_bring
    assert len(upcoming.checklist_steps) == 3
    full = Registration.objects.filter(event__slug="workshop-6")
    assert [(r.user.email, r.status) for r in full.waitlisted()] == [
        ("hannah@demo.ac.uk", "waitlisted"),
        ("sam@demo.ac.uk", "waitlisted"),
        ("daniel@demo.ac.uk", "waitlisted"),
    ]
    assert full.confirmed().count() == 4
    assert Registration.objects.filter(event__slug="workshop-1", checked_in_at__isnull=False).count() == 5
    assert Event.objects.get(slug="annual-general-meeting").members_only
    assert Event.objects.get(slug="nlp-study-group").status == Event.Status.CANCELLED
    talk = Event.objects.get(slug="alignment-research-in-practice")
    assert [s.speaker.name for s in talk.event_speakers.all()] == ["Dr Hannah Cole"]
    club = Event.objects.filter(title="Paper reading club")
    assert (club.count(), club.values("series_key").distinct().count()) == (4, 1)
    assert set(club.values_list("status", flat=True)) == {Event.Status.DRAFT}


@pytest.mark.django_db
def test_demo_console_data_loads_twice_without_duplicates():
    from events.models import ActionLog, Announcement, ConsoleSettings, EventSpeaker

    call_command("load_demo", force=True, stdout=StringIO())
    call_command("load_demo", force=True, stdout=StringIO())

    announcement = Announcement.objects.get(audience="event")
    assert announcement.sent_at is not None
    # Created, published, the speaker's invitation, the announcement: each once.
    actions = ActionLog.objects.filter(event=announcement.event).values_list("action", flat=True)
    assert sorted(actions) == ["created", "published", "sent announcement", "speaker"]
    statuses = set(EventSpeaker.objects.values_list("invite_status", flat=True))
    assert statuses == {"invited", "confirmed", "declined"}
    assert not ConsoleSettings.objects.exclude(webhook_url="").exists()


@pytest.mark.django_db
def test_demo_has_an_announcement_to_all_members_and_a_failed_email():
    from events.demo import DEMO_SMTP_ERROR, MEMBERS_ANNOUNCEMENT
    from events.models import Announcement
    from members.models import Membership

    call_command("load_demo", force=True, stdout=StringIO())
    call_command("load_demo", force=True, stdout=StringIO())

    announcement = Announcement.objects.get(subject=MEMBERS_ANNOUNCEMENT)
    members = Membership.objects.current().filter(user__is_active=True).count()
    assert (announcement.audience, announcement.recipient_count) == ("members", members)
    assert OutboundEmail.objects.filter(key__startswith=f"announcement:{announcement.pk}:").count() == members
    [failed] = OutboundEmail.objects.filter(state=OutboundEmail.State.FAILED)
    assert (failed.to_email, failed.last_error) == ("oliver@demo.ac.uk", DEMO_SMTP_ERROR)


@pytest.mark.django_db
def test_demo_has_last_years_same_term_with_attendance_for_the_figures():
    call_command("load_demo", force=True, stdout=StringIO())
    call_command("load_demo", force=True, stdout=StringIO())

    last = current_term().a_year_before()
    figures = period_figures(period=last, now=timezone.now())
    slugs = [event.slug for event in figures.events]
    assert slugs == [f"{last.term}-{last.year}-workshop-{n}" for n in (1, 2, 3)]
    assert [(event.registered, event.attended) for event in figures.events] == [(4, 3), (5, 4), (4, 3)]
    assert figures.unique_attendees == 4


@pytest.mark.django_db
def test_demo_has_a_member_hosting_an_upcoming_session_and_a_past_one():
    from events import hosts
    from events.models import EventHost
    from members.models import User
    from workshops.selectors import member_led_sessions

    call_command("load_demo", force=True, stdout=StringIO())
    call_command("load_demo", force=True, stdout=StringIO())

    sam = User.objects.get(email="sam@demo.ac.uk")
    session = Event.objects.get(slug="pytorch-in-an-hour")
    co_hosted = EventHost.objects.get(user=sam, role=EventHost.Role.CO_HOST, event__slug__startswith="workshop-")
    assert EventHost.objects.get(event=session, user=sam).role == EventHost.Role.PROPOSER
    assert session.starts_at > timezone.now() > co_hosted.event.ends_at
    assert Registration.objects.attended().filter(event=co_hosted.event).exists()  # a session led that people came to
    assert {session, co_hosted.event} <= set(hosts.hosted_by(sam))
    assert session.rehearsal_at is not None
    rehearsal = OutboundEmail.objects.filter(
        kind="hosting", to_email="sam@demo.ac.uk", key__startswith="host-rehearsal:"
    )
    assert rehearsal.count() == 1
    missing = {event.slug: event.missing for event in member_led_sessions(now=timezone.now())}
    assert missing["pytorch-in-an-hour"] == ["materials", "checklist", "room"]

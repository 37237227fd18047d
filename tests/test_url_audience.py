"""Every URL of the project has a declared audience, and each persona gets what
that audience implies. A new URL fails here until it is classified.

allauth's URLs (/accounts/) and the admin's (/admin/) are theirs to guard;
everything else is listed in AUDIENCE.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from credentials import services as credential_services
from events import links, services
from events.models import Announcement, Event, Strike
from events.services import strikes as strike_rules
from members.models import PublicRecord
from society.emails import unsubscribe_token
from society.models import EmailKind, OutboundEmail
from tests.factories import (
    CalendarFeedFactory,
    EventFactory,
    EventHostFactory,
    MaterialFactory,
    RegistrationFactory,
    SeriesSessionFactory,
    SpeakerFactory,
    StudyGroupFactory,
    TopicFactory,
    UserFactory,
    WorkshopSeriesFactory,
)
from tests.logins import log_in
from tests.proposals.factories import CoHostFactory, ProposalFactory
from workshops.links import meeting_token
from workshops.models import Material

PUBLIC = "public"
MEMBER = "member"
COMMITTEE = "committee"
# The committee and this event's hosts (events.views.manage.access.event_team_required).
HOST = "host"
ADMIN = "admin"


@dataclass(frozen=True)
class Entry:
    audience: str
    # Builds the URL's arguments (creating rows as needed) inside the test.
    kwargs: Callable[..., dict] = field(default=dict)
    # kwargs() is given the persona's user (a new user for the visitor), for
    # URLs of things that belong to someone, such as a ticket.
    owned: bool = False
    # Views that change something answer only POST: a GET by someone allowed is 405.
    post_only: bool = False


def unsubscribe_link() -> dict:
    return {"token": unsubscribe_token(UserFactory(), EmailKind.REMINDER)}


def published_event() -> dict:
    return {"slug": EventFactory().slug}


def projector_link() -> dict:
    """The link the projector's QR code opens (a signed token for the event)."""
    event = EventFactory()
    return {"slug": event.slug, "token": services.self_check_in_link_token(event=event)}


def public_record() -> dict:
    return {"token": PublicRecord.objects.create(user=UserFactory(), is_public=True).token}


def some_member() -> dict:
    return {"user_id": UserFactory().pk}


def own_ticket(user) -> dict:
    return {"token": RegistrationFactory(user=user).token}


def some_ticket() -> dict:
    return {"token": RegistrationFactory().token}


def some_event() -> dict:
    return {"slug": EventFactory(status="draft").slug}


def lottery_event(*, closed: bool = False) -> dict:
    """A published event whose places are drawn by lot (its requests closed a minute ago, or open)."""
    closes = timezone.now() + (timedelta(minutes=-1) if closed else timedelta(days=1))
    return {"slug": EventFactory(capacity=5, lottery=True, lottery_closes_at=closes, lottery_seed="ab" * 32).slug}


def some_published_event() -> dict:
    """For pages that only a published event has (cancelling it)."""
    return {"slug": EventFactory().slug}


def some_registration() -> dict:
    registration = RegistrationFactory()
    return {"slug": registration.event.slug, "token": registration.token}


def some_host() -> dict:
    host = EventHostFactory()
    return {"slug": host.event.slug, "host_id": host.pk}


def some_announcement() -> dict:
    announcement = Announcement.objects.create(event=EventFactory(), subject="Room change", body="Lab 3 instead.")
    return {"slug": announcement.event.slug, "announcement_id": announcement.pk}


def some_failed_email() -> dict:
    email = OutboundEmail.objects.create(
        key="ticket:1", kind=EmailKind.REGISTRATION, to_email="m@uni.ac.uk", subject="Your ticket", state="failed"
    )
    return {"email_id": email.pk}


def some_general_announcement() -> dict:
    announcement = Announcement.objects.create(audience="members", subject="AGM", body="Vote.", audience_label="All")
    return {"announcement_id": announcement.pk}


def some_speaker() -> dict:
    return {"speaker_id": SpeakerFactory().pk}


def some_strike() -> Strike:
    now = timezone.now()
    registration = RegistrationFactory(event=EventFactory(no_show_policy=True))
    return Strike.objects.create(
        user=registration.user, registration=registration, given_at=now, expires_at=now + timedelta(weeks=8)
    )


def strike_link() -> dict:
    """The contest link of a strike's email (signed: no login)."""
    return {"token": strike_rules.contest_token(some_strike())}


def email_link(purpose: str):
    """A signed link from a reminder or follow-up, for an attendee's registration."""

    def kwargs() -> dict:
        registration = RegistrationFactory(checked_in_at=timezone.now())
        return {"token": links.registration_token(registration, purpose)}

    return kwargs


def secret_calendar() -> dict:
    return {"token": CalendarFeedFactory().token}


def own_credential(user) -> dict:
    """A credential `user` earned by leading a session that took place."""
    start = timezone.now() - timedelta(days=3)
    event = EventFactory(starts_at=start, ends_at=start + timedelta(hours=2))
    EventHostFactory(event=event, user=user)
    credential = credential_services.issue_earned(member=user, ref=f"session_led:{event.slug}")
    return {"credential_id": credential.pk}


def some_credential() -> dict:
    return own_credential(UserFactory())


def own_snapshot(user) -> dict:
    return {"token": credential_services.take_snapshot(member=user).token}


def some_snapshot() -> dict:
    return own_snapshot(UserFactory())


def some_series() -> dict:
    return {"slug": WorkshopSeriesFactory().slug}


def attended_event(user) -> dict:
    return {"slug": RegistrationFactory(user=user, checked_in_at=timezone.now()).event.slug}


def some_study_group() -> dict:
    return {"slug": StudyGroupFactory().slug}


def some_session() -> dict:
    session = SeriesSessionFactory()
    return {"slug": session.series.slug, "event_slug": session.event.slug}


def some_topic() -> dict:
    return {"slug": TopicFactory().slug}


def some_meeting() -> dict:
    group = StudyGroupFactory()
    meeting = EventFactory(kind="study_group")
    group.meetings.add(meeting)
    return {"slug": group.slug, "event_slug": meeting.slug}


def meeting_link() -> dict:
    group = StudyGroupFactory()
    meeting = EventFactory(kind="study_group")
    group.meetings.add(meeting)
    return {"token": meeting_token(meeting, UserFactory())}


def public_material(kind: str):
    def kwargs() -> dict:
        return {"token": MaterialFactory(kind=kind, visibility="public").token}

    return kwargs


def own_proposal(user) -> dict:
    return {"proposal_id": ProposalFactory(proposer=user).pk}


def own_invitation(user) -> dict:
    return {"co_host_id": CoHostFactory(user=user).pk}


def some_proposal() -> dict:
    return {"proposal_id": ProposalFactory().pk}


AUDIENCE: dict[str, Entry] = {
    "healthz": Entry(PUBLIC),
    "favicon": Entry(PUBLIC),
    "email_unsubscribe": Entry(PUBLIC, unsubscribe_link),
    "events:home": Entry(PUBLIC),
    "events:list": Entry(PUBLIC),
    "events:past": Entry(PUBLIC),
    "events:detail": Entry(PUBLIC, published_event),
    "events:event_ics": Entry(PUBLIC, published_event),
    "events:calendar_feed": Entry(PUBLIC),
    "events:register": Entry(MEMBER, published_event),
    "events:lottery_ask": Entry(MEMBER, lottery_event, post_only=True),
    "events:lottery_friend": Entry(MEMBER, lottery_event, post_only=True),
    "events:lottery_withdraw": Entry(MEMBER, lottery_event, post_only=True),
    "events:draw": Entry(PUBLIC, lottery_event),
    "events:draw_json": Entry(PUBLIC, lottery_event),
    "events:my_events": Entry(MEMBER),
    "events:reset_calendar": Entry(MEMBER),
    "events:my_hosting": Entry(MEMBER),
    # A member's feed, for calendar apps that cannot log in: the secret token is the key.
    "events:my_calendar": Entry(PUBLIC, secret_calendar),
    "events:ticket": Entry(MEMBER, own_ticket, owned=True),
    "events:cancel": Entry(MEMBER, own_ticket, owned=True),
    # The committee see who holds the ticket; everyone else a plain page with nothing personal.
    "events:check_in": Entry(PUBLIC, some_ticket),
    "events:self_check_in": Entry(MEMBER, published_event, post_only=True),
    "events:self_check_in_link": Entry(MEMBER, projector_link),
    "events:manage": Entry(COMMITTEE),
    "events:manage_event_create": Entry(COMMITTEE),
    "events:manage_series": Entry(COMMITTEE),
    "events:manage_event": Entry(HOST, some_event),
    "events:manage_event_edit": Entry(HOST, some_event),
    "events:manage_event_duplicate": Entry(COMMITTEE, some_event),
    "events:manage_event_preview": Entry(COMMITTEE, some_event),
    "events:manage_event_publish": Entry(COMMITTEE, some_event, post_only=True),
    "events:manage_series_publish": Entry(COMMITTEE, some_event, post_only=True),
    "events:manage_event_cancel": Entry(COMMITTEE, some_published_event),
    "events:manage_event_speakers": Entry(COMMITTEE, some_event),
    "events:manage_event_hosts": Entry(COMMITTEE, some_event),
    "events:manage_event_host_remove": Entry(COMMITTEE, some_host),
    "events:manage_event_rehearsal": Entry(COMMITTEE, some_event, post_only=True),
    "events:manage_speaker_feedback": Entry(COMMITTEE, some_event),
    "events:manage_registrations": Entry(COMMITTEE, some_event),
    "events:manage_registrations_csv": Entry(COMMITTEE, some_event),
    "events:manage_add_registrant": Entry(COMMITTEE, some_event, post_only=True),
    "events:manage_promote": Entry(COMMITTEE, some_registration, post_only=True),
    "events:manage_cancel_registration": Entry(COMMITTEE, some_registration),
    "events:manage_draw": Entry(COMMITTEE, lottery_event),
    "events:manage_draw_run": Entry(COMMITTEE, lambda: lottery_event(closed=True)),
    "events:manage_door": Entry(HOST, some_event),
    "events:manage_door_check_in": Entry(HOST, some_registration, post_only=True),
    "events:manage_door_undo": Entry(HOST, some_registration, post_only=True),
    "events:manage_projector": Entry(COMMITTEE, some_event),
    "events:manage_bulk_attendance": Entry(COMMITTEE, some_event),
    "events:manage_announcement_new": Entry(COMMITTEE, some_event),
    "events:manage_announcement": Entry(COMMITTEE, some_announcement),
    "events:manage_announcements": Entry(COMMITTEE),
    "events:manage_announcement_create": Entry(COMMITTEE),
    "events:manage_announcement_detail": Entry(COMMITTEE, some_general_announcement),
    "events:manage_speakers": Entry(COMMITTEE),
    "events:manage_speaker_new": Entry(COMMITTEE),
    "events:manage_speaker_edit": Entry(COMMITTEE, some_speaker),
    "events:manage_figures": Entry(COMMITTEE),
    "events:manage_figures_csv": Entry(COMMITTEE, lambda: {"table": "events"}),
    "events:manage_settings": Entry(COMMITTEE),
    "events:manage_strikes": Entry(COMMITTEE),
    "events:manage_strike": Entry(COMMITTEE, lambda: {"strike_id": some_strike().pk}),
    "events:my_strikes": Entry(MEMBER),
    "events:manage_emails": Entry(COMMITTEE),
    "events:manage_email": Entry(COMMITTEE, some_failed_email),
    "events:manage_email_retry": Entry(COMMITTEE, some_failed_email, post_only=True),
    # From reminders and follow-ups: the signed token is the key (no login).
    "events:cant_come": Entry(PUBLIC, email_link(links.CANT_COME)),
    "events:set_up": Entry(PUBLIC, email_link(links.SET_UP)),
    "events:feedback": Entry(PUBLIC, email_link(links.FEEDBACK)),
    "events:contest_strike": Entry(PUBLIC, strike_link),
    "workshops:list": Entry(PUBLIC),
    "workshops:search": Entry(PUBLIC),
    "workshops:series": Entry(PUBLIC, some_series),
    "workshops:event_materials": Entry(PUBLIC, published_event),
    # Attendees only: the others get 404 (tests/workshops/test_feedback.py).
    "workshops:feedback": Entry(MEMBER, attended_event, owned=True),
    # Public materials here; the visibility matrix is in tests/workshops/test_visibility.py.
    "workshops:material_download": Entry(PUBLIC, public_material("file")),
    "workshops:notebook": Entry(PUBLIC, public_material("notebook")),
    "workshops:notebook_frame": Entry(PUBLIC, public_material("notebook")),
    "workshops:study_groups": Entry(PUBLIC),
    "workshops:study_group": Entry(PUBLIC, some_study_group),
    "workshops:study_group_join": Entry(MEMBER, some_study_group, post_only=True),
    "workshops:study_group_leave": Entry(MEMBER, some_study_group, post_only=True),
    "workshops:manage_workshops": Entry(COMMITTEE),
    "workshops:manage_series_new": Entry(COMMITTEE),
    "workshops:manage_series": Entry(COMMITTEE, some_series),
    "workshops:manage_series_add_session": Entry(COMMITTEE, some_series, post_only=True),
    "workshops:manage_series_move_session": Entry(COMMITTEE, some_session, post_only=True),
    "workshops:manage_series_remove_session": Entry(COMMITTEE, some_session, post_only=True),
    "workshops:manage_series_retire": Entry(COMMITTEE, some_series, post_only=True),
    "workshops:manage_study_groups": Entry(COMMITTEE),
    "workshops:manage_study_group_new": Entry(COMMITTEE),
    "workshops:manage_study_groups_archive": Entry(COMMITTEE, post_only=True),
    "workshops:manage_study_group": Entry(COMMITTEE, some_study_group),
    "workshops:manage_study_group_meetings": Entry(COMMITTEE, some_study_group),
    "workshops:manage_study_group_cancel_meeting": Entry(COMMITTEE, some_meeting),
    "workshops:meeting_register_button": Entry(MEMBER, some_meeting, post_only=True),
    # From the email telling a group's member of a new meeting: the signed token is the key.
    "workshops:meeting_register": Entry(PUBLIC, meeting_link),
    "workshops:manage_series_materials": Entry(COMMITTEE, some_series),
    "workshops:manage_series_feedback": Entry(COMMITTEE, some_series),
    "workshops:manage_event_materials": Entry(HOST, some_event),
    "workshops:manage_event_feedback": Entry(HOST, some_event),
    "workshops:manage_material_move": Entry(HOST, public_material("link"), post_only=True),
    "workshops:manage_material_delete": Entry(HOST, public_material("link"), post_only=True),
    "workshops:manage_hosted_sessions": Entry(COMMITTEE),
    "members:about": Entry(PUBLIC),
    "members:privacy_policy": Entry(PUBLIC),
    # The footer's language switcher, on every page: for anyone.
    "members:language": Entry(PUBLIC, post_only=True),
    "members:me": Entry(MEMBER),
    "members:join": Entry(MEMBER),
    "members:profile_edit": Entry(MEMBER),
    "members:email_preferences": Entry(MEMBER),
    "members:record": Entry(MEMBER),
    "members:public_record": Entry(PUBLIC, public_record),
    "members:welcome": Entry(MEMBER),
    "members:privacy": Entry(MEMBER),
    "members:export_data": Entry(MEMBER),
    "members:delete_account": Entry(MEMBER),
    "members:sessions": Entry(MEMBER),
    "members:end_other_sessions": Entry(MEMBER),
    "members:directory": Entry(COMMITTEE),
    "members:directory_export": Entry(COMMITTEE),
    "members:renew": Entry(COMMITTEE, some_member),
    "members:lapse": Entry(COMMITTEE, some_member),
    "members:union_upload": Entry(COMMITTEE),
    "members:union_preview": Entry(COMMITTEE),
    "members:union_report": Entry(COMMITTEE),
    "members:committee_roles": Entry(COMMITTEE),
    "members:committee_role_new": Entry(COMMITTEE),
    "members:committee_handover": Entry(COMMITTEE),
    # Suggestions for the console's person fields, as JSON (without `q`: none).
    "members:person_search": Entry(COMMITTEE, lambda: {"among": "members"}),
    "members:site_texts": Entry(COMMITTEE),
    "members:site_text_edit": Entry(COMMITTEE, lambda: {"key": "about"}),
    "members:manage_topics": Entry(COMMITTEE),
    "members:merge_topics": Entry(COMMITTEE),
    "members:rename_topic": Entry(COMMITTEE, some_topic),
    "proposals:propose": Entry(MEMBER),
    "proposals:my_proposals": Entry(MEMBER),
    # A proposal is its proposer's (and its co-hosts'); the others get 404 (tests/proposals/test_pages.py).
    "proposals:mine": Entry(MEMBER, own_proposal, owned=True),
    "proposals:edit": Entry(MEMBER, own_proposal, owned=True),
    "proposals:answer_invitation": Entry(MEMBER, own_invitation, owned=True, post_only=True),
    "proposals:queue": Entry(COMMITTEE),
    "proposals:review": Entry(COMMITTEE, some_proposal),
    "proposals:comment": Entry(COMMITTEE, some_proposal, post_only=True),
    "proposals:vote": Entry(COMMITTEE, some_proposal, post_only=True),
    "proposals:request_changes": Entry(COMMITTEE, some_proposal, post_only=True),
    "proposals:accept": Entry(COMMITTEE, some_proposal, post_only=True),
    "proposals:schedule": Entry(COMMITTEE, some_proposal, post_only=True),
    "proposals:decline": Entry(COMMITTEE, some_proposal),
    "credentials:keys": Entry(PUBLIC),
    "credentials:verify": Entry(PUBLIC),
    "credentials:credential": Entry(PUBLIC, some_credential),
    "credentials:snapshot": Entry(PUBLIC, some_snapshot),
    "credentials:snapshot_pdf": Entry(PUBLIC, some_snapshot),
    "credentials:mine": Entry(MEMBER),
    "credentials:issue": Entry(MEMBER, post_only=True),
    "credentials:download": Entry(MEMBER, own_credential, owned=True),
    "credentials:revoke": Entry(MEMBER, own_credential, owned=True),
    "credentials:take_snapshot": Entry(MEMBER, post_only=True),
    "credentials:withdraw_snapshot": Entry(MEMBER, own_snapshot, owned=True),
    "credentials:manage": Entry(COMMITTEE),
    "credentials:manage_revoke": Entry(COMMITTEE, some_credential),
}


def project_url_names(resolver: URLResolver | None = None, namespaces: tuple[str, ...] = ()) -> set[str]:
    names = set()
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            module = getattr(pattern.urlconf_module, "__name__", "")
            if module.startswith("allauth") or pattern.app_name == "admin":
                continue
            names |= project_url_names(pattern, namespaces + ((pattern.namespace,) if pattern.namespace else ()))
        elif isinstance(pattern, URLPattern):
            assert pattern.name, f"unnamed URL pattern {pattern.pattern} cannot be classified"
            names.add(":".join((*namespaces, pattern.name)))
    return names


def test_url_audience_table_lists_every_url():
    names = project_url_names()
    assert names - AUDIENCE.keys() == set(), "URLs with no audience in AUDIENCE"
    assert AUDIENCE.keys() - names == set(), "AUDIENCE lists URLs that no longer exist"


# What each persona gets, by audience: a status, or "login" for a redirect to log in.
# The host persona is a member made a host of the event the URL is about (of some
# other event when the URL is about none): see make_host.
EXPECTED = {
    PUBLIC: {"visitor": 200, "member": 200, "host": 200, "committee": 200, "admin": 200},
    MEMBER: {"visitor": "login", "member": 200, "host": 200, "committee": 200, "admin": 200},
    HOST: {"visitor": "login", "member": 403, "host": 200, "committee": 200, "admin": 200},
    COMMITTEE: {"visitor": "login", "member": 403, "host": 403, "committee": 200, "admin": 200},
    ADMIN: {"visitor": "admin-login", "member": 403, "host": 403, "committee": 403, "admin": 200},
}
PERSONA_FIXTURES = {"member": "member", "host": "host_member", "committee": "committee_member", "admin": "admin_user"}


def event_in(kwargs: dict) -> Event | None:
    """The event a URL is about: by its slug (or a session's event_slug), or the event
    of the material whose token it holds; None when it is about no event."""
    slugs = [kwargs[name] for name in ("event_slug", "slug") if name in kwargs]
    event = Event.objects.filter(slug__in=slugs).order_by("-pk").first() if slugs else None
    if event is None and "token" in kwargs:
        material = Material.objects.filter(token=kwargs["token"]).select_related("event").first()
        event = material.event if material else None
    return event


def make_host(user, kwargs: dict) -> None:
    """Make `user` a host of the event the URL is about, else of some other event."""
    EventHostFactory(event=event_in(kwargs) or EventFactory(), user=user)


@pytest.mark.parametrize("persona", ["visitor", "member", "host", "committee", "admin"])
@pytest.mark.parametrize("name", sorted(AUDIENCE))
def test_url_answers_each_persona_as_its_audience_says(db, client, request, name, persona):
    entry = AUDIENCE[name]
    user = request.getfixturevalue(PERSONA_FIXTURES[persona]) if persona in PERSONA_FIXTURES else None
    if user:
        log_in(client, user)
    kwargs = entry.kwargs(user or UserFactory()) if entry.owned else entry.kwargs()
    if persona == "host":
        make_host(user, kwargs)
    url = reverse(name, kwargs=kwargs)

    response = client.get(url)

    expected = EXPECTED[entry.audience][persona]
    if expected == "login":
        assert response.status_code == 302
        location = urlsplit(response["Location"])
        assert (location.path, parse_qs(location.query)) == (reverse("account_login"), {"next": [url]})
    elif expected == "admin-login":
        assert response.status_code == 302
        assert urlsplit(response["Location"]).path == reverse("admin:login")
    elif entry.post_only:
        assert response.status_code == (405 if expected == 200 else expected)
    else:
        assert response.status_code == expected


@pytest.mark.parametrize("name", sorted(name for name, entry in AUDIENCE.items() if entry.audience == HOST))
def test_a_host_of_one_event_is_refused_every_host_page_of_another(db, client, host_member, name):
    entry = AUDIENCE[name]
    kwargs = entry.kwargs()
    mine = EventHostFactory(user=host_member).event
    log_in(client, host_member)

    response = client.get(reverse(name, kwargs=kwargs))

    assert event_in(kwargs) not in (None, mine)
    assert response.status_code == 403

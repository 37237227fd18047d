"""Every form whose text the site shows again is fed an XSS corpus through the real
form (the page's own fields, POSTed as a browser would), then every page that
shows that text, and every email it caused, is read by html.parser: no element,
event handler or javascript:/data: link came from the text, the text itself is
shown (escaped), and each page carries the Content-Security-Policy that forbids
inline script.
"""

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from urllib.parse import urlencode

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from events.links import FEEDBACK, registration_token
from events.models import EventSpeaker
from members.models import PublicRecord
from society.models import OutboundEmail
from tests.factories import (
    EventFactory,
    MembershipFactory,
    ProfileFactory,
    RegistrationFactory,
    SeriesSessionFactory,
    SpeakerFactory,
    StudyGroupFactory,
    TopicFactory,
)
from tests.outbox import rendered
from tests.security.conftest import client_of
from tests.security.html import csp_problems, filled, form_with, read_page, squeeze
from workshops.models import StudyGroupMembership

CORPUS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "' onmouseover='alert(1)' x='",
    "<svg onload=alert(1)>",
    '[x](javascript:alert(1))<a href="javascript:alert(1)">',
    '{{7*7}} {% now "Y" %} ${7*7}',
    '<iframe src="data:text/html,<script>alert(1)</script>">',
]


def url_payload(host: str) -> str:
    """A link a field accepts, which breaks out of a double-quoted attribute if not escaped."""
    return f'https://{host}/x"onmouseover="alert(1)"'


def url_for_field(name: str) -> str:
    if "github" in name:
        return url_payload("github.com")
    if "linkedin" in name:
        return url_payload("www.linkedin.com")
    return url_payload("example.org")


def shown_as(text: str) -> str:
    """Text as a reader sees it, where Markdown may have made emphasis of asterisks."""
    return squeeze(text).replace("*", "")


def page_problems(url: str, response, *, payload: str | None) -> list[str]:
    """What is wrong with a page: not shown, live markup, the text not shown as text, no CSP."""
    if response.status_code != 200:
        return [f"{url}: {response.status_code}"]
    page = read_page(response.content.decode())
    problems = [f"{url}: {problem}" for problem in page.problems + csp_problems(response)]
    if payload is not None and shown_as(payload) not in shown_as(page.text):
        problems.append(f"{url}: the text is not shown as text")
    return problems


def check_pages(pages: list[tuple[object, str]], *, payload: str | None) -> list[str]:
    """Fetch each (user, url) and list what is wrong with it."""
    return [problem for user, url in pages for problem in page_problems(url, client_of(user).get(url), payload=payload)]


@dataclass
class Scenario:
    """A form (whose page `form_url` gives, to `who`), the field that finds it on the
    page, and the pages that show what it saves, each to whom."""

    who: str
    form_url: str
    field: str
    pages: list[tuple[str, str]]
    keep: set[str] = field(default_factory=set)
    values: dict = field(default_factory=dict)
    # Where the form leads is a page whose POST sends (an announcement's preview).
    send_after: bool = False

    def pages_as(self, personas: dict) -> list[tuple[object, str]]:
        return [(personas[who], url) for who, url in self.pages]


def profile(p) -> Scenario:
    event = EventFactory()
    RegistrationFactory(event=event, user=p["member"])
    group = StudyGroupFactory()
    StudyGroupMembership.objects.create(group=group, user=p["member"])
    record = PublicRecord.objects.create(user=p["member"], is_public=True)
    return Scenario(
        "member",
        reverse("members:profile_edit"),
        "bio",
        [
            ("member", reverse("members:me")),
            ("member", reverse("members:record")),
            ("visitor", reverse("members:public_record", kwargs={"token": record.token})),
            ("committee", reverse("members:directory")),
            ("committee", reverse("events:manage_registrations", kwargs={"slug": event.slug})),
            ("committee", reverse("events:manage_door", kwargs={"slug": event.slug})),
            ("member", group.get_absolute_url()),
        ],
        keep={"student_number"},
    )


def signup(p) -> Scenario:
    return Scenario(
        "visitor",
        reverse("account_signup"),
        "name",
        [("committee", reverse("members:directory"))],
        values={"email": "new.student@uni.ac.uk"},
    )


def event(p) -> Scenario:
    event = EventFactory()
    registration = RegistrationFactory(event=event, user=p["member"])
    set_up = registration_token(registration, "set-up")
    return Scenario(
        "committee",
        reverse("events:manage_event_edit", kwargs={"slug": event.slug}),
        "title",
        [
            ("visitor", event.get_absolute_url()),
            ("visitor", reverse("events:list")),
            ("visitor", reverse("events:home")),
            ("visitor", reverse("workshops:event_materials", kwargs={"slug": event.slug})),
            ("member", registration.get_absolute_url()),
            ("member", reverse("events:my_events")),
            ("visitor", reverse("events:set_up", kwargs={"token": set_up})),
            ("committee", reverse("events:manage")),
            ("committee", reverse("events:manage_event", kwargs={"slug": event.slug})),
            ("committee", reverse("events:manage_event_preview", kwargs={"slug": event.slug})),
        ],
        # Typed names of new topics must make a slug: the corpus does, but one is enough.
        values={"new_topics": "Robotics"},
    )


def past_event(p) -> Scenario:
    """A past event's title is on the figures' chart (inline SVG) and in people's records."""
    starts = timezone.now() - timedelta(days=3)
    event = EventFactory(starts_at=starts, ends_at=starts + timedelta(hours=2))
    RegistrationFactory(event=event, user=p["member"], checked_in_at=starts)
    record = PublicRecord.objects.create(user=p["member"], is_public=True)
    return Scenario(
        "committee",
        reverse("events:manage_event_edit", kwargs={"slug": event.slug}),
        "title",
        [
            ("visitor", reverse("events:past")),
            ("committee", reverse("events:manage_figures")),
            ("member", reverse("members:record")),
            ("visitor", reverse("members:public_record", kwargs={"token": record.token})),
        ],
        keep={"map_url", "online_url"},
    )


def speaker(p) -> Scenario:
    event = EventFactory()
    speaker = SpeakerFactory()
    EventSpeaker.objects.create(event=event, speaker=speaker, invite_status=EventSpeaker.InviteStatus.CONFIRMED)
    return Scenario(
        "committee",
        reverse("events:manage_speaker_edit", kwargs={"speaker_id": speaker.pk}),
        "bio",
        [
            ("visitor", event.get_absolute_url()),
            ("committee", reverse("events:manage_speakers")),
            ("committee", reverse("events:manage_event_speakers", kwargs={"slug": event.slug})),
        ],
        keep={"email", "phone"},
    )


def event_announcement(p) -> Scenario:
    event = EventFactory()
    RegistrationFactory(event=event, user=p["member"])
    return Scenario(
        "committee",
        reverse("events:manage_announcement_new", kwargs={"slug": event.slug}),
        "subject",
        [("committee", reverse("events:manage_event", kwargs={"slug": event.slug}))],
        send_after=True,
    )


def announcement(p) -> Scenario:
    MembershipFactory(user=p["member"])
    return Scenario(
        "committee",
        reverse("events:manage_announcement_create"),
        "subject",
        [("committee", reverse("events:manage_announcements"))],
        keep={"months"},
        send_after=True,
    )


def new_topic(p) -> Scenario:
    return Scenario(
        "committee",
        reverse("members:manage_topics"),
        "name",
        [
            ("committee", reverse("members:manage_topics")),
            ("committee", reverse("members:merge_topics")),
            ("member", reverse("members:profile_edit")),
        ],
    )


def renamed_topic(p) -> Scenario:
    topic = TopicFactory()
    event = EventFactory()
    event.topics.add(topic)
    ProfileFactory(user=p["member"]).interests.add(topic)
    return Scenario(
        "committee",
        reverse("members:rename_topic", kwargs={"slug": topic.slug}),
        "name",
        [
            ("visitor", event.get_absolute_url()),
            ("visitor", reverse("events:list")),
            ("member", reverse("members:me")),
        ],
    )


def study_group(p) -> Scenario:
    group = StudyGroupFactory()
    return Scenario(
        "committee",
        reverse("workshops:manage_study_group", kwargs={"slug": group.slug}),
        "name",
        [
            ("visitor", reverse("workshops:study_groups")),
            ("visitor", group.get_absolute_url()),
            ("committee", reverse("workshops:manage_study_groups")),
            ("committee", reverse("workshops:manage_study_group", kwargs={"slug": group.slug})),
        ],
        keep={"capacity", "meeting_minutes", "organiser"},  # the organiser box takes an email
    )


def workshop_series(p) -> Scenario:
    session = SeriesSessionFactory()
    series = session.series
    return Scenario(
        "committee",
        reverse("workshops:manage_series", kwargs={"slug": series.slug}),
        "name",
        [
            ("visitor", reverse("workshops:list")),
            ("visitor", reverse("workshops:series", kwargs={"slug": series.slug})),
            ("visitor", reverse("workshops:event_materials", kwargs={"slug": session.event.slug})),
            ("committee", reverse("workshops:manage_workshops")),
        ],
    )


def material(p) -> Scenario:
    event = EventFactory()
    return Scenario(
        "committee",
        reverse("workshops:manage_event_materials", kwargs={"slug": event.slug}),
        "title",
        [
            ("visitor", reverse("workshops:event_materials", kwargs={"slug": event.slug})),
            ("committee", reverse("workshops:manage_event_materials", kwargs={"slug": event.slug})),
        ],
        values={"kind": "link", "visibility": "public"},
    )


def workshop_feedback(p) -> Scenario:
    event = EventFactory(underway=True)
    RegistrationFactory(event=event, user=p["member"], checked_in_at=timezone.now())
    return Scenario(
        "member",
        reverse("workshops:feedback", kwargs={"slug": event.slug}),
        "what_worked",
        [("committee", reverse("workshops:manage_event_feedback", kwargs={"slug": event.slug}))],
    )


def rating_comment(p) -> Scenario:
    event = EventFactory(underway=True)
    registration = RegistrationFactory(event=event, user=p["member"], checked_in_at=timezone.now())
    return Scenario(
        "visitor",
        reverse("events:feedback", kwargs={"token": registration_token(registration, FEEDBACK)}),
        "comment",
        [
            ("committee", reverse("events:manage_speaker_feedback", kwargs={"slug": event.slug})),
            ("committee", reverse("workshops:manage_event_feedback", kwargs={"slug": event.slug})),
        ],
    )


def about_text(p) -> Scenario:
    return Scenario(
        "committee",
        reverse("members:site_text_edit", kwargs={"key": "about"}),
        "body",
        [("visitor", reverse("members:about"))],
        keep={"based_on"},
    )


def committee_role(p) -> Scenario:
    MembershipFactory(user=p["member"])
    return Scenario(
        "committee",
        reverse("members:committee_role_new"),
        "title",
        [("visitor", reverse("members:about")), ("committee", reverse("members:committee_roles"))],
        values={"user": p["member"].email},
    )


SCENARIOS: dict[str, Callable[[dict], Scenario]] = {
    "profile": profile,
    "signup": signup,
    "event": event,
    "past_event": past_event,
    "speaker": speaker,
    "event_announcement": event_announcement,
    "announcement": announcement,
    "new_topic": new_topic,
    "renamed_topic": renamed_topic,
    "study_group": study_group,
    "workshop_series": workshop_series,
    "material": material,
    "workshop_feedback": workshop_feedback,
    "rating_comment": rating_comment,
    "about_text": about_text,
    "committee_role": committee_role,
}


@pytest.mark.parametrize("payload", CORPUS, ids=range(len(CORPUS)))
@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_text_typed_in_a_form_is_shown_as_text_on_every_page(personas, name, payload):
    scenario = SCENARIOS[name](personas)
    client = client_of(personas[scenario.who])
    page = client.get(scenario.form_url)
    form = form_with(page.content.decode(), scenario.field)
    data = filled(form, text=payload, link=url_for_field, keep=scenario.keep, **scenario.values)

    response = client.post(form.action or scenario.form_url, data)

    assert response.status_code == 302, f"the form refused the text: {response.content.decode()[:3000]}"
    # Where the form leads, in the same session: with its message ("“…” saved"), which may quote the text.
    landing = response["Location"]
    problems = page_problems(landing, client.get(landing), payload=None)
    if scenario.send_after:
        client.post(landing)
        assert any(payload in email.subject for email in rendered(OutboundEmail.objects.all())), "nothing was sent"
    problems += check_pages(scenario.pages_as(personas), payload=payload)
    problems += email_problems()
    assert problems == []


def email_problems() -> list[str]:
    """The HTML of every email the test caused (announcements, event changes) holds no live markup."""
    return [
        f"email {email.key}: {problem}"
        for email in rendered(OutboundEmail.objects.all())
        for problem in read_page(email.body_html).problems
    ]


LINK_SCENARIOS = ["profile", "event", "speaker", "material"]


@pytest.mark.parametrize("name", LINK_SCENARIOS)
def test_a_javascript_link_is_refused_or_never_live(personas, name):
    """Link fields given javascript: are refused with the form shown again, or the
    pages never make it a live link."""
    scenario = SCENARIOS[name](personas)
    client = client_of(personas[scenario.who])
    form = form_with(client.get(scenario.form_url).content.decode(), scenario.field)
    data = filled(form, text="Plain words", link=lambda _: "javascript:alert(1)", keep=scenario.keep, **scenario.values)

    response = client.post(form.action or scenario.form_url, data)

    if response.status_code == 302:
        assert check_pages(scenario.pages_as(personas), payload=None) == []
    else:
        assert response.status_code in (200, 400)
        assert read_page(response.content.decode()).problems == []
        assert 'class="invalid-feedback' in response.content.decode()  # the field says what is wrong


@pytest.mark.parametrize("payload", CORPUS, ids=range(len(CORPUS)))
def test_a_union_list_shows_its_rows_as_text(personas, payload):
    """The students' union's export is the committee's upload, but its rows are other people's text."""
    out = io.StringIO()
    csv.writer(out).writerows([["Email", "Student number"], ["nobody@uni.ac.uk", payload]])
    upload = SimpleUploadedFile("members.csv", out.getvalue().encode(), content_type="text/csv")
    committee = client_of(personas["committee"])

    response = committee.post(reverse("members:union_upload"), {"file": upload})

    preview = committee.get(response["Location"])  # the rows wait in this session

    page = read_page(preview.content.decode())
    assert (page.problems, csp_problems(preview)) == ([], [])
    # The CSV reader may read a quote mark differently: the words are what matter.
    assert squeeze(payload).replace('"', "") in page.text.replace('"', "")


def reflected(p) -> list[tuple[str, str, dict]]:
    """Pages that show what is in their query string: (who, url, {parameter: ...})."""
    event = EventFactory()
    member = p["member"]
    return [
        ("visitor", reverse("events:list"), {"q": None}),
        ("visitor", reverse("workshops:search"), {"q": None}),
        ("committee", reverse("members:directory"), {"q": None, "course": None}),
        ("committee", reverse("events:manage_door", kwargs={"slug": event.slug}), {"q": None}),
        ("committee", reverse("members:lapse", kwargs={"user_id": member.pk}), {"next": None}),
        ("committee", reverse("events:manage_figures"), {"year": None, "term": None}),
        ("committee", reverse("members:committee_roles"), {"year": None}),
        ("member", event.get_absolute_url(), {"code": None}),
    ]


@pytest.mark.parametrize("payload", CORPUS, ids=range(len(CORPUS)))
def test_pages_show_their_query_string_as_text(personas, payload):
    problems = []
    for who, url, parameters in reflected(personas):
        query = urlencode(dict.fromkeys(parameters, payload))
        response = client_of(personas[who]).get(f"{url}?{query}")
        if response.status_code >= 500:
            problems.append(f"{url}?{query}: {response.status_code}")
        elif response.get("Content-Type", "").startswith("text/html"):
            problems += [f"{url}?{query}: {problem}" for problem in read_page(response.content.decode()).problems]

    assert problems == []

"""Apps meet only through society.hooks: take one out of INSTALLED_APPS and the others still work.

Dependencies flow one way (proposals -> workshops -> events -> members, everyone -> society).
An app links to another app's pages, or counts in another app's tables, only
through what that app registers in society.hooks. Taking an app out changes the
app registry and the URLs only: its database tables stay, as they would in a
deployment that stops offering it.
"""

import importlib
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib import admin
from django.test import override_settings
from django.urls import clear_url_caches

import society.urls
from events.followups import queue_due_follow_ups
from events.links import FEEDBACK, registration_link
from events.models import Event
from society.models import EmailKind, OutboundEmail
from tests.factories import EventFactory, EventHostFactory, RegistrationFactory, UserFactory, WorkshopSeriesFactory
from tests.outbox import rendered

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
START = datetime(2027, 2, 10, 18, 0, tzinfo=UTC)
END = START + timedelta(hours=2)


def reload_urls() -> None:
    clear_url_caches()
    importlib.reload(society.urls)


@pytest.fixture
def installed_without():
    """Take the given apps out of INSTALLED_APPS, and their URLs with them, for the test."""
    overrides = []
    admin_login = admin.site.login  # society.urls wraps it each time it is loaded

    def take_out(*labels: str) -> None:
        override = override_settings(INSTALLED_APPS=[app for app in settings.INSTALLED_APPS if app not in labels])
        override.enable()
        overrides.append(override)
        reload_urls()

    yield take_out
    for override in reversed(overrides):
        override.disable()
    reload_urls()
    admin.site.login = admin_login


@pytest.fixture
def without_workshops(installed_without):
    installed_without("proposals", "workshops")  # proposals can schedule into a workshop series: it goes too


def hrefs(response) -> list[str]:
    return re.findall(r'href="([^"]*)"', response.content.decode())


def nav_labels(response, label: str) -> list[str]:
    """The link texts inside the <nav aria-label="`label`"> of the page."""
    [nav] = re.findall(rf'<nav[^>]*aria-label="{label}"[^>]*>(.*?)</nav>', response.content.decode(), re.S)
    return re.findall(r"<a [^>]*>([^<]*)</a>", nav)


def workshop_links(response) -> list[str]:
    return [href for href in hrefs(response) if "workshop" in href or "materials" in href or "study-groups" in href]


# --- Without workshops ---------------------------------------------------------------


def test_without_workshops_its_pages_are_gone(client, without_workshops):
    assert client.get("/workshops/").status_code == 404
    assert client.get("/events/any/materials/").status_code == 404


def test_without_workshops_the_console_home_works_without_workshop_links(committee_client, without_workshops):
    EventFactory(title="GANs", slug="gans")

    response = committee_client.get("/manage/")

    assert response.status_code == 200
    assert nav_labels(response, "Console") == [
        "Events", "Speakers", "Announcements", "Emails", "No-show strikes", "Topics", "Committee", "Site texts",
        "Credentials", "Figures", "Members", "Settings",
    ]  # fmt: skip
    assert nav_labels(response, "Main") == ["AI Society", "Events", "About", "Manage", "My events", "My account"]
    assert workshop_links(response) == []


def test_without_workshops_an_events_console_page_has_no_materials_or_feedback_tab(committee_client, without_workshops):
    EventFactory(title="GANs", slug="gans")

    response = committee_client.get("/manage/events/gans/")

    assert response.status_code == 200
    assert nav_labels(response, "This event") == [
        "Overview", "Edit", "Registrations", "Door", "Speakers", "Hosts", "Announce",
    ]  # fmt: skip
    assert workshop_links(response) == []


def test_without_workshops_a_host_sees_their_events_tabs_and_the_hosting_list(client, without_workshops):
    event = EventFactory(title="GANs", slug="gans")
    host = EventHostFactory(event=event).user
    client.force_login(host)

    console = client.get("/manage/events/gans/")
    hosting = client.get("/me/hosting/")

    assert console.status_code == 200
    assert nav_labels(console, "This event") == ["Overview", "Edit", "Door"]
    assert workshop_links(console) == []
    assert hosting.status_code == 200
    assert workshop_links(hosting) == []


def test_without_workshops_the_door_works(committee_client, without_workshops):
    event = EventFactory(slug="gans", underway=True)
    RegistrationFactory(event=event, user=UserFactory(name="Quinn Queue"))

    response = committee_client.get("/manage/events/gans/door/")

    assert response.status_code == 200
    assert "Quinn Queue" in response.content.decode()
    assert workshop_links(response) == []


def test_without_workshops_the_figures_have_no_series_table(committee_client, without_workshops):
    page = committee_client.get("/manage/figures/")
    series_csv = committee_client.get("/manage/figures/series.csv")
    events_csv = committee_client.get("/manage/figures/events.csv")

    assert page.status_code == 200
    assert page.context["tables"] == []
    assert (series_csv.status_code, events_csv.status_code) == (404, 200)


SERIES = {"title": "Reading club", "kind": "study_group", "weekday": "3", "start_time": "17:00", "minutes": "60",
          "first_day": "2027-02-08", "weeks": "2", "level": ""}  # fmt: skip


def test_without_workshops_the_series_form_offers_no_workshop_series_and_still_works(
    committee_client, without_workshops
):
    form = committee_client.get("/manage/events/series/").context["form"]

    response = committee_client.post("/manage/events/series/", SERIES)

    assert "link_workshop_series" not in form.fields
    assert response.status_code == 302
    assert Event.objects.filter(title="Reading club").count() == 2


def test_with_workshops_the_series_form_offers_the_workshop_series(committee_client):
    WorkshopSeriesFactory(name="Intro to ML", slug="intro-ml")

    form = committee_client.get("/manage/events/series/").context["form"]

    assert form.fields["link_workshop_series"].choices == [("", "None"), ("intro-ml", "Intro to ML")]


def test_without_workshops_the_follow_up_links_to_the_event_page(settings, without_workshops):
    settings.SITE_URL = "https://society.example.ac.uk"
    settings.FOLLOW_UP_DELAY_HOURS = 2
    event = EventFactory(title="GANs", slug="gans", starts_at=START, ends_at=END)
    RegistrationFactory(event=event, user=UserFactory(email="came@uni.ac.uk"), checked_in_at=START)

    assert queue_due_follow_ups(now=END + timedelta(hours=2)) == 1

    [email] = rendered(OutboundEmail.objects.filter(kind=EmailKind.FOLLOW_UP))
    assert (email.to_email, email.subject) == ("came@uni.ac.uk", "Thanks for coming to GANs")
    assert "The materials: https://society.example.ac.uk/events/gans/\n" in email.body_text
    assert "/materials/" not in email.body_text + email.body_html


def rate(client, settings) -> str:
    """An attendee rates GANs 4 from their email's link; the page they see then."""
    settings.SITE_URL = "https://society.example.ac.uk"
    registration = RegistrationFactory(event=EventFactory(slug="gans", starts_at=START, ends_at=END), checked_in_at=END)
    link = registration_link(registration, FEEDBACK, score=4)
    response = client.post(link.removeprefix(settings.SITE_URL), {"score": 4}, follow=True)
    assert (response.status_code, "Thank you for your feedback!" in response.content.decode()) == (200, True)
    return response.content.decode()


def test_without_workshops_the_rating_page_offers_no_fuller_form(client, settings, without_workshops):
    assert "Tell us what worked" not in rate(client, settings)


def test_without_workshops_announcements_offer_no_series_or_study_group(committee_client, without_workshops):
    response = committee_client.get("/manage/announcements/new/")

    assert [label for label, _ in response.context["form"].fields["audience"].choices] == ["members", "attended"]


# --- Without proposals -----------------------------------------------------------------


def test_without_proposals_its_pages_and_links_are_gone(committee_client, installed_without):
    installed_without("proposals")

    home = committee_client.get("/manage/")

    assert committee_client.get("/propose/").status_code == 404
    assert committee_client.get("/manage/proposals/").status_code == 404
    assert "Proposals" not in nav_labels(home, "Console")
    assert "My proposals" not in nav_labels(home, "Main")


def test_with_proposals_the_nav_links_to_them(member_client):
    response = member_client.get("/")

    assert '<a class="nav-link" href="/me/proposals/">My proposals</a>' in response.content.decode()


# --- Without events (and so without workshops and proposals, which need it) ----------


def test_without_events_the_member_directory_has_no_attended_column_or_filter(committee_client, installed_without):
    UserFactory(name="Rae Regular")
    installed_without("proposals", "workshops", "events")

    page = committee_client.get("/manage/members/")
    export = committee_client.get("/manage/members/members.csv")

    assert page.status_code == 200
    assert "attended" not in page.context["form"].fields
    assert '<th class="d-none d-sm-table-cell">Attended</th>' not in page.content.decode()
    assert "Rae Regular" in page.content.decode()
    assert export.status_code == 200
    assert "Events attended" not in b"".join(export.streaming_content).decode()


# --- With every app: the links are there -------------------------------------------------


def test_with_workshops_the_console_shows_its_tabs_and_links(committee_client):
    EventFactory(title="GANs", slug="gans")

    home = committee_client.get("/manage/")
    console = committee_client.get("/manage/events/gans/")
    materials = committee_client.get("/manage/events/gans/materials/")

    assert nav_labels(home, "Console") == [
        "Events", "Speakers", "Workshops", "Study groups", "Member-led sessions", "Proposals", "Announcements",
        "Emails", "No-show strikes", "Topics", "Committee", "Site texts", "Credentials", "Figures", "Members",
        "Settings",
    ]  # fmt: skip
    assert nav_labels(home, "Main") == [
        "AI Society", "Events", "Workshops", "About", "Manage", "My events", "My proposals", "My account",
    ]  # fmt: skip
    assert nav_labels(console, "This event") == [
        "Overview", "Edit", "Registrations", "Door", "Speakers", "Hosts", "Materials", "Feedback", "Announce",
    ]  # fmt: skip
    assert 'href="/manage/events/gans/materials/">Materials' in console.content.decode()
    assert 'class="nav-link active" href="/manage/events/gans/materials/"' in materials.content.decode()


def test_with_workshops_the_follow_up_links_to_the_materials(settings):
    settings.SITE_URL = "https://society.example.ac.uk"
    settings.FOLLOW_UP_DELAY_HOURS = 2
    event = EventFactory(title="GANs", slug="gans", starts_at=START, ends_at=END)
    RegistrationFactory(event=event, checked_in_at=START)

    queue_due_follow_ups(now=END + timedelta(hours=2))

    [email] = rendered(OutboundEmail.objects.filter(kind=EmailKind.FOLLOW_UP))
    assert "The materials: https://society.example.ac.uk/events/gans/materials/\n" in email.body_text


def test_with_workshops_the_rating_page_offers_the_fuller_form(client, settings):
    page = rate(client, settings)

    assert '<a href="/events/gans/workshop-feedback/">Tell us what worked and what to improve</a>' in page


def test_the_main_navigation_marks_the_section_being_shown(client):
    response = client.get("/events/")

    assert '<a class="nav-link active" href="/events/" aria-current="page">Events</a>' in response.content.decode()
    assert '<a class="nav-link" href="/workshops/">Workshops</a>' in response.content.decode()
    assert nav_labels(response, "Footer") == ["Events", "About", "Privacy", "Verify a credential", "Status"]


# --- The source: no road around the hooks --------------------------------------------------


def source_files(*folders: str) -> list[Path]:
    return [
        path for folder in folders for path in (ROOT / folder).rglob("*") if path.suffix in (".py", ".html", ".txt")
    ]


def offending_lines(pattern: str, *folders: str) -> list[str]:
    found = []
    for path in source_files(*folders):
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if re.search(pattern, line):
                found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    return found


URL_NAME_OF = r"""["']{app}:"""  # "events:home", 'workshops:list' in Python and in {% url %}
IMPORT_OF = r"^\s*(from|import)\s+{app}\b"


def test_members_names_no_events_url_and_reads_no_registrations():
    # `registrations__...`, "registrations" or `.registrations`: the reverse relation events adds to the user.
    reverse_relation = r"""["'.]registrations\b|registrations__"""
    assert offending_lines(URL_NAME_OF.format(app="events"), "members", "templates/members") == []
    assert offending_lines(reverse_relation, "members", "templates/members") == []


def test_society_names_no_events_url():
    assert offending_lines(URL_NAME_OF.format(app="events"), "society", "templates/society") == []


def test_events_names_no_workshops_url():
    assert offending_lines(URL_NAME_OF.format(app="workshops"), "events", "templates/events") == []


def test_imports_flow_one_way():
    assert offending_lines(IMPORT_OF.format(app="(events|workshops|proposals|credentials)"), "members") == []
    assert offending_lines(IMPORT_OF.format(app="(workshops|proposals|credentials)"), "events") == []
    assert offending_lines(IMPORT_OF.format(app="(proposals|credentials)"), "workshops") == []
    assert offending_lines(IMPORT_OF.format(app="credentials"), "proposals") == []
    assert offending_lines(IMPORT_OF.format(app="(members|events|workshops|proposals|credentials)"), "society") == []


def test_no_other_app_names_a_proposals_url():
    pattern = URL_NAME_OF.format(app="proposals")
    assert offending_lines(pattern, "events", "members", "workshops", "templates/events", "templates/members") == []


def test_no_other_app_names_a_credentials_url():
    pattern = URL_NAME_OF.format(app="credentials")
    assert offending_lines(pattern, "events", "members", "workshops", "proposals", "templates/members") == []


@pytest.mark.django_db
def test_without_credentials_the_record_works_without_its_link(member_client, installed_without):
    installed_without("credentials")

    page = member_client.get("/me/record/").content.decode()

    assert "Credentials, PDF and shared copies" not in page
    assert "Share it with employers" in page


@pytest.mark.django_db
def test_with_credentials_the_record_links_to_them(member_client):
    page = member_client.get("/me/record/").content.decode()

    assert '<a href="/me/record/credentials/">Credentials, PDF and shared copies</a>' in page

"""Public pages come from the cache for visitors, and are never stale: every change a
page shows, whichever road it takes, is on the next visitor's page; a logged-in
person's page is never cached, nor served to anyone else.

These tests commit (transaction=True): versions move only when a write commits, and a
connection with writes not yet committed neither reads nor fills the page cache.
"""

from datetime import date, timedelta

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from events import services as event_services
from events.models import Event, Registration
from events.selectors import next_page_change
from members.models import SiteText
from members.services.committee import give_role
from members.services.profiles import update_profile
from members.services.site_texts import edit_site_text, latest_version
from society import page_cache
from tests.factories import (
    CalendarFeedFactory,
    EventFactory,
    MaterialFactory,
    SeriesSessionFactory,
    StudyGroupFactory,
    UserFactory,
)
from workshops.models import Material
from workshops.services.materials import add_material

pytestmark = pytest.mark.django_db(transaction=True)


def visit(url: str, client: Client | None = None, **headers):
    return (client or Client()).get(url, headers=headers)


def served_from_cache(url: str, django_assert_num_queries) -> str:
    """The visitor's page, asked twice: the second time from the cache (no query)."""
    first = visit(url)
    assert first.status_code == 200, first.status_code
    with django_assert_num_queries(0):
        again = visit(url)
    assert again.content == first.content
    return again.content.decode()


def test_a_visitor_gets_the_page_from_the_cache_without_a_query(django_assert_num_queries):
    EventFactory(title="Diffusion models from scratch")
    for name in ("events:home", "events:list", "workshops:list", "workshops:study_groups", "members:about"):
        served_from_cache(reverse(name), django_assert_num_queries)
    page = served_from_cache(reverse("events:list"), django_assert_num_queries)
    assert "Diffusion models from scratch" in page


def test_the_cached_page_is_marked_shared_but_checked_each_time(django_assert_num_queries):
    response = visit(reverse("events:list"))
    assert "public" in response["Cache-Control"]
    assert "no-cache" in response["Cache-Control"]
    assert "Cookie" in response["Vary"]
    assert response["ETag"]
    with django_assert_num_queries(0):
        again = visit(reverse("events:list"), **{"If-None-Match": response["ETag"]})
    assert again.status_code == 304
    assert again.content == b""


# --- Never stale: each change, by the road people take -------------------------


def test_publishing_an_event_shows_it_on_every_events_page(committee_member, django_assert_num_queries):
    draft = EventFactory(title="Graph neural networks", status=Event.Status.DRAFT)
    for name in ("events:home", "events:list"):
        assert "Graph neural networks" not in served_from_cache(reverse(name), django_assert_num_queries)
    assert visit(draft.get_absolute_url()).status_code == 404
    event_services.publish_event(event=draft, by=committee_member)
    for name in ("events:home", "events:list"):
        assert "Graph neural networks" in visit(reverse(name)).content.decode()
    assert visit(draft.get_absolute_url()).status_code == 200
    assert "Graph neural networks" in visit(reverse("events:calendar_feed")).content.decode()


def test_editing_an_event_shows_the_new_text(committee_member, django_assert_num_queries):
    event = EventFactory(title="Attention, slowly", summary="Old summary.")
    assert "Old summary." in served_from_cache(event.get_absolute_url(), django_assert_num_queries)
    event.summary = "Bring headphones."
    event_services.update_event(event=event, changed=["summary"], by=committee_member, tell_registrants=False)
    page = visit(event.get_absolute_url()).content.decode()
    assert "Bring headphones." in page
    assert "Old summary." not in page


def test_registering_changes_the_seats_left(django_assert_num_queries):
    event = EventFactory(capacity=2)
    assert "2 of 2 left" in served_from_cache(event.get_absolute_url(), django_assert_num_queries)
    event_services.register(event=event, user=UserFactory())
    assert "1 of 2 left" in visit(event.get_absolute_url()).content.decode()
    event_services.register(event=event, user=UserFactory())
    assert "Full (2 seats)" in visit(event.get_absolute_url()).content.decode()
    assert "Full" in visit(reverse("events:list")).content.decode()


def test_a_change_made_around_the_services_is_seen_too(django_assert_num_queries):
    """A bulk update (no model signal fires), as a data fix in a shell would make."""
    event = EventFactory(title="Before")
    served_from_cache(reverse("events:list"), django_assert_num_queries)
    Event.objects.filter(pk=event.pk).update(title="After the fix")
    assert "After the fix" in visit(reverse("events:list")).content.decode()


def test_a_change_rolled_back_keeps_the_cached_page(django_assert_num_queries):
    event = EventFactory(title="Kept")
    served_from_cache(reverse("events:list"), django_assert_num_queries)
    with transaction.atomic():
        Event.objects.filter(pk=event.pk).update(title="Never committed")
        transaction.set_rollback(True)
    with django_assert_num_queries(0):
        assert "Never committed" not in visit(reverse("events:list")).content.decode()


def test_uploading_a_material_shows_it_on_the_series_page(django_assert_num_queries):
    session = SeriesSessionFactory()
    url = reverse("workshops:series", kwargs={"slug": session.series.slug})
    assert "Week one slides" not in served_from_cache(url, django_assert_num_queries)
    add_material(
        kind=Material.Kind.LINK,
        title="Week one slides",
        event=session.event,
        url="https://github.com/society/week-one",
        visibility=Material.Visibility.PUBLIC,
    )
    assert "Week one slides" in visit(url).content.decode()


def test_editing_the_about_text_and_a_new_committee_role_show_on_about(django_assert_num_queries):
    url = reverse("members:about")
    served_from_cache(url, django_assert_num_queries)
    key = SiteText.Key.ABOUT
    edit_site_text(key=key, body="We meet on Thursdays.", based_on=latest_version(key), by=None)
    assert "We meet on Thursdays." in visit(url).content.decode()
    served_from_cache(url, django_assert_num_queries)
    today = timezone.localdate()
    give_role(
        user=UserFactory(name="Tess Treasurer"),
        title="Treasurer",
        starts_on=today,
        ends_on=today + timedelta(days=300),
        by=None,
    )
    assert "Tess Treasurer" in visit(url).content.decode()


def test_an_organiser_renaming_themselves_shows_on_their_study_group(django_assert_num_queries):
    person = UserFactory(name="Old Name")
    group = StudyGroupFactory(organiser=person)
    url = reverse("workshops:study_group", kwargs={"slug": group.slug})
    assert "Old Name" in served_from_cache(url, django_assert_num_queries)
    update_profile(user=person, name="New Name", details={}, interests=[])
    page = visit(url).content.decode()
    assert "New Name" in page
    assert "Old Name" not in page


# --- Time: pages change by themselves ------------------------------------------


def test_the_key_moves_on_when_an_event_ends():
    now = timezone.now()
    event = EventFactory(starts_at=now + timedelta(hours=1), ends_at=now + timedelta(hours=2))
    EventFactory(starts_at=now + timedelta(minutes=10), status=Event.Status.DRAFT)  # drafts change no public page
    assert next_page_change(now) == event.starts_at
    assert next_page_change(event.starts_at) == event.ends_at
    before = page_cache.page_version(["events"], now=now)
    assert page_cache.page_version(["events"], now=now + timedelta(minutes=59)) == before
    assert page_cache.page_version(["events"], now=event.starts_at + timedelta(seconds=1)) != before


def test_the_key_moves_on_when_a_material_is_released():
    now = timezone.now()
    material = MaterialFactory(available_from=now + timedelta(days=1))
    before = page_cache.page_version(["workshops"], now=now)
    assert page_cache.page_version(["workshops"], now=material.available_from + timedelta(seconds=1)) != before


def test_the_key_holds_the_language():
    english = page_cache.page_version(["events"])
    with translation.override("zh-hans"):
        assert page_cache.page_version(["events"]) != english
    assert page_cache.page_version(["events"]) == english


def test_a_page_asked_in_another_language_is_not_the_cached_one(settings, django_assert_num_queries):
    settings.LANGUAGES = [("en-gb", "English"), ("zh-hans", "简体中文")]
    settings.MIDDLEWARE = [
        *settings.MIDDLEWARE[:5],
        "django.middleware.locale.LocaleMiddleware",
        *settings.MIDDLEWARE[5:],
    ]
    url = reverse("events:list")
    served_from_cache(url, django_assert_num_queries)
    chinese = visit(url, **{"Accept-Language": "zh-hans"})
    assert chinese["Content-Language"] == "zh-hans"
    assert "Accept-Language" in chinese["Vary"]
    with django_assert_num_queries(0):
        assert visit(url, **{"Accept-Language": "zh-hans"})["Content-Language"] == "zh-hans"
        assert visit(url)["Content-Language"] == "en-gb"


# --- Only visitors share pages --------------------------------------------------


def test_a_visitor_with_a_message_waiting_gets_the_page_drawn_for_them(client, member):
    served = Client()
    served.get(reverse("events:home"))  # cached for visitors
    client.force_login(member)
    response = client.post(reverse("account_logout"), follow=True)
    assert response.redirect_chain
    assert "You have signed out" in response.content.decode()


def test_the_ical_feeds_answer_304_until_they_change():
    feed = reverse("events:calendar_feed")
    first = visit(feed)
    assert first.status_code == 200
    assert first["ETag"]
    assert visit(feed, **{"If-None-Match": first["ETag"]}).status_code == 304
    EventFactory(title="A new talk")
    changed = visit(feed, **{"If-None-Match": first["ETag"]})
    assert changed.status_code == 200
    assert "A new talk" in changed.content.decode()
    assert changed["ETag"] != first["ETag"]


def test_a_members_own_feed_answers_304_and_is_private(member):
    Registration.objects.create(event=EventFactory(title="Mine"), user=member, status=Registration.Status.CONFIRMED)
    url = reverse("events:my_calendar", kwargs={"token": CalendarFeedFactory(user=member).token})
    first = visit(url)
    assert first.status_code == 200
    assert "Mine" in first.content.decode()
    assert "private" in first["Cache-Control"]
    assert visit(url, **{"If-None-Match": first["ETag"]}).status_code == 304
    EventFactory()  # someone else's event: the member's feed is the same
    assert visit(url, **{"If-None-Match": first["ETag"]}).status_code == 304
    event_services.cancel(registration=Registration.objects.get(user=member))
    assert visit(url, **{"If-None-Match": first["ETag"]}).status_code == 200


def test_keys_do_not_mix_paths_or_queries(django_assert_num_queries):
    EventFactory(title="Transformers reading group", kind=Event.Kind.TALK)
    EventFactory(title="Intro to PyTorch", kind=Event.Kind.WORKSHOP)
    talks = visit(reverse("events:list") + "?kind=talk").content.decode()
    assert "Transformers reading group" in talks
    assert "Intro to PyTorch" not in talks
    everything = visit(reverse("events:list")).content.decode()
    assert "Intro to PyTorch" in everything
    with django_assert_num_queries(0):
        assert visit(reverse("events:list") + "?kind=talk").content.decode() == talks


def test_bad_query_parameters_get_the_same_answer_cached_or_not():
    first = visit(reverse("events:list") + "?page=zz&kind=%00")
    assert first.status_code == visit(reverse("events:list") + "?page=zz&kind=%00").status_code


def test_year_in_the_footer_follows_the_local_date():
    assert str(date.today().year) in visit(reverse("events:home")).content.decode()


# --- Every cached URL of the URL audience table, as each persona -----------------


CACHED = [
    "events:calendar_feed",
    "events:detail",
    "events:draw",
    "events:draw_json",
    "events:event_ics",
    "events:home",
    "events:list",
    "events:past",
    "members:about",
    "members:privacy_policy",
    "workshops:list",
    "workshops:series",
    "workshops:study_group",
    "workshops:study_groups",
]


def _views(resolver, namespace=""):
    """(URL name, view) of every named URL of the project."""
    from django.urls import URLPattern, URLResolver

    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            yield from _views(entry, f"{namespace}{entry.namespace}:" if entry.namespace else namespace)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}", entry.callback


def test_the_list_of_cached_urls_is_every_public_page_view():
    from django.urls import get_resolver

    from tests.test_url_audience import AUDIENCE, PUBLIC

    cached = sorted(name for name, view in _views(get_resolver()) if hasattr(view, "page_topics"))
    assert cached == CACHED
    assert all(AUDIENCE[name].audience == PUBLIC for name in cached)


@pytest.mark.parametrize("name", CACHED)
def test_a_logged_in_page_is_never_cached_nor_served_to_anyone_else(name, committee_member):
    from tests.test_url_audience import AUDIENCE

    url = reverse(name, kwargs=AUDIENCE[name].kwargs() or None)
    first, second = UserFactory(name="Ferdinand First"), UserFactory(name="Sasha Second")
    people = {person: Client() for person in (first, second, committee_member)}
    for person, client in people.items():
        client.force_login(person)

    # A member first: their page is theirs, and nothing is kept for anyone else.
    mine = people[first].get(url)
    assert mine.status_code == 200
    assert "private" in mine["Cache-Control"]
    assert "public" not in mine["Cache-Control"]
    assert "Cookie" in mine["Vary"]
    visitor = Client()
    page = visitor.get(url)
    assert page.status_code == 200
    assert "public" in page["Cache-Control"]
    assert not page.wsgi_request.user.is_authenticated
    assert b"Log out" not in page.content

    # Now the visitor's page is cached: each logged-in person still gets their own.
    assert visitor.get(url).content == page.content
    for client in people.values():
        theirs = client.get(url)
        assert theirs.status_code == 200
        assert "private" in theirs["Cache-Control"]
        if theirs["Content-Type"].startswith("text/html"):
            assert b"Log out" in theirs.content
            assert theirs.content != page.content


# --- Logged-in pages: shared parts cached, the person's own state drawn each time --


def queries_of(client: Client, url: str, django_assert_max_num_queries) -> tuple[int, str]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response.content.decode()


def main_of(page: str) -> str:
    return page[page.index("<main") : page.index("</main>")]


def test_a_members_event_list_reuses_the_shared_cards_and_stays_fresh(member, django_assert_max_num_queries):
    EventFactory(title="Reinforcement learning basics")
    client = Client()
    client.force_login(member)
    url = reverse("events:list")
    drawn, first = queries_of(client, url, django_assert_max_num_queries)
    again, second = queries_of(client, url, django_assert_max_num_queries)
    assert again < drawn  # the cards came from the cache
    assert main_of(second) == main_of(first)  # the nav's logout form has a fresh CSRF token each time
    EventFactory(title="Evaluation of LLMs")
    _, third = queries_of(client, url, django_assert_max_num_queries)
    assert "Evaluation of LLMs" in third


def test_a_members_own_state_is_drawn_around_the_shared_part(member):
    event = EventFactory(capacity=1, title="One seat only")
    other = UserFactory(name="Quick Quinn")
    visitor_page = visit(event.get_absolute_url()).content.decode()
    assert "Log in to register" in visitor_page
    client = Client()
    client.force_login(member)
    assert "Register</button>" in client.get(event.get_absolute_url()).content.decode()
    event_services.register(event=event, user=other)
    page = client.get(event.get_absolute_url()).content.decode()
    assert "join the waiting list" in page
    event_services.register(event=event, user=member)
    page = client.get(event.get_absolute_url()).content.decode()
    assert "You are number 1 on the waiting list." in page
    theirs = Client()
    theirs.force_login(other)
    assert "You are registered." in theirs.get(event.get_absolute_url()).content.decode()


def test_committee_rights_follow_a_role_at_once(member):
    from members.models import CommitteeRole, User
    from members.permissions import is_committee

    client = Client()
    client.force_login(member)
    manage = f'href="{reverse("events:manage")}"'
    assert manage not in client.get(reverse("events:list")).content.decode()
    assert not is_committee(User.objects.get(pk=member.pk))
    today = timezone.localdate()
    give_role(user=member, title="Secretary", starts_on=today, ends_on=today + timedelta(days=30), by=None)
    assert manage in client.get(reverse("events:list")).content.decode()
    assert is_committee(User.objects.get(pk=member.pk))
    CommitteeRole.objects.filter(user=member).delete()
    assert manage not in client.get(reverse("events:list")).content.decode()
    assert not is_committee(User.objects.get(pk=member.pk))

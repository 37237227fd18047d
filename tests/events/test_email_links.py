"""The signed links in reminders and follow-ups: "I can't come", "I'm set up", ratings."""

import time
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from events import links
from events.models import EventRating, Registration
from tests.factories import EventFactory, RegistrationFactory, UserFactory

pytestmark = pytest.mark.django_db


def path_of(registration: Registration, purpose: str, **query) -> str:
    return links.registration_link(registration, purpose, **query).removeprefix("http://127.0.0.1:8000")


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = "http://127.0.0.1:8000"


def tampered(path: str) -> str:
    """The same link with the signature's last characters changed."""
    parts = path.split("/")  # ["", "events", "links", token, purpose, ""]
    token = parts[3]
    parts[3] = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    return "/".join(parts)


def expired(registration: Registration, purpose: str, monkeypatch) -> str:
    long_ago = time.time() - (links.MAX_AGE_DAYS[purpose] + 1) * 24 * 3600
    monkeypatch.setattr("django.core.signing.time.time", lambda: long_ago)
    path = path_of(registration, purpose)
    monkeypatch.undo()
    return path


# --- I can't come ------------------------------------------------------------------


def test_cant_come_asks_first_then_cancels_and_the_waiting_list_moves_up(client):
    event = EventFactory(capacity=1)
    leaving = RegistrationFactory(event=event)
    waiting = RegistrationFactory(event=event, status=Registration.Status.WAITLISTED, confirmed_at=None)
    url = path_of(leaving, links.CANT_COME)

    page = client.get(url)
    leaving.refresh_from_db()
    assert (page.status_code, leaving.status) == (200, Registration.Status.CONFIRMED)
    assert b"I can't come: cancel my place" in page.content

    response = client.post(url, follow=True)

    leaving.refresh_from_db()
    waiting.refresh_from_db()
    assert (leaving.status, waiting.status) == (Registration.Status.CANCELLED, Registration.Status.CONFIRMED)
    assert b"Your place is cancelled" in response.content
    again = client.post(url)  # twice: harmless
    assert (again.status_code, b"Your place is cancelled." in again.content) == (200, True)


def test_cant_come_after_the_start_says_so_and_changes_nothing(client):
    event = EventFactory(starts_at=timezone.now() - timedelta(minutes=5))
    registration = RegistrationFactory(event=event)
    url = path_of(registration, links.CANT_COME)

    page = client.get(url)
    response = client.post(url, follow=True)

    registration.refresh_from_db()
    assert registration.status == Registration.Status.CONFIRMED
    assert b"too late to cancel" in page.content
    assert b"too late to cancel" in response.content


@pytest.mark.parametrize("purpose", [links.CANT_COME, links.SET_UP, links.FEEDBACK])
def test_tampered_expired_and_other_purpose_links_are_refused_with_a_message_and_change_nothing(
    client, monkeypatch, purpose
):
    registration = RegistrationFactory(checked_in_at=timezone.now())
    other = links.SET_UP if purpose != links.SET_UP else links.CANT_COME
    wrong_purpose = path_of(registration, other)
    good = path_of(registration, purpose)
    bad_urls = [
        tampered(good),
        expired(registration, purpose, monkeypatch),
        good.replace(good.split("/")[3], wrong_purpose.split("/")[3]),
    ]

    responses = [client.get(url + "?score=5") for url in bad_urls]
    responses += [client.post(url, {"score": 5}) for url in bad_urls]

    registration.refresh_from_db()
    assert [response.status_code for response in responses] == [404] * 6
    for response in responses:
        assert '<h1 class="h3">This link is not valid, or has expired.</h1>' in response.content.decode()
        assert "Nothing has changed." in response.content.decode()
    assert (registration.status, registration.set_up_at) == (Registration.Status.CONFIRMED, None)
    assert EventRating.objects.count() == 0


# --- I'm set up --------------------------------------------------------------------


def test_set_up_shows_the_checklist_and_records_once_and_the_committee_sees_the_count(client, committee_client):
    event = EventFactory(setup_checklist="Install Python 3.12\n* pip install torch", what_to_bring="A laptop")
    registration = RegistrationFactory(event=event)
    RegistrationFactory(event=event)
    url = path_of(registration, links.SET_UP)

    page = client.get(url)
    registration.refresh_from_db()
    assert registration.set_up_at is None
    assert b"<li>Install Python 3.12</li><li>pip install torch</li>" in page.content

    client.post(url)
    first = Registration.objects.get(pk=registration.pk).set_up_at
    client.post(url)

    assert first is not None
    assert Registration.objects.get(pk=registration.pk).set_up_at == first
    console = committee_client.get("/manage/")
    [listed] = [e for e in console.context["events"] if e.pk == event.pk]
    assert listed.set_up_count == 1
    assert 'title="Registrants who followed the setup checklist">Set up</th>' in console.content.decode()


# --- Ratings -------------------------------------------------------------------------


def test_a_mail_scanner_opening_all_five_rating_links_records_nothing(client):
    """Corporate mail gateways open every link of an email: the last one must not win."""
    registration = RegistrationFactory(checked_in_at=timezone.now())

    pages = [client.get(path_of(registration, links.FEEDBACK, score=score)) for score in range(1, 6)]

    assert [page.status_code for page in pages] == [200] * 5
    assert EventRating.objects.count() == 0
    assert "nothing is recorded until you do" in pages[0].content.decode()


def test_a_rating_link_opens_the_form_with_its_score_chosen_and_the_post_records_it(client):
    registration = RegistrationFactory(checked_in_at=timezone.now())
    url = path_of(registration, links.FEEDBACK, score=4)

    page = client.get(url)
    response = client.post(url, {"score": 4, "comment": "More exercises!"}, follow=True)

    html = page.content.decode()
    assert 'value="4" id="id_score_1" required checked>' in html
    assert "You chose 4 out of 5." in html
    assert response.redirect_chain == [(url.split("?")[0], 302)]  # the same link, without the score
    assert "Thank you for your feedback!" in response.content.decode()
    rating = EventRating.objects.get()
    assert (rating.registration, rating.score, rating.comment) == (registration, 4, "More exercises!")


def test_a_later_link_shows_the_comment_given_and_changes_nothing_until_sent(client):
    registration = RegistrationFactory(checked_in_at=timezone.now())
    EventRating.objects.create(registration=registration, score=5, comment="More exercises!")

    page = client.get(path_of(registration, links.FEEDBACK, score=3))
    client.post(path_of(registration, links.FEEDBACK), {"score": 3, "comment": "More exercises!"})

    assert ">\nMore exercises!</textarea>" in page.content.decode()
    assert 'value="3" id="id_score_2" required checked>' in page.content.decode()
    rating = EventRating.objects.get()
    assert (rating.score, rating.comment) == (3, "More exercises!")


def test_the_rating_form_refuses_a_post_without_its_csrf_token():
    registration = RegistrationFactory(checked_in_at=timezone.now())
    browser = Client(enforce_csrf_checks=True)

    refused = browser.post(path_of(registration, links.FEEDBACK), {"score": 1})
    page = browser.get(path_of(registration, links.FEEDBACK, score=1))
    token = str(page.context["csrf_token"])
    accepted = browser.post(path_of(registration, links.FEEDBACK), {"score": 1, "csrfmiddlewaretoken": token})

    assert (refused.status_code, accepted.status_code) == (403, 302)
    assert EventRating.objects.get().score == 1


@pytest.mark.parametrize("score", ["0", "6", "-1", "five", ""])
def test_ratings_outside_1_to_5_are_refused_and_record_nothing(client, score):
    registration = RegistrationFactory(checked_in_at=timezone.now())

    clicked = client.get(path_of(registration, links.FEEDBACK) + f"?score={score}")
    posted = client.post(path_of(registration, links.FEEDBACK), {"score": score, "comment": "x"})

    assert (clicked.status_code, posted.status_code) == (400, 400)
    assert b"Choose a rating from 1 to 5." in clicked.content or b"This field is required." in clicked.content
    assert EventRating.objects.count() == 0


def test_only_people_who_came_can_rate(client):
    registration = RegistrationFactory()

    shown = client.get(path_of(registration, links.FEEDBACK, score=5))
    posted = client.post(path_of(registration, links.FEEDBACK), {"score": 5})

    assert (shown.status_code, posted.status_code) == (404, 404)
    assert "Only people who came can rate an event." in shown.content.decode()
    assert EventRating.objects.count() == 0


def test_links_work_logged_in_as_someone_else_too(client):
    registration = RegistrationFactory(checked_in_at=timezone.now())
    client.force_login(UserFactory())

    assert client.get(path_of(registration, links.FEEDBACK, score=2)).status_code == 200
    assert client.post(path_of(registration, links.FEEDBACK, score=2), {"score": 2}).status_code == 302
    assert EventRating.objects.get().registration == registration


def test_the_event_page_says_what_to_bring(client):
    event = EventFactory(what_to_bring="A laptop <with> Python.\nHeadphones.")

    page = client.get(event.get_absolute_url()).content.decode()

    assert '<h2 id="what-to-bring" class="h5">What to bring or install</h2>' in page
    assert "A laptop &lt;with&gt; Python.<br>Headphones." in page

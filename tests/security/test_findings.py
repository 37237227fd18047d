"""The review's findings (issue #13), tried as an attacker would try them.

Each fails on the main branch from before the fix; the modules that fixed them
have their own, finer tests.
"""

import nbformat
import pytest
from django.urls import reverse
from django.utils import timezone

from events import services
from events.links import FEEDBACK, registration_token
from events.models import ConsoleSettings, EventRating
from society.models import EmailKind, OutboundEmail
from tests.factories import EventFactory, MaterialFactory, RegistrationFactory
from tests.security.conftest import client_of
from tests.security.html import read_page
from workshops.notebooks import render_notebook_html


@pytest.mark.parametrize(
    "address",
    ["https://127.0.0.1:6379/", "https://169.254.169.254/latest/meta-data/", "https://10.0.0.5/", "https://localhost/"],
)
def test_the_webhook_refuses_an_internal_address(personas, address):
    response = client_of(personas["committee"]).post(reverse("events:manage_settings"), {"webhook_url": address})

    assert response.status_code in (200, 400)
    assert ConsoleSettings.load().webhook_url == ""


def test_the_admin_never_shows_a_password_reset_link(personas):
    link = "https://society.example/accounts/password/reset/key/1-set-password/"
    email = OutboundEmail.objects.create(
        key="account:password_reset_key:1",
        kind=EmailKind.ACCOUNT,
        to_email=personas["member"].email,
        subject="Password reset",
        body_text=f"Reset it here: {link}",
        body_html=f'<a href="{link}">Reset</a>',
        state=OutboundEmail.State.SENT,
        sent_at=timezone.now(),
    )

    page = client_of(personas["admin"]).get(reverse("admin:society_outboundemail_change", args=[email.pk]))

    assert page.status_code == 200
    assert link not in page.content.decode()


def test_guessing_the_self_check_in_code_stops_after_five_tries(personas):
    event = EventFactory(underway=True)
    registration = RegistrationFactory(event=event, user=personas["member"])
    member = client_of(personas["member"])
    right = services.self_check_in_code(event=event)
    wrong = next(code for code in ("000000", "111111", "222222") if code != right)
    url = reverse("events:self_check_in", kwargs={"slug": event.slug})

    for _ in range(5):
        member.post(url, {"code": wrong})
    member.post(url, {"code": right})

    registration.refresh_from_db()
    assert registration.checked_in_at is None


def test_a_mail_scanner_opening_rating_links_records_nothing(personas):
    registration = RegistrationFactory(user=personas["member"], checked_in_at=timezone.now())
    url = reverse("events:feedback", kwargs={"token": registration_token(registration, FEEDBACK)})

    for score in range(1, 6):
        client_of(None).get(url, {"score": score})

    assert EventRating.objects.filter(registration=registration).count() == 0


def test_search_finds_nothing_of_a_draft_event(personas):
    MaterialFactory(event=EventFactory(status="draft"), visibility="public", title="Unannounced hackathon brief")

    page = client_of(None).get(reverse("workshops:search"), {"q": "hackathon"})

    assert "Unannounced hackathon brief" not in page.content.decode()


def test_a_notebook_link_to_data_is_not_kept():
    notebook = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_markdown_cell("[open me](data:text/html,<script>alert(1)</script>)")]
    )

    assert read_page(render_notebook_html(notebook)).problems == []


def test_the_notebook_frame_is_sandboxed_by_its_own_policy(personas):
    material = MaterialFactory(kind="notebook", visibility="public")

    response = client_of(None).get(reverse("workshops:notebook_frame", kwargs={"token": material.token}))

    assert "sandbox" in response["Content-Security-Policy"]


@pytest.mark.parametrize("url", ["/manage/", "/admin/"])
def test_a_committee_page_refuses_a_session_without_a_second_factor(personas, client, url):
    # A session with the password only: deliberately not the suite's log_in.
    client.force_login(personas["admin"])

    response = client.get(url)

    assert response.status_code != 200

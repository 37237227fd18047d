"""The console's Emails page: counts, failed emails, retry, and no account email's text."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from society.models import EmailKind, OutboundEmail
from tests.factories import UserFactory
from tests.querycount import assert_constant_queries

pytestmark = pytest.mark.django_db
State = OutboundEmail.State
VERIFY_LINK = "https://society.example.ac.uk/accounts/confirm-email/MQ:secret-key/"


def an_email(key: str, *, kind=EmailKind.REGISTRATION, state=State.SENT, days_ago: float = 1, **fields):
    created = timezone.now() - timedelta(days=days_ago)
    return OutboundEmail.objects.create(
        key=key,
        kind=kind,
        state=state,
        to_email=fields.pop("to_email", f"{key}@uni.ac.uk"),
        subject=fields.pop("subject", f"About {key}"),
        body_text=fields.pop("body_text", f"The text of {key}."),
        created_at=created,
        **fields,
    )


def test_emails_page_counts_the_last_30_days_by_kind_and_state(committee_client):
    an_email("a", kind=EmailKind.REGISTRATION, state=State.SENT)
    an_email("b", kind=EmailKind.REGISTRATION, state=State.SENT)
    an_email("c", kind=EmailKind.REGISTRATION, state=State.FAILED, last_error="550 no such user")
    an_email("d", kind=EmailKind.ANNOUNCEMENT, state=State.PENDING)
    an_email("e", kind=EmailKind.ANNOUNCEMENT, state=State.CANCELLED)
    an_email("old", kind=EmailKind.ANNOUNCEMENT, state=State.SENT, days_ago=31)

    counts = committee_client.get(reverse("events:manage_emails")).context["counts"]

    assert counts["states"] == ["Pending", "Sending", "Sent", "Failed", "Cancelled"]
    assert [(k["label"], k["cells"], k["total"]) for k in counts["kinds"]] == [
        ("Registration (confirmed, waiting list, promoted)", [0, 0, 2, 1, 0], 3),
        ("Announcements from the committee", [1, 0, 0, 0, 1], 2),
    ]
    assert (counts["totals"], counts["total"]) == ([1, 0, 2, 1, 1], 5)


def test_emails_page_lists_failed_emails_with_their_error_and_no_account_email_text(committee_client):
    an_email(
        "verify",
        kind=EmailKind.ACCOUNT,
        state=State.FAILED,
        to_email="new@uni.ac.uk",
        subject="Confirm your email address",
        body_text=f"Confirm your address: {VERIFY_LINK}",
        last_error="SMTPRecipientsRefused: 550 mailbox unavailable",
    )
    an_email("ticket", state=State.FAILED, subject="Your ticket", last_error="SMTPDataError: 554 rejected")
    an_email("fine", state=State.SENT)

    response = committee_client.get(reverse("events:manage_emails"))
    page = response.content.decode()

    assert [e.key for e in response.context["page"]] == ["ticket", "verify"]
    assert "SMTPRecipientsRefused: 550 mailbox unavailable" in page
    assert "SMTPDataError: 554 rejected" in page
    assert "new@uni.ac.uk" in page
    assert "Your ticket" in page
    assert "Confirm your email address" not in page
    assert "confirm-email" not in page


def test_email_page_shows_an_emails_text_but_not_an_account_emails(committee_client):
    account = an_email("verify", kind=EmailKind.ACCOUNT, body_text=f"Confirm your address: {VERIFY_LINK}")
    ticket = an_email("ticket", body_text="Your ticket: https://society.example.ac.uk/me/tickets/abc/")

    account_page = committee_client.get(reverse("events:manage_email", kwargs={"email_id": account.pk}))
    ticket_page = committee_client.get(reverse("events:manage_email", kwargs={"email_id": ticket.pk}))

    assert "confirm-email" not in account_page.content.decode()
    assert "Confirm your address" not in account_page.content.decode()
    assert "verify@uni.ac.uk" in account_page.content.decode()
    assert "Your ticket: https://society.example.ac.uk/me/tickets/abc/" in ticket_page.content.decode()


def test_email_retry_puts_a_failed_email_back_in_the_queue(committee_client, django_capture_on_commit_callbacks):
    failed = an_email("ticket", state=State.FAILED, attempts=6, last_error="SMTPDataError: 554 rejected")

    with django_capture_on_commit_callbacks() as callbacks:
        response = committee_client.post(
            reverse("events:manage_email_retry", kwargs={"email_id": failed.pk}), {"page": "2"}
        )

    failed.refresh_from_db()
    assert response["Location"] == "/manage/emails/?page=2"
    assert (failed.state, failed.attempts, failed.last_error) == (State.PENDING, 0, "")
    assert len(callbacks) == 1  # the worker is asked to deliver after the commit


def test_email_retry_of_a_sent_email_is_refused_and_changes_nothing(committee_client):
    sent = an_email("ticket", state=State.SENT, attempts=1)

    response = committee_client.post(reverse("events:manage_email_retry", kwargs={"email_id": sent.pk}), follow=True)

    sent.refresh_from_db()
    assert [str(m) for m in response.context["messages"]] == [
        "That email has not failed (it was sent, or is queued already): nothing changed."
    ]
    assert (sent.state, sent.attempts) == (State.SENT, 1)


def test_account_email_page_says_its_body_is_not_kept_and_offers_no_retry(committee_client):
    queued = an_email("verify", kind=EmailKind.ACCOUNT, state=State.PENDING, body_text=f"Confirm: {VERIFY_LINK}")
    failed = an_email("reset", kind=EmailKind.ACCOUNT, state=State.FAILED, body_text="", last_error="550 gone")

    pages = [
        committee_client.get(reverse("events:manage_email", kwargs={"email_id": email.pk})).content.decode()
        for email in (queued, failed)
    ]
    listing = committee_client.get(reverse("events:manage_emails")).content.decode()

    for page in pages:
        assert "Body not kept: this email carried a sign-in link" in page
        assert "confirm-email" not in page
    assert "Retry</button>" not in pages[1]
    assert "their link would be stale" in pages[1]
    assert "Retry</button>" not in listing
    assert "Not sent again" in listing


def test_email_retry_of_an_account_email_is_refused_with_a_clear_message(committee_client):
    failed = an_email("reset", kind=EmailKind.ACCOUNT, state=State.FAILED, attempts=1, body_text="")

    response = committee_client.post(reverse("events:manage_email_retry", kwargs={"email_id": failed.pk}), follow=True)

    failed.refresh_from_db()
    assert [str(m) for m in response.context["messages"]] == [
        "Account emails (verification, password reset, email change) are not sent again: their link would be "
        "stale, and their text is not kept. The member asks for a new one from the log-in page."
    ]
    assert (failed.state, failed.attempts) == (State.FAILED, 1)


def test_emails_page_costs_constant_queries(committee_client):
    made = []

    def add_rows(n: int) -> None:
        for _ in range(n):
            user = UserFactory()
            made.append(an_email(f"e{len(made)}", state=State.FAILED, user=user, last_error="550"))

    count = assert_constant_queries(lambda: committee_client.get(reverse("events:manage_emails")), add_rows)
    assert count == 6

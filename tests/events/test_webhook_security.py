"""The committee's webhook posts only where it should (issue #13, item 1): an https
address on port 443 of an allowed host, every address of which is public, connected
to as checked, redirects never followed; in Discord's own format for Discord.

The refused addresses go through the console's form and the admin's (one rule,
events.services.webhook_url_problem); the posts go to a real HTTPS server on this
machine (tests/webhooks.py), which only the `webhook_server` fixture lets through."""

import logging
import socket
import ssl

import pytest
from django.urls import reverse

from events import services, tasks
from events.models import ActionLog, ConsoleSettings, Event
from events.services import webhook
from tests.factories import EventFactory
from tests.webhooks import LocalWebhook

pytestmark = pytest.mark.django_db

PRIVATE = "That address is on a private network: the webhook can only post to a public host."
NOT_LISTED = "Webhooks can only post to hooks.slack.com, discord.com, discordapp.com."
HTTPS = "The webhook must be an https:// address."
USERINFO = "The webhook's address may not hold a user name or password."
PORT = "The webhook must use the usual https port (443)."

REFUSED = [
    ("https://127.0.0.1:6379/", PRIVATE),
    ("https://169.254.169.254/latest/meta-data/", PRIVATE),
    ("https://10.0.0.5/", PRIVATE),
    ("https://[::1]/hook", PRIVATE),
    ("https://localhost/", NOT_LISTED),
    ("https://hooks.example.com/committee", NOT_LISTED),
    ("https://hooks.slack.com.evil.example/services/T0/B0/x", NOT_LISTED),
    ("http://hooks.slack.com/services/T0/B0/x", HTTPS),
    ("https://user:pw@hooks.slack.com/services/T0/B0/x", USERINFO),
    ("https://hooks.slack.com:8443/services/T0/B0/x", PORT),
]


def save_in_console(client, url: str):
    response = client.post(reverse("events:manage_settings"), {"webhook_url": url})
    return response, response.context["form"].errors if response.context else {}


def save_in_admin(client, url: str):
    ConsoleSettings.load()
    response = client.post(reverse("admin:events_consolesettings_change", args=[1]), {"webhook_url": url})
    return response, response.context["adminform"].form.errors if response.context else {}


@pytest.mark.parametrize(("url", "problem"), REFUSED)
def test_console_refuses_a_webhook_that_could_reach_inside(committee_client, url, problem):
    response, errors = save_in_console(committee_client, url)

    assert (response.status_code, errors) == (200, {"webhook_url": [problem]})
    assert (ConsoleSettings.load().webhook_url, ActionLog.objects.count()) == ("", 0)


@pytest.mark.parametrize(("url", "problem"), REFUSED)
def test_admin_refuses_a_webhook_that_could_reach_inside(admin_client, url, problem):
    response, errors = save_in_admin(admin_client, url)

    assert (response.status_code, errors) == (200, {"webhook_url": [problem]})
    assert (ConsoleSettings.load().webhook_url, ActionLog.objects.count()) == ("", 0)


@pytest.mark.parametrize(
    "url",
    [
        "https://hooks.slack.com/services/T0/B0/x",
        "https://discord.com/api/webhooks/1/abc",
        "https://discordapp.com/api/webhooks/1/abc",
        "https://HOOKS.slack.com:443/services/T0/B0/x",
    ],
)
def test_console_and_admin_accept_slack_and_discord(committee_client, admin_client, url):
    console, console_errors = save_in_console(committee_client, url)
    saved_in_console = ConsoleSettings.load().webhook_url
    save_in_admin(admin_client, "")
    admin, admin_errors = save_in_admin(admin_client, url)

    assert (console.status_code, console_errors, saved_in_console) == (302, {}, url)
    assert (admin.status_code, admin_errors, ConsoleSettings.load().webhook_url) == (302, {}, url)


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("https://127.1/", PRIVATE),
        ("https://0x7f000001/", PRIVATE),
        ("https://2130706433/", PRIVATE),
        ("https://[::ffff:127.0.0.1]/", PRIVATE),
        ("https://100.64.0.1/", PRIVATE),  # shared address space (CGNAT)
        ("https://[fd00::1]/", PRIVATE),
        ("https://224.0.0.1/", PRIVATE),
        ("https://8.8.8.8/", "Give the webhook's host name (such as hooks.slack.com), not a numeric address."),
        ("https://hooks.slack.com\\@evil.example/", USERINFO),
        ("ftp://hooks.slack.com/x", HTTPS),
        ("https://hooks.slack.com/services/T0/B0/x", None),
    ],
)
def test_webhook_url_problem_sees_through_numbers_in_other_forms(url, problem):
    assert services.webhook_url_problem(url) == problem


def test_allowed_hosts_take_subdomains_with_a_dot_and_any_public_name_with_a_star(settings):
    settings.WEBHOOK_ALLOWED_HOSTS = [".chat.example.org"]
    assert services.webhook_url_problem("https://hooks.chat.example.org/x") is None
    assert services.webhook_url_problem("https://chat.example.org/x") is None
    assert services.webhook_url_problem("https://evilchat.example.org/x") == (
        "Webhooks can only post to .chat.example.org."
    )

    settings.WEBHOOK_ALLOWED_HOSTS = ["*"]
    assert services.webhook_url_problem("https://anything.example.net/x") is None
    assert services.webhook_url_problem("https://10.0.0.5/") == PRIVATE


def test_setting_a_refused_webhook_through_the_service_changes_nothing(committee_member):
    with pytest.raises(services.WebhookRefused, match="private network"):
        services.set_webhook_url(url="https://169.254.169.254/", by=committee_member)

    assert (ConsoleSettings.load().webhook_url, ActionLog.objects.count()) == ("", 0)


# --- Posting ---------------------------------------------------------------------


def test_publishing_posts_to_the_webhook_over_https(
    django_capture_on_commit_callbacks, committee_member, webhook_server
):
    services.set_webhook_url(url=webhook_server.url, by=committee_member)
    event = EventFactory(status=Event.Status.DRAFT, title="Transformers <!channel> & friends")

    with django_capture_on_commit_callbacks(execute=True):
        services.publish_event(event=event, by=committee_member)

    assert webhook_server.paths == ["/hook"]
    assert webhook_server.received[0]["text"].startswith("New event: Transformers &lt;!channel&gt; &amp; friends · ")


@pytest.fixture
def unlisted_local_server(webhook_certificate, settings, monkeypatch):
    """The same HTTPS server, on the list as `localhost`, on the right port, its certificate
    trusted: all in place but the address check, which knows 127.0.0.1 is not public."""
    hook = LocalWebhook(*webhook_certificate).start()
    settings.WEBHOOK_ALLOWED_HOSTS = ["localhost"]
    monkeypatch.setattr(webhook, "WEBHOOK_PORT", hook.port)
    monkeypatch.setenv("SSL_CERT_FILE", str(hook.ca_file))
    yield hook
    hook.stop()


def test_an_allowed_host_that_resolves_to_this_machine_is_refused_when_posting(
    unlisted_local_server, committee_member, caplog
):
    ConsoleSettings.objects.create(pk=1, webhook_url=unlisted_local_server.url)
    event = EventFactory()

    with caplog.at_level(logging.WARNING, logger="events.tasks"):
        posted = tasks.notify_webhook.delay(event.pk, "changed").get()

    assert posted is False
    assert unlisted_local_server.received == []
    assert "localhost resolves to 127.0.0.1. " + PRIVATE in caplog.text


def test_a_redirect_is_not_followed_and_the_post_is_dropped(webhook_server, caplog):
    ConsoleSettings.objects.create(pk=1, webhook_url=webhook_server.url)
    elsewhere = webhook_server.url.replace("/hook", "/inside")
    webhook_server.answers.append((302, {"Location": elsewhere}))
    webhook_server.answers.append((307, {"Location": elsewhere}))

    with caplog.at_level(logging.WARNING, logger="events.tasks"):
        posted = tasks.notify_webhook.delay(EventFactory().pk, "changed").get()

    assert posted is False
    assert webhook_server.paths == ["/hook"]
    assert "The webhook answered with a redirect (302), which is not followed." in caplog.text


def test_a_refusal_by_the_server_is_dropped_not_retried(webhook_server, caplog):
    ConsoleSettings.objects.create(pk=1, webhook_url=webhook_server.url)
    webhook_server.answers.extend([(404, {}), (404, {})])

    with caplog.at_level(logging.WARNING, logger="events.tasks"):
        posted = tasks.notify_webhook.delay(EventFactory().pk, "changed").get()

    assert (posted, webhook_server.paths) == (False, ["/hook"])
    assert "The webhook refused the post: 404 Not Found." in caplog.text


@pytest.mark.parametrize("status", [429, 503])
def test_a_busy_or_failing_server_is_tried_again(webhook_server, status):
    ConsoleSettings.objects.create(pk=1, webhook_url=webhook_server.url)
    webhook_server.answers.append((status, {"Retry-After": "1"}))

    # As a worker runs it: the retry runs at once, here, instead of raising.
    posted = tasks.notify_webhook.apply(args=[EventFactory().pk, "changed"], throw=False).get()

    assert (posted, webhook_server.paths) == (True, ["/hook", "/hook"])


def test_a_certificate_not_trusted_is_never_posted_to_and_is_tried_again(webhook_server, monkeypatch):
    monkeypatch.delenv("SSL_CERT_FILE")
    ConsoleSettings.objects.create(pk=1, webhook_url=webhook_server.url)

    with pytest.raises(ssl.SSLCertVerificationError):
        services.post_to_webhook(event=EventFactory(), change="changed")

    assert webhook_server.received == []
    assert issubclass(ssl.SSLCertVerificationError, tasks.notify_webhook.autoretry_for)


def test_a_server_that_never_answers_times_out_and_is_tried_again(webhook_server, monkeypatch):
    silent = socket.create_server(("127.0.0.1", 0))  # accepts connections, never speaks
    monkeypatch.setattr(webhook, "WEBHOOK_PORT", silent.getsockname()[1])
    monkeypatch.setattr(webhook, "WEBHOOK_TIMEOUT", 0.2)
    url = f"https://localhost:{silent.getsockname()[1]}/hook"

    try:
        with pytest.raises(TimeoutError):
            webhook.post_json(url, {"text": "hello"})
    finally:
        silent.close()
    assert issubclass(TimeoutError, tasks.notify_webhook.autoretry_for)


# --- Formats -----------------------------------------------------------------------


def test_discord_gets_its_own_format_with_mentions_off():
    text = "New event: @everyone meets"
    assert webhook.webhook_payload("https://discord.com/api/webhooks/1/abc", text) == {
        "content": text,
        "allowed_mentions": {"parse": []},
    }
    assert webhook.webhook_payload("https://canary.discordapp.com/api/webhooks/1/abc", text)["content"] == text


def test_slack_and_discords_slack_address_get_slack_format():
    assert webhook.webhook_payload("https://hooks.slack.com/services/T0/B0/x", "A <b> & c") == {
        "text": "A &lt;b&gt; &amp; c"
    }
    assert webhook.webhook_payload("https://discord.com/api/webhooks/1/abc/slack", "hi") == {"text": "hi"}

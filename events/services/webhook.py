"""The committee's chat webhook (Slack or Discord format), told when an event is
published, changed or cancelled. Posted by a Celery task after the change commits.

The webhook's address is typed by a committee member, and the server posts to it:
so it may only be an https address on the port 443 of a host on WEBHOOK_ALLOWED_HOSTS
(webhook_url_problem, asked by the console's form, the admin's and the task). When
posting, the host name is resolved once, every address it gives must be public, and
the connection goes to an address so checked (never resolved again), with the
certificate checked for the host name; redirects are never followed."""

import http.client
import ipaddress
import json
import socket
import ssl
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from society.celery import ask_worker

from ..models import ConsoleSettings, Event
from .audit import record_action

WEBHOOK_PORT = 443
WEBHOOK_TIMEOUT = 5  # seconds, to connect and for each read
WEBHOOK_WORDS = {"published": "New event", "changed": "Event changed", "cancelled": "Event cancelled"}
DISCORD_HOSTS = ("discord.com", "discordapp.com")
PRIVATE_ADDRESS = gettext_lazy("That address is on a private network: the webhook can only post to a public host.")


class WebhookRefused(Exception):
    """The webhook may not be posted to, or its server refused the post, for good: not retried."""


class WebhookUnavailable(Exception):
    """The webhook's server is busy or failing (429, 5xx): worth trying again later."""


def notify_webhook_on_commit(event: Event, change: str) -> None:
    """Queue the post once the caller's transaction commits (never for a rolled-back change).
    With the broker down the announcement is left out (logged): the change itself stands."""
    from ..tasks import notify_webhook  # the task module imports the services

    if ConsoleSettings.objects.exclude(webhook_url="").exists():
        transaction.on_commit(
            lambda: ask_worker(notify_webhook, event.pk, change, otherwise="this webhook post is left out.")
        )


def webhook_text(*, event: Event, change: str) -> str:
    when = timezone.localtime(event.starts_at).strftime("%a %-d %b, %H:%M")
    place = f" · {event.place}" if event.place else ""
    return f"{WEBHOOK_WORDS[change]}: {event.title} · {when}{place}\n{settings.SITE_URL}{event.get_absolute_url()}"


# --- Which addresses the webhook may post to -----------------------------------


def address_is_public(address: str) -> bool:
    """An address on the public internet: not loopback, private, link-local, shared
    (CGNAT), reserved, multicast or unspecified. Tests of a real post let one loopback
    address through here, and nowhere else."""
    ip = ipaddress.ip_address(address)
    if ip.version == 6 and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_global and not (ip.is_multicast or ip.is_reserved or ip.is_loopback or ip.is_link_local)


def webhook_url_problem(url: str) -> str | None:
    """Why the webhook may not post to `url` (a sentence for the committee), or None if it may.
    Asked by the console's form, the admin's form and, again, when posting; the addresses
    the host name resolves to are checked when posting (public_addresses)."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return gettext("That is not a web address.")
    if parts.scheme != "https":
        return gettext("The webhook must be an https:// address.")
    if "@" in parts.netloc:
        return gettext("The webhook's address may not hold a user name or password.")
    host = parts.hostname or ""
    if not host:
        return gettext("That is not a web address.")
    number = _numeric_address(host)
    if number:
        if not address_is_public(number):
            return PRIVATE_ADDRESS
        return gettext("Give the webhook's host name (such as hooks.slack.com), not a numeric address.")
    if port not in (None, WEBHOOK_PORT):
        return gettext("The webhook must use the usual https port (443).")
    if not host_allowed(host):
        return gettext("Webhooks can only post to %(hosts)s.") % {"hosts": ", ".join(settings.WEBHOOK_ALLOWED_HOSTS)}
    return None


def host_allowed(host: str) -> bool:
    """On WEBHOOK_ALLOWED_HOSTS: the name itself, a ".name" entry (the name and its
    subdomains, as in ALLOWED_HOSTS) or "*" (any host; only public addresses are posted to)."""
    host = host.lower()
    for entry in (entry.lower() for entry in settings.WEBHOOK_ALLOWED_HOSTS):
        if entry == "*" or host == entry or (entry.startswith(".") and (host == entry[1:] or host.endswith(entry))):
            return True
    return False


def _numeric_address(host: str) -> str | None:
    """The address a host written as a number stands for, in any of the forms a resolver
    accepts (127.0.0.1, [::1], 127.1, 2130706433, 0x7f000001), or None for a name."""
    try:
        return str(ipaddress.ip_address(host))
    except ValueError:
        pass
    try:
        return socket.inet_ntoa(socket.inet_aton(host))
    except OSError:
        return None


def public_addresses(host: str) -> list[str]:
    """Resolve `host` once: its addresses, every one public, or WebhookRefused naming the
    first that is not (a public name may point at this machine or its network).
    A name that does not resolve raises OSError, for the task to try again."""
    found = socket.getaddrinfo(host, WEBHOOK_PORT, type=socket.SOCK_STREAM)
    addresses = list(dict.fromkeys(info[4][0] for info in found))
    for address in addresses:
        if not address_is_public(address):
            raise WebhookRefused(f"{host} resolves to {address}. {PRIVATE_ADDRESS}")
    return addresses


# --- Posting --------------------------------------------------------------------


class _CheckedAddressConnection(http.client.HTTPSConnection):
    """HTTPS to addresses already checked: the TCP connection goes to one of them, while
    SNI and the certificate's check use the host name, as for any https request."""

    def __init__(self, host: str, *, addresses: list[str], context: ssl.SSLContext):
        super().__init__(host, WEBHOOK_PORT, timeout=WEBHOOK_TIMEOUT, context=context)
        self.addresses = addresses
        self.tls = context

    def connect(self):
        error = OSError(f"No address to connect to for {self.host}")
        for address in self.addresses:
            try:
                sock = socket.create_connection((address, self.port), self.timeout)
                break
            except OSError as failure:
                error = failure
        else:
            raise error
        try:
            self.sock = self.tls.wrap_socket(sock, server_hostname=self.host)
        except BaseException:
            sock.close()
            raise


def webhook_payload(url: str, text: str) -> dict:
    """Discord's own JSON for a Discord webhook (mentions such as @everyone in a title
    stay text); Slack's for the rest, and for Discord's Slack-compatible /slack address."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    discord = any(host == name or host.endswith("." + name) for name in DISCORD_HOSTS)
    if discord and not parts.path.rstrip("/").endswith("/slack"):
        return {"content": text, "allowed_mentions": {"parse": []}}
    # Slack reads <...> as links and mentions (<!channel>): its docs ask for these three escaped.
    return {"text": text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")}


def post_json(url: str, payload: dict) -> int:
    """POST `payload` to `url` if webhook_url_problem allows it, to a checked public address,
    without following redirects; the status when the post was taken (2xx).
    WebhookRefused for a refused address, a redirect or a 4xx other than 429 (kept
    refusing); WebhookUnavailable for 429 and 5xx, OSError for timeouts, DNS and TLS
    failures and HTTPException for broken answers (worth trying again)."""
    problem = webhook_url_problem(url)
    if problem:
        raise WebhookRefused(problem)
    parts = urlsplit(url.strip())
    connection = _CheckedAddressConnection(
        parts.hostname, addresses=public_addresses(parts.hostname), context=ssl.create_default_context()
    )
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    headers = {"Content-Type": "application/json", "User-Agent": f"{settings.SOCIETY_NAME} webhook"}
    try:
        connection.request("POST", path, body=json.dumps(payload).encode(), headers=headers)
        response = connection.getresponse()
        response.read(64 * 1024)
    finally:
        connection.close()
    if 200 <= response.status < 300:
        return response.status
    if response.status == 429 or response.status >= 500:
        raise WebhookUnavailable(f"The webhook answered {response.status} {response.reason}.")
    if 300 <= response.status < 400:
        raise WebhookRefused(f"The webhook answered with a redirect ({response.status}), which is not followed.")
    raise WebhookRefused(f"The webhook refused the post: {response.status} {response.reason}.")


def post_to_webhook(*, event: Event, change: str) -> bool:
    """Tell the committee's webhook about `event`; False when none is set.
    Raises as post_json does (WebhookRefused is for good; the rest, the task retries)."""
    url = ConsoleSettings.load().webhook_url
    if not url:
        return False
    post_json(url, webhook_payload(url, webhook_text(event=event, change=change)))
    return True


def set_webhook_url(*, url: str, by) -> ConsoleSettings:
    """The committee points the webhook elsewhere (or turns it off with an empty URL).
    An address webhook_url_problem refuses raises WebhookRefused, and nothing changes."""
    problem = url and webhook_url_problem(url)
    if problem:
        raise WebhookRefused(problem)
    with transaction.atomic():
        console_settings = ConsoleSettings.objects.select_for_update().get(pk=ConsoleSettings.load().pk)
        console_settings.webhook_url = url
        console_settings.save(update_fields=["webhook_url", "updated_at"])
        record_action(actor=by, action="changed settings", detail="webhook " + ("set" if url else "turned off"))
    return console_settings

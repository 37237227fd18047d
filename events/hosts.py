"""Who hosts an event: the one answer to "may this member run this event?".

A host (models.EventHost) is a member who runs one event without being on the
committee. Their rights to it last from the moment they are made host until
`settings.HOST_RIGHTS_DAYS` after the event ends, for materials and feedback.
The committee may do everything a host may, on every event. Views ask
`may_run(user, event)`; the console's event pages say which of them admit hosts
(events.views.manage.access.event_team_required).
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from members.permissions import is_committee
from society.hooks import MeCard

from .models import Event, EventHost


def rights_end(event: Event) -> datetime:
    """When a host's rights to `event` end."""
    return event.ends_at + timedelta(days=settings.HOST_RIGHTS_DAYS)


def is_host(user, event: Event, *, now: datetime | None = None) -> bool:
    """True when `user` hosts `event` and their rights to it have not ended (one query,
    remembered on the event for the request)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if (now or timezone.now()) >= rights_end(event):
        return False
    remembered = getattr(event, "_hosts_ids", None)
    if remembered is None:
        remembered = event._hosts_ids = set(EventHost.objects.filter(event=event).values_list("user_id", flat=True))
    return user.pk in remembered


def first_name(name: str) -> str:
    """What a host sees of someone registered: the first word of their name ("" when
    they gave none), never their surname or email."""
    words = name.split()
    return words[0] if words else ""


def may_run(user, event: Event, *, now: datetime | None = None) -> bool:
    """True for the committee, and for a host of `event` while their rights last."""
    return is_committee(user) or is_host(user, event, now=now)


def hosted_by(user, *, now: datetime | None = None) -> QuerySet[Event]:
    """The events `user` may still run as a host, soonest first (cancelled ones left out)."""
    since = (now or timezone.now()) - timedelta(days=settings.HOST_RIGHTS_DAYS)
    return (
        Event.objects.filter(hosts__user=user, ends_at__gt=since)
        .exclude(status=Event.Status.CANCELLED)
        .order_by("starts_at", "pk")
    )


def led_by(user) -> QuerySet[Event]:
    """Every event `user` hosted that took place (published, over), newest first: the
    sessions they led, for their record."""
    return Event.objects.filter(hosts__user=user, status=Event.Status.PUBLISHED, ends_at__lte=timezone.now()).order_by(
        "-starts_at", "-pk"
    )


def hosting_card(user) -> MeCard | None:
    """The card on the member's /me/ page (society.hooks.ME_CARDS) when they host events
    now: how many, and the way to them (one query)."""
    count = hosted_by(user).count()
    if not count:
        return None
    text = ngettext(
        "You host %(count)d event: edit it, upload its materials, check people in, read its feedback.",
        "You host %(count)d events: edit them, upload their materials, check people in, read their feedback.",
        count,
    ) % {"count": count}
    return MeCard(_("Events you host"), text, reverse("events:my_hosting"), _("See the events you host"), order=10)

"""Pages' requests per second beside a bare Django view's, under gunicorn (4 workers) on
PostgreSQL and Redis (issue #15, item 5): the home page, an event page, /workshops/, a
series page and /about/ for a visitor (no cookie); the same pages, My events and a ticket
for a logged-in member. Every response is read and checked: 200 and the page itself.

The data is the demo society (manage.py load_demo) with guest talks added up to 30
upcoming events. Own database: BENCH_DATABASE_URL, default society_bench_pages.

    python bench/pages.py [--only anonymous|member]

Only loopback traffic; every loop is bounded."""

import argparse
import os
import sys
from dataclasses import dataclass, replace
from datetime import timedelta
from io import StringIO

os.environ.setdefault("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/society_bench_pages")

from harness import Gunicorn, aim_line, get_many, logged_in_session, report, setup_django

UPCOMING = 30  # listed upcoming events, as the events list bench has
REQUESTS = 400  # per page
BARE_REQUESTS = 1600
CLIENTS = 8
# Issue #15's aims: each page's requests per second at least this share of the bare view's.
ANONYMOUS_AIM = 0.5
MEMBER_AIM = 0.25
MEMBER = "sam@demo.ac.uk"  # a demo student with registrations; here also a ticket for the talk
TALK = "alignment-research-in-practice"  # a demo guest talk with a confirmed speaker


@dataclass(frozen=True)
class Page:
    label: str
    path: str
    expect: tuple[str, ...]  # in the body of the real page, HTML-escaped


def add_talks(count: int) -> None:
    """`count` more guest talks, one every other evening after the demo's, each with a speaker."""
    from django.utils import timezone

    from events.demo import at, upsert
    from events.models import Event, EventSpeaker, Speaker
    from members.models import User

    committee = User.objects.get(email="mei@demo.ac.uk")
    today = timezone.localtime()
    for n in range(count):
        day = today + timedelta(days=2 * n + 1)
        event = upsert(
            f"guest-talk-{n + 1}",
            topics=["machine-learning"],
            title=f"Guest talk {n + 1}: models in production",
            kind=Event.Kind.TALK,
            summary="A guest speaker, questions, and pizza afterwards.",
            description=f"**Speaker {n + 1}** joins us. Questions welcome throughout; pizza afterwards.",
            starts_at=at(day, 17),
            ends_at=at(day, 18),
            venue="Lecture Theatre 1",
            building="Main Building",
            capacity=120,
            status=Event.Status.PUBLISHED,
            by=committee,
        )
        speaker = Speaker.objects.create(
            name=f"Speaker {n + 1}", affiliation="An ML lab", bio="Builds and ships models.", email=f"s{n}@example.org"
        )
        EventSpeaker.objects.create(event=event, speaker=speaker, invite_status=EventSpeaker.InviteStatus.CONFIRMED)


def arrange() -> tuple[list[Page], list[Page], str]:
    """The demo society, 30 upcoming events, and the member's ticket for the talk: the
    visitor's pages, the member's, and the member's session key."""
    from django.core.management import call_command
    from django.urls import reverse
    from django.utils.html import escape

    from events import services
    from events.models import Event
    from members.demo import COMMITTEE
    from members.models import User
    from workshops.demo import SERIES_SLUG
    from workshops.models import WorkshopSeries

    call_command("collectstatic", interactive=False, verbosity=0)
    call_command("load_demo", force=True, stdout=StringIO())
    add_talks(UPCOMING - Event.objects.listed().upcoming().count())
    member = User.objects.get(email=MEMBER)
    talk = Event.objects.get(slug=TALK)
    ticket, _ = services.register(event=talk, user=member)
    series = WorkshopSeries.objects.get(slug=SERIES_SLUG)
    next_event = Event.objects.listed().upcoming().first()
    speaker = talk.speakers.get()
    pages = [
        Page("/ (home)", "/", (escape(next_event.title),)),
        Page("/events/<talk>/ (with its speaker)", talk.get_absolute_url(), (escape(talk.title), escape(speaker.name))),
        Page("/workshops/", reverse("workshops:list"), (escape(series.name),)),
        Page("/workshops/<series>/", series.get_absolute_url(), (escape(series.name),)),
        Page("/about/", reverse("members:about"), (escape(COMMITTEE[0][1]),)),
    ]
    # The navigation bar tells a visitor's page from a member's.
    logged_out = f'href="{reverse("account_login")}"'
    logged_in = f'action="{reverse("account_logout")}"'
    visitor = [replace(page, expect=(*page.expect, logged_out)) for page in pages]
    members = [replace(page, expect=(*page.expect, logged_in)) for page in pages] + [
        Page("/me/events/", reverse("events:my_events"), (escape(talk.title), logged_in)),
        Page("/me/tickets/<token>/ (the talk)", ticket.get_absolute_url(), (escape(talk.title), logged_in)),
    ]
    return visitor, members, logged_in_session(member)


def measure(server: Gunicorn, title: str, pages: list[Page], *, aim: float, session: str | None = None) -> bool:
    """Each page's requests per second beside the bare view's (measured just before,
    without a cookie), and its aim; False when some responses were not the page."""
    headers = {"Cookie": f"sessionid={session}"} if session else None
    bare = get_many(server, "/bench/bare/", requests=BARE_REQUESTS, clients=CLIENTS)
    runs = [
        (page, get_many(server, page.path, requests=REQUESTS, clients=CLIENTS, headers=headers, expect=page.expect))
        for page in pages
    ]
    report(
        f"{title}: {REQUESTS:,} GETs a page ({BARE_REQUESTS:,} of the bare view) from {CLIENTS} clients",
        [
            ("bare Django view, same server and middleware", bare.seconds, bare.requests),
            *((page.label, gets.seconds, gets.requests) for page, gets in runs),
        ],
        aim=None,
    )
    for page, gets in runs:
        share = gets.per_second / bare.per_second
        figure = f"{page.label} {share:.2f}x the bare view's requests per second"
        if gets.wrong:
            wrong = "; ".join(f"{what} ({count})" for what, count in gets.wrong.items())
            figure += f", but {gets.wrong.total()} of {gets.requests} responses were not the page: {wrong}"
        print(aim_line(figure, f">= {aim:g}x", share >= aim and not gets.wrong))
    return not any(gets.wrong for _, gets in runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", choices=["anonymous", "member"], help="measure one persona's pages")
    only = parser.parse_args().only
    setup_django()
    visitor, members, session = arrange()
    upcoming = f"{UPCOMING} upcoming events"
    server = Gunicorn()
    try:
        right = True
        if only in (None, "anonymous"):
            right &= measure(server, f"a visitor's pages ({upcoming})", visitor, aim=ANONYMOUS_AIM)
        if only in (None, "member"):
            title = f"a member's pages, logged in ({upcoming})"
            right &= measure(server, title, members, aim=MEMBER_AIM, session=session)
    finally:
        server.stop()
    if not right:
        sys.exit("bench: some pages answered something other than the page (see above)")


if __name__ == "__main__":
    main()

"""Named contributions apps make to pages and emails that other apps (or the project) render.

An app offers what it adds in its AppConfig.ready(), under its own label:

    hooks.register("workshops", hooks.CONSOLE_EVENT_TABS, "materials",
                   hooks.Link("Materials", "workshops:manage_event_materials", order=1))

and the page asks for a hook's contributions: `contributions(hook)` or, for
links, `links(hook, **url_kwargs)` (templates: `{% hook_links %}` in the
`society_hooks` library). Only the apps installed now count, so an app taken
out of INSTALLED_APPS takes its links and columns with it, even where its
ready() ran earlier in the same process (tests that override INSTALLED_APPS).
Nobody imports the app that contributes: dependencies keep flowing one way.

Contributions are plain values made once at start-up: nothing in them touches
the database, so a page costs the same queries with or without them. The
exceptions are functions offered to MEMBER_ATTENDANCE, NEW_YEAR_CHECKLIST and
ME_CARDS, called when a page is drawn, each with a fixed number of queries.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

# The hooks, and what each contribution is.
MAIN_NAV = "main_nav"  # Link: the site's main navigation, for everyone
COMMITTEE_NAV = "committee_nav"  # Link: the main navigation, for the committee only
ACCOUNT_NAV = "account_nav"  # Link: beside "Log out", for people logged in
FOOTER_NAV = "footer_nav"  # Link: the footer of every page
CONSOLE_NAV = "console_nav"  # Link: the console's links to its sections
CONSOLE_EVENT_TABS = "console_event_tabs"  # Link, reversed with slug=: an event's console tabs
RECORD_LINKS = "record_links"  # Link: what a member can do with their participation record, on its page
EVENT_MATERIALS = "event_materials"  # Link, reversed with slug=: where an event's materials are
EVENT_FEEDBACK_MORE = "event_feedback_more"  # Link, reversed with slug=: fuller feedback after a rating
MEMBER_ATTENDANCE = "member_attendance"  # () -> expression: events each user (OuterRef "pk") attended
ANNOUNCEMENT_AUDIENCES = "announcement_audiences"  # Audience: whom the committee can write to
FIGURES_TABLES = "figures_tables"  # FiguresTable: a table of the console's figures, downloadable as <name>.csv
SERIES_LINKS = "series_links"  # SeriesLink: what the drafts of a new weekly series can join
ACTION_LOG = "action_log"  # (actor=, action=, detail=) -> None: writes the committee's action log
NEW_YEAR_CHECKLIST = "new_year_checklist"  # (today=date) -> list[ChecklistItem]: the console's start-of-year list
STORAGES = "storages"  # () -> Storage: where an app keeps files of its own, probed by /healthz, backed up
PAGE_CLOCK = "page_clock"  # (now) -> datetime | None: the next moment the app's public pages change by themselves
ME_CARDS = "me_cards"  # (user) -> MeCard | None: a card on the member's /me/ page, made when it is drawn (one query)

# hook -> contribution name -> (app label, contribution)
_registry: dict[str, dict[str, tuple[str, Any]]] = {}


@dataclass(frozen=True)
class Link:
    """A link an app puts on someone else's page, by URL name."""

    label: str
    url_name: str
    order: int = 0  # among the links of one hook, lowest first
    section: bool = False  # active on every page under its URL, not only on that page
    hosts: bool = False  # CONSOLE_EVENT_TABS: the page admits the event's hosts too (event_team_required)


@dataclass(frozen=True)
class Audience:
    """People an announcement can go to, offered by the app that knows them: one of
    the things `choices()` lists (a series, a study group), by its id.

    `choices()` gives (id, name) pairs to pick from; `recipients(id)` the users
    (a queryset of the user model) in that audience, inactive accounts left out;
    `describe(id)` says in words who they are ("Attended a session of Intro to ML")."""

    label: str
    choices: Callable[[], list[tuple[int, str]]]
    recipients: Callable[[int], Any]
    describe: Callable[[int], str]
    order: int = 0


@dataclass(frozen=True)
class MeCard:
    """A card an app adds to the member's own page (/me/), made for that member when the
    page is drawn (by a function an app offers, which may read the database once)."""

    title: str
    text: str
    url: str
    link_label: str
    order: int = 0


@dataclass(frozen=True)
class ChecklistItem:
    """A step of the console's new-year checklist: where to do it, and whether it is done.
    Made when the page is drawn (by a function an app offers), so it may read the database."""

    label: str
    url: str
    done: bool
    detail: str = ""
    order: int = 0


@dataclass(frozen=True)
class FiguresTable:
    """A table an app adds to the console's figures page for a period.

    `rows(events, period)` is given the period's events (a QuerySet of past, published
    events) and the period (members.terms.Period); it answers the rows, one cell per
    column of `header`, in a fixed number of queries.
    """

    title: str
    header: tuple[str, ...]
    rows: Callable[[Any, Any], list[tuple]]
    order: int = 0


@dataclass(frozen=True)
class SeriesLink:
    """Something another app lets a new weekly series join (a workshop series): the
    series form offers `choices()` under `label`; the series' service calls
    `attach(events=..., value=..., by=...)` inside its transaction with the drafts
    created and the value chosen (it raises events' RegistrationError to refuse)."""

    label: str
    choices: Callable[[], list[tuple[str, str]]]  # (value, what the committee reads), read when the form is drawn
    attach: Callable[..., None]


@dataclass(frozen=True)
class ShownLink:
    """A Link as a page shows it: reversed, and whether it is the page being shown."""

    name: str
    label: str
    url: str
    active: bool
    hosts: bool = False


def register(app_label: str, hook: str, name: str, contribution: Any) -> None:
    """Offer `contribution` to `hook` under `name`, on behalf of the app `app_label`.

    Call it from the app's AppConfig.ready(). Registering the same name again
    from the same app replaces it (ready() runs again whenever INSTALLED_APPS
    changes); two apps may not claim one name.
    """
    offered = _registry.setdefault(hook, {})
    owner = offered.get(name, (app_label, None))[0]
    if owner != app_label:
        raise ImproperlyConfigured(f"{app_label} and {owner} both offer {name!r} to the hook {hook!r}.")
    offered[name] = (app_label, contribution)


def contributions(hook: str) -> dict[str, Any]:
    """Name -> contribution for `hook`, from the apps installed now, in INSTALLED_APPS order."""
    offered = _registry.get(hook, {})
    return {
        name: value
        for config in apps.get_app_configs()
        for name, (owner, value) in offered.items()
        if owner == config.label
    }


def links(hook: str, *, path: str = "", **url_kwargs: Any) -> list[ShownLink]:
    """The Links offered to `hook`, lowest `order` first, reversed with `url_kwargs`;
    `active` when `path` is the link's page (or a page under it, for a section)."""
    shown = []
    for name, link in sorted(contributions(hook).items(), key=lambda item: item[1].order):
        url = reverse(link.url_name, kwargs=url_kwargs or None)
        active = path.startswith(url) if link.section else path == url
        shown.append(ShownLink(name, link.label, url, active, link.hosts))
    return shown


def link_url(hook: str, **url_kwargs: Any) -> str | None:
    """The URL of the first Link offered to `hook`, or None when no installed app offers one."""
    found = links(hook, **url_kwargs)
    return found[0].url if found else None


def log_action(*, actor, action: str, detail: str = "") -> None:
    """Write the committee's action log through whichever installed app keeps it
    (events does), for apps that may not import it; inside the caller's transaction."""
    for record in contributions(ACTION_LOG).values():
        record(actor=actor, action=action, detail=detail)

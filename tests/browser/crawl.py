"""The accessibility crawl's tools: which pages it opens, as whom, and the checks it
runs on each (tests/browser/test_accessibility.py).

- axe-core (from axe-playwright-python, injected by the test, never served by the site);
- the Nu HTML checker (vnu.jar, from the npm registry's vnu-jar package, fetched into
  var/ by .ci/run) as a local HTTP service, one per test worker;
- in Chinese, no English sentence from the catalogues in the visible text;
- at 360 px wide, nothing wider than the screen.
"""

import json
import re
import shutil
import socket
import subprocess
import time
import urllib.request
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from society import catalogues
from tests.test_url_audience import AUDIENCE, EXPECTED, HOST

ROOT = Path(__file__).resolve().parents[2]
# Pinned; .ci/run downloads the same version to the same place.
VNU_VERSION = "26.9.27"
VNU_JAR = ROOT / "var" / f"vnu-jar-{VNU_VERSION}" / "vnu.jar"

PERSONAS = ("visitor", "member", "host", "committee", "admin")
LANGUAGES = ("en-gb", "zh-hans")
PHONE_WIDTH = 360

# Answers that are not pages (calendars, CSV, JSON, downloads): nothing to read.
NOT_HTML = {
    "favicon",
    "healthz",
    "events:calendar_feed",
    "events:event_ics",
    "events:draw_json",
    "events:my_calendar",
    "events:manage_figures_csv",
    "events:manage_registrations_csv",
    "members:directory_export",
    "members:export_data",
    "members:person_search",
    "workshops:material_download",
    "credentials:keys",
    "credentials:download",
    "credentials:snapshot_pdf",
}

# axe-core rules that do not apply to one page, each with the reason.
AXE_EXCEPTIONS = {
    "events:manage_projector": {
        # The projector's screen, shown in the room and touched by nobody, reloads itself
        # for the next check-in code: a real-time event (WCAG 2.2.1's exception).
        "meta-refresh": "the room's screen rotates the self check-in code",
    },
}

# English that a Chinese page shows on purpose, each with the reason.
ENGLISH_ALLOWED = {
    # An email's subject as it was sent, in its recipient's language (the test's is English).
    "events:manage_emails": {"Your ticket": "an email's subject, as sent"},
    "events:manage_email": {"Your ticket": "an email's subject, as sent"},
    "members:union_upload": {
        "Student number": "the union's CSV headers, named as the file must name them",
    },
}

# Pages served under a CSP `sandbox` (no script runs, not even the test's axe-core): the
# test lifts the sandbox for its own checks, the page's HTML is the same.
SANDBOXED = {"workshops:notebook_frame"}


def lift_sandbox(route) -> None:
    response = route.fetch()
    policy = response.headers.get("content-security-policy", "")
    headers = {**response.headers, "content-security-policy": policy.replace("; sandbox", "")}
    route.fulfill(response=response, headers=headers)


@dataclass(frozen=True)
class CrawlPage:
    """A URL name (AUDIENCE's, or allauth's) and the personas who may open it."""

    name: str
    personas: tuple[str, ...]

    @property
    def entry(self):
        return AUDIENCE.get(self.name)

    def __str__(self) -> str:
        return self.name


# Pages outside AUDIENCE that each persona reaches: allauth's, and what those who may
# not see a page get instead: a redirect to the login page, checked once (the 403 page
# has a test of its own).
OTHER_PAGES = [
    CrawlPage("account_login", ("visitor",)),
    CrawlPage("account_signup", ("visitor",)),
    CrawlPage("account_reset_password", ("visitor",)),
    CrawlPage("account_email", ("member",)),
    CrawlPage("account_change_password", ("member",)),
    CrawlPage("mfa_index", ("committee",)),
]


# Pages the committee sees differently from members (more than the navigation): opened
# as the committee too. Elsewhere a page for everyone, or for members, is opened by the
# fewest personas that tell its versions apart: the committee's differs only by the
# navigation's "Manage" link, which every committee page shows and checks.
COMMITTEE_SEES_MORE = {
    "events:check_in",  # the ticket's holder, for the door
    "events:detail",  # drafts, the console's links
    "workshops:event_materials",  # materials not yet released
    "workshops:series",
}


def personas_of(audience: str, name: str = "") -> tuple[str, ...]:
    """Who opens page `name` of `audience`: everyone it lets in, except that the admin
    opens none (an admin is on the committee, and the admin's own pages are the Django
    admin's), a committee page is opened by the committee only, and a page for members
    or everyone by the committee only when it shows them more (COMMITTEE_SEES_MORE). The
    host opens only the host's pages, as does the committee (their versions differ); elsewhere
    a host sees what a member sees."""
    let_in = tuple(
        persona
        for persona in PERSONAS
        if EXPECTED[audience][persona] == 200 and persona != "admin" and (persona != "host" or audience == HOST)
    )
    if audience == "committee":
        return ("committee",)
    if audience == HOST:
        return let_in
    if name in COMMITTEE_SEES_MORE:
        return let_in
    return tuple(persona for persona in let_in if persona != "committee") or let_in


def crawl_pages() -> list[CrawlPage]:
    """Every GET page of the URL audience table, with the personas who open it."""
    pages = [
        CrawlPage(name, personas_of(entry.audience, name))
        for name, entry in sorted(AUDIENCE.items())
        if not entry.post_only and name not in NOT_HTML
    ]
    return pages + OTHER_PAGES


@dataclass(frozen=True)
class CrawlBatch:
    """A few pages opened by one test, in turn, as each persona they let in: the live
    server's database is emptied after every test (about two seconds), so a test per
    page would spend more on that than on the pages."""

    pages: tuple[CrawlPage, ...]

    def __str__(self) -> str:
        return f"{self.pages[0]}..{self.pages[-1]}"


def crawl_batches(size: int = 8) -> list[CrawlBatch]:
    pages = crawl_pages()
    return [CrawlBatch(tuple(pages[start : start + size])) for start in range(0, len(pages), size)]


# --- The Nu HTML checker ------------------------------------------------------------


# htmx's hx-* attributes (hx-get, hx-target…) are not HTML's: the checker names each one;
# they are the project's chosen way of drawing partial pages, so they are not errors here.
HTMX_ATTRIBUTE = re.compile(r"^Attribute \u201chx-[a-z-]+\u201d not allowed on element")


class Vnu:
    """vnu.jar's HTTP service on a free local port, for one test worker."""

    def __init__(self, jar: Path = VNU_JAR):
        self.jar = jar
        self.process = None
        self.port = None

    def start(self) -> "Vnu":
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        self.process = subprocess.Popen(
            [
                shutil.which("java"),
                "-Xss1024k",
                "-Dnu.validator.servlet.bind-address=127.0.0.1",
                "-cp",
                str(self.jar),
                "nu.validator.servlet.Main",
                str(self.port),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 90
        while True:
            try:
                self.check("<!doctype html><html lang=en><title>up?</title>")
                return self
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError(f"the Nu HTML checker did not start ({self.jar})") from None
                time.sleep(0.5)

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)

    def check(self, html: str) -> list[dict]:
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.port}/?out=json",
            data=html.encode(),
            headers={"Content-Type": "text/html; charset=utf-8"},
        )
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 (our own http URL)
            return json.load(response)["messages"]

    def errors(self, html: str) -> list[str]:
        return [
            f"line {m.get('lastLine')}: {m['message']} [{m.get('extract', '').strip()}]"
            for m in self.check(html)
            if m["type"] in ("error", "non-document-error") and not HTMX_ATTRIBUTE.search(m["message"])
        ]


# --- English left in a Chinese page -------------------------------------------------

_PLACEHOLDER = re.compile(r"%\(\w+\)[#0\- +]*\d*(?:\.\d+)?[sdifr]|%[sdifr]|\{\w*\}|<[^>]*>|&\w+;")
_WORD = re.compile(r"[A-Za-z]+(?:'[A-Za-z]+)?")


def phrase_pattern(msgid: str) -> tuple[str, re.Pattern] | None:
    """A pattern finding `msgid` in a page's text (placeholders and tags as wildcards),
    with its longest literal piece to look for first; None when it is no phrase."""
    pieces = [" ".join(piece.split()) for piece in _PLACEHOLDER.split(msgid)]
    pieces = [piece for piece in pieces if piece.strip(" .,:;!?()·\u2013\u2014-")]
    # A phrase has two English words side by side somewhere ("%(a)s to %(b)s" is none).
    if not any(len(_WORD.findall(piece)) >= 2 for piece in pieces):
        return None
    body = r"[^\n]{0,120}?".join(r"\s+".join(re.escape(word) for word in piece.split()) for piece in pieces)
    longest = max(pieces, key=len).strip()
    # As written: "study groups read papers" in an About text is not the heading "Study groups".
    return longest, re.compile(rf"(?<![A-Za-z]){body}(?![A-Za-z])")


@cache
def english_phrases() -> tuple[tuple[str, str, re.Pattern], ...]:
    """(msgid, a literal to look for first, its pattern) of every catalogue entry that is
    a phrase of two words or more, and whose translation is not the English itself."""
    phrases = {}
    for path in catalogues.catalogue_files():
        for message in catalogues.read(path):
            if not message.id:
                continue
            ids = message.id if isinstance(message.id, tuple) else (message.id,)
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            for msgid in ids:
                if msgid in strings:
                    continue
                if (found := phrase_pattern(msgid)) is not None:
                    phrases[msgid] = (msgid, *found)
    return tuple(phrases.values())


def english_in(text: str) -> list[str]:
    """The catalogue's English sentences and phrases found in `text`."""
    text = " ".join(text.split())
    return [msgid for msgid, literal, pattern in english_phrases() if literal in text and pattern.search(text)]


# --- In the browser -----------------------------------------------------------------

WIDEST_ELEMENT = """(limit) => {
  let widest = null;
  const clipped = (element) => {  // inside a box that scrolls or clips sideways: not the page's width
    for (let parent = element.parentElement; parent && parent !== document.body; parent = parent.parentElement) {
      if (["auto", "scroll", "hidden", "clip"].includes(getComputedStyle(parent).overflowX)) return true;
    }
    return false;
  };
  for (const element of document.body.querySelectorAll("*")) {
    const right = element.getBoundingClientRect().right;
    if (right > limit + 0.5 && clipped(element)) continue;
    if (right > limit + 0.5 && (!widest || right > widest.right)) {
      widest = {right, tag: element.tagName.toLowerCase(), id: element.id, classes: element.className.toString(),
                text: (element.innerText || "").slice(0, 60)};
    }
  }
  return {scrollWidth: document.documentElement.scrollWidth, widest};
}"""


def axe_problems(results: dict) -> list[str]:
    """The serious and critical violations of an axe-core run, one line per element."""
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']}: {node['target']}"
        f" {node.get('failureSummary', '')}"
        for violation in results["violations"]
        if violation["impact"] in ("serious", "critical")
        for node in violation["nodes"]
    ]

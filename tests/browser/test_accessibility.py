"""Every page of the URL audience table, as the personas it lets in (crawl.personas_of), in both languages,
opened once in Chromium and checked four ways (tests/browser/crawl.py):

- axe-core finds no serious or critical violation (WCAG 2.2 A/AA and best practice);
- the Nu HTML checker finds no error in the HTML as served;
- in Chinese, no English sentence of the catalogues shows (people's content aside);
- at 360 px wide nothing is wider than the screen.

The pages are parameters in batches of eight (crawl.CrawlBatch), so that pytest-xdist
spreads them over the workers without a database reset per page.
"""

import shutil
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.test import Client
from django.urls import resolve, reverse
from playwright.sync_api import Page, expect

from tests.browser import crawl
from tests.factories import UserFactory
from tests.logins import log_in
from tests.test_url_audience import make_host

PERSONA_FIXTURES = {"member": "member", "host": "host_member", "committee": "committee_member", "admin": "admin_user"}
# Frames are checked at their own URL: axe would wait a minute for a sandboxed frame's answer.
AXE_RULES = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]},
    "iframes": False,
}
DESKTOP = {"width": 1280, "height": 800}


@pytest.fixture(scope="session")
def vnu():
    """The Nu HTML checker, one service per test worker (a Java start takes seconds)."""
    if shutil.which("java") is None:
        pytest.skip("needs Java for the Nu HTML checker (apt-get install default-jre-headless)")
    if not crawl.VNU_JAR.exists():
        pytest.skip(f"needs {crawl.VNU_JAR.relative_to(crawl.ROOT)} (`make test` downloads it)")
    checker = crawl.Vnu().start()
    yield checker
    checker.stop()


@pytest.fixture(scope="session")
def axe():
    return Axe()


def open_as(page: Page, live_server, request, persona: str, language: str):
    """The browser of `persona` (logged in as people do, with a second factor for the
    committee and the admin), reading in `language`; returns their user (None for a visitor)."""
    user = request.getfixturevalue(PERSONA_FIXTURES[persona]) if persona in PERSONA_FIXTURES else None
    cookies = [{"name": "django_language", "value": language, "url": live_server.url}]
    if user is not None:
        client = Client()
        log_in(client, user)
        cookies.append({"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url})
    page.context.clear_cookies()
    page.context.add_cookies(cookies)
    return user


def url_of(name: str, user) -> str:
    entry = crawl.AUDIENCE.get(name)
    if entry is None:
        return reverse(name)
    return reverse(name, kwargs=entry.kwargs(user or UserFactory()) if entry.owned else entry.kwargs())


def problems_of(page: Page, response, language: str, vnu, axe, name: str = "") -> dict[str, list]:
    """What the four checks find on the page just opened (at desktop width)."""
    problems = {}
    options = {**AXE_RULES, "rules": {rule: {"enabled": False} for rule in crawl.AXE_EXCEPTIONS.get(name, {})}}
    if found := crawl.axe_problems(axe.run(page, options=options).response):
        problems["axe-core"] = found
    if found := vnu.errors(response.text()):
        problems["Nu HTML checker"] = found
    page.set_viewport_size({"width": crawl.PHONE_WIDTH, "height": 800})
    overflow = page.evaluate(crawl.WIDEST_ELEMENT, crawl.PHONE_WIDTH)
    if overflow["scrollWidth"] > crawl.PHONE_WIDTH:
        problems[f"wider than {crawl.PHONE_WIDTH} px"] = [overflow]
    if language == "zh-hans":
        allowed = crawl.ENGLISH_ALLOWED.get(name, {})
        if found := [
            text for text in crawl.english_in(page.evaluate("document.body.innerText")) if text not in allowed
        ]:
            problems["English in the Chinese page"] = found
    return problems


def report(url: str, persona: str, language: str, problems: dict) -> str:
    return f"{url} as {persona} in {language}:" + "".join(
        f"\n{check}:\n  " + "\n  ".join(map(str, found)) for check, found in problems.items()
    )


@pytest.mark.parametrize("language", crawl.LANGUAGES)
@pytest.mark.parametrize("batch", crawl.crawl_batches(), ids=str)
def test_pages_are_accessible_valid_translated_and_fit_a_phone(
    page: Page, live_server, request, vnu, axe, batch, language
):
    failures = []
    for visit in batch.pages:
        failures += failures_of(page, live_server, request, vnu, axe, visit, language)
    assert failures == [], "\n\n".join(failures)


def failures_of(page: Page, live_server, request, vnu, axe, visit, language) -> list[str]:
    """What the checks find on one page opened as each persona it lets in."""
    failures = []
    shared_url = None  # a page that belongs to nobody is the same page for everyone
    for persona in visit.personas:
        user = open_as(page, live_server, request, persona, language)
        owned = visit.entry is not None and visit.entry.owned
        url = url_of(visit.name, user) if owned or shared_url is None else shared_url
        shared_url = shared_url or url
        if persona == "host":  # the host of the event the page is about (the URL audience table's make_host)
            make_host(user, resolve(url).kwargs)
        page.set_viewport_size(DESKTOP)
        if visit.name in crawl.SANDBOXED:
            page.route(live_server.url + url, crawl.lift_sandbox)

        response = page.goto(live_server.url + url)

        if response.status != 200 or urlsplit(page.url).path != url:
            failures.append(f"{url} as {persona}: {response.status} at {page.url}")
        elif not response.headers["content-type"].startswith("text/html"):
            failures.append(f"{url} is not HTML: add it to NOT_HTML")
        elif problems := problems_of(page, response, language, vnu, axe, visit.name):
            failures.append(report(url, persona, language, problems))
        if visit.name in crawl.SANDBOXED:
            page.unroute(live_server.url + url)
    return failures


@pytest.mark.parametrize("language", crawl.LANGUAGES)
def test_forbidden_page_is_accessible_valid_translated_and_fits_a_phone(
    context, live_server, request, vnu, axe, language
):
    """A member on a committee page gets the 403 page (`context`, not the `page` fixture,
    which fails on any error status)."""
    page = context.new_page()
    open_as(page, live_server, request, "member", language)
    url = reverse("events:manage")
    page.set_viewport_size(DESKTOP)

    response = page.goto(live_server.url + url)

    assert response.status == 403
    problems = problems_of(page, response, language, vnu, axe)
    assert problems == {}, report(url, "member", language, problems)


def test_english_check_reads_placeholders_and_tags_as_wildcards_and_skips_single_words():
    _, pattern = crawl.phrase_pattern("Your place at %(title)s is <strong>cancelled</strong>.")

    assert pattern.search("报名 Your place at Transformers from scratch is cancelled. 退订")
    assert crawl.phrase_pattern("%(count)s events") is None
    assert crawl.phrase_pattern("Events") is None
    assert crawl.english_in("© 2026 AI Society · run by students, for students") == ["run by students, for students"]
    assert crawl.english_in("活动 Events · About · 关于 Zara Quinn") == []


def test_layout_reads_in_chinese_and_the_english_check_tells_the_languages_apart(page: Page, live_server):
    page.context.add_cookies([{"name": "django_language", "value": "zh-hans", "url": live_server.url}])
    page.goto(live_server.url + reverse("members:about"))

    expect(page.get_by_role("link", name="跳到正文")).to_be_attached()
    expect(page.get_by_role("navigation", name="主导航").get_by_role("link", name="登录")).to_be_visible()
    expect(page.get_by_role("contentinfo")).to_contain_text("由学生运营")
    layout = page.get_by_role("banner").inner_text() + page.get_by_role("contentinfo").inner_text()
    assert crawl.english_in(layout) == []

    page.context.add_cookies([{"name": "django_language", "value": "en-gb", "url": live_server.url}])
    page.reload()
    layout = page.get_by_role("banner").inner_text() + page.get_by_role("contentinfo").inner_text()
    assert {"Log in", "run by students, for students"} <= set(crawl.english_in(layout))

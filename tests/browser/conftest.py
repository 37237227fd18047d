from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page


@pytest.fixture
def page(page: Page, live_server) -> Page:
    """A page that fails the test on a request to another host, on any request
    answered with an error (a missing stylesheet, a broken script), and on
    anything the Content-Security-Policy refused (an inline style or script)."""
    own_host = urlsplit(live_server.url).netloc
    foreign, failed, refused = [], [], []
    page.on("request", lambda req: urlsplit(req.url).netloc in (own_host, "") or foreign.append(req.url))
    page.on("response", lambda res: res.status < 400 or failed.append(f"{res.status} {res.url}"))
    page.on(
        "console",
        lambda msg: msg.type == "error" and "Content Security Policy" in msg.text and refused.append(msg.text),
    )
    yield page
    assert foreign == [], f"page requested other hosts: {foreign}"
    assert failed == [], f"requests failed: {failed}"
    assert refused == [], f"the CSP refused: {refused}"

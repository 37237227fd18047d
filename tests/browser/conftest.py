from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page


@pytest.fixture
def page(page: Page, live_server) -> Page:
    """A page that fails the test on a request to another host, or on any
    request answered with an error (a missing stylesheet, a broken script)."""
    own_host = urlsplit(live_server.url).netloc
    foreign, failed = [], []
    page.on("request", lambda req: urlsplit(req.url).netloc in (own_host, "") or foreign.append(req.url))
    page.on("response", lambda res: res.status < 400 or failed.append(f"{res.status} {res.url}"))
    yield page
    assert foreign == [], f"page requested other hosts: {foreign}"
    assert failed == [], f"requests failed: {failed}"

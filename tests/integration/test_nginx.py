"""Through a real nginx running deploy/nginx.conf, in front of two gunicorns with
production settings (DEBUG off, HTTPS required): logging in, per-client rate limits,
material downloads handed to nginx, static files, the upload limit, and uploads that
every web server sees."""

import re
import urllib.request

import pytest
from django.conf import global_settings
from django.db import connection
from django.templatetags.static import static

from members.models import Profile
from tests.factories import TEST_PASSWORD, MaterialFactory, MembershipFactory, UserFactory, image_upload
from tests.integration.nginx import site_behind_nginx
from tests.integration.servers import AS_IF_HTTPS, http_get
from tests.integration.web_client import browser, log_in

pytestmark = pytest.mark.django_db(transaction=True)

TOO_MANY = "Too many failed login attempts. Try again later."
FAILED_LOGINS_ALLOWED = 10  # allauth's "10/m/ip" for failed log-ins
PROFILE = {"name": "Mo Member", "course": "Physics MSci", "year_of_study": "3", "bio": "I like transformers."}


@pytest.fixture(scope="module")
def site(django_db_setup, redis_url, tmp_path_factory):
    """Two web servers behind nginx, on the test database and Redis (the rate limits'
    counters), sharing this module's folders."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: set DATABASE_URL=postgres://...")
    with site_behind_nginx(
        folder=tmp_path_factory.mktemp("nginx"),
        media_root=tmp_path_factory.mktemp("media"),
        private_media_root=tmp_path_factory.mktemp("private"),
    ) as running:
        yield running


@pytest.fixture(autouse=True)
def _as_deployed(_test_settings, settings, site):
    # This process writes where the web servers read, and hashes passwords as they check them.
    settings.MEDIA_ROOT = site.media_root
    settings.PRIVATE_MEDIA_ROOT = site.private_media_root
    settings.PASSWORD_HASHERS = global_settings.PASSWORD_HASHERS


def test_logging_in_through_nginx_works_over_https(site, member):
    client = browser(site)

    page = client.get("/accounts/login/")
    response = log_in(client, email=member.email)
    me = client.get("/me/")

    assert page.status == 200
    assert "secure" in page.headers["Set-Cookie"].lower()  # the app knows it is HTTPS (X-Forwarded-Proto)
    assert (response.status, response.headers["Location"]) == (302, "/")
    assert "sessionid" in client.cookies
    assert me.status == 200
    assert member.name in me.text()


def test_plain_http_is_redirected_to_https(site):
    status, _ = http_get(site.nginx.http_port, "/accounts/login/")
    assert status == 301


def test_rate_limits_count_each_client_behind_nginx_and_a_spoofed_address_does_not_escape(site, member):
    someone = UserFactory(email="someone@uni.ac.uk")
    attacker, neighbour = browser(site), browser(site)
    for n in range(FAILED_LOGINS_ALLOWED):
        failed = log_in(attacker, email=f"nobody{n}@uni.ac.uk", password="wrong")
        assert failed.status == 200
        assert TOO_MANY not in failed.text()

    refused = log_in(attacker, email=someone.email)
    # The attacker writes the neighbour's address into X-Forwarded-For; nginx appends the real one.
    spoofed = attacker.post(
        "/accounts/login/",
        {"login": someone.email, "password": TEST_PASSWORD},
        headers={"X-Forwarded-For": neighbour.source_address},
    )
    let_in = log_in(neighbour, email=member.email)

    assert TOO_MANY in refused.text()
    assert TOO_MANY in spoofed.text()
    assert "sessionid" not in attacker.cookies
    assert let_in.status == 302


def test_a_material_is_sent_by_nginx_after_the_app_checks_who_asks(site, member):
    MembershipFactory(user=member)
    material = MaterialFactory(visibility="members")
    content = (site.private_media_root / material.file.name).read_bytes()
    client = browser(site)
    log_in(client, email=member.email)

    download = client.get(material.download_url)
    resumed = client.get(material.download_url, Range="bytes=10-19")  # nginx's, not the app's
    visitor = browser(site).get(material.download_url)
    direct = browser(site).get(f"/private-materials/{material.file.name}")

    assert download.status == 200
    assert download.body == content  # the app sent no body: nginx read the file
    assert download.headers["Content-Disposition"] == f'attachment; filename="{material.original_name}"'
    assert "X-Accel-Redirect" not in download.headers
    assert download.headers["Cache-Control"].startswith("private")  # never kept by a shared cache
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert (resumed.status, resumed.body) == (206, content[10:20])
    assert (visitor.status, visitor.headers["Location"]) == (302, f"/accounts/login/?next={material.download_url}")
    assert direct.status == 404


def test_static_files_are_served_by_nginx_hashed_ones_cached_for_a_year(site):
    hashed = browser(site).get(static("css/site.css"))
    plain = browser(site).get("/static/css/site.css")

    assert re.search(r"\.[0-9a-f]{12}\.css$", static("css/site.css"))
    assert hashed.status == 200
    assert hashed.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert plain.status == 200
    assert plain.headers["Cache-Control"] == "max-age=3600"


def test_an_oversized_upload_is_refused_by_nginx_with_our_page_and_nothing_stored(site, member):
    client = browser(site)
    log_in(client, email=member.email)
    client.get("/me/profile/")
    too_large = 211 * 1024 * 1024  # client_max_body_size is 210m

    # Only the headers and a first piece are sent: nginx answers from Content-Length.
    connection = client.connection()
    connection.putrequest("POST", "/me/profile/")
    for name, value in {
        **client.cookie_header(),
        "Content-Type": "multipart/form-data; boundary=x",
        "Content-Length": str(too_large),
    }.items():
        connection.putheader(name, value)
    connection.endheaders(b"--x\r\n" + b"\0" * 65536)
    response = connection.getresponse()
    page = response.read().decode()
    connection.close()

    assert response.status == 413
    assert response.headers["Content-Type"] == "text/html"
    assert "This file is too large" in page
    assert list(site.media_root.rglob("*.*")) == []
    assert not Profile.objects.filter(user=member).exclude(avatar="").exists()


def test_a_photo_uploaded_through_one_web_server_is_shown_by_every_one(site, member):
    client = browser(site)
    log_in(client, email=member.email)
    client.get("/me/profile/")
    photo = image_upload(size=(300, 300))
    saved = client.post("/me/profile/", PROFILE, files={"avatar_upload": ("me.png", photo.read(), "image/png")})
    assert (saved.status, saved.headers["Location"]) == (302, "/me/")

    # Each web server directly, as nginx would ask it, whichever one took the upload.
    session = {"Cookie": client.cookie_header()["Cookie"], "Host": "127.0.0.1", **AS_IF_HTTPS}
    pages = [server.get("/me/", headers=session) for server in site.web_servers]
    photo_urls = [re.findall(r'<img class="avatar avatar-md" src="([^"]+)"', body.decode()) for _, body in pages]
    url = photo_urls[0][0]
    served = fetch(site, url)

    assert [status for status, _ in pages] == [200, 200]
    assert photo_urls[0] == photo_urls[1] == [url]
    assert served[:3] == b"\xff\xd8\xff"  # the re-encoded JPEG
    assert served == Profile.objects.get(user=member).avatar.read()


def fetch(site, url: str) -> bytes:
    """A picture as the browser gets it: from nginx (/media/), or from object storage."""
    if url.startswith("/"):
        response = browser(site).get(url)
        assert response.status == 200, url
        return response.body
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 (the test's own storage)
        return response.read()

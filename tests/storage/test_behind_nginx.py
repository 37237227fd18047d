"""Two web servers behind nginx (deploy/nginx.conf) sharing one object store and no
disk: a picture uploaded through one is shown by both, straight from the bucket, and
a material is handed out as a presigned link whoever takes the request."""

import json
import re
import uuid

import pytest
from django.conf import global_settings
from django.db import connection

from members.models import Profile
from tests.factories import MaterialFactory, MembershipFactory, UserFactory, image_upload
from tests.integration.nginx import site_behind_nginx
from tests.integration.servers import AS_IF_HTTPS, http_exchange
from tests.integration.web_client import browser, log_in

from .conftest import Bucket, fetch, public_pictures_policy, use_bucket

pytestmark = pytest.mark.django_db(transaction=True)

PROFILE = {"name": "Sam Student", "course": "Maths BSc", "year_of_study": "2", "bio": ""}


@pytest.fixture(scope="module")
def shared_bucket(s3_endpoint, s3_client):
    made = Bucket(f"society-{uuid.uuid4().hex[:12]}", s3_endpoint, s3_client)
    s3_client.create_bucket(Bucket=made.name)
    s3_client.put_bucket_policy(Bucket=made.name, Policy=json.dumps(public_pictures_policy(made.name)))
    yield made
    made.remove()


@pytest.fixture(scope="module")
def site(django_db_setup, redis_url, tmp_path_factory, shared_bucket):
    """Two gunicorns behind nginx with the S3_* variables set, and empty folders where
    the files would be on disk: nothing may land there."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: set DATABASE_URL=postgres://...")
    with site_behind_nginx(
        folder=tmp_path_factory.mktemp("nginx"),
        media_root=tmp_path_factory.mktemp("media"),
        private_media_root=tmp_path_factory.mktemp("private"),
        env=shared_bucket.env,
    ) as running:
        yield running


@pytest.fixture(autouse=True)
def _as_deployed(_test_settings, settings, monkeypatch, site, shared_bucket):
    # This process stores where the web servers read, and hashes passwords as they check them.
    use_bucket(shared_bucket, settings, monkeypatch)
    settings.PASSWORD_HASHERS = global_settings.PASSWORD_HASHERS


def test_a_photo_uploaded_through_one_web_server_is_shown_by_both_from_the_bucket(site, shared_bucket):
    member = UserFactory()
    client = browser(site)
    log_in(client, email=member.email)
    client.get("/me/profile/")
    photo = image_upload(size=(300, 300))
    saved = client.post("/me/profile/", PROFILE, files={"avatar_upload": ("me.png", photo.read(), "image/png")})

    session = {"Cookie": client.cookie_header()["Cookie"], "Host": "127.0.0.1", **AS_IF_HTTPS}
    pages = [server.get("/me/", headers=session) for server in site.web_servers]
    photo_urls = [re.findall(r'<img class="avatar avatar-md" src="([^"]+)"', body.decode()) for _, body in pages]
    url = photo_urls[0][0]
    served = fetch(url)
    avatar = Profile.objects.get(user=member).avatar

    assert (saved.status, saved.headers["Location"]) == (302, "/me/")
    assert [status for status, _ in pages] == [200, 200]
    assert photo_urls[0] == photo_urls[1] == [url]
    assert url.startswith(f"{shared_bucket.endpoint}/{shared_bucket.name}/media/avatars/")
    assert (served.status, served.body[:3]) == (200, b"\xff\xd8\xff")
    assert served.body == shared_bucket.read(f"media/{avatar.name}")
    assert list(site.media_root.iterdir()) == []  # nothing on the web servers' disk


def test_a_material_is_a_presigned_link_from_either_web_server(site, shared_bucket):
    member = UserFactory()
    MembershipFactory(user=member)
    material = MaterialFactory(visibility="members")
    content = shared_bucket.read(f"private/{material.file.name}")
    client = browser(site)
    log_in(client, email=member.email)
    session = {"Cookie": client.cookie_header()["Cookie"], "Host": "127.0.0.1", **AS_IF_HTTPS}

    through_nginx = client.get(material.download_url)
    links = [through_nginx.headers["Location"]]
    for server in site.web_servers:
        status, headers, _ = http_exchange(server.port, "GET", material.download_url, headers=session)
        assert status == 302
        links.append(headers["Location"])
    visitor = browser(site).get(material.download_url)

    assert through_nginx.status == 302
    assert through_nginx.headers["Cache-Control"] == "private, no-store"
    assert all(link.startswith(f"{shared_bucket.endpoint}/{shared_bucket.name}/private/") for link in links)
    assert [fetch(link).body for link in links] == [content] * 3
    assert fetch(f"{shared_bucket.endpoint}/{shared_bucket.name}/private/{material.file.name}").status == 403
    assert (visitor.status, visitor.headers["Location"]) == (302, f"/accounts/login/?next={material.download_url}")
    assert list(site.private_media_root.iterdir()) == []

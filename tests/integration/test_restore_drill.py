"""The restore drill: a realistic society (the demo, uploaded materials, avatars) is
backed up, restored into a new PostgreSQL database and new storage folders, every
table's row count and every file's checksum compared; then gunicorn serves the
restored copy and a member logs in and downloads their materials, byte for byte."""

import http.client
import os
from io import StringIO
from urllib.parse import urlencode

import pytest
from django.conf import global_settings, settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from events.models import Event
from members.demo import DEMO_PASSWORD, STUDENTS
from members.models import User
from society.backups import database, files
from tests.backups import (
    folder_storages,
    fresh_postgres_database,
    manage,
    postgres_row_counts,
    storage_env,
    stored_checksums,
)
from tests.integration import worker
from tests.integration.servers import gunicorn
from workshops.models import Material
from workshops.services import add_material


class Browser:
    """Requests to one server with the cookies it set, as a browser keeps them (the
    session cookie is marked Secure; this plain-HTTP test sends it back all the same)."""

    def __init__(self, port: int):
        self.port, self.cookies = port, {}

    def request(self, method: str, path: str, form: dict | None = None) -> tuple[int, dict, bytes]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=20)
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        content = response.read()
        for cookie in response.msg.get_all("Set-Cookie") or []:
            name, _, value = cookie.split(";", 1)[0].partition("=")
            self.cookies[name.strip()] = value.strip()
        connection.close()
        return response.status, dict(response.getheaders()), content

    def log_in(self, email: str, password: str) -> None:
        self.request("GET", "/accounts/login/")
        form = {"csrfmiddlewaretoken": self.cookies["csrftoken"], "login": email, "password": password}
        status, _, content = self.request("POST", "/accounts/login/", form)
        assert status == 302, content.decode(errors="replace")[:2000]
        assert "sessionid" in self.cookies


@pytest.fixture
def demo_society(postgres, settings):
    """The demo (members with avatars, events, materials), and a dataset uploaded for members.
    The member who logs in has their password hashed as production does (the tests' own
    quick hasher is not one the server knows)."""
    call_command("load_demo", force=True, stdout=StringIO())
    settings.PASSWORD_HASHERS = global_settings.PASSWORD_HASHERS
    member = User.objects.get(email=STUDENTS[0][0])
    member.set_password(DEMO_PASSWORD)
    member.save(update_fields=["password"])
    first_workshop = Event.objects.filter(kind=Event.Kind.WORKSHOP, slug__startswith="workshop-").earliest("starts_at")
    dataset = add_material(
        event=first_workshop, kind="file", title="Dataset", visibility="members", content_type="application/zip",
        upload=SimpleUploadedFile("dataset.zip", b"PK\x03\x04" + os.urandom(300_000)),
    )  # fmt: skip
    return dataset


@pytest.mark.django_db(transaction=True)
def test_restore_drill_every_row_and_file_then_a_member_downloads(demo_society, tmp_path):
    source = {
        "DATABASE_URL": worker.test_database_url(),
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "PRIVATE_MEDIA_ROOT": str(settings.PRIVATE_MEDIA_ROOT),
    }
    made = manage("backup", str(tmp_path / "backups"), env=source)
    assert made.returncode == 0, made.stderr
    (archive,) = (tmp_path / "backups").iterdir()
    rows, stored = database.current_row_counts(), stored_checksums(files.storages())
    members_only = Material.objects.filter(visibility="members").exclude(file="").order_by("id")
    downloads = {material.token: material.file.read() for material in members_only}
    assert len(downloads) == 2  # the demo's notebook and the dataset
    assert rows["workshops_material"] > 2
    assert len(stored["default"]) > 5  # avatars in their sizes
    assert len(stored["private_materials"]) > 5

    with fresh_postgres_database() as url:
        target = {"DATABASE_URL": url, **storage_env(tmp_path / "restored")}
        restored = manage("restore", str(archive), env=target)

        assert restored.returncode == 0, restored.stderr
        assert "Restored and checked against the manifest" in restored.stdout
        assert postgres_row_counts(url) == rows
        assert stored_checksums(folder_storages(target)) == stored

        with gunicorn(env=target, workers=1) as server:
            browser = Browser(server.port)
            token = next(iter(downloads))
            status, headers, _ = browser.request("GET", f"/materials/{token}/download/")
            assert status == 302  # a visitor is asked to log in first
            assert headers["Location"].startswith("/accounts/login/")
            browser.log_in(STUDENTS[0][0], DEMO_PASSWORD)
            for token, content in downloads.items():
                status, headers, body = browser.request("GET", f"/materials/{token}/download/")
                assert status == 200, body[:500]
                assert body == content

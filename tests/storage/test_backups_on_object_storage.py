"""Backups when the files live in a bucket (moto's S3 server): `backup` keeps every
object, `restore` puts them into a new, empty bucket with the same bytes, and refuses
a bucket that already holds one; the nightly backup goes to BACKUP_BUCKET whole and
keeps the newest BACKUP_KEEP there."""

import hashlib
import json
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from society import hooks, tasks
from society.backups import NO_NIGHTLY_BACKUP, BackupError, database, files, verify_archive
from tests.backups import fresh_postgres_database, manage, postgres_row_counts
from tests.factories import EventFactory, image_upload, pdf_bytes
from tests.integration import worker
from workshops.models import Material

from .conftest import Bucket, public_pictures_policy, use_bucket

pytestmark = pytest.mark.django_db(transaction=True)

PROFILE_FORM = {"name": "Mo Member", "course": "Physics MSci", "year_of_study": "3", "bio": "Hello."}
EVENT_FORM = {
    "title": "Transformers", "kind": "workshop", "level": "beginner",
    "starts_at": "2026-10-07T18:00", "ends_at": "2026-10-07T20:00", "venue": "Lab 2.14",
}  # fmt: skip


def new_bucket(s3_endpoint: str, s3_client, prefix: str = "society-restored") -> Bucket:
    made = Bucket(f"{prefix}-{uuid.uuid4().hex[:12]}", s3_endpoint, s3_client)
    s3_client.create_bucket(Bucket=made.name)
    s3_client.put_bucket_policy(Bucket=made.name, Policy=json.dumps(public_pictures_policy(made.name)))
    return made


def object_checksums(bucket: Bucket) -> dict[str, str]:
    """Every object's key -> sha256 of its bytes, read with the S3 API itself."""
    return {key: hashlib.sha256(bucket.read(key)).hexdigest() for key in bucket.keys(prefix="")}


def cache_control(bucket: Bucket, key: str) -> str:
    return bucket.client.head_object(Bucket=bucket.name, Key=key)["CacheControl"]


@pytest.fixture
def filled_bucket(bucket, committee_client, member) -> Bucket:
    """An avatar and a banner (media/) and two materials (private/), uploaded through the pages."""
    start = timezone.now() - timedelta(days=2)
    event = EventFactory(starts_at=start, ends_at=start + timedelta(hours=2))
    materials = reverse("workshops:manage_event_materials", kwargs={"slug": event.slug})
    for kind, name, content in [("slides", "week1.pdf", pdf_bytes("Week 1")), ("file", "data.csv", b"x,y\n1,2\n")]:
        upload = ContentFile(content, name=name)
        form = {"kind": kind, "title": name, "visibility": "members", "upload": upload}
        assert committee_client.post(materials, form).status_code == 302
    with_banner = {**EVENT_FORM, "banner_upload": image_upload(size=(1200, 500))}
    assert committee_client.post(reverse("events:manage_event_create"), with_banner).status_code == 302
    member_client = Client()
    member_client.force_login(member)
    profile = reverse("members:profile_edit")
    assert member_client.post(profile, {**PROFILE_FORM, "avatar_upload": image_upload()}).status_code == 302
    assert len(bucket.keys("media/avatars/")) == len(bucket.keys("media/banners/")) == 2
    assert len(bucket.keys("private/")) == Material.objects.count() == 2
    return bucket


def test_a_backup_of_a_bucket_restores_into_a_new_database_and_a_new_bucket(
    filled_bucket, s3_endpoint, s3_client, tmp_path
):
    archive = tmp_path / "backup.tar.gz"
    source_rows = database.current_row_counts()
    source_objects = object_checksums(filled_bucket)
    backed_up = manage("backup", str(archive), env={"DATABASE_URL": worker.test_database_url(), **filled_bucket.env})
    assert backed_up.returncode == 0, backed_up.stderr
    manifest = verify_archive(archive)
    assert {f"media/{name}" for name in manifest["files"]["default"]} | {
        f"private/{name}" for name in manifest["files"]["private_materials"]
    } == set(source_objects)  # every object, each once
    target = new_bucket(s3_endpoint, s3_client)

    with fresh_postgres_database() as url:
        restored = manage("restore", str(archive), env={"DATABASE_URL": url, **target.env})

        assert restored.returncode == 0, restored.stderr
        assert "Restored and checked against the manifest" in restored.stdout
        assert postgres_row_counts(url) == source_rows
    assert object_checksums(target) == source_objects
    avatar = next(key for key in target.keys("media/avatars/"))
    material = target.keys("private/")[0]
    assert cache_control(target, avatar) == "public, max-age=31536000, immutable"
    assert cache_control(target, material) == "private, no-store"


def test_restore_refuses_a_bucket_that_already_holds_an_object(filled_bucket, s3_endpoint, s3_client, tmp_path):
    archive = tmp_path / "backup.tar.gz"
    backed_up = manage("backup", str(archive), env={"DATABASE_URL": worker.test_database_url(), **filled_bucket.env})
    assert backed_up.returncode == 0, backed_up.stderr
    target = new_bucket(s3_endpoint, s3_client)
    s3_client.put_object(Bucket=target.name, Key="private/materials/left-over.pdf", Body=b"already here")

    with fresh_postgres_database() as url:
        refused = manage("restore", str(archive), env={"DATABASE_URL": url, **target.env})

        assert refused.returncode == 1
        assert (
            "Refused: the storage 'private_materials' already holds files (such as 'materials/left-over.pdf')"
            in refused.stderr
        )
        assert "Nothing was changed." in refused.stderr
        assert postgres_row_counts(url) == {}
    assert target.keys() == ["private/materials/left-over.pdf"]


def test_each_place_is_backed_up_once_even_when_offered_under_two_names(bucket, monkeypatch):
    offered = hooks._registry[hooks.STORAGES]
    again = {"media_again": ("workshops", lambda: default_storage), "private_again": offered["private_materials"]}
    monkeypatch.setitem(hooks._registry, hooks.STORAGES, {**offered, **again})

    assert list(files.storages()) == ["default", "private_materials"]


def test_storages_one_inside_the_other_are_refused(bucket, settings, monkeypatch):
    from storages.backends.s3 import S3Storage

    inner = S3Storage(**{**settings.STORAGES["default"]["OPTIONS"], "location": "media/avatars"})
    offered = hooks._registry[hooks.STORAGES]
    monkeypatch.setitem(hooks._registry, hooks.STORAGES, {**offered, "avatars": ("workshops", lambda: inner)})

    with pytest.raises(BackupError) as refused:
        files.storages()

    assert str(refused.value) == (
        f"The storages 'default' and 'avatars' overlap ({bucket.name}/media/ and {bucket.name}/media/avatars/): "
        "give each a folder (or bucket prefix) of its own, neither inside the other."
    )


# --- The nightly backup into BACKUP_BUCKET -----------------------------------------------


@pytest.fixture
def backups_bucket(bucket, s3_endpoint, s3_client, settings, monkeypatch, tmp_path) -> Bucket:
    """BACKUP_BUCKET set (BACKUP_DIR not): a bucket of its own for the archives."""
    archives = new_bucket(s3_endpoint, s3_client, prefix="society-backups")
    use_bucket(bucket, settings, monkeypatch, BACKUP_BUCKET=archives.name)
    settings.BACKUP_DIR = ""
    settings.VAR_DIR = tmp_path / "var"  # where the archive is finished before it is sent
    default_storage.save("avatars/ab/photo.jpg", ContentFile(b"\xff\xd8 a photo"))
    return archives


def test_nightly_backup_sends_the_whole_archive_to_the_bucket_and_keeps_the_newest(backups_bucket, settings, tmp_path):
    settings.BACKUP_KEEP = 2
    old = [f"backups/society-backup-2026010{day}T023000Z.tar.gz" for day in (1, 2, 3)]
    for key in [*old, "backups/notes.txt", "elsewhere/society-backup-20260101T023000Z.tar.gz"]:
        backups_bucket.client.put_object(Bucket=backups_bucket.name, Key=key, Body=b"an older archive")

    sent = tasks.make_nightly_backup.delay().get()

    assert sent.startswith(f"s3://{backups_bucket.name}/backups/society-backup-")
    key = sent.removeprefix(f"s3://{backups_bucket.name}/")
    assert backups_bucket.keys() == sorted([old[2], key, "backups/notes.txt", old[0].replace("backups", "elsewhere")])
    head = backups_bucket.client.head_object(Bucket=backups_bucket.name, Key=key)
    assert (head["ContentType"], head.get("ContentEncoding")) == ("application/gzip", None)
    assert list((tmp_path / "var" / "backups").iterdir()) == []  # nothing left behind on the disk
    checked = manage("restore", "--check", sent, env={"DATABASE_URL": worker.test_database_url(), **backups_bucket.env})
    assert checked.returncode == 0, checked.stderr
    assert f"{sent} is whole: made " in checked.stdout
    archive = tmp_path / "fetched.tar.gz"
    archive.write_bytes(backups_bucket.read(key))
    assert verify_archive(archive)["files"]["default"]["avatars/ab/photo.jpg"]["size"] == len(b"\xff\xd8 a photo")


def test_nightly_backup_goes_to_both_when_backup_dir_is_set_too(backups_bucket, settings, tmp_path):
    settings.BACKUP_DIR = str(tmp_path / "backups")

    sent = tasks.make_nightly_backup.delay().get()

    local, remote = sent.split(" and ")
    assert [path.name for path in (tmp_path / "backups").iterdir()] == [local.rsplit("/", 1)[1]]
    assert backups_bucket.read(remote.removeprefix(f"s3://{backups_bucket.name}/")) == Path(local).read_bytes()


def test_nightly_backup_does_nothing_when_neither_is_set(bucket, s3_client, settings):
    settings.BACKUP_DIR = ""
    buckets_before = s3_client.list_buckets()["Buckets"]

    assert tasks.make_nightly_backup.delay().get() == NO_NIGHTLY_BACKUP
    assert "backups" not in settings.STORAGES
    assert s3_client.list_buckets()["Buckets"] == buckets_before
    assert bucket.keys() == []


def test_restore_says_when_an_s3_archive_is_not_there(backups_bucket):
    missing = f"s3://{backups_bucket.name}/backups/society-backup-20260101T023000Z.tar.gz"

    done = manage("restore", "--check", missing, env={**backups_bucket.env, "DATABASE_URL": worker.test_database_url()})

    assert done.returncode == 1
    assert f"There is no archive at {missing}." in done.stderr

"""Backups (society.backups, `manage.py backup` / `restore`, the nightly task): what an
archive holds, and every way a restore is refused with nothing changed.

The whole restore drill (the demo, a new database, gunicorn, a member's download) is
tests/integration/test_restore_drill.py.
"""

import logging
import os
import sqlite3
import time
from contextlib import closing
from importlib import import_module
from pathlib import Path

import pytest
from django.apps import apps as django_apps
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db.migrations.loader import MigrationLoader
from django_celery_beat.models import PeriodicTask

from society import tasks
from society.backups import BackupError, database, files, make_backup, migration_notes, restore_backup, verify_archive
from tests.backups import (
    folder_storages,
    fresh_postgres_database,
    manage,
    postgres_row_counts,
    read_members,
    storage_env,
    stored_checksums,
    with_manifest,
    write_members,
)
from tests.factories import MaterialFactory
from tests.integration import worker

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def stored_files(postgres):
    """A material in private storage and a picture in a nested folder of the default one."""
    material = MaterialFactory()
    default_storage.save("avatars/ab/photo.jpg", ContentFile(b"\xff\xd8 a photo", name="photo.jpg"))
    return material


def test_backup_writes_one_archive_with_every_table_and_file(stored_files, tmp_path):
    path, manifest = make_backup(into=tmp_path / "backups")

    assert list((tmp_path / "backups").iterdir()) == [path]  # no temporary file left beside it
    assert path.name.startswith("society-backup-")
    assert path.name.endswith(".tar.gz")
    assert path.stat().st_mode & 0o777 == 0o600  # it holds personal data
    assert manifest["database"]["vendor"] == "postgresql"
    assert manifest["database"]["tables"] == database.current_row_counts()
    assert manifest["database"]["tables"]["workshops_material"] == 1
    assert manifest["files"] == stored_checksums(files.storages())
    assert "avatars/ab/photo.jpg" in manifest["files"]["default"]
    assert stored_files.file.name in manifest["files"]["private_materials"]
    # The newest migration applied, as the files on disk name it.
    assert manifest["migrations"]["society"] == MigrationLoader(None).graph.leaf_nodes("society")[0][1]
    names = list(read_members(path))
    assert names[0] == "database.dump"
    assert names[-1] == "manifest.json"
    assert verify_archive(path) == manifest


def test_backup_command_says_where_the_archive_is(stored_files, tmp_path):
    done = manage("backup", str(tmp_path / "backups.tar.gz"), env={"DATABASE_URL": worker.test_database_url()})

    assert done.returncode == 0, done.stderr
    assert f"Backup written: {tmp_path / 'backups.tar.gz'}" in done.stdout
    assert verify_archive(tmp_path / "backups.tar.gz")["database"]["tables"]


def test_restore_refuses_a_database_that_is_not_empty(stored_files, tmp_path):
    path, _ = make_backup(into=tmp_path)
    before = database.current_row_counts()

    with pytest.raises(BackupError) as refused:
        restore_backup(path)

    message = str(refused.value)
    first_with_rows = next(table for table, rows in before.items() if rows)
    assert f"is not empty; it has {len(before)} tables" in message
    assert f"({first_with_rows}: {before[first_with_rows]}, " in message
    assert "createdb NEW_NAME" in message
    assert "Nothing was changed" in message
    assert database.current_row_counts() == before


def test_restore_refuses_storage_that_holds_files(stored_files, tmp_path):
    path, _ = make_backup(into=tmp_path / "backups")
    target = storage_env(tmp_path / "target")
    Path(target["MEDIA_ROOT"], "avatars").mkdir(parents=True)
    Path(target["MEDIA_ROOT"], "avatars", "someone.jpg").write_bytes(b"already here")

    with fresh_postgres_database() as url:
        done = manage("restore", str(path), env={"DATABASE_URL": url, **target})

        assert done.returncode == 1
        assert "the storage 'default' already holds files (such as 'avatars/someone.jpg')" in done.stderr
        assert postgres_row_counts(url) == {}
    assert not Path(target["PRIVATE_MEDIA_ROOT"]).exists()


def test_backup_refuses_storage_folders_one_inside_the_other(stored_files, tmp_path, settings):
    settings.PRIVATE_MEDIA_ROOT = settings.MEDIA_ROOT / "private"

    with pytest.raises(BackupError) as refused:
        make_backup(into=tmp_path / "backups")

    assert str(refused.value) == (
        f"The storages 'default' and 'private_materials' overlap (the folder {settings.MEDIA_ROOT} and the folder "
        f"{settings.MEDIA_ROOT}/private): give each a folder (or bucket prefix) of its own, neither inside the other."
    )
    assert list((tmp_path / "backups").iterdir()) == []


def truncated(archive: Path) -> None:
    content = archive.read_bytes()
    archive.write_bytes(content[: len(content) // 2])


def dump_byte_flipped(archive: Path) -> None:
    members = read_members(archive)
    dump = bytearray(members["database.dump"])
    dump[len(dump) // 2] ^= 0xFF
    write_members(archive, {**members, "database.dump": bytes(dump)})


def file_checksum_edited(archive: Path) -> None:
    def change(manifest):
        entry = manifest["files"]["default"]["avatars/ab/photo.jpg"]
        entry["sha256"] = "0" * 64

    write_members(archive, with_manifest(read_members(archive), change))


def row_count_edited(archive: Path) -> None:
    def change(manifest):
        manifest["database"]["tables"]["workshops_material"] += 1

    write_members(archive, with_manifest(read_members(archive), change))


def manifest_missing(archive: Path) -> None:
    members = read_members(archive)
    del members["manifest.json"]
    write_members(archive, members)


@pytest.mark.parametrize(
    ("damage", "said"),
    [
        (truncated, "cannot be read to its end (truncated or damaged"),
        (dump_byte_flipped, "does not match its manifest (1 problem(s)): database.dump:"),
        (file_checksum_edited, "does not match its manifest (1 problem(s)): files/default/avatars/ab/photo.jpg:"),
        (
            row_count_edited,
            "The archive's manifest does not match its database dump: "
            "the table workshops_material has 1 rows in the dump, the manifest says 2",
        ),
        (manifest_missing, "has no manifest.json (truncated, or not a backup)"),
    ],
    ids=["truncated", "dump-byte-flipped", "file-checksum-edited", "row-count-edited", "manifest-missing"],
)
def test_restore_refuses_a_damaged_archive_and_changes_nothing(stored_files, tmp_path, damage, said):
    path, _ = make_backup(into=tmp_path / "backups")
    damage(path)
    target = storage_env(tmp_path / "target")

    with fresh_postgres_database() as url:
        done = manage("restore", str(path), env={"DATABASE_URL": url, **target})

        assert done.returncode == 1, done.stdout
        assert said in done.stderr
        assert "Nothing was restored." in done.stderr
        assert postgres_row_counts(url) == {}
    assert not Path(target["MEDIA_ROOT"]).exists()
    assert not Path(target["PRIVATE_MEDIA_ROOT"]).exists()


def test_restore_check_only_reads_the_archive(stored_files, tmp_path):
    path, manifest = make_backup(into=tmp_path)

    done = manage("restore", "--check", str(path), env={"DATABASE_URL": worker.test_database_url()})

    assert done.returncode == 0, done.stderr
    assert f"{path} is whole: made {manifest['created_at']}." in done.stdout
    truncated(path)
    assert "cannot be read to its end" in manage("restore", "--check", str(path), env={}).stderr


@pytest.fixture(scope="module")
def sqlite_society(tmp_path_factory) -> tuple[dict[str, str], Path]:
    """The embedded default (a SQLite file, no Redis) with the demo loaded and backed up:
    its settings and the archive."""
    folder = tmp_path_factory.mktemp("sqlite-society")
    source = {**embedded(folder / "source.sqlite3"), **storage_env(folder)}
    for command in (["migrate", "--noinput"], ["load_demo", "--force"], ["backup", str(folder / "backup.tar.gz")]):
        done = manage(*command, env=source)
        assert done.returncode == 0, done.stderr
    return source, folder / "backup.tar.gz"


def test_sqlite_round_trip(sqlite_society, tmp_path):
    source, archive = sqlite_society
    target = {**embedded(tmp_path / "restored.sqlite3"), **storage_env(tmp_path / "r")}

    done = manage("restore", str(archive), env=target)

    assert done.returncode == 0, done.stderr
    assert "Restored and checked against the manifest" in done.stdout
    restored_rows = sqlite_row_counts(tmp_path / "restored.sqlite3")
    assert restored_rows == sqlite_row_counts(Path(source["DATABASE_URL"].removeprefix("sqlite:///")))
    assert restored_rows["members_user"] > 10
    assert restored_rows["workshops_material"] > 0
    restored_files = stored_checksums(folder_storages(target))
    assert restored_files == stored_checksums(folder_storages(source))
    assert restored_files["private_materials"]  # the demo's slides and notebook
    assert restored_files["default"]  # the demo's avatars
    # Again into the same database: refused, nothing changed.
    again = manage("restore", str(archive), env={**target, **storage_env(tmp_path / "r2")})
    assert again.returncode == 1
    assert f"the SQLite file {tmp_path / 'restored.sqlite3'} is not empty" in again.stderr
    assert "point DATABASE_URL at a new file" in again.stderr
    assert sqlite_row_counts(tmp_path / "restored.sqlite3") == restored_rows
    # Into PostgreSQL: refused, a dump is restored by its own kind of database.
    other = manage("restore", str(archive), env={"DATABASE_URL": worker.test_database_url(), **storage_env(tmp_path)})
    assert other.returncode == 1
    assert "The archive holds a sqlite database and DATABASE_URL points at the PostgreSQL database" in other.stderr


def test_sqlite_restore_refuses_a_row_count_the_dump_does_not_have(sqlite_society, tmp_path):
    def change(manifest):
        manifest["database"]["tables"]["django_migrations"] -= 1

    archive = write_members(tmp_path / "edited.tar.gz", with_manifest(read_members(sqlite_society[1]), change))
    target = {**embedded(tmp_path / "restored.sqlite3"), **storage_env(tmp_path / "r")}

    done = manage("restore", str(archive), env=target)

    assert done.returncode == 1
    assert "does not match its database dump: the table django_migrations has" in done.stderr
    assert sqlite_row_counts(tmp_path / "restored.sqlite3") == {}
    assert not Path(target["MEDIA_ROOT"]).exists()


# --- The nightly task ---------------------------------------------------------------


def test_nightly_backup_writes_into_backup_dir_and_keeps_the_newest(stored_files, tmp_path, settings):
    folder = tmp_path / "backups"
    folder.mkdir()
    settings.BACKUP_DIR, settings.BACKUP_KEEP = str(folder), 2
    old = [folder / f"society-backup-2026010{day}T023000Z.tar.gz" for day in (1, 2, 3)]
    for path in old:
        path.write_bytes(b"an older archive")
    stale = folder / ".society-backup-20260101T023000Z.tar.gz.partial"
    stale.write_bytes(b"a crashed backup")
    os.utime(stale, (time.time() - 2 * 86400,) * 2)
    unrelated = folder / "notes.txt"
    unrelated.write_text("kept")

    written = tasks.make_nightly_backup.delay().get()

    assert sorted(folder.iterdir()) == sorted([old[2], Path(written), unrelated])
    assert verify_archive(Path(written))["files"] == stored_checksums(files.storages())


def test_nightly_backup_does_nothing_without_backup_dir_or_bucket(settings, caplog, postgres, tmp_path):
    settings.BACKUP_DIR = ""
    settings.VAR_DIR = tmp_path / "var"
    caplog.set_level(logging.INFO, logger="society.backups")

    said = tasks.make_nightly_backup.delay().get()

    assert said == "No nightly backup: neither BACKUP_DIR nor BACKUP_BUCKET is set."
    assert "No nightly backup: neither BACKUP_DIR nor BACKUP_BUCKET is set." in caplog.text
    assert not settings.VAR_DIR.exists()


@pytest.mark.django_db
def test_nightly_backup_is_scheduled_at_half_past_two_utc():
    # Data written by a migration (a transactional test may have flushed it: write it again).
    import_module("society.migrations.0006_nightly_backup_schedule").schedule_backup(django_apps, None)

    task = PeriodicTask.objects.get(task="society.tasks.make_nightly_backup")

    assert task.enabled
    assert (task.crontab.minute, task.crontab.hour, str(task.crontab.timezone)) == ("30", "2", "UTC")


# --- Helpers ---------------------------------------------------------------------------


def embedded(sqlite_file: Path) -> dict[str, str]:
    """The embedded default's settings: a SQLite file, no Redis."""
    return {"DATABASE_URL": f"sqlite:///{sqlite_file}", "REDIS_URL": ""}


def sqlite_row_counts(path: Path) -> dict[str, int]:
    with closing(sqlite3.connect(path)) as db:
        return database.row_counts(db.cursor(), "sqlite")


@pytest.mark.django_db
def test_restore_says_when_the_code_and_the_backup_are_at_different_migrations():
    latest = dict(sorted(MigrationLoader(None, ignore_no_migrations=True).graph.leaf_nodes()))

    assert migration_notes(latest) == []
    assert migration_notes({**latest, "society": "0005_outbox_purge_schedule"}) == [
        "The code has migrations the backup lacks (society): run `manage.py migrate`."
    ]
    assert migration_notes({**latest, "events": "9999_from_the_future"}) == [
        "The backup was made by newer code (migrations of events unknown here): run that version of the code."
    ]

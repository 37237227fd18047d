"""Backups: one archive of the database and every stored file, with a manifest
(see archive.py), and its restore into an empty database and storage.

`make_backup` and `restore_backup` are what the `backup` and `restore` commands and
the nightly task (society.tasks.make_nightly_backup) call.
"""

import json
import logging
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.db.migrations.loader import MigrationLoader

from .. import page_cache
from . import database, files
from .archive import (
    ARCHIVE_PATTERN,
    DATABASE_MEMBERS,
    FILES_PREFIX,
    FORMAT,
    MANIFEST,
    VERSION,
    BackupError,
    file_member,
    members,
    open_archive,
    verify_archive,
    write_archive,
)
from .bucket import backups_bucket, local_archive, prune_bucket, upload_archive

__all__ = [
    "NO_NIGHTLY_BACKUP",
    "BackupError",
    "Restored",
    "local_archive",
    "make_backup",
    "make_nightly_backup",
    "prune_backups",
    "restore_backup",
    "verify_archive",
]

logger = logging.getLogger(__name__)

STALE_PARTIAL_SECONDS = 24 * 60 * 60
NO_NIGHTLY_BACKUP = "No nightly backup: neither BACKUP_DIR nor BACKUP_BUCKET is set."


def default_folder() -> Path:
    return Path(settings.BACKUP_DIR) if settings.BACKUP_DIR else settings.VAR_DIR / "backups"


def archive_name(now: datetime) -> str:
    """Names sort as the backups were made (UTC, to the second)."""
    return f"society-backup-{now.astimezone(UTC):%Y%m%dT%H%M%SZ}.tar.gz"


def make_backup(*, into: Path | None = None) -> tuple[Path, dict]:
    """Write one archive of the database and every stored file; answer its path and
    manifest. `into` is a folder (the archive is named by the time) or a file name
    ending in .tar.gz; by default BACKUP_DIR, else var/backups."""
    now = datetime.now(UTC)
    target = Path(into) if into else default_folder()
    path = target if target.name.endswith(".tar.gz") else target / archive_name(now)
    path.parent.mkdir(parents=True, exist_ok=True)
    vendor = database.vendor()
    if vendor not in DATABASE_MEMBERS:
        raise BackupError(f"Backups support PostgreSQL and SQLite, not {vendor}.")
    storages = files.storages()  # refused here, before any work, when two overlap
    # The dump waits beside the archive, on the disk chosen for backups.
    with (
        write_archive(path) as writer,
        tempfile.TemporaryDirectory(dir=path.parent, prefix=".society-backup-") as folder,
    ):
        # The database first: a file uploaded meanwhile is kept too (unused), never missed.
        dump = Path(folder) / DATABASE_MEMBERS[vendor]
        tables, migrations = database.dump(dump)
        with dump.open("rb") as source:
            dumped = writer.add(DATABASE_MEMBERS[vendor], source)
        dump.unlink()
        stored = {}
        for alias, storage in storages.items():
            stored[alias] = {}
            for name in files.stored_names(storage):
                try:
                    with storage.open(name, "rb") as source:
                        stored[alias][name] = writer.add(file_member(alias, name), source).as_dict()
                except FileNotFoundError:  # deleted since it was listed
                    logger.info("Backup: %s/%s was deleted while the backup ran; left out.", alias, name)
        manifest = {
            "format": FORMAT,
            "version": VERSION,
            "created_at": now.isoformat(),
            "database": {"vendor": vendor, **dumped.as_dict(), "tables": tables},
            "migrations": migrations,
            "files": stored,
        }
        writer.add_bytes(MANIFEST, json_bytes(manifest))
    return path, manifest


def json_bytes(manifest: dict) -> bytes:
    return json.dumps(manifest, indent=1, sort_keys=True).encode()


@dataclass
class Restored:
    """What a restore put back, as checked against the manifest afterwards."""

    tables: int
    rows: int
    files: dict[str, int]  # storage alias -> files
    notes: list[str] = field(default_factory=list)  # migrations to run, and the like


def restore_backup(path: Path) -> Restored:
    """Restore the archive at `path` into the (empty) database and storages, then
    check every table's row count and every file's checksum against the manifest.

    Refused, with nothing changed: an archive that is truncated, damaged or differs
    from its manifest (all of it is read and checked first); a database or storage
    that is not empty; a dump whose row counts differ from the manifest.
    """
    path = Path(path)
    manifest = verify_archive(path)
    vendor = manifest["database"]["vendor"]
    if vendor != database.vendor():
        raise BackupError(
            f"The archive holds a {vendor} database and DATABASE_URL points at {database.describe()}: "
            f"restore it into a {vendor} database. Nothing was changed."
        )
    database.refuse_unless_empty()
    files.refuse_unless_empty(sorted(manifest["files"]))
    storages = files.storages()
    with tempfile.TemporaryDirectory() as folder, open_archive(path) as tar:
        for name, content in members(tar, path):
            if name == DATABASE_MEMBERS[vendor]:
                dump = Path(folder) / name
                with dump.open("wb") as copy:
                    shutil.copyfileobj(content, copy)
                database.restore(dump, tables=manifest["database"]["tables"])
                dump.unlink()
                page_cache.everything_changed()  # the tools wrote around Django: no cached page stands
            elif name.startswith(FILES_PREFIX):
                alias, stored_name = name.removeprefix(FILES_PREFIX).split("/", 1)
                files.restore_file(storages[alias], stored_name, content)
    return check_restored(manifest)


def check_restored(manifest: dict) -> Restored:
    """Compare the database and storages now with the manifest: BackupError naming
    what differs, else what is there."""
    tables = manifest["database"]["tables"]
    problems = [database.describe_differences(database.current_row_counts(), tables)]
    storages = files.storages()
    for alias, listed in manifest["files"].items():
        for name, expected in listed.items():
            if not storages[alias].exists(name):
                problems.append(f"{alias}/{name} is missing")
            elif files.checksum(storages[alias], name).as_dict() != expected:
                problems.append(f"{alias}/{name} differs from the manifest")
    problems = [problem for problem in problems if problem]
    if problems:
        raise BackupError(f"The restore does not match the manifest: {'; '.join(problems[:10])}.")
    return Restored(
        tables=len(tables),
        rows=sum(tables.values()),
        files={alias: len(listed) for alias, listed in manifest["files"].items()},
        notes=migration_notes(manifest["migrations"]),
    )


def migration_notes(restored: dict[str, str]) -> list[str]:
    """What the operator should know when the backup and the code are at different migrations."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    latest = dict(sorted(loader.graph.leaf_nodes()))
    notes = []
    newer_code = sorted(app for app, name in latest.items() if name > restored.get(app, ""))
    newer_backup = sorted(app for app, name in restored.items() if app in latest and name > latest[app])
    if newer_code:
        notes.append(f"The code has migrations the backup lacks ({', '.join(newer_code)}): run `manage.py migrate`.")
    if newer_backup:
        notes.append(
            f"The backup was made by newer code (migrations of {', '.join(newer_backup)} unknown here): "
            "run that version of the code."
        )
    return notes


def prune_backups(folder: Path, *, keep: int) -> list[Path]:
    """Delete all but the newest `keep` archives in `folder` (and temporary files a
    crashed backup left more than a day ago); answer what was deleted."""
    archives = sorted(folder.glob(ARCHIVE_PATTERN))
    stale = [
        partial
        for partial in folder.glob(f".{ARCHIVE_PATTERN}.partial")
        if partial.stat().st_mtime < time.time() - STALE_PARTIAL_SECONDS
    ]
    deleted = archives[: max(0, len(archives) - keep)] + stale
    for path in deleted:
        path.unlink(missing_ok=True)
    return deleted


def make_nightly_backup() -> list[str]:
    """The nightly task's work: a backup into BACKUP_DIR and into the backups bucket
    (BACKUP_BUCKET), whichever are set, keeping the newest BACKUP_KEEP in each; answers
    where the archive went. Nothing when neither is set (it says so in the log)."""
    bucket = backups_bucket()
    if not settings.BACKUP_DIR and bucket is None:
        logger.info(NO_NIGHTLY_BACKUP)
        return []
    keep = settings.BACKUP_KEEP
    scratch_folder = default_folder()  # for an archive bound for the bucket alone
    scratch_folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=scratch_folder, prefix=".society-backup-upload-") as scratch:
        path, manifest = make_backup(into=Path(settings.BACKUP_DIR or scratch))
        places, deleted = [], []
        if settings.BACKUP_DIR:
            places.append(str(path))
            deleted += prune_backups(path.parent, keep=keep)
        if bucket is not None:
            places.append(upload_archive(path, bucket))
            deleted += prune_bucket(bucket, keep=keep)
    logger.info(
        "Nightly backup %s: %d tables, %d files; %d older archive(s) deleted.",
        " and ".join(places), len(manifest["database"]["tables"]),
        sum(len(f) for f in manifest["files"].values()), len(deleted),
    )  # fmt: skip
    return places

"""The backup archive: one tar file (gzip) holding the database dump, every stored
file and, last, manifest.json, which lists each of them with its size and sha256,
the row count of every table and the migrations applied.

An archive is written under a hidden temporary name and renamed when complete, so
a crash never leaves a half archive that looks whole. Reading one checks all of it:
a truncated or damaged archive, or one whose members differ from its manifest, is
refused before anything is restored.
"""

import hashlib
import json
import os
import re
import tarfile
import tempfile
import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

FORMAT = "society-backup"
VERSION = 1
MANIFEST = "manifest.json"
ARCHIVE_PATTERN = "society-backup-*.tar.gz"
FILES_PREFIX = "files/"
DATABASE_MEMBERS = {"postgresql": "database.dump", "sqlite": "database.sqlite3"}
CHUNK = 1024 * 1024
SPOOL_BYTES = 8 * 1024 * 1024  # larger members wait on disk, not in memory

TABLE_NAME = re.compile(r"[A-Za-z0-9_]+")
STORAGE_ALIAS = re.compile(r"[a-z0-9_]+")
SHA256 = re.compile(r"[0-9a-f]{64}")


class BackupError(Exception):
    """A backup or restore refused or failed; the message says why and what to do."""


@dataclass(frozen=True)
class Checksum:
    sha256: str
    size: int

    def as_dict(self) -> dict:
        return {"sha256": self.sha256, "size": self.size}


def copy_hashing(source: IO[bytes], target: IO[bytes]) -> Checksum:
    """Copy `source` to `target` in chunks; the sha256 and size of what was copied."""
    digest, size = hashlib.sha256(), 0
    while chunk := source.read(CHUNK):
        digest.update(chunk)
        size += len(chunk)
        target.write(chunk)
    return Checksum(digest.hexdigest(), size)


def file_member(alias: str, name: str) -> str:
    return f"{FILES_PREFIX}{alias}/{name}"


class ArchiveWriter:
    """Adds members one by one; `finish(manifest)` writes the manifest last and gives
    the archive its real name."""

    def __init__(self, tar: tarfile.TarFile):
        self.tar = tar

    def add(self, member: str, source: IO[bytes]) -> Checksum:
        """Store what `source` reads as `member` (copied once: the tar header needs its size)."""
        with tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES) as spool:
            checksum = copy_hashing(source, spool)
            spool.seek(0)
            info = tarfile.TarInfo(member)
            info.size, info.mtime, info.mode = checksum.size, int(time.time()), 0o600
            self.tar.addfile(info, spool)
        return checksum

    def add_bytes(self, member: str, content: bytes) -> None:
        with tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES) as spool:
            spool.write(content)
            spool.seek(0)
            self.add(member, spool)


@contextmanager
def write_archive(path: Path) -> Iterator[ArchiveWriter]:
    """An ArchiveWriter for a new archive at `path`; the caller ends with
    `writer.add_bytes(MANIFEST, ...)`. The file appears under its name only when the
    block ends without error; readable by its owner only (it holds personal data)."""
    partial = path.with_name(f".{path.name}.partial")
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(descriptor, "wb") as raw:
            with tarfile.open(fileobj=raw, mode="w:gz", compresslevel=6, format=tarfile.PAX_FORMAT) as tar:
                yield ArchiveWriter(tar)
            raw.flush()
            os.fsync(raw.fileno())
        os.replace(partial, path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise


@contextmanager
def open_archive(path: Path) -> Iterator[tarfile.TarFile]:
    """The archive for reading member by member, in order (see `members`)."""
    try:
        tar = tarfile.open(path, mode="r:*")  # noqa: SIM115 (closed below)
    except FileNotFoundError:
        raise BackupError(f"There is no archive at {path}.") from None
    except (tarfile.TarError, EOFError, OSError, zlib.error) as error:
        raise unreadable(path, error) from None
    with tar:
        yield tar


def members(tar: tarfile.TarFile, path: Path) -> Iterator[tuple[str, IO[bytes]]]:
    """(name, readable file) for each member in the order written; an archive that
    cannot be read to its end, or holds anything but plain files, is refused."""
    try:
        for info in tar:
            if not info.isfile():
                raise BackupError(f"The archive {path} holds {info.name!r}, which is not a plain file: refused.")
            yield info.name, _Member(tar.extractfile(info), path)
    except (tarfile.TarError, EOFError, OSError, zlib.error) as error:
        raise unreadable(path, error) from None


class _Member:
    """A member being read: the archive ending early, or damaged, is a BackupError."""

    def __init__(self, content: IO[bytes], path: Path):
        self.content, self.path = content, path

    def read(self, size: int = -1) -> bytes:
        try:
            return self.content.read(size)
        except (tarfile.TarError, EOFError, OSError, zlib.error) as error:
            raise unreadable(self.path, error) from None


def unreadable(path: Path, error: Exception) -> BackupError:
    return BackupError(
        f"The archive {path} cannot be read to its end (truncated or damaged: {error}). Nothing was restored."
    )


def verify_archive(path: Path) -> dict:
    """Read the whole archive and answer its manifest, once every member is there with
    the size and sha256 the manifest gives and nothing else is; else BackupError."""
    found: dict[str, Checksum] = {}
    manifest_bytes = None
    with open_archive(path) as tar:
        for name, content in members(tar, path):
            if name in found or (name == MANIFEST and manifest_bytes is not None):
                raise BackupError(f"The archive {path} holds {name!r} twice: refused.")
            if name == MANIFEST:
                manifest_bytes = content.read()
            else:
                found[name] = copy_hashing(content, _Discard())
    if manifest_bytes is None:
        raise BackupError(
            f"The archive {path} has no {MANIFEST} (truncated, or not a backup): refused. Nothing was restored."
        )
    manifest = parse_manifest(manifest_bytes, path)
    expected = expected_members(manifest)
    dump = DATABASE_MEMBERS[manifest["database"]["vendor"]]
    # The dump comes first, so that a restore loads (and checks) the database before any file.
    problems = [f"{dump}: not the first member"] if dump in found and next(iter(found)) != dump else []
    problems += [f"{name}: missing" for name in sorted(expected.keys() - found.keys())]
    problems += [f"{name}: not in the manifest" for name in sorted(found.keys() - expected.keys())]
    problems += [
        f"{name}: {found[name].size} bytes, sha256 {found[name].sha256[:12]}…; the manifest says "
        f"{expected[name].size} bytes, sha256 {expected[name].sha256[:12]}…"
        for name in sorted(expected.keys() & found.keys())
        if found[name] != expected[name]
    ]
    if problems:
        raise BackupError(
            f"The archive {path} does not match its manifest ({len(problems)} problem(s)): "
            + "; ".join(problems[:10])
            + ". Nothing was restored."
        )
    return manifest


def expected_members(manifest: dict) -> dict[str, Checksum]:
    """Member name -> Checksum, for the dump and every file the manifest lists."""
    database = manifest["database"]
    expected = {DATABASE_MEMBERS[database["vendor"]]: Checksum(database["sha256"], database["size"])}
    for alias, files in manifest["files"].items():
        for name, checksum in files.items():
            expected[file_member(alias, name)] = Checksum(checksum["sha256"], checksum["size"])
    return expected


def parse_manifest(content: bytes, path: Path) -> dict:
    """The manifest, once its shape is right: every name safe to use, every count a number."""
    try:
        manifest = json.loads(content)
        require(manifest["format"] == FORMAT, "not a society backup")
        require(manifest["version"] == VERSION, f"format version {manifest['version']}, this code reads {VERSION}")
        database = manifest["database"]
        require(database["vendor"] in DATABASE_MEMBERS, f"unknown database {database['vendor']!r}")
        require_checksum(database)
        for table, rows in database["tables"].items():
            require(TABLE_NAME.fullmatch(table), f"table name {table!r}")
            require(type(rows) is int and rows >= 0, f"row count of {table}")
        for app, migration in manifest["migrations"].items():
            require(isinstance(app, str) and isinstance(migration, str), "migrations")
        for alias, files in manifest["files"].items():
            require(STORAGE_ALIAS.fullmatch(alias), f"storage alias {alias!r}")
            for name, checksum in files.items():
                require(safe_file_name(name), f"file name {name!r}")
                require_checksum(checksum)
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        raise BackupError(f"The manifest of {path} is not valid ({error}): refused. Nothing was restored.") from None
    return manifest


def require(condition: object, what: str) -> None:
    if not condition:
        raise ValueError(what)


def require_checksum(entry: dict) -> None:
    require(isinstance(entry["sha256"], str) and SHA256.fullmatch(entry["sha256"]), "sha256")
    require(type(entry["size"]) is int and entry["size"] >= 0, "size")


def safe_file_name(name: str) -> bool:
    """A storage name as Django writes them: relative, forward slashes, no '..'."""
    parts = name.split("/")
    return bool(name) and "\\" not in name and "\x00" not in name and all(p not in ("", ".", "..") for p in parts)


class _Discard:
    def write(self, chunk: bytes) -> None:
        pass

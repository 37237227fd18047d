"""For the backup tests: fresh databases and storage folders to restore into, the
commands run as an operator runs them, and archives damaged on purpose."""

import io
import json
import os
import subprocess
import sys
import tarfile
import uuid
from contextlib import closing, contextmanager
from pathlib import Path

import psycopg2
from django.core.files.storage import FileSystemStorage
from django.db import connection

from society.backups import database, files
from tests.integration.worker import ROOT, test_database_url


@contextmanager
def fresh_postgres_database():
    """A new, empty PostgreSQL database on the test server (its URL), dropped afterwards."""
    db = connection.settings_dict
    name = f"society_restore_{uuid.uuid4().hex[:10]}"
    server = ["--host", db["HOST"] or "127.0.0.1", "--port", str(db["PORT"] or 5432), "--username", db["USER"]]
    env = {**os.environ, **({"PGPASSWORD": db["PASSWORD"]} if db["PASSWORD"] else {})}
    subprocess.run(["createdb", *server, name], check=True, env=env)
    try:
        yield test_database_url().rsplit("/", 1)[0] + f"/{name}"
    finally:
        subprocess.run(["dropdb", *server, "--force", "--if-exists", name], check=True, env=env)


def postgres_row_counts(url: str) -> dict[str, int]:
    """Every table's rows in the database at `url`, read over a connection of its own."""
    with closing(psycopg2.connect(url)) as db, db.cursor() as cursor:
        return database.row_counts(cursor, "postgresql")


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    """`python manage.py ARGS` in a process of its own, with `env` over this one's (DEBUG off)."""
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT, env={**os.environ, "DEBUG": "false", **env}, capture_output=True, text=True, check=False, timeout=300,
    )  # fmt: skip


def storage_env(root: Path) -> dict[str, str]:
    """MEDIA_ROOT and PRIVATE_MEDIA_ROOT: two new folders under `root`."""
    return {"MEDIA_ROOT": str(root / "media"), "PRIVATE_MEDIA_ROOT": str(root / "private")}


def stored_checksums(storages: dict) -> dict[str, dict[str, dict]]:
    """Alias -> file name -> sha256 and size, read through the storage API."""
    return {
        alias: {name: files.checksum(storage, name).as_dict() for name in files.stored_names(storage)}
        for alias, storage in storages.items()
    }


def folder_storages(env: dict[str, str]) -> dict[str, FileSystemStorage]:
    """The storages a process started with `env` (storage_env) uses, by alias."""
    return {
        "default": FileSystemStorage(location=env["MEDIA_ROOT"]),
        "private_materials": FileSystemStorage(location=env["PRIVATE_MEDIA_ROOT"]),
    }


def read_members(archive: Path) -> dict[str, bytes]:
    with tarfile.open(archive) as tar:
        return {info.name: tar.extractfile(info).read() for info in tar}


def write_members(archive: Path, members: dict[str, bytes]) -> Path:
    with tarfile.open(archive, "w:gz") as tar:
        for name, content in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(content)
            tar.addfile(info, io.BytesIO(content))
    return archive


def with_manifest(members: dict[str, bytes], change) -> dict[str, bytes]:
    """The members, the manifest changed by `change(manifest)` (it stays last)."""
    manifest = json.loads(members["manifest.json"])
    change(manifest)
    return {
        **{n: c for n, c in members.items() if n != "manifest.json"},
        "manifest.json": json.dumps(manifest).encode(),
    }

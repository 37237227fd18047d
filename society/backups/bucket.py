"""Archives in the backups bucket: BACKUP_BUCKET, reached with object storage's endpoint
and keys, under backups/ (settings.STORAGES["backups"], built by the settings).

An archive is finished on the local disk first and then sent whole: S3 shows an object
only once its upload (every part of a multipart one) is complete, so an interrupted
upload never looks like an archive. `s3://BUCKET/KEY` addresses let `restore` read an
archive straight from a bucket.
"""

import fnmatch
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.core.files.storage import Storage, storages
from storages.backends.s3 import S3Storage

from .archive import ARCHIVE_PATTERN, BackupError

BACKUPS_STORAGE = "backups"  # its name in settings.STORAGES
S3_BACKEND = "storages.backends.s3.S3Storage"
# What reaches the endpoint, taken from the storages the settings built from the S3_* variables.
CONNECTION_OPTIONS = (
    "endpoint_url", "access_key", "secret_key", "region_name", "addressing_style", "signature_version",
)  # fmt: skip


def backups_bucket() -> Storage | None:
    """The backups bucket's storage, or None when BACKUP_BUCKET is not set."""
    return storages[BACKUPS_STORAGE] if BACKUPS_STORAGE in settings.STORAGES else None


def address(storage: Storage, name: str) -> str:
    """s3://BUCKET/KEY of the archive `name` in the backups bucket."""
    return f"s3://{storage.bucket_name}/{storage.location.strip('/')}/{name}"


def upload_archive(path: Path, storage: Storage) -> str:
    """Send the finished archive at `path` to the bucket under its own name; its address."""
    with path.open("rb") as archive:
        name = storage.save(path.name, File(archive, name=path.name))
    return address(storage, name)


def prune_bucket(storage: Storage, *, keep: int) -> list[str]:
    """Delete all but the newest `keep` archives in the bucket; the addresses deleted.
    Other objects there are left alone."""
    _folders, names = storage.listdir("")
    archives = sorted(name for name in names if fnmatch.fnmatchcase(name, ARCHIVE_PATTERN))
    deleted = archives[: max(0, len(archives) - keep)]
    for name in deleted:
        storage.delete(name)
    return [address(storage, name) for name in deleted]


@contextmanager
def local_archive(archive: str | Path) -> Iterator[Path]:
    """The archive as a local file: a path as it is; `s3://BUCKET/KEY` downloaded (with
    the S3_* variables' endpoint and keys) into a temporary folder, removed afterwards."""
    if not str(archive).startswith("s3://"):
        yield Path(archive)
        return
    bucket, _, key = str(archive).removeprefix("s3://").partition("/")
    if not bucket or not key:
        raise BackupError(f"{archive} is not an s3://BUCKET/KEY address.")
    storage = bucket_storage(bucket)
    with tempfile.TemporaryDirectory(prefix="society-restore-") as folder:
        copy = Path(folder) / Path(key).name
        try:
            with storage.open(key, "rb") as stored, copy.open("wb") as local:
                shutil.copyfileobj(stored, local)
        except FileNotFoundError:
            raise BackupError(f"There is no archive at {archive}.") from None
        yield copy


def bucket_storage(bucket: str) -> Storage:
    """The whole of `bucket`, reached with object storage's endpoint and keys."""
    configured = settings.STORAGES.get(BACKUPS_STORAGE) or settings.STORAGES["default"]
    if configured["BACKEND"] != S3_BACKEND:
        raise BackupError(
            "An s3:// archive is read with object storage's endpoint and keys: set S3_BUCKET, S3_ENDPOINT_URL, "
            "S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY (or download the archive and give its path)."
        )
    connection = {key: configured["OPTIONS"][key] for key in CONNECTION_OPTIONS if key in configured["OPTIONS"]}
    return S3Storage(bucket_name=bucket, location="", **connection)

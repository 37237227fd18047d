"""The stored files of a backup: uploaded pictures (the default storage) and each
app's own files (private materials), offered through society.hooks.STORAGES.

Only Django's storage API is used (listdir, open, save, exists), so files on the
local disk and in an object storage bucket are backed up and restored alike. Each
place (a folder, a bucket prefix) is kept once, whatever names it is offered under.
"""

import hashlib
import os
import posixpath
import tempfile
from collections.abc import Iterator
from typing import IO

from django.core.files import File
from django.core.files.storage import FileSystemStorage, Storage, default_storage

from .. import hooks
from .archive import CHUNK, SPOOL_BYTES, BackupError, Checksum, copy_hashing

DEFAULT = "default"


def storages() -> dict[str, Storage]:
    """Alias -> storage, for every storage whose files a backup keeps, each place once:
    a storage offered under a second name (or another object for the same folder or
    bucket prefix) is left to the first. Storages of which one holds the other (a
    folder inside another, a prefix under another) are refused: their files would be
    kept twice and could not be restored."""
    offered = {alias: make() for alias, make in hooks.contributions(hooks.STORAGES).items()}
    found: dict[str, Storage] = {}
    places: dict[tuple, str] = {}
    for alias, storage in {DEFAULT: default_storage, **offered}.items():
        where = place(storage)
        if where in places:
            continue
        for other, other_alias in places.items():
            if inside(where, other) or inside(other, where):
                raise BackupError(
                    f"The storages {other_alias!r} and {alias!r} overlap ({describe(other)} and {describe(where)}): "
                    f"give each a folder (or bucket prefix) of its own, neither inside the other."
                )
        places[where] = alias
        found[alias] = storage
    return found


def place(storage: Storage) -> tuple[str, str, str]:
    """Where a storage keeps its files: (kind, root, path), the path "/"-separated.
    The folder on disk, or the endpoint and bucket with the prefix (location)."""
    if isinstance(storage, FileSystemStorage):
        return ("disk", "", os.path.realpath(storage.location).rstrip("/"))
    if bucket := getattr(storage, "bucket_name", None):
        return ("bucket", f"{storage.endpoint_url or ''} {bucket}", "/" + (storage.location or "").strip("/"))
    return ("storage", f"{type(storage).__module__}.{type(storage).__qualname__}", str(id(storage)))


def inside(where: tuple[str, str, str], other: tuple[str, str, str]) -> bool:
    """Whether `where` is a folder (or prefix) strictly within `other`."""
    return where[:2] == other[:2] and where[0] != "storage" and where[2].startswith(other[2].rstrip("/") + "/")


def describe(where: tuple[str, str, str]) -> str:
    kind, root, path = where
    return f"the folder {path}" if kind == "disk" else f"{root.split()[-1]}{path}/" if kind == "bucket" else root


def stored_names(storage: Storage, folder: str = "") -> Iterator[str]:
    """Every file's name in `storage` under `folder`, in a stable order."""
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:  # a folder not made yet holds nothing
        return
    for name in sorted(files):
        yield posixpath.join(folder, name) if folder else name
    for name in sorted(folders):
        yield from stored_names(storage, posixpath.join(folder, name) if folder else name)


def checksum(storage: Storage, name: str) -> Checksum:
    digest, size = hashlib.sha256(), 0
    with storage.open(name, "rb") as stored:
        while chunk := stored.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return Checksum(digest.hexdigest(), size)


def refuse_unless_empty(aliases: list[str]) -> None:
    """BackupError unless each storage of `aliases` exists here and holds no file."""
    found = storages()
    unknown = [alias for alias in aliases if alias not in found]
    if unknown:
        raise BackupError(
            f"The archive has files for the storage(s) {', '.join(unknown)}, which this installation does not "
            f"have (it has {', '.join(found)}). Nothing was changed."
        )
    for alias in aliases:
        first = next(stored_names(found[alias]), None)
        if first is not None:
            raise BackupError(
                f"Refused: the storage {alias!r} already holds files (such as {first!r}). A backup is restored "
                f"into empty storage only: point MEDIA_ROOT and PRIVATE_MEDIA_ROOT (or the bucket) at new, empty "
                f"places. Nothing was changed."
            )


def restore_file(storage: Storage, name: str, content: IO[bytes]) -> Checksum:
    """Save `content` under exactly `name`; the checksum of what was saved."""
    with tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES) as spool:
        copied = copy_hashing(content, spool)
        spool.seek(0)
        saved = storage.save(name, File(spool, name=name))
    if saved != name:
        raise BackupError(f"The storage saved {name!r} as {saved!r}: restore into empty storage.")
    return copied

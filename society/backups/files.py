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
from dataclasses import dataclass, field
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
    places: dict[Place, str] = {}
    for alias, storage in {DEFAULT: default_storage, **offered}.items():
        here = place(storage)
        if here in places:
            continue
        for other, other_alias in places.items():
            if other.holds(here) or here.holds(other):
                raise BackupError(
                    f"The storages {other_alias!r} and {alias!r} overlap ({other.shown} and {here.shown}): "
                    f"give each a folder (or bucket prefix) of its own, neither inside the other."
                )
        places[here] = alias
        found[alias] = storage
    return found


@dataclass(frozen=True)
class Place:
    """Where a storage keeps its files: a folder on this disk, or a prefix of a bucket."""

    container: str  # "disk", or the endpoint and bucket; for any other kind of storage, that storage
    path: str  # the folder or prefix from the container's root, "/"-separated
    shown: str = field(compare=False)  # in words, for messages

    def holds(self, other: "Place") -> bool:
        """Whether `other` is a folder (or prefix) strictly within this one."""
        return self.container == other.container and other.path.startswith(self.path.rstrip("/") + "/")


def place(storage: Storage) -> Place:
    if isinstance(storage, FileSystemStorage):
        folder = os.path.realpath(storage.location)
        return Place("disk", folder, f"the folder {folder}")
    if bucket := getattr(storage, "bucket_name", None):
        prefix = (storage.location or "").strip("/")
        return Place(f"{storage.endpoint_url} {bucket}", f"/{prefix}", f"{bucket}/{prefix}/" if prefix else bucket)
    return Place(f"{type(storage).__qualname__} {id(storage)}", "", f"a {type(storage).__qualname__}")


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

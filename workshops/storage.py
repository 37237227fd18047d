"""Where material files live: the "private" storage of settings.STORAGES. On the
local disk, a folder of their own outside MEDIA_ROOT with no URL; on object storage,
a prefix of the bucket that only presigned links open. Only workshops.views.files
serves them, after checking who asks (society.storage.private_file_response)."""

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.functional import LazyObject, empty

PRIVATE_STORAGE = "private"  # its name in settings.STORAGES


class PrivateStorage(FileSystemStorage):
    """FileSystemStorage under PRIVATE_MEDIA_ROOT, read at each use (tests change it)."""

    @property
    def base_location(self):
        return str(settings.PRIVATE_MEDIA_ROOT)

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    @property
    def base_url(self):
        return None

    def url(self, name):
        raise ValueError("Materials have no public URL: they are served by workshops.views.files.")


class _ConfiguredPrivateStorage(LazyObject):
    """settings.STORAGES["private"], looked up when first used and again after STORAGES
    changes: Material.file keeps the one object its field was given at import."""

    def _setup(self):
        self._wrapped = storages[PRIVATE_STORAGE]


_private = _ConfiguredPrivateStorage()


@receiver(setting_changed)
def _forget_private_storage(*, setting, **kwargs):
    if setting == "STORAGES":
        _private._wrapped = empty


def private_storage() -> _ConfiguredPrivateStorage:
    """Material.file's storage (migrations name this callable: keep its path)."""
    return _private

"""Where material files live: a folder of their own, outside MEDIA_ROOT, with no
URL. Only workshops.views.files serves them, after checking who asks."""

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage


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


def private_storage() -> PrivateStorage:
    return PrivateStorage()

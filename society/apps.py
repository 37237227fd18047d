from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SocietyConfig(AppConfig):
    name = "society"
    verbose_name = _("Society")

    def ready(self) -> None:
        from django.db import connections
        from django.db.backends.signals import connection_created

        from . import checks  # noqa: F401 (registers the system checks)

        # Every write gives its app's public pages a new version (society.page_cache).
        connection_created.connect(_watch_writes, dispatch_uid="society.page_cache")
        for connection in connections.all(initialized_only=True):
            _watch_writes(sender=None, connection=connection)


def _watch_writes(sender, connection, **kwargs) -> None:
    from .page_cache import watch_writes

    watch_writes(connection)

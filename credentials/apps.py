from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from society import hooks
from society.hooks import Link


class CredentialsConfig(AppConfig):
    name = "credentials"
    verbose_name = _("Credentials")

    def ready(self) -> None:
        from . import checks  # noqa: F401 (registers the start-up checks)

        credentials = Link(_("Credentials, PDF and shared copies"), "credentials:mine", order=10)
        hooks.register(self.label, hooks.RECORD_LINKS, "credentials", credentials)
        console = Link(_("Credentials"), "credentials:manage", order=60, section=True)
        hooks.register(self.label, hooks.CONSOLE_NAV, "credentials", console)
        verify = Link(_("Verify a credential"), "credentials:verify", order=40)
        hooks.register(self.label, hooks.FOOTER_NAV, "verify", verify)

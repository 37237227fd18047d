from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from society import hooks
from society.hooks import Link


class ProposalsConfig(AppConfig):
    name = "proposals"
    verbose_name = _("Session proposals")

    def ready(self) -> None:
        # Other apps link to proposals only through these (society.hooks); none imports this app.
        register = hooks.register
        register(
            self.label, hooks.ACCOUNT_NAV, "proposals", Link(_("My proposals"), "proposals:my_proposals", order=15)
        )
        register(self.label, hooks.CONSOLE_NAV, "proposals", Link(_("Proposals"), "proposals:queue", order=2))

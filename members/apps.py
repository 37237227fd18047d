from django.apps import AppConfig

from society import hooks
from society.hooks import Link


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = "Members"

    def ready(self) -> None:
        hooks.register(self.label, hooks.MAIN_NAV, "about", Link("About", "members:about", order=30))
        hooks.register(self.label, hooks.ACCOUNT_NAV, "account", Link("My account", "members:me", order=20))
        hooks.register(self.label, hooks.FOOTER_NAV, "about", Link("About", "members:about", order=20))
        hooks.register(self.label, hooks.CONSOLE_NAV, "topics", Link("Topics", "members:manage_topics", order=5))
        hooks.register(self.label, hooks.FOOTER_NAV, "privacy", Link("Privacy", "members:privacy_policy", order=30))

from django.apps import AppConfig

from society import hooks
from society.hooks import Link


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = "Members"

    def ready(self) -> None:
        from .new_year import new_year_checklist  # models are ready only now

        hooks.register(self.label, hooks.MAIN_NAV, "about", Link("About", "members:about", order=30))
        hooks.register(self.label, hooks.ACCOUNT_NAV, "account", Link("My account", "members:me", order=20))
        hooks.register(self.label, hooks.FOOTER_NAV, "about", Link("About", "members:about", order=20))
        hooks.register(self.label, hooks.CONSOLE_NAV, "topics", Link("Topics", "members:manage_topics", order=30))
        hooks.register(self.label, hooks.FOOTER_NAV, "privacy", Link("Privacy", "members:privacy_policy", order=30))
        committee = Link("Committee", "members:committee_roles", order=40, section=True)
        hooks.register(self.label, hooks.CONSOLE_NAV, "committee", committee)
        site_texts = Link("Site texts", "members:site_texts", order=50, section=True)
        hooks.register(self.label, hooks.CONSOLE_NAV, "site_texts", site_texts)
        hooks.register(self.label, hooks.NEW_YEAR_CHECKLIST, "members", new_year_checklist)

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from society import hooks
from society.hooks import Link


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = _("Events")

    def ready(self) -> None:
        from .hosts import hosting_card
        from .selectors import events_attended, next_page_change  # the models are ready only now
        from .services import record_action
        from .views.strikes import strikes_card

        hooks.register(self.label, hooks.MAIN_NAV, "events", Link(_("Events"), "events:list", order=10, section=True))
        hooks.register(self.label, hooks.COMMITTEE_NAV, "manage", Link(_("Manage"), "events:manage"))
        hooks.register(self.label, hooks.ACCOUNT_NAV, "my_events", Link(_("My events"), "events:my_events", order=10))
        hooks.register(self.label, hooks.FOOTER_NAV, "events", Link(_("Events"), "events:list", order=10))
        announcements = Link(_("Announcements"), "events:manage_announcements", order=10, section=True)
        hooks.register(self.label, hooks.CONSOLE_NAV, "announcements", announcements)
        hooks.register(self.label, hooks.CONSOLE_NAV, "emails", Link(_("Emails"), "events:manage_emails", order=20))
        hooks.register(self.label, hooks.MEMBER_ATTENDANCE, "events_attended", events_attended)
        hooks.register(self.label, hooks.ACTION_LOG, "events", record_action)
        hooks.register(self.label, hooks.PAGE_CLOCK, "events", next_page_change)
        hooks.register(self.label, hooks.ME_CARDS, "hosting", hosting_card)
        hooks.register(self.label, hooks.ME_CARDS, "strikes", strikes_card)
        strikes = Link(_("No-show strikes"), "events:manage_strikes", order=25, section=True)
        hooks.register(self.label, hooks.CONSOLE_NAV, "strikes", strikes)

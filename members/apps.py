from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from society import hooks
from society.hooks import Link


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = _("Members")

    def ready(self) -> None:
        from .new_year import new_year_checklist  # models are ready only now

        self.connect_account_security()
        guard_admin_with_second_factor()

        hooks.register(self.label, hooks.MAIN_NAV, "about", Link(_("About"), "members:about", order=30))
        hooks.register(self.label, hooks.ACCOUNT_NAV, "account", Link(_("My account"), "members:me", order=20))
        hooks.register(self.label, hooks.FOOTER_NAV, "about", Link(_("About"), "members:about", order=20))
        hooks.register(self.label, hooks.CONSOLE_NAV, "topics", Link(_("Topics"), "members:manage_topics", order=30))
        hooks.register(self.label, hooks.FOOTER_NAV, "privacy", Link(_("Privacy"), "members:privacy_policy", order=30))
        committee = Link(_("Committee"), "members:committee_roles", order=40, section=True)
        hooks.register(self.label, hooks.CONSOLE_NAV, "committee", committee)
        site_texts = Link(_("Site texts"), "members:site_texts", order=50, section=True)
        hooks.register(self.label, hooks.CONSOLE_NAV, "site_texts", site_texts)
        hooks.register(self.label, hooks.NEW_YEAR_CHECKLIST, "members", new_year_checklist)

    def connect_account_security(self) -> None:
        """Two-factor login and the member's sessions, on allauth's and Django's signals."""
        from allauth.account.signals import email_changed
        from allauth.mfa.signals import authenticator_added
        from django.contrib.auth.signals import user_logged_in

        from . import two_factor
        from .services import sessions

        authenticator_added.connect(two_factor.count_first_authenticator, dispatch_uid="members.two_factor")
        email_changed.connect(sessions.end_sessions_on_email_change, dispatch_uid="members.sessions.email")
        user_logged_in.connect(sessions.note_logged_in, dispatch_uid="members.sessions.login")


def guard_admin_with_second_factor() -> None:
    """Every view of the admin site (not its log-in page) needs a session that used a
    second factor, as the committee console does: admin_view wraps each one."""
    from django.contrib import admin

    from .two_factor import second_factor_required

    admin_view = admin.site.admin_view

    def admin_view_with_second_factor(view, cacheable=False):
        return admin_view(second_factor_required(view), cacheable)

    admin.site.admin_view = admin_view_with_second_factor

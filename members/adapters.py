import uuid

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.conf import settings
from django.contrib.sites.shortcuts import get_current_site
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from society import languages
from society.emails import queue_email
from society.models import EmailKind

from .services import needs_welcome


def email_domain_allowed(email: str) -> bool:
    """Sign-up may be limited to the university's domains (and their subdomains)."""
    allowed = settings.SIGNUP_EMAIL_DOMAINS
    if not allowed:
        return True
    domain = email.rsplit("@", 1)[-1].lower()
    return any(domain == d or domain.endswith("." + d) for d in allowed)


class AccountAdapter(DefaultAccountAdapter):
    def clean_email(self, email: str) -> str:
        email = super().clean_email(email)
        if not email_domain_allowed(email):
            domains = pgettext("between email domains", " or ").join("@" + d for d in settings.SIGNUP_EMAIL_DOMAINS)
            raise ValidationError(
                _("Please use your university email address (ending in %(domains)s).") % {"domains": domains}
            )
        return email

    def save_user(self, request, user, form, commit=True):
        """A new member keeps the language they signed up in, for the site and their emails."""
        user.language = languages.chosen(translation.get_language()) or ""
        return super().save_user(request, user, form, commit=commit)

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """allauth's emails (verification, password reset...) go through the outbox too."""
        request = allauth_context.request
        user = context.get("user")
        queue_email(
            # Each is its own email: a second "resend" is a new message, not a duplicate.
            key=f"account:{template_prefix.rsplit('/', 1)[-1]}:{uuid.uuid4().hex}",
            to=email,
            template=template_prefix,
            context={"email": email, "current_site": get_current_site(request), **context},
            kind=EmailKind.ACCOUNT,
            user=user if getattr(user, "pk", None) else None,
        )

    # A new member is taken to the welcome step once verified and logged in,
    # until they finish or skip it; an explicit ?next= still wins.
    def get_signup_redirect_url(self, request) -> str:
        return self._welcome_or(request.user) or super().get_signup_redirect_url(request)

    def get_login_redirect_url(self, request) -> str:
        return self._welcome_or(request.user) or super().get_login_redirect_url(request)

    def get_email_verification_redirect_url(self, email_address) -> str:
        return self._welcome_or(self.request.user) or super().get_email_verification_redirect_url(email_address)

    def _welcome_or(self, user) -> str | None:
        if user.is_authenticated and needs_welcome(user):
            return reverse("members:welcome")
        return None

    def get_client_ip(self, request) -> str:
        """The address rate limits count by (TRUSTED_PROXY_COUNT, CLIENT_IP_HEADER in settings)."""
        try:
            return super().get_client_ip(request)
        except ImproperlyConfigured:
            # Fewer X-Forwarded-For entries than TRUSTED_PROXY_COUNT: the request skipped one
            # of our proxies. Count it against the address that sent it (allauth would fail).
            return request.META["REMOTE_ADDR"]

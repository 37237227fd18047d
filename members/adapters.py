from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.core.exceptions import ValidationError


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
            domains = " or ".join("@" + d for d in settings.SIGNUP_EMAIL_DOMAINS)
            raise ValidationError(f"Please use your university email address (ending in {domains}).")
        return email

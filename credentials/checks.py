"""Start-up checks of the credential keys: a key that cannot be read stops the site at
start, rather than the first time a member asks for a credential."""

from django.conf import settings
from django.core.checks import Error, register

from . import keys


@register()
def check_credential_keys(app_configs, **kwargs) -> list[Error]:
    errors = []
    if settings.CREDENTIAL_SIGNING_KEY:
        try:
            keys.parse_private_key(settings.CREDENTIAL_SIGNING_KEY)
        except ValueError as error:
            errors.append(
                Error(
                    f"CREDENTIAL_SIGNING_KEY is not an Ed25519 private key ({error}).",
                    hint="Set it to a line `python manage.py credential_key` prints.",
                    id="credentials.E001",
                )
            )
    for text in settings.CREDENTIAL_RETIRED_KEYS:
        try:
            keys.parse_public_key(text)
        except ValueError as error:
            errors.append(
                Error(
                    f"CREDENTIAL_RETIRED_KEYS holds {text[:20]!r}…, not an Ed25519 public key ({error}).",
                    hint="List the z6Mk… public keys the key command printed, separated by commas.",
                    id="credentials.E002",
                )
            )
    return errors

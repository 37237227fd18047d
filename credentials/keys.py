"""The society's Ed25519 keys: the one that signs credentials now, and the retired ones
whose credentials still verify.

`settings.CREDENTIAL_SIGNING_KEY` holds the private key (PEM, or base64 of its 32 bytes);
`settings.CREDENTIAL_RETIRED_KEYS` the public keys of earlier ones. The site publishes
them all at KEY_DOCUMENT_PATH as a controller document of Multikey verification methods;
a credential names its key there (`proof.verificationMethod` = document URL # key).

Without a signing key, a development key is derived from SECRET_KEY when
`settings.CREDENTIAL_DEVELOPMENT_KEY` allows it (on with DEBUG, and in tests); otherwise
nothing is issued and the pages that would issue say why (KeyMissing).
"""

import base64
import binascii
from functools import cache

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from . import multibase

KEY_DOCUMENT_PATH = "/.well-known/credential-keys.json"


class KeyMissing(ImproperlyConfigured):
    """No key to sign with: CREDENTIAL_SIGNING_KEY is not set in production."""


@cache
def parse_private_key(text: str) -> Ed25519PrivateKey:
    """An Ed25519 private key from PEM (PKCS #8) or base64 of its 32 raw bytes; ValueError otherwise."""
    text = text.strip()
    if text.startswith("-----BEGIN"):
        key = serialization.load_pem_private_key(text.encode(), password=None)
        if not isinstance(key, Ed25519PrivateKey):
            raise ValueError("not an Ed25519 private key")
        return key
    return Ed25519PrivateKey.from_private_bytes(_raw_key(text, "private", "neither PEM nor base64"))


def parse_public_key(text: str) -> str:
    """An Ed25519 public key, given as publicKeyMultibase ("z6Mk…"), base64 of its 32 raw
    bytes or PEM, as publicKeyMultibase; ValueError otherwise."""
    text = text.strip()
    if text.startswith("z"):
        multibase.raw_public_key(text)
        return text
    if text.startswith("-----BEGIN"):
        key = serialization.load_pem_public_key(text.encode())
        if not isinstance(key, Ed25519PublicKey):
            raise ValueError("not an Ed25519 public key")
        return public_multibase(key)
    return multibase.public_key_multibase(_raw_key(text, "public", "neither multibase, PEM nor base64"))


def _raw_key(text: str, half: str, unreadable: str) -> bytes:
    """The 32 raw bytes of an Ed25519 key (`half`: "private" or "public") given in base64;
    ValueError(`unreadable`) when it is not base64."""
    try:
        raw = base64.b64decode(text, validate=True)
    except binascii.Error as error:
        raise ValueError(unreadable) from error
    if len(raw) != 32:
        raise ValueError(f"an Ed25519 {half} key is 32 bytes")
    return raw


def public_multibase(key: Ed25519PublicKey) -> str:
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return multibase.public_key_multibase(raw)


def development_key() -> Ed25519PrivateKey:
    """A key derived from SECRET_KEY (HKDF-SHA256): stable across restarts, never for production."""
    return _derived_key(settings.SECRET_KEY)


@cache
def _derived_key(secret: str) -> Ed25519PrivateKey:
    derive = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"society credential signing key")
    return Ed25519PrivateKey.from_private_bytes(derive.derive(secret.encode()))


def signing_key() -> Ed25519PrivateKey:
    """The key credentials are signed with now; KeyMissing when there is none."""
    if settings.CREDENTIAL_SIGNING_KEY:
        try:
            return parse_private_key(settings.CREDENTIAL_SIGNING_KEY)
        except ValueError as error:
            raise ImproperlyConfigured(f"CREDENTIAL_SIGNING_KEY is not an Ed25519 private key: {error}.") from error
    if settings.CREDENTIAL_DEVELOPMENT_KEY:
        return development_key()
    raise KeyMissing(
        "CREDENTIAL_SIGNING_KEY is not set, so no credential can be issued. "
        "Run `python manage.py credential_key` and set the line it prints."
    )


def can_sign() -> bool:
    try:
        signing_key()
    except ImproperlyConfigured:
        return False
    return True


def controller_url() -> str:
    return settings.SITE_URL + KEY_DOCUMENT_PATH


def key_id(public_key_multibase: str) -> str:
    """The verification method id of a public key: the key document's URL # the key."""
    return f"{controller_url()}#{public_key_multibase}"


def current_key_id() -> str:
    return key_id(public_multibase(signing_key().public_key()))


def retired_keys() -> list[str]:
    keys = []
    for text in settings.CREDENTIAL_RETIRED_KEYS:
        try:
            keys.append(parse_public_key(text))
        except ValueError as error:
            raise ImproperlyConfigured(f"CREDENTIAL_RETIRED_KEYS holds a key that is not Ed25519: {error}.") from error
    return keys


def published_keys() -> dict[str, str]:
    """Verification method id -> publicKeyMultibase: the current key (when there is one)
    and every retired key."""
    try:
        current = [public_multibase(signing_key().public_key())]
    except ImproperlyConfigured:  # no key to sign with: only the retired ones
        current = []
    return {key_id(key): key for key in current + retired_keys()}


def key_document() -> dict:
    """The controller document published at KEY_DOCUMENT_PATH."""
    controller = controller_url()
    methods = [
        {"id": method_id, "type": "Multikey", "controller": controller, "publicKeyMultibase": key}
        for method_id, key in published_keys().items()
    ]
    return {
        "@context": ["https://www.w3.org/ns/cid/v1"],
        "id": controller,
        "name": settings.SOCIETY_NAME,
        "url": settings.SITE_URL + "/",
        "verificationMethod": methods,
        "assertionMethod": [method["id"] for method in methods],
    }

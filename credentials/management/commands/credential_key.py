import base64

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.management.base import BaseCommand

from credentials.keys import public_multibase


class Command(BaseCommand):
    help = (
        "Make a new Ed25519 key for signing credentials and print the environment line that sets it, "
        "with its public key (to list in CREDENTIAL_RETIRED_KEYS when you replace it)."
    )

    def handle(self, *args, **options):
        key = Ed25519PrivateKey.generate()
        raw = key.private_bytes(
            serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
        )
        self.stdout.write(f"CREDENTIAL_SIGNING_KEY={base64.b64encode(raw).decode()}")
        self.stdout.write(f"# public key: {public_multibase(key.public_key())}")

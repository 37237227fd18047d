"""Our eddsa-jcs-2022 signing and checking against the W3C specification's own test vector.

The vector is from the W3C Data Integrity EdDSA Cryptosuites v1.0 repository
(https://github.com/w3c/vc-di-eddsa, TestVectors/keyPair.json and
TestVectors/eddsa-jcs-2022/signedJCS.json at commit abb673eb9df673e24a8eaf939337de74759b5f8d),
under the W3C Software and Document License. Ed25519 signatures are deterministic, so
signing the same document with the same key and options must give the same proofValue.
"""

import copy
from datetime import UTC, datetime

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from credentials import multibase, proofs

PUBLIC_KEY = "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"
PRIVATE_KEY = "z3u2en7t5LR2WtQH5PfFqMqwVHBeXouLzo6haApm8XHqvjxq"  # multicodec ed25519-priv (0x8026) + 32 bytes
KEY_ID = f"did:key:{PUBLIC_KEY}#{PUBLIC_KEY}"
CONTEXT = ["https://www.w3.org/ns/credentials/v2", "https://www.w3.org/ns/credentials/examples/v2"]
UNSIGNED = {
    "@context": CONTEXT,
    "id": "urn:uuid:58172aac-d8ba-11ed-83dd-0b3aef56cc33",
    "type": ["VerifiableCredential", "AlumniCredential"],
    "name": "Alumni Credential",
    "description": "A minimum viable example of an Alumni Credential.",
    "issuer": "https://vc.example/issuers/5678",
    "validFrom": "2023-01-01T00:00:00Z",
    "credentialSubject": {"id": "did:example:abcdefgh", "alumniOf": "The School of Examples"},
}
PROOF_VALUE = "z2HnFSSPPBzR36zdDgK8PbEHeXbR56YF24jwMpt3R1eHXQzJDMWS93FCzpvJpwTWd3GAVFuUfjoJdcnTMuVor51aX"
SIGNED = {
    **UNSIGNED,
    "proof": {
        "type": "DataIntegrityProof",
        "cryptosuite": "eddsa-jcs-2022",
        "created": "2023-02-24T23:36:38Z",
        "verificationMethod": KEY_ID,
        "proofPurpose": "assertionMethod",
        "@context": CONTEXT,
        "proofValue": PROOF_VALUE,
    },
}


def test_the_specifications_credential_verifies():
    assert proofs.verify(SIGNED, {KEY_ID: PUBLIC_KEY}).status == proofs.Status.GENUINE


def test_the_specifications_credential_changed_does_not():
    changed = copy.deepcopy(SIGNED)
    changed["credentialSubject"]["alumniOf"] = "The School of Forgeries"

    assert proofs.verify(changed, {KEY_ID: PUBLIC_KEY}).status == proofs.Status.NOT_GENUINE


def test_signing_the_specifications_document_gives_its_signature():
    raw = multibase.decode(PRIVATE_KEY)
    assert raw[:2] == b"\x80\x26"
    key = Ed25519PrivateKey.from_private_bytes(raw[2:])

    signed = proofs.sign(
        UNSIGNED, private_key=key, verification_method=KEY_ID, created=datetime(2023, 2, 24, 23, 36, 38, tzinfo=UTC)
    )

    assert signed["proof"][0]["proofValue"] == PROOF_VALUE
    assert multibase.public_key_multibase(key.public_key().public_bytes_raw()) == PUBLIC_KEY

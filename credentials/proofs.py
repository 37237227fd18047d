"""Signing and checking credentials: W3C Data Integrity proofs with the `eddsa-jcs-2022`
cryptosuite (Data Integrity EdDSA Cryptosuites v1.0, section 3.3).

`verify` is a pure function of the credential and the public keys it may name: no
database, no network. Anyone can run it offline with the keys the site publishes
(credentials.keys); the site's own check (credentials.services.check) adds revocation.
"""

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from . import multibase
from .jcs import canonical

CRYPTOSUITE = "eddsa-jcs-2022"


def sign(document: dict, *, private_key: Ed25519PrivateKey, verification_method: str, created: datetime) -> dict:
    """`document` (no proof yet) with a proof made by `private_key`, which the public key
    at `verification_method` checks."""
    options = {
        "type": "DataIntegrityProof",
        "cryptosuite": CRYPTOSUITE,
        "created": created.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "verificationMethod": verification_method,
        "proofPurpose": "assertionMethod",
    }
    signature = private_key.sign(_hash_data(document, options))
    # A proof set of one: Data Integrity allows one proof or a set, and the Open Badges 3.0
    # JSON schema asks for a set.
    return {**document, "proof": [{**options, "proofValue": multibase.encode(signature)}]}


def _hash_data(document: dict, options: dict) -> bytes:
    """What is signed: SHA-256 of the canonical proof options (with the document's
    @context) followed by SHA-256 of the canonical document."""
    config = {**options}
    if "@context" in document:
        config["@context"] = document["@context"]
    return hashlib.sha256(canonical(config)).digest() + hashlib.sha256(canonical(document)).digest()


class Status(StrEnum):
    GENUINE = "genuine"
    REVOKED = "revoked"  # genuine, but withdrawn by the society (only the site knows)
    NOT_GENUINE = "not_genuine"  # changed since it was signed, or a forged signature
    UNKNOWN_KEY = "unknown_key"  # signed with a key this society does not list
    NOT_A_CREDENTIAL = "not_a_credential"  # not JSON, or not a credential with our kind of proof


@dataclass(frozen=True)
class Verdict:
    status: Status
    credential: dict = field(default_factory=dict)
    key_id: str = ""

    @property
    def genuine(self) -> bool:
        return self.status == Status.GENUINE

    @property
    def signed(self) -> bool:
        """The signature holds, whether or not the society since revoked it."""
        return self.status in (Status.GENUINE, Status.REVOKED)


def parse(text: str | bytes) -> Any:
    """JSON text as Python values; ValueError when it is not JSON (NaN and infinities included)."""

    def refuse(word: str) -> None:
        raise ValueError(f"{word} is not JSON")

    return json.loads(text, parse_constant=refuse)


def verify(credential: str | bytes | dict, public_keys: dict[str, str]) -> Verdict:
    """Whether `credential` (JSON text, or parsed) carries a valid eddsa-jcs-2022 proof by
    one of `public_keys` (verification method id -> publicKeyMultibase)."""
    if not isinstance(credential, dict):
        try:
            credential = parse(credential)
        except (ValueError, UnicodeDecodeError):
            return Verdict(Status.NOT_A_CREDENTIAL)
    proof = _our_proof(credential, public_keys)
    if not _is_our_kind(credential, proof):
        return Verdict(Status.NOT_A_CREDENTIAL, credential if isinstance(credential, dict) else {})
    key_id = proof.get("verificationMethod")
    if not isinstance(key_id, str) or key_id not in public_keys:
        return Verdict(Status.UNKNOWN_KEY, credential, key_id if isinstance(key_id, str) else "")
    document = {name: value for name, value in credential.items() if name != "proof"}
    options = {name: value for name, value in proof.items() if name != "proofValue"}
    if "@context" in options and options["@context"] != document.get("@context"):
        return Verdict(Status.NOT_GENUINE, credential, key_id)
    options.pop("@context", None)
    try:
        signature = multibase.decode(proof.get("proofValue"))
        public_key = Ed25519PublicKey.from_public_bytes(multibase.raw_public_key(public_keys[key_id]))
        public_key.verify(signature, _hash_data(document, options))
    except (ValueError, TypeError, InvalidSignature):
        return Verdict(Status.NOT_GENUINE, credential, key_id)
    return Verdict(Status.GENUINE, credential, key_id)


def _our_proof(credential: Any, public_keys: dict[str, str]) -> Any:
    """The credential's proof: the only one, or of a set the one by one of `public_keys`
    (else the first)."""
    proofs = credential.get("proof") if isinstance(credential, dict) else None
    if not isinstance(proofs, list):
        return proofs
    ours = [proof for proof in proofs if isinstance(proof, dict) and proof.get("verificationMethod") in public_keys]
    return (ours or proofs or [None])[0]


def _is_our_kind(credential: Any, proof: Any) -> bool:
    if not isinstance(credential, dict) or not isinstance(proof, dict):
        return False
    types = credential.get("type")
    types = [types] if isinstance(types, str) else types
    return (
        isinstance(types, list)
        and "VerifiableCredential" in types
        and proof.get("type") == "DataIntegrityProof"
        and proof.get("cryptosuite") == CRYPTOSUITE
        and proof.get("proofPurpose") == "assertionMethod"
    )


@dataclass(frozen=True)
class Statement:
    """What a credential says, for people: whose it is, what for, by whom, from when."""

    person: str
    achievement: str
    description: str
    issuer: str
    valid_from: str
    credential_id: str


def statement(credential: dict) -> Statement:
    """What `credential` says (empty strings where it says nothing readable)."""

    def text(value: Any) -> str:
        return value if isinstance(value, str) else ""

    subject = credential.get("credentialSubject")
    subject = subject if isinstance(subject, dict) else {}
    identifiers = subject.get("identifier") if isinstance(subject.get("identifier"), list) else []
    names = [
        text(item.get("identityHash"))
        for item in identifiers
        if isinstance(item, dict) and item.get("identityType") == "name" and item.get("hashed") is False
    ]
    achievement = subject.get("achievement") if isinstance(subject.get("achievement"), dict) else {}
    issuer = credential.get("issuer")
    issuer_name = text(issuer.get("name")) if isinstance(issuer, dict) else text(issuer)
    return Statement(
        person=names[0] if names else "",
        achievement=text(achievement.get("name")),
        description=text(credential.get("description")) or text(achievement.get("description")),
        issuer=issuer_name,
        valid_from=text(credential.get("validFrom")),
        credential_id=text(credential.get("id")),
    )

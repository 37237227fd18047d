"""Multibase base58btc ("z…") and Multikey Ed25519 public keys, as the W3C Controlled
Identifiers and Data Integrity EdDSA specifications write them."""

ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
ED25519_PUBLIC_PREFIX = b"\xed\x01"  # multicodec ed25519-pub, as an unsigned varint


def base58btc(data: bytes) -> str:
    number = int.from_bytes(data, "big")
    digits = ""
    while number:
        number, remainder = divmod(number, 58)
        digits = ALPHABET[remainder] + digits
    zeros = len(data) - len(data.lstrip(b"\0"))
    return ALPHABET[0] * zeros + digits


def from_base58btc(text: str) -> bytes:
    """The bytes of `text`; ValueError when it is not base58btc."""
    number = 0
    for character in text:
        index = ALPHABET.find(character)
        if index < 0:
            raise ValueError(f"{character!r} is not a base58btc digit")
        number = number * 58 + index
    zeros = len(text) - len(text.lstrip(ALPHABET[0]))
    body = number.to_bytes((number.bit_length() + 7) // 8, "big") if number else b""
    return b"\0" * zeros + body


def encode(data: bytes) -> str:
    """`data` as multibase base58btc: "z" and the digits."""
    return "z" + base58btc(data)


def decode(text: str) -> bytes:
    """The bytes of a multibase base58btc string; ValueError for anything else."""
    if not isinstance(text, str) or not text.startswith("z"):
        raise ValueError("not multibase base58btc")
    return from_base58btc(text[1:])


def public_key_multibase(raw: bytes) -> str:
    """A raw 32-byte Ed25519 public key as Multikey's publicKeyMultibase."""
    return encode(ED25519_PUBLIC_PREFIX + raw)


def raw_public_key(multikey: str) -> bytes:
    """The raw 32-byte Ed25519 key of a publicKeyMultibase; ValueError for anything else."""
    data = decode(multikey)
    if not data.startswith(ED25519_PUBLIC_PREFIX) or len(data) != 34:
        raise ValueError("not an Ed25519 Multikey")
    return data[2:]

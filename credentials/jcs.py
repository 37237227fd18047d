"""JSON Canonicalization Scheme (RFC 8785), for the JSON credentials are made of.

Objects' members sorted by their names' UTF-16 code units, no whitespace, strings as
ECMAScript's JSON.stringify writes them, numbers in ECMAScript's shortest form. Our
credentials hold only strings, integers, booleans, null, lists and objects; a float that
is not a whole number is written as Python's shortest repr, which matches ECMAScript's for
the values people paste (a verifier refuses NaN and infinities, which JSON has no words for).
"""

import json
import math
from typing import Any


def canonical(value: Any) -> bytes:
    """`value` (parsed JSON) as its canonical UTF-8 bytes."""
    return _write(value).encode("utf-8")


def _write(value: Any) -> str:
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _number(value)
    if isinstance(value, list | tuple):
        return "[" + ",".join(_write(item) for item in value) + "]"
    if isinstance(value, dict):
        names = sorted(value, key=lambda name: name.encode("utf-16-be"))
        return "{" + ",".join(f"{_write(name)}:{_write(value[name])}" for name in names) + "}"
    raise TypeError(f"{type(value).__name__} is not JSON")


def _number(value: float) -> str:
    if math.isnan(value) or math.isinf(value):
        raise ValueError("NaN and infinities are not JSON")
    if value.is_integer() and abs(value) < 1e21:
        return str(int(value))
    text = repr(value)
    if "e" in text:  # ECMAScript writes 1e+21 and 1e-7 where Python writes 1e+21 and 1e-07
        mantissa, exponent = text.split("e")
        sign = "-" if exponent.startswith("-") else "+"
        text = f"{mantissa}e{sign}{int(exponent.lstrip('+-'))}"
    return text

"""The lottery's draw, as anyone can re-run it from the published data.

This module is plain Python (no Django), so that a member can check a draw with
nothing but the published file: `python -m events.lottery_draw draw.json`
prints the drawn order and says whether it matches the published result.

The rule (also on each event's draw page and in docs/lottery.md):

1. Units. Each request is drawn as a unit: a single request under its public id,
   or a pair (two requests naming each other) under the two public ids sorted and
   joined by "+", e.g. "3f9a0c21b7d4+a81c44e0f2b9". Each unit has a weight,
   published with three decimals: (1 + L) / (1 + S) for a member who lost L draws
   earlier this term (at most 3) and holds S no-show strikes; a pair has the lower
   of its two weights.
2. Keys. With the revealed seed (the 64 hexadecimal characters, as text), each unit
   gets u = (the first 8 bytes of HMAC-SHA256(key=seed, message=unit id), read as a
   big-endian unsigned integer, + 0.5) / 2**64, a number strictly between 0 and 1,
   and the key -ln(u) / weight.
3. Order. The drawn order is by ascending key, ties broken by unit id. This is the
   Efraimidis-Spirakis weighted random order: a unit of weight w comes before one of
   weight v with probability w / (w + v), and the order does not depend on the
   order in which the units are listed.
4. Seats. Walking the drawn order, a unit is seated when all its people fit in the
   seats left; otherwise it goes to the waiting list and the walk goes on (so a
   single may take the last seat that a pair could not). The waiting list keeps
   the drawn order.

The seed's SHA-256 hash is published before the requests close, so the seed
cannot be chosen after seeing who asked.
"""

import hashlib
import hmac
import json
import math
import sys
from dataclasses import dataclass
from decimal import Decimal

ALGORITHM = "efraimidis-spirakis/hmac-sha256/v1"


@dataclass(frozen=True)
class Unit:
    """One request, or a pair of requests drawn together."""

    id: str
    people: int
    weight: Decimal


@dataclass(frozen=True)
class Result:
    order: list[Unit]
    seated: list[Unit]
    waiting: list[Unit]


def unit_id(*public_ids: str) -> str:
    """A single request's id, or a pair's: the two ids sorted, joined by "+"."""
    return "+".join(sorted(public_ids))


def seed_hash(seed: str) -> str:
    """What is published before the close: the SHA-256 of the seed's text, in hexadecimal."""
    return hashlib.sha256(seed.encode()).hexdigest()


def uniform(seed: str, unit: str) -> float:
    """The unit's number strictly between 0 and 1, from the seed and its id alone."""
    digest = hmac.new(seed.encode(), unit.encode(), hashlib.sha256).digest()
    return (int.from_bytes(digest[:8], "big") + 0.5) / 2**64


def key(seed: str, unit: Unit) -> float:
    """The unit's key: the smaller, the earlier it is drawn (heavier units tend to smaller keys)."""
    return -math.log(uniform(seed, unit.id)) / float(unit.weight)


def drawn_order(seed: str, units: list[Unit]) -> list[Unit]:
    return sorted(units, key=lambda unit: (key(seed, unit), unit.id))


def draw(seed: str, units: list[Unit], seats: int) -> Result:
    """The drawn order, and who is seated and who waits, for `seats` seats."""
    order = drawn_order(seed, units)
    seated, waiting, left = [], [], seats
    for unit in order:
        if unit.people <= left:
            seated.append(unit)
            left -= unit.people
        else:
            waiting.append(unit)
    return Result(order=order, seated=seated, waiting=waiting)


def units_of(published: dict) -> list[Unit]:
    """The units of a published draw (its "units": id, people, weight as text)."""
    return [Unit(id=u["id"], people=int(u["people"]), weight=Decimal(u["weight"])) for u in published["units"]]


def rerun(published: dict) -> Result:
    """Draw again from a published draw (its seed, seats and units)."""
    return draw(published["seed"], units_of(published), int(published["seats"]))


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: python -m events.lottery_draw draw.json", file=sys.stderr)
        return 2
    with open(argv[1], encoding="utf-8") as file:
        published = json.load(file)
    if not published.get("seed"):
        print("This draw is not done yet: its seed is revealed once the requests have closed.", file=sys.stderr)
        return 1
    if seed_hash(published["seed"]) != published["seed_hash"]:
        print("The seed does not match the hash published before the close.", file=sys.stderr)
        return 1
    result = rerun(published)
    seated = {unit.id for unit in result.seated}
    for position, unit in enumerate(result.order, start=1):
        print(f"{position}\t{unit.id}\t{unit.weight}\t{'seated' if unit.id in seated else 'waiting'}")
    expected = published.get("result")
    if expected is not None:
        same = [u.id for u in result.order] == expected["order"] and sorted(seated) == sorted(expected["seated"])
        print("Matches the published result." if same else "DOES NOT match the published result.")
        return 0 if same else 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

"""The draw's algorithm (events.lottery_draw), plain Python: the order, the seats, pairs,
and the weights honoured on average over many seeded draws (fixed seeds: never flaky)."""

import json
from collections import Counter
from decimal import Decimal

from events import lottery_draw
from events.lottery_draw import Unit
from tests.events.lottery_helpers import rerun_in_plain_python


def units(*specs) -> list[Unit]:
    return [Unit(id=unit_id, people=people, weight=Decimal(weight)) for unit_id, people, weight in specs]


def test_drawn_order_does_not_depend_on_the_order_of_the_list():
    listed = units(("aa", 1, "1.000"), ("bb", 1, "2.000"), ("cc", 2, "0.500"), ("dd", 1, "1.000"))

    first = lottery_draw.drawn_order("f" * 64, listed)
    second = lottery_draw.drawn_order("f" * 64, list(reversed(listed)))

    assert [u.id for u in first] == [u.id for u in second]
    assert sorted(u.id for u in first) == ["aa", "bb", "cc", "dd"]


def test_key_is_minus_log_of_the_hmac_number_over_the_weight():
    import hashlib
    import hmac
    import math

    seed = "0123456789abcdef" * 4
    digest = hmac.new(seed.encode(), b"aa+bb", hashlib.sha256).digest()
    u = (int.from_bytes(digest[:8], "big") + 0.5) / 2**64

    assert lottery_draw.key(seed, Unit("aa+bb", 2, Decimal("0.500"))) == -math.log(u) / 0.5


def test_a_single_takes_the_last_seat_a_pair_could_not_and_the_waiting_list_keeps_the_drawn_order():
    listed = units(("pair", 2, "1.000"), ("one", 1, "1.000"), ("two", 1, "1.000"))
    seed = next(s for s in (f"{n:064x}" for n in range(500)) if _order(s, listed) == ["one", "pair", "two"])

    result = lottery_draw.draw(seed, listed, seats=2)

    assert [u.id for u in result.seated] == ["one", "two"]
    assert [u.id for u in result.waiting] == ["pair"]


def _order(seed, listed):
    return [u.id for u in lottery_draw.drawn_order(seed, listed)]


def test_unit_id_of_a_pair_is_the_two_ids_sorted_and_joined():
    assert lottery_draw.unit_id("b1", "a2") == "a2+b1"
    assert lottery_draw.unit_id("c3") == "c3"


def test_weights_are_honoured_on_average_over_3000_seeded_draws():
    # One seat; weights 2, 1, 1: the first drawn is "heavy" with probability 2/4 exactly,
    # each light one 1/4. Fixed seeds, so the counts are always the same; the tolerance
    # is over four standard deviations (sqrt(0.25 * 0.75 / 3000) = 0.008).
    listed = units(("heavy", 1, "2.000"), ("light1", 1, "1.000"), ("light2", 1, "1.000"))
    wins = Counter(lottery_draw.draw(f"{n:064x}", listed, seats=1).seated[0].id for n in range(3000))

    assert abs(wins["heavy"] / 3000 - 0.5) < 0.035
    assert abs(wins["light1"] / 3000 - 0.25) < 0.035
    assert abs(wins["light2"] / 3000 - 0.25) < 0.035


def test_a_strike_halves_the_chance_to_come_first_against_an_equal_member():
    # Weights 1 and 0.5 (one strike): the first is drawn first with probability 1 / 1.5 = 2/3.
    listed = units(("clean", 1, "1.000"), ("struck", 1, "0.500"))
    first = Counter(lottery_draw.drawn_order(f"{n:064x}", listed)[0].id for n in range(3000))

    assert abs(first["clean"] / 3000 - 2 / 3) < 0.035


def test_the_command_re_runs_a_published_draw_without_django(tmp_path):
    seed = "ab" * 32
    listed = units(("aa", 1, "1.000"), ("bb+cc", 2, "2.000"), ("dd", 1, "0.500"))
    result = lottery_draw.draw(seed, listed, seats=2)
    published = {
        "seed": seed,
        "seed_hash": lottery_draw.seed_hash(seed),
        "seats": 2,
        "units": [{"id": u.id, "people": u.people, "weight": str(u.weight)} for u in listed],
        "result": {
            "order": [u.id for u in result.order],
            "seated": [u.id for u in result.seated],
            "waiting": [u.id for u in result.waiting],
        },
    }
    path = tmp_path / "draw.json"
    path.write_text(json.dumps(published))

    run = rerun_in_plain_python(path)

    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert [line.split("\t")[1] for line in lines[:-1]] == published["result"]["order"]
    assert lines[-1] == "Matches the published result."


def test_the_command_refuses_a_seed_that_does_not_match_its_hash(tmp_path):
    path = tmp_path / "draw.json"
    path.write_text(json.dumps({"seed": "ab" * 32, "seed_hash": "0" * 64, "seats": 1, "units": []}))

    run = rerun_in_plain_python(path)

    assert run.returncode == 1
    assert "does not match" in run.stderr

"""parse_int()'s shortcuts for the usual spellings give the answers (and
refusals) of the strtol-style regular expression they bypass."""

from __future__ import annotations

import itertools
import random
import re
from collections.abc import Callable

from qemudrv.xmlreader import parse_int

_STRTOL = re.compile(r"([+-]?)(?:0[xX]([0-9a-fA-F]+)|0([0-7]*)|([1-9][0-9]*))")


def _by_regex(value: str) -> int:
    found = _STRTOL.fullmatch(value.strip())
    if found is None:
        raise ValueError(value)
    sign, hex_digits, octal_digits, decimal = found.groups()
    if hex_digits is not None:
        number = int(hex_digits, 16)
    elif octal_digits is not None:
        number = int(octal_digits, 8) if octal_digits else 0
    else:
        number = int(decimal, 10)
    return -number if sign == "-" else number


def _outcome(read: Callable[[str], int], value: str) -> tuple[str, object]:
    try:
        return "value", read(value)
    except ValueError as exc:
        return "error", str(exc)


def test_base_zero_matches_the_regular_expression() -> None:
    alphabet = "0123456789afgxX+-_ \u0663\u00b2"
    values = ["", "0", "00", "0x", "0x_1", "0x+1", "0x 1", "1_0", " 0x1f ", "0x1G", "09",
              "010", "\u0663", "0x\u0663", "4294967295", "0x" + "f" * 40]
    for n in range(1, 4):
        values += ["".join(p) for p in itertools.product(alphabet, repeat=n)]
    rng = random.Random(3)
    values += ["".join(rng.choice(alphabet) for _ in range(rng.randint(4, 8)))
               for _ in range(20000)]
    for value in values:
        assert _outcome(lambda v: parse_int(v, 0), value) == _outcome(_by_regex, value), value

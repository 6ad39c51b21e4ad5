"""CPU and NUMA node sets in libvirt's bitmap syntax ("0-3,^2,8")."""

from __future__ import annotations

from collections.abc import Iterable

from .errors import XMLError
from .limits import CPUMASK_LEN

__all__ = ["CPUMASK_LEN", "format_bitmap", "parse_bitmap", "shorten"]


def parse_bitmap(text: str, what: str = "bitmap", limit: int = CPUMASK_LEN) -> frozenset[int]:
    """virBitmapParse: comma separated numbers, ranges and ^exclusions.

    The bits are gathered in an integer mask, so a range costs one shift
    whatever its width and a long list stays linear in its length.
    """
    include = exclude = 0
    if not text.strip():
        raise XMLError(f"Failed to parse {what} '{shorten(text)}'")
    for item in text.split(","):
        item = item.strip()
        try:
            if item.startswith("^"):
                exclude |= 1 << _bit(item[1:], limit)
            elif "-" in item:
                lo_s, hi_s = item.split("-", 1)
                lo, hi = _bit(lo_s, limit), _bit(hi_s, limit)
                if hi < lo:
                    raise ValueError(item)
                include |= ((1 << (hi - lo + 1)) - 1) << lo
            else:
                include |= 1 << _bit(item, limit)
        except ValueError:
            raise XMLError(f"Failed to parse {what} '{shorten(text)}'") from None
    mask = include & ~exclude
    # The binary digits, lowest first, read a run of ones at a time: find()
    # skips runs in C and a run is added as a range, where shifting the mask
    # for each bit would cost its width every time.
    digits = bin(mask)[:1:-1]
    bits: list[int] = []
    start = digits.find("1")
    while start >= 0:
        end = digits.find("0", start)
        if end < 0:
            end = len(digits)
        bits.extend(range(start, end))
        start = digits.find("1", end)
    return frozenset(bits)


def _bit(number: str, limit: int) -> int:
    if len(number) > 20:  # no valid bit number is this long; int() would be slow
        raise ValueError(number)
    n = int(number, 10)
    if n < 0 or n >= limit:
        raise ValueError(number)
    return n


def shorten(text: str) -> str:
    """The text for an error message, cut short when it is long."""
    return text if len(text) <= 200 else text[:200] + "..."


def format_bitmap(bits: Iterable[int]) -> str:
    """virBitmapFormat: ascending ranges, "0-3,5"."""
    out: list[str] = []
    items = sorted(set(bits))
    i = 0
    while i < len(items):
        j = i
        while j + 1 < len(items) and items[j + 1] == items[j] + 1:
            j += 1
        out.append(str(items[i]) if i == j else f"{items[i]}-{items[j]}")
        i = j + 1
    return ",".join(out)

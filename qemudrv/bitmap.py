"""CPU and NUMA node sets in libvirt's bitmap syntax ("0-3,^2,8")."""

from __future__ import annotations

from collections.abc import Iterable

from .errors import XMLError

# VIR_DOMAIN_CPUMASK_LEN: the largest CPU or node number plus one
CPUMASK_LEN = 1024


def parse_bitmap(text: str, what: str = "bitmap", limit: int = CPUMASK_LEN) -> frozenset[int]:
    """virBitmapParse: comma separated numbers, ranges and ^exclusions."""
    include: set[int] = set()
    exclude: set[int] = set()
    if not text.strip():
        raise XMLError(f"Failed to parse {what} '{text}'")
    for item in text.split(","):
        item = item.strip()
        try:
            if item.startswith("^"):
                n = int(item[1:], 10)
                _check(n, limit, what, text)
                exclude.add(n)
            elif "-" in item:
                lo_s, hi_s = item.split("-", 1)
                lo, hi = int(lo_s, 10), int(hi_s, 10)
                _check(lo, limit, what, text)
                _check(hi, limit, what, text)
                if hi < lo:
                    raise ValueError(item)
                include.update(range(lo, hi + 1))
            else:
                n = int(item, 10)
                _check(n, limit, what, text)
                include.add(n)
        except ValueError:
            raise XMLError(f"Failed to parse {what} '{text}'") from None
    return frozenset(include - exclude)


def _check(n: int, limit: int, what: str, text: str) -> None:
    if n < 0 or n >= limit:
        raise XMLError(f"Failed to parse {what} '{text}'")


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

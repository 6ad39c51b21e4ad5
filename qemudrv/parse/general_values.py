"""Numbers, tristates and memory sizes as the general sections of <domain> read them."""

from __future__ import annotations

from ..errors import XMLError
from ..xmlreader import Element, scale, where
from .context import ParseContext


def uint_value(value: str | None, what: str, default: int | None = None) -> int | None:
    if value is None:
        return default
    try:
        n = int(value.strip(), 10)
    except ValueError:
        raise XMLError(f"invalid value '{value}' for {what}") from None
    if n < 0:
        raise XMLError(f"invalid value '{value}' for {what}")
    return n


def uint_or_none(value: str | None, message: str, limit: int | None = None) -> int | None:
    """A non-negative decimal (at most ``limit``), or None when absent;
    ``message`` names a bad one (``%s`` is the value)."""
    if value is None:
        return None
    try:
        number = int(value, 10)
    except ValueError:
        raise XMLError(message % value) from None
    if number < 0 or (limit is not None and number > limit):
        raise XMLError(message % value)
    return number


def int_value(value: str | None, what: str, default: int | None = None) -> int | None:
    if value is None:
        return default
    try:
        return int(value.strip(), 10)
    except ValueError:
        raise XMLError(f"invalid value '{value}' for {what}") from None


def tristate_value(
    value: str | None, what: str, true: str = "yes", false: str = "no"
) -> bool | None:
    if value is None:
        return None
    if value == true:
        return True
    if value == false:
        return False
    raise XMLError(f"invalid value '{value}' for {what}")


def _memory_limit(ctx: ParseContext) -> int:
    return int(ctx.caps.host.get("memory_max_value", 2**63 - 1))


def _missing(name: str, ctx: ParseContext) -> XMLError:
    # virParseScaledValue's message; libvirt 1.3.1 named the element only.
    if ctx.modern:
        return XMLError(f"missing element or attribute '{name}'")
    return XMLError(f"missing element {name}")


def _value_name(el: Element | None, what: str | None) -> str:
    """The name of a memory size in messages (the element path by default)."""
    return what or (where(el) if el is not None else "memory")


def parse_memory_value(
    el: Element | None, ctx: ParseContext, *, required: bool = False, capped: bool = True,
    value: str | None = None, unit: str | None = None, what: str | None = None,
) -> int | None:
    """virDomainParseMemory: a size with an optional unit, in KiB rounded up.

    Sizes whose byte count exceeds the limit (LLONG_MAX when capped,
    ULLONG_MAX otherwise) are rejected. The name for messages is only
    worked out for a message.
    """
    if value is None:
        if el is None:
            if required:
                raise _missing(_value_name(el, what), ctx)
            return None
        value = (el.text or "").strip()
        unit = el.get("unit")
    if not value:
        if required:
            raise _missing(_value_name(el, what), ctx)
        return None
    try:
        number = int(value, 10)
    except ValueError:
        raise XMLError(f"Invalid value '{value}' for element or attribute "
                       f"'{_value_name(el, what)}'") from None
    if number < 0:
        raise XMLError(f"Invalid value '{value}' for element or attribute "
                       f"'{_value_name(el, what)}'")
    # Without a unit the size is in KiB; scale() names the value in its message.
    size = scale(number, unit, 1024, _value_name(el, what), limit=None) if unit else number * 1024
    limit = _memory_limit(ctx) if capped else 2**64 - 1
    if size > limit:
        raise XMLError(f"value too large for element or attribute '{_value_name(el, what)}': "
                       f"{value}")
    return -(-size // 1024)

"""libvirt 9.0's attribute readers (virXMLProp* of virxml.c) with their messages."""

from __future__ import annotations

from ..errors import XMLError
from ..xmlreader import Element


def _missing(el: Element, name: str) -> XMLError:
    return XMLError(f"Missing required attribute '{name}' in element '{el.tag}'")


def enum_attr(el: Element, name: str, values: tuple[str, ...], *, required: bool = False,
              nonzero: bool = False) -> str | None:
    """virXMLPropEnum: one of ``values`` (with ``nonzero``, not the first)."""
    raw = el.get(name)
    if raw is None:
        if required:
            raise _missing(el, name)
        return None
    if raw not in values or (nonzero and raw == values[0]):
        raise XMLError(f"Invalid value for attribute '{name}' in element '{el.tag}': '{raw}'.")
    return raw


def switch_attr(el: Element, name: str = "state", *, required: bool = False) -> bool | None:
    """virXMLPropTristateSwitch: on / off, None when absent."""
    raw = enum_attr(el, name, ("absent", "on", "off"), required=required, nonzero=True)
    return None if raw is None else raw == "on"


def uint_attr(el: Element, name: str, *, required: bool = False,
              nonzero: bool = False) -> int | None:
    """virXMLPropUInt (base 10)."""
    raw = el.get(name)
    if raw is None:
        if required:
            raise _missing(el, name)
        return None
    try:
        value = int(raw.strip(), 10)
    except ValueError:
        value = -1
    if value < 0 or value > 0xFFFFFFFF:
        raise XMLError(f"Invalid value for attribute '{name}' in element '{el.tag}': "
                       f"'{raw}'. Expected non-negative integer value")
    if nonzero and value == 0:
        raise XMLError(f"Invalid value for attribute '{name}' in element '{el.tag}': "
                       "Zero is not permitted")
    return value


def int_attr(el: Element, name: str, *, nonnegative: bool = False) -> int | None:
    """virXMLPropInt (base 10)."""
    raw = el.get(name)
    if raw is None:
        return None
    try:
        value = int(raw.strip(), 10)
    except ValueError:
        raise XMLError(f"Invalid value for attribute '{name}' in element '{el.tag}': "
                       f"'{raw}'. Expected integer value") from None
    if nonnegative and value < 0:
        raise XMLError(f"Invalid value for attribute '{name}' in element '{el.tag}': "
                       f"'{raw}'. Expected non-negative value")
    return value

"""libvirt 9.0's messages for attribute values its virXMLProp* helpers
reject (util/virxml.c); 1.3.1 worded each of these at its own parse site."""

from __future__ import annotations

from ..errors import XMLError


def invalid_value(attr: str, element: str, value: str, expected: str = "") -> XMLError:
    """virXMLPropEnum (``expected`` empty) and the integer readers, whose
    ``expected`` says what the value should have been."""
    tail = f" Expected {expected} value" if expected else ""
    return XMLError(f"Invalid value for attribute '{attr}' in element '{element}': "
                    f"'{value}'.{tail}")


def invalid_uint(attr: str, element: str, value: str) -> XMLError:
    """virXMLPropUInt: the value is no unsigned number."""
    return invalid_value(attr, element, value, "non-negative integer")

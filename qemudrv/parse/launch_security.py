"""<launchSecurity> (virDomainSecDefParseXML, libvirt 9.0)."""

from __future__ import annotations

from ..errors import XMLError
from ..model.domain import Domain
from ..model.general import LaunchSecurity
from ..xmlreader import Element, child, child_text
from .context import ParseContext
from .xmlprop import enum_attr

_TYPES = ("", "sev", "s390-pv")


def _uint(el: Element, name: str, base: int = 10) -> int | None:
    """virXPathUInt(Base): None when absent, -1 when not a number."""
    raw = child_text(el, name)
    if raw is None:
        return None
    try:
        value = int(raw.strip(), base)
    except ValueError:
        return -1
    return value if 0 <= value <= 0xFFFFFFFF else -1


def parse_launch_security(root: Element, dom: Domain, ctx: ParseContext) -> None:
    el = child(root, "launchSecurity")
    if el is None or not ctx.modern:
        return
    sec = LaunchSecurity(str(enum_attr(el, "type", _TYPES, required=True, nonzero=True)))
    if sec.type == "sev":
        raw = el.get("kernelHashes")
        if raw is not None:
            if raw not in ("yes", "no"):
                raise XMLError(f"Invalid value for attribute 'kernelHashes' in element "
                               f"'launchSecurity': '{raw}'.")
            sec.kernel_hashes = raw == "yes"
        policy = _uint(el, "policy", 16)
        if policy is None or policy < 0:
            raise XMLError("failed to get launch security policy")
        sec.policy = policy
        sec.cbitpos = _uint(el, "cbitpos")
        if sec.cbitpos == -1:
            raise XMLError("Invalid format for launch security cbitpos")
        sec.reduced_phys_bits = _uint(el, "reducedPhysBits")
        if sec.reduced_phys_bits == -1:
            raise XMLError("Invalid format for launch security reduced-phys-bits")
        sec.dh_cert = child_text(el, "dhCert")
        sec.session = child_text(el, "session")
    dom.launch_security = sec

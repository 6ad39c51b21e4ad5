"""<launchSecurity> as libvirt 9.0 writes it (virDomainSecDefFormat)."""

from __future__ import annotations

from ..model.domain import Domain
from ..xmlwriter import XMLWriter


def format_launch_security(w: XMLWriter, dom: Domain) -> None:
    sec = dom.launch_security
    if sec is None:
        return
    body = w.child()
    kernel_hashes = None
    if sec.type == "sev":
        if sec.kernel_hashes is not None:
            kernel_hashes = "yes" if sec.kernel_hashes else "no"
        body.element("cbitpos", sec.cbitpos)
        body.element("reducedPhysBits", sec.reduced_phys_bits)
        body.element("policy", f"0x{sec.policy:04x}")
        body.element("dhCert", sec.dh_cert)
        body.element("session", sec.session)
    w.wrap("launchSecurity", body, ("type", sec.type), ("kernelHashes", kernel_hashes))

"""Defaults of TPM devices in libvirt 9.0 (qemuDomainTPMDefPostParse)."""

from __future__ import annotations

from typing import Any

from ..model.domain import Domain
from .controllers import is_ppc64


def is_arm_virt(dom: Domain) -> bool:
    """qemuDomainIsARMVirt."""
    machine = dom.os.machine or ""
    return dom.os.arch in ("armv7l", "aarch64") and (
        machine == "virt" or machine.startswith("virt-"))


def tpm_post_parse(dom: Domain, caps: Any = None) -> None:
    for tpm in dom.devices.tpms:
        if tpm.model == "default":
            tpm.model = "tpm-spapr" if is_ppc64(dom) else "tpm-tis"
        # TPM 1.2 and 2.0 are not compatible: a definition names one.
        if tpm.backend == "emulator" and tpm.version == "default":
            two = tpm.model in ("tpm-spapr", "tpm-crb") or is_arm_virt(dom)
            tpm.version = "2.0" if two else "1.2"

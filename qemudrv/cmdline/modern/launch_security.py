"""Launch security on libvirt 9.0's command line: the -machine property, the
object (qemuBuildSecCommandLine) with SEV's platform values filled in from
the emulator's SEV capabilities where the definition has none
(qemuProcessUpdateSEVInfo), and qemuValidateDomainDef's checks."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ...caps import QemuCaps
from ...errors import ConfigError, UnsupportedError
from ...model.domain import Domain
from ..command import CommandLine
from . import general
from .props import Props, add_object


def _sev_caps(caps: QemuCaps) -> Mapping[str, Any]:
    entries = caps.table("qemu").get("sev", ()) or ()
    return entries[0] if entries and isinstance(entries[0], Mapping) else {}


def build_launch_security(cmd: CommandLine, dom: Domain, caps: QemuCaps) -> None:
    sec = dom.launch_security
    if sec is None:
        return
    if sec.type != "sev":
        add_object(cmd, "s390-pv-guest", "lsec0", {}, caps)
        return
    platform = _sev_caps(caps)
    cbitpos = sec.cbitpos if sec.cbitpos is not None else platform.get("cbitpos")
    reduced = sec.reduced_phys_bits if sec.reduced_phys_bits is not None \
        else platform.get("reducedPhysBits")
    if cbitpos is None or reduced is None:
        raise UnsupportedError("SEV is not supported by this host", code="operation failed")
    lib_dir = general.domain_lib_dir(dom, caps)
    props: Props = {"cbitpos": int(cbitpos), "reduced-phys-bits": int(reduced),
                    "policy": sec.policy}
    if sec.dh_cert:
        props["dh-cert-file"] = f"{lib_dir}/dh_cert.base64"
    if sec.session:
        props["session-file"] = f"{lib_dir}/session.base64"
    if sec.kernel_hashes is not None:
        props["kernel-hashes"] = sec.kernel_hashes
    add_object(cmd, "sev-guest", "lsec0", props, caps)


def machine_options(dom: Domain, caps: QemuCaps) -> list[str]:
    sec = dom.launch_security
    if sec is None:
        return []
    if sec.type == "sev" and not caps.has("confidential-guest-support"):
        return ["memory-encryption=lsec0"]
    return ["confidential-guest-support=lsec0"]


def validate_launch_security(dom: Domain, caps: QemuCaps) -> None:
    sec = dom.launch_security
    if sec is None:
        return
    if sec.type == "sev":
        if not caps.has("sev-guest"):
            raise ConfigError("SEV launch security is not supported with this QEMU binary")
        if sec.kernel_hashes and not caps.has("sev-guest-kernel-hashes"):
            raise ConfigError("SEV measured direct kernel boot is not supported with this "
                              "QEMU binary")
    elif not (caps.has("confidential-guest-support") and caps.has("s390-pv-guest")):
        raise ConfigError("S390 PV launch security is not supported with this QEMU binary")

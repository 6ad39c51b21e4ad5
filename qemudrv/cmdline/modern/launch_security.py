"""The launch security object of libvirt 9.0's command line
(qemuBuildSecCommandLine), SEV's platform values filled in from the
emulator's SEV capabilities where the definition has none
(qemuProcessUpdateSEVInfo)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ...caps import QemuCaps
from ...errors import UnsupportedError
from ...model.domain import Domain
from ..command import CommandLine
from .general import domain_lib_dir
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
    lib_dir = domain_lib_dir(dom, caps)
    props: Props = {"cbitpos": int(cbitpos), "reduced-phys-bits": int(reduced),
                    "policy": sec.policy}
    if sec.dh_cert:
        props["dh-cert-file"] = f"{lib_dir}/dh_cert.base64"
    if sec.session:
        props["session-file"] = f"{lib_dir}/session.base64"
    if sec.kernel_hashes is not None:
        props["kernel-hashes"] = sec.kernel_hashes
    add_object(cmd, "sev-guest", "lsec0", props, caps)

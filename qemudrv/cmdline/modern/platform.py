"""What libvirt 9.0's command line takes from the domain's general sections
besides the skeleton: the VM generation ID device (qemuBuildVMGenIDCommandLine)
and -machine properties of the CPU and launch security."""

from __future__ import annotations

from ...caps import QemuCaps
from ...defaults.chardev import is_pseries
from ...errors import ConfigError
from ...model.domain import Domain
from ..command import CommandLine
from .props import add_device


def build_vmgenid(cmd: CommandLine, dom: Domain, caps: QemuCaps) -> None:
    if dom.genid is not None:
        add_device(cmd, {"driver": "vmgenid", "guid": dom.genid, "id": "vmgenid0"}, caps)


def validate_platform(dom: Domain, caps: QemuCaps) -> None:
    """qemuValidateDomainDef's checks of the generation ID device and launch security."""
    if dom.genid is not None and not caps.has("vmgenid"):
        raise ConfigError("this QEMU does not support the 'genid' capability")
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


def machine_options(dom: Domain, caps: QemuCaps) -> list[str]:
    """The -machine properties after the memory ones: a pSeries host-model
    CPU's compatibility level and the confidential guest support object."""
    opts: list[str] = []
    cpu = dom.cpu
    if cpu is not None and cpu.model and cpu.mode == "host-model" and is_pseries(dom):
        opts.append(f"max-cpu-compat={cpu.model}")
    sec = dom.launch_security
    if sec is not None:
        if sec.type == "sev" and not caps.has("confidential-guest-support"):
            opts.append("memory-encryption=lsec0")
        else:
            opts.append("confidential-guest-support=lsec0")
    return opts

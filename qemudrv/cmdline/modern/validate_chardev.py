"""The QEMU driver's checks of a character device's host end
(qemuValidateDomainChrSourceDef of libvirt 9.0), with its messages. The
generic ones (virDomainChrSourceDefValidate, the serial targets) are in
qemudrv.validate_modern."""

from __future__ import annotations

from ...caps import QemuCaps
from ...errors import ConfigError
from ...model.chardev import ChrSource
from ...model.domain import Domain


def check_qemu_chr_source(src: ChrSource, dom: Domain, caps: QemuCaps) -> None:
    """qemuValidateDomainChrSourceDef: for serials, parallels, consoles,
    channels and a smartcard's passthrough."""
    if src.type in ("tcp", "unix") and src.reconnect and src.reconnect_timeout == 0:
        raise ConfigError("chardev reconnect source timeout cannot be '0'",
                          code="invalid argument")
    if src.type == "qemu-vdagent" and not caps.has("chardev.qemu-vdagent"):
        raise ConfigError("chardev 'qemu-vdagent' not supported in this QEMU binary")
    if src.type in ("spicevmc", "spiceport") and not any(
            g.type == "spice" for g in dom.devices.graphics):
        raise ConfigError(f"chardev '{src.type}' not supported without spice graphics")

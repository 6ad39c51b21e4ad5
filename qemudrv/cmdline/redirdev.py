"""Command line arguments for <redirdev> (usb-redir with its chardev); the
<redirfilter> rules go on every usb-redir device."""

from __future__ import annotations

from ..caps import QemuCaps
from ..errors import UnsupportedError
from ..model.domain import Domain
from ..model.redirdev import Redirdev, RedirFilterUSBDev
from .address import device_address
from .chardev import build_chardev
from .command import CommandLine


def _rule(dev: RedirFilterUSBDev) -> str:
    fields = [
        f"0x{dev.usb_class:02X}" if dev.usb_class >= 0 else "-1",
        f"0x{dev.vendor:04X}" if dev.vendor >= 0 else "-1",
        f"0x{dev.product:04X}" if dev.product >= 0 else "-1",
        f"0x{dev.version:04X}" if dev.version >= 0 else "-1",
        "1" if dev.allow else "0",
    ]
    return ":".join(fields)


def redirdev_device(dom: Domain, dev: Redirdev, alias: str, caps: QemuCaps) -> str:
    """qemuBuildRedirdevDevStr."""
    if dev.bus != "usb":
        raise UnsupportedError(f"Redirection bus {dev.bus} is not supported by QEMU")
    if not caps.has("usb-redir"):
        raise UnsupportedError("USB redirection is not supported by this version of QEMU")
    out = f"usb-redir,chardev=char{alias},id={alias}"
    filt = dom.devices.redirfilter
    if filt is not None and filt.usbdevs:
        if not caps.has("usb-redir.filter"):
            raise UnsupportedError(
                "USB redirection filter is not supported by this version of QEMU"
            )
        out += ",filter=" + "|".join(_rule(u) for u in filt.usbdevs)
    if dev.info.boot_order:
        if not caps.has("usb-redir.bootindex"):
            raise UnsupportedError(
                "USB redirection booting is not supported by this version of QEMU"
            )
        out += f",bootindex={dev.info.boot_order}"
    return out + device_address(dom, dev.info, caps)


def build_redirdevs(cmd: CommandLine, dom: Domain, caps: QemuCaps) -> None:
    for i, dev in enumerate(dom.devices.redirdevs):
        alias = f"redir{i}"
        cmd.add("-chardev", build_chardev(dev.source, alias, caps))
        if not caps.has("device"):
            raise UnsupportedError("USB redirection requires QEMU to support -device")
        cmd.add("-device", redirdev_device(dom, dev, alias, caps))



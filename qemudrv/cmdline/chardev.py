"""Command line arguments for <serial>, <parallel>, <console>, <channel>.

``build_chardev`` is the ``-chardev`` value of any host-side source
(qemuBuildChrChardevStr) and ``legacy_chr_arg`` the older ``-serial`` /
``-parallel`` syntax (qemuBuildChrArgStr); both are used by other families.
"""

from __future__ import annotations

from ..caps import QemuCaps
from ..defaults.chardev import dom_arch, is_pseries
from ..errors import UnsupportedError
from ..model.address import (
    CCWAddress,
    ISAAddress,
    PCIAddress,
    SpaprVioAddress,
    USBAddress,
    VirtioMMIOAddress,
    VirtioS390Address,
    VirtioSerialAddress,
)
from ..model.chardev import ChrDevice, ChrSource
from ..model.domain import Domain
from .address import device_address
from .command import CommandLine


def _udp_ends(src: ChrSource) -> tuple[str, str, str, str]:
    # unset ends are empty, an unset local port is 0 (any)
    return (
        src.connect_host or "",
        src.connect_service or "",
        src.bind_host or "",
        src.bind_service or "0",
    )


def build_chardev(src: ChrSource, alias: str, caps: QemuCaps) -> str:
    """The ``-chardev`` value for ``src``; its id is ``char`` + ``alias``."""
    t = src.type
    cid = f"char{alias}"
    if t in ("null", "vc", "pty", "stdio"):
        return f"{t},id={cid}"
    if t == "dev":
        backend = "parport" if alias.startswith("parallel") else "tty"
        return f"{backend},id={cid},path={src.path}"
    if t == "file":
        out = f"file,id={cid},path={src.path}"
        if src.append is not None:
            if not caps.has("chardev-file-append"):
                raise UnsupportedError("append not supported in this QEMU binary")
            out += f",append={'on' if src.append else 'off'}"
        return out
    if t == "pipe":
        return f"pipe,id={cid},path={src.path}"
    if t == "udp":
        host, port, laddr, lport = _udp_ends(src)
        return f"udp,id={cid},host={host},port={port},localaddr={laddr},localport={lport}"
    if t == "tcp":
        out = f"socket,id={cid},host={src.host},port={src.service}"
        if src.protocol == "telnet":
            out += ",telnet"
        if src.listen:
            out += ",server,nowait"
        return out
    if t == "unix":
        out = f"socket,id={cid},path={src.path}"
        if src.listen:
            out += ",server,nowait"
        return out
    if t == "spicevmc":
        if not caps.has("chardev-spicevmc"):
            raise UnsupportedError("spicevmc not supported in this QEMU binary")
        return f"spicevmc,id={cid},name={src.spicevmc}"
    if t == "spiceport":
        if not caps.has("spiceport"):
            raise UnsupportedError("spiceport not supported in this QEMU binary")
        return f"spiceport,id={cid},name={src.channel}"
    raise UnsupportedError(f"unsupported chardev '{t}'")


def legacy_chr_arg(src: ChrSource, prefix: str = "") -> str:
    """The pre-``-chardev`` syntax of ``-serial``/``-parallel``/``-monitor``."""
    t = src.type
    if t in ("null", "vc", "pty", "stdio"):
        body = t
    elif t == "dev":
        body = src.path or ""
    elif t in ("file", "pipe"):
        body = f"{t}:{src.path}"
    elif t == "udp":
        host, port, laddr, lport = _udp_ends(src)
        body = f"udp:{host}:{port}@{laddr}:{lport}"
    elif t == "tcp":
        scheme = "telnet" if src.protocol == "telnet" else "tcp"
        body = f"{scheme}:{src.host}:{src.service}" + (",server,nowait" if src.listen else "")
    elif t == "unix":
        body = f"unix:{src.path}" + (",server,nowait" if src.listen else "")
    else:
        body = ""  # spicevmc, spiceport, nmdm have no legacy form
    return prefix + body


# -- devices


def supports_chardev(dom: Domain, dev: ChrDevice, caps: QemuCaps) -> bool:
    """virQEMUCapsSupportsChardev: can this device use -chardev/-device?"""
    if not (caps.has("chardev") and caps.has("device")):
        return False
    arch = dom_arch(dom)
    if arch in ("ppc", "ppc64", "ppc64le"):
        # only pseries has a -device (spapr-vty) for its serial ports
        return dev.kind == "serial" and isinstance(dev.info.address, SpaprVioAddress)
    if arch not in ("armv7l", "aarch64"):
        return True
    # the serial devices of ARM boards have no chardev property
    return isinstance(dev.info.address, VirtioMMIOAddress) or (
        dev.kind == "console" and dev.target_type == "virtio"
    )


def _serial_device(dom: Domain, dev: ChrDevice, alias: str, caps: QemuCaps) -> str | None:
    if is_pseries(dom):
        if isinstance(dev.info.address, SpaprVioAddress):
            return f"spapr-vty,chardev=char{alias}" + device_address(dom, dev.info, caps)
        return None
    out = f"{dev.target_type},chardev=char{alias},id={alias}"
    addr = dev.info.address
    if dev.target_type == "usb-serial":
        if not caps.has("usb-serial"):
            raise UnsupportedError("usb-serial is not supported in this QEMU binary")
        if addr is not None and not isinstance(addr, USBAddress):
            raise UnsupportedError("usb-serial requires address of usb type")
        out += device_address(dom, dev.info, caps)
    elif dev.target_type == "pci-serial":
        if not caps.has("pci-serial"):
            raise UnsupportedError("pci-serial is not supported with this QEMU binary")
        if addr is not None and not isinstance(addr, PCIAddress):
            raise UnsupportedError("pci-serial requires address of pci type")
        out += device_address(dom, dev.info, caps)
    elif addr is not None and not isinstance(addr, ISAAddress):
        raise UnsupportedError("no addresses are supported for isa-serial")
    return out


def virtio_serial_port(dev: ChrDevice, alias: str, caps: QemuCaps) -> str:
    """qemuBuildVirtioSerialPortDevStr: a virtconsole or virtserialport."""
    src = dev.source
    legacy_vmc = src.type == "spicevmc" and caps.has("device-spicevmc")
    if dev.kind == "console":
        out = "virtconsole"
    elif dev.kind == "channel":
        out = "spicevmc" if legacy_vmc else "virtserialport"
    else:
        raise UnsupportedError("Cannot use virtio serial for parallel/serial devices")
    addr = dev.info.address
    if addr is not None and not isinstance(addr, (CCWAddress, VirtioS390Address)):
        if not isinstance(addr, VirtioSerialAddress):
            raise UnsupportedError("virtio serial device has invalid address type")
        out += f",bus=virtio-serial{addr.controller}.{addr.bus},nr={addr.port}"
    if src.type == "spicevmc" and dev.name and dev.name != "com.redhat.spice.0":
        raise UnsupportedError(f"Unsupported spicevmc target name '{dev.name}'")
    if legacy_vmc:
        return out + f",id={alias}"
    out += f",chardev=char{alias},id={alias}"
    if dev.kind == "channel" and (src.type == "spicevmc" or dev.name):
        out += f",name={dev.name or 'com.redhat.spice.0'}"
    return out


def _console_device(dev: ChrDevice, alias: str, caps: QemuCaps) -> str:
    if dev.target_type in ("sclp", "sclplm"):
        name = "sclpconsole" if dev.target_type == "sclp" else "sclplmconsole"
        return f"{name},chardev=char{alias},id={alias}"
    return virtio_serial_port(dev, alias, caps)


def _spice_count(dom: Domain) -> int:
    return sum(1 for g in dom.devices.graphics if g.type == "spice")


def build_serials(cmd: CommandLine, dom: Domain, caps: QemuCaps) -> None:
    added = 0
    for i, dev in enumerate(dom.devices.serials):
        if dev.source.type == "spiceport" and not _spice_count(dom):
            continue  # nothing carries it without a SPICE server
        alias = f"serial{i}"
        if supports_chardev(dom, dev, caps):
            cmd.add("-chardev", build_chardev(dev.source, alias, caps))
            device = _serial_device(dom, dev, alias, caps)
            if device is not None:
                cmd.add("-device", device)
        else:
            cmd.add("-serial", legacy_chr_arg(dev.source))
        added += 1
    # with -device the defaults are off already (-nodefaults)
    if not added and not caps.has("device"):
        cmd.add("-serial", "none")


def build_parallels(cmd: CommandLine, dom: Domain, caps: QemuCaps) -> None:
    if not dom.devices.parallels:
        if not caps.has("device"):
            cmd.add("-parallel", "none")
        return
    for i, dev in enumerate(dom.devices.parallels):
        alias = f"parallel{i}"
        if caps.has("chardev") and caps.has("device"):
            cmd.add("-chardev", build_chardev(dev.source, alias, caps))
            cmd.add("-device", f"isa-parallel,chardev=char{alias},id={alias}")
        else:
            cmd.add("-parallel", legacy_chr_arg(dev.source))


def channel_unix_path(dom: Domain, dev: ChrDevice, caps: QemuCaps) -> str | None:
    """The socket of a virtio unix channel without a path: one per target
    name in the domain's own directory under channel_target_dir."""
    if dev.source.type != "unix" or dev.source.path is not None:
        return dev.source.path
    base = caps.conf("channel_target_dir") or "/var/lib/libvirt/qemu/channel/target"
    return f"{base}/domain-{dom.name}/{dev.name or 'unknown.sock'}"


def build_channels(cmd: CommandLine, dom: Domain, caps: QemuCaps) -> None:
    for i, dev in enumerate(dom.devices.channels):
        alias = f"channel{i}"
        if dev.target_type == "guestfwd":
            if not (caps.has("chardev") and caps.has("device")):
                raise UnsupportedError("guestfwd requires QEMU to support -chardev & -device")
            cmd.add("-chardev", build_chardev(dev.source, alias, caps))
            cmd.add(
                "-netdev",
                f"user,guestfwd=tcp:{dev.fwd_address}:{dev.fwd_port}"
                f"-chardev:char{alias},id=user-{alias}",
            )
        elif dev.target_type == "virtio":
            if not caps.has("device"):
                raise UnsupportedError("virtio channel requires QEMU to support -device")
            src = dev.source
            if src.type == "unix" and src.path is None:
                src = _with_path(src, channel_unix_path(dom, dev, caps))
            if not (src.type == "spicevmc" and caps.has("device-spicevmc")):
                cmd.add("-chardev", build_chardev(src, alias, caps))
            cmd.add("-device", virtio_serial_port(dev, alias, caps))


def _with_path(src: ChrSource, path: str | None) -> ChrSource:
    from dataclasses import replace

    # a generated socket is always one QEMU listens on
    return replace(src, path=path, listen=True)


def build_consoles(cmd: CommandLine, dom: Domain, caps: QemuCaps) -> None:
    for i, dev in enumerate(dom.devices.consoles):
        alias = f"console{i}"
        if dev.target_type == "serial":
            continue  # it is the serial port, already on the command line
        if dev.target_type in ("sclp", "sclplm"):
            if not caps.has("device"):
                raise UnsupportedError("sclp console requires QEMU to support -device")
            if not caps.has("s390-sclp"):
                raise UnsupportedError("sclp console requires QEMU to support s390-sclp")
        elif dev.target_type == "virtio":
            if not caps.has("device"):
                raise UnsupportedError("virtio channel requires QEMU to support -device")
        else:
            raise UnsupportedError(f"unsupported console target type {dev.target_type}")
        cmd.add("-chardev", build_chardev(dev.source, alias, caps))
        cmd.add("-device", _console_device(dev, alias, caps))

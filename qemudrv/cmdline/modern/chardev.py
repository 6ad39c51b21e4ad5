"""Character devices as libvirt 9.0 writes them.

The host side stays a QemuOpts ``-chardev`` (qemuBuildChardevCommand), with
on/off switches instead of 1.3.1's bare flags and listening unix sockets
handed over as a file descriptor; the guest side is a JSON ``-device``.
"""

from __future__ import annotations

from ...caps import QemuCaps
from ...errors import UnsupportedError
from ...model.address import PCIAddress, USBAddress, VirtioSerialAddress
from ...model.chardev import ChrDevice, ChrSource
from ...model.domain import Domain
from ..chardev import channel_unix_path
from ..command import CommandLine
from .address import address_props
from .props import Props, add_device, escape_comma


def chardev_arg(src: ChrSource, char_id: str, caps: QemuCaps,
                cmd: CommandLine | None = None) -> str:
    """The ``-chardev`` value of ``src`` with id ``char_id``; libvirt opens a
    file source itself and passes it on ``cmd`` with -add-fd."""
    t = src.type
    if t == "file" and cmd is not None:
        fd = int(caps.table("fds").get("chardev_file_source", 0))
        path = cmd.add_fd(fd, f"{char_id.removeprefix('char')}-source")
        # libvirt opened the file for appending or truncated it already.
        return f"file,id={char_id},path={path},append=on"
    if t in ("null", "vc", "pty", "stdio"):
        return f"{t},id={char_id}"
    if t == "dev":
        backend = "parallel" if char_id.startswith("charparallel") else "serial"
        return f"{backend},id={char_id},path={escape_comma(src.path or '')}"
    if t == "pipe":
        return f"pipe,id={char_id},path={escape_comma(src.path or '')}"
    if t == "udp":
        return (f"udp,id={char_id},host={src.connect_host or ''},"
                f"port={src.connect_service or ''},localaddr={src.bind_host or ''},"
                f"localport={src.bind_service or '0'}")
    if t == "tcp":
        out = f"socket,id={char_id},host={src.host},port={src.service}"
        if src.protocol == "telnet":
            out += ",telnet=on"
        if src.listen:
            out += ",server=on,wait=off"
        return out
    if t == "unix":
        listen_fd = caps.table("fds").get("unix_listen")
        if src.listen and listen_fd is not None:
            # qemuOpenChrChardevUNIXSocket: the host listens and passes the fd.
            return f"socket,id={char_id},fd={listen_fd},server=on,wait=off"
        if src.listen:
            return f"socket,id={char_id},path={escape_comma(src.path or '')},server=on,wait=off"
        return f"socket,id={char_id},path={escape_comma(src.path or '')}"
    if t == "spicevmc":
        return f"spicevmc,id={char_id},name={src.spicevmc}"
    if t == "spiceport":
        return f"spiceport,id={char_id},name={src.channel}"
    raise UnsupportedError(f"unsupported chardev '{t}'")


def _serial_props(dom: Domain, dev: ChrDevice, alias: str, caps: QemuCaps) -> Props:
    target = dev.target_type or "isa-serial"
    props: Props = {"driver": target, "chardev": f"char{alias}", "id": alias}
    if target == "isa-serial":
        props["index"] = dev.port if dev.port is not None else 0
    elif isinstance(dev.info.address, (PCIAddress, USBAddress)):
        props.update(address_props(dom, dev.info, caps))
    return props


def virtio_port_props(dev: ChrDevice, alias: str) -> Props:
    """qemuBuildVirtioSerialPortDevProps: a virtconsole or virtserialport."""
    props: Props = {"driver": "virtconsole" if dev.kind == "console" else "virtserialport"}
    addr = dev.info.address
    if isinstance(addr, VirtioSerialAddress):
        props["bus"] = f"virtio-serial{addr.controller}.{addr.bus}"
        props["nr"] = addr.port
    props["chardev"] = f"char{alias}"
    props["id"] = alias
    if dev.kind == "channel" and (dev.source.type == "spicevmc" or dev.name):
        props["name"] = dev.name or "com.redhat.spice.0"
    return props


def build_serials(cmd: CommandLine, dom: Domain, caps: QemuCaps) -> None:
    for i, dev in enumerate(dom.devices.serials):
        alias = dev.info.alias or f"serial{i}"
        cmd.add("-chardev", chardev_arg(dev.source, f"char{alias}", caps, cmd))
        add_device(cmd, _serial_props(dom, dev, alias, caps), caps)


def build_parallels(cmd: CommandLine, dom: Domain, caps: QemuCaps) -> None:
    for i, dev in enumerate(dom.devices.parallels):
        alias = dev.info.alias or f"parallel{i}"
        cmd.add("-chardev", chardev_arg(dev.source, f"char{alias}", caps, cmd))
        add_device(cmd, {"driver": "isa-parallel", "chardev": f"char{alias}", "id": alias}, caps)


def build_channels(cmd: CommandLine, dom: Domain, caps: QemuCaps) -> None:
    for i, dev in enumerate(dom.devices.channels):
        alias = dev.info.alias or f"channel{i}"
        if dev.target_type != "virtio":
            raise UnsupportedError(f"unsupported channel target type {dev.target_type}")
        src = dev.source
        if src.type == "unix" and src.path is None:
            src = ChrSource(type="unix", path=channel_unix_path(dom, dev, caps), listen=True)
        cmd.add("-chardev", chardev_arg(src, f"char{alias}", caps, cmd))
        add_device(cmd, virtio_port_props(dev, alias), caps)


def build_consoles(cmd: CommandLine, dom: Domain, caps: QemuCaps) -> None:
    for i, dev in enumerate(dom.devices.consoles):
        alias = dev.info.alias or f"console{i}"
        if dev.target_type == "serial":
            continue  # the serial port itself, already on the command line
        if dev.target_type in ("sclp", "sclplm"):
            props: Props = {"driver": f"{dev.target_type}console", "chardev": f"char{alias}",
                            "id": alias}
        elif dev.target_type == "virtio":
            props = virtio_port_props(dev, alias)
        else:
            raise UnsupportedError(f"unsupported console target type {dev.target_type}")
        cmd.add("-chardev", chardev_arg(dev.source, f"char{alias}", caps, cmd))
        add_device(cmd, props, caps)

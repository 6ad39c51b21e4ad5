"""Character devices as libvirt 9.0 writes them.

The host side stays a QemuOpts ``-chardev`` (qemuBuildChardevCommand), with
on/off switches instead of 1.3.1's bare flags, after what it needs: the TLS
credentials of a tcp source, the file descriptors libvirt opens for a file
source and a log file (-add-fd), a listening unix socket handed over as a
file descriptor. The guest side is a JSON ``-device`` (or a guestfwd netdev).
"""

from __future__ import annotations

from ...caps import QemuCaps
from ...errors import UnsupportedError
from ...model.address import VirtioSerialAddress
from ...model.chardev import ChrDevice, ChrSource
from ...model.domain import Domain
from ...model.smartcard import DEFAULT_DATABASE
from ..address import controller_alias
from ..command import CommandLine
from .address import address_props
from .general import domain_dir_name
from .props import Props, add_device, add_netdev, escape_comma
from .tls import add_tls_creds


def _on_off(value: bool) -> str:
    return "on" if value else "off"


def chardev_tls(src: ChrSource, caps: QemuCaps) -> bool:
    """qemuDomainPrepareChardevSourceOne: a tcp source without its own tls=
    follows qemu.conf's chardev_tls."""
    if src.type != "tcp":
        return False
    return src.tls if src.tls is not None else bool(caps.conf("chardev_tls", False))


def _tls_alias(char_id: str) -> str:
    """qemuAliasTLSObjFromSrcAlias."""
    return f"obj{char_id}_tls0"


def chardev_arg(src: ChrSource, char_id: str, caps: QemuCaps,
                cmd: CommandLine | None = None) -> str:
    """qemuBuildChardevStr: the ``-chardev`` value of ``src`` with id
    ``char_id``; with ``cmd``, the files libvirt opens itself are passed on
    it with -add-fd (the source first, then the log)."""
    dev_alias = char_id.removeprefix("char")
    fds = caps.table("fds")
    t = src.type
    if t in ("null", "vc", "pty", "stdio"):
        out = f"{t},id={char_id}"
    elif t == "dev":
        backend = "parallel" if char_id.startswith("charparallel") else "serial"
        out = f"{backend},id={char_id},path={escape_comma(src.path or '')}"
    elif t == "file":
        path, append = src.path or "", src.append
        if cmd is not None:
            # libvirt opened the file for appending or truncated it already.
            path = cmd.add_fd(int(fds.get("chardev_file_source", 0)), f"{dev_alias}-source")
            append = True
        out = f"file,id={char_id},path={escape_comma(path)}"
        if append is not None:
            out += f",append={_on_off(append)}"
    elif t == "pipe":
        out = f"pipe,id={char_id},path={escape_comma(src.path or '')}"
    elif t == "udp":
        out = (f"udp,id={char_id},host={src.connect_host or ''},"
               f"port={src.connect_service or ''},localaddr={src.bind_host or ''},"
               f"localport={src.bind_service or '0'}")
    elif t == "tcp":
        out = f"socket,id={char_id},host={src.host},port={src.service}"
        if src.protocol == "telnet":
            out += ",telnet=on"
        if src.listen:
            out += ",server=on,wait=off"
        out += _reconnect(src)
        if chardev_tls(src, caps):
            out += f",tls-creds={_tls_alias(char_id)}"
    elif t == "unix":
        listen_fd = fds.get("unix_listen")
        if src.listen and listen_fd is not None:
            # qemuOpenChrChardevUNIXSocket: the host listens and passes the fd.
            out = f"socket,id={char_id},fd={listen_fd},server=on,wait=off"
        elif src.listen:
            out = f"socket,id={char_id},path={escape_comma(src.path or '')},server=on,wait=off"
        else:
            out = f"socket,id={char_id},path={escape_comma(src.path or '')}"
        out += _reconnect(src)
    elif t == "spicevmc":
        out = f"spicevmc,id={char_id},name={src.spicevmc}"
    elif t == "spiceport":
        out = f"spiceport,id={char_id},name={src.channel}"
    elif t == "qemu-vdagent":
        out = f"qemu-vdagent,id={char_id},name=vdagent"
        if src.clipboard is not None:
            out += f",clipboard={_on_off(src.clipboard)}"
        if src.mouse in ("client", "server"):
            out += f",mouse={_on_off(src.mouse == 'client')}"
    elif t == "dbus":
        out = f"dbus,id={char_id},name={src.channel}"
    else:
        raise UnsupportedError(f"unsupported chardev '{t}'")
    if src.log_file is not None:
        log, log_append = src.log_file, src.log_append
        if cmd is not None:
            log = cmd.add_fd(int(fds.get("chardev_log", 0)), f"{dev_alias}-log")
            log_append = True
        out += f",logfile={escape_comma(log)}"
        if log_append is not None:
            out += f",logappend={_on_off(log_append)}"
    return out


def _reconnect(src: ChrSource) -> str:
    """qemuBuildChrChardevReconnectStr."""
    if src.reconnect is None:
        return ""
    return f",reconnect={src.reconnect_timeout if src.reconnect else 0}"


def build_chardev(cmd: CommandLine, src: ChrSource, char_id: str, caps: QemuCaps) -> None:
    """qemuBuildChardevCommand: a TLS tcp source's credentials, then -chardev."""
    if chardev_tls(src, caps):
        # qemuDomainSecretChardevPrepare names the secret after the chardev.
        add_tls_creds(cmd, caps, "chardev", _tls_alias(char_id), listen=src.listen,
                      verify=bool(caps.conf("chardev_tls_x509_verify", False)),
                      secret_alias=f"{char_id}-secret0")
    cmd.add("-chardev", chardev_arg(src, char_id, caps, cmd))


def _serial_props(dom: Domain, dev: ChrDevice, alias: str, caps: QemuCaps) -> Props:
    """qemuBuildSerialChrDeviceProps: the device is the target model."""
    model = dev.target_model or dev.target_type or "isa-serial"
    props: Props = {"driver": model, "chardev": f"char{alias}", "id": alias}
    if model == "isa-serial":
        props["index"] = dev.port if dev.port is not None else 0
    props.update(address_props(dom, dev.info, caps))
    return props


def virtio_port_props(dom: Domain, dev: ChrDevice, alias: str, caps: QemuCaps) -> Props:
    """qemuBuildVirtioSerialPortDevProps: a virtconsole or virtserialport."""
    if dev.kind == "channel" and dev.source.type == "spicevmc" and dev.name \
            and dev.name != "com.redhat.spice.0":
        raise UnsupportedError(f"Unsupported spicevmc target name '{dev.name}'")
    props: Props = {"driver": "virtconsole" if dev.kind == "console" else "virtserialport"}
    addr = dev.info.address
    if isinstance(addr, VirtioSerialAddress):
        props["bus"] = f"{controller_alias(dom, 'virtio-serial', addr.controller)}.{addr.bus}"
        props["nr"] = addr.port
    else:
        props.update(address_props(dom, dev.info, caps))
    props["chardev"] = f"char{alias}"
    props["id"] = alias
    if dev.kind == "channel" and (dev.source.type == "spicevmc" or dev.name):
        props["name"] = dev.name or "com.redhat.spice.0"
    return props


def build_serials(cmd: CommandLine, dom: Domain, caps: QemuCaps) -> None:
    have_spice = any(g.type == "spice" for g in dom.devices.graphics)
    for i, dev in enumerate(dom.devices.serials):
        alias = dev.info.alias or f"serial{i}"
        if dev.source.type == "spiceport" and not have_spice:
            continue
        build_chardev(cmd, dev.source, f"char{alias}", caps)
        if _is_platform_serial(dom, dev):
            cmd.add("-serial", f"chardev:char{alias}")
        else:
            add_device(cmd, _serial_props(dom, dev, alias, caps), caps)


def _is_platform_serial(dom: Domain, dev: ChrDevice) -> bool:
    """qemuChrIsPlatformDevice: the boards' own UARTs (pl011 on ARM, 16550a
    on RISC-V), and a serial of no known target type."""
    arch = dom.os.arch or ""
    if dev.target_type == "system-serial":
        if arch in ("armv6l", "armv7l", "aarch64") and dev.target_model == "pl011":
            return True
        if arch in ("riscv32", "riscv64") and dev.target_model == "16550a":
            return True
    return dev.target_type is None


def build_parallels(cmd: CommandLine, dom: Domain, caps: QemuCaps) -> None:
    for i, dev in enumerate(dom.devices.parallels):
        alias = dev.info.alias or f"parallel{i}"
        build_chardev(cmd, dev.source, f"char{alias}", caps)
        add_device(cmd, {"driver": "isa-parallel", "chardev": f"char{alias}", "id": alias}, caps)


def build_channels(cmd: CommandLine, dom: Domain, caps: QemuCaps) -> None:
    for i, dev in enumerate(dom.devices.channels):
        alias = dev.info.alias or f"channel{i}"
        src = dev.source
        if dev.target_type == "virtio" and src.type == "unix" and src.path is None:
            # qemuDomainPrepareChannel: a socket per target name in the
            # domain's directory under channel_target_dir.
            base = caps.conf("channel_target_dir") or "/var/lib/libvirt/qemu/channel/target"
            path = f"{base}/{domain_dir_name(dom, caps)}/{dev.name or 'unknown.sock'}"
            src = ChrSource(type="unix", path=path, listen=True)
        build_chardev(cmd, src, f"char{alias}", caps)
        if dev.target_type == "guestfwd":
            # qemuBuildChannelGuestfwdNetdevProps: an array of one {str}
            add_netdev(cmd, {"type": "user", "guestfwd": [
                {"str": f"tcp:{dev.fwd_address}:{dev.fwd_port}-chardev:char{alias}"}],
                "id": alias}, caps)
        elif dev.target_type == "virtio":
            add_device(cmd, virtio_port_props(dom, dev, alias, caps), caps)
        else:
            raise UnsupportedError(f"unsupported channel target type {dev.target_type}")


def build_consoles(cmd: CommandLine, dom: Domain, caps: QemuCaps) -> None:
    for i, dev in enumerate(dom.devices.consoles):
        alias = dev.info.alias or f"console{i}"
        if dev.target_type == "serial":
            continue  # the serial port itself, already on the command line
        if dev.target_type in ("sclp", "sclplm"):
            props: Props = {"driver": f"{dev.target_type}console", "chardev": f"char{alias}",
                            "id": alias}
        elif dev.target_type == "virtio":
            props = virtio_port_props(dom, dev, alias, caps)
        else:
            raise UnsupportedError(f"unsupported console target type {dev.target_type}")
        build_chardev(cmd, dev.source, f"char{alias}", caps)
        add_device(cmd, props, caps)


def build_smartcards(cmd: CommandLine, dom: Domain, caps: QemuCaps) -> None:
    """qemuBuildSmartcardCommandLine: the first card, on its CCID controller."""
    if not dom.devices.smartcards:
        return
    card = dom.devices.smartcards[0]
    alias = card.info.alias or "smartcard0"
    if card.mode == "host":
        props: Props = {"driver": "ccid-card-emulated", "backend": "nss-emulated"}
    elif card.mode == "host-certificates":
        props = {"driver": "ccid-card-emulated", "backend": "certificates"}
        props.update({f"cert{n + 1}": cert for n, cert in enumerate(card.certificates)})
        props["db"] = card.database or DEFAULT_DATABASE
    else:
        build_chardev(cmd, card.passthru or ChrSource(), f"char{alias}", caps)
        props = {"driver": "ccid-card-passthru", "chardev": f"char{alias}"}
    controller = getattr(card.info.address, "controller", 0)
    # The bus is the CCID controller's, by its alias (a user's one too).
    props.update({"id": alias, "bus": f"{controller_alias(dom, 'ccid', controller)}.0"})
    add_device(cmd, props, caps)


def _redir_filter(dom: Domain) -> str | None:
    """The usb-redir filter string of the domain's <redirfilter>."""
    if dom.devices.redirfilter is None:
        return None
    rules = []
    for rule in dom.devices.redirfilter.usbdevs:
        fields = [f"0x{rule.usb_class:02X}" if rule.usb_class >= 0 else "-1"]
        fields += [f"0x{v:04X}" if v >= 0 else "-1"
                   for v in (rule.vendor, rule.product, rule.version)]
        rules.append(":".join(fields) + f":{int(rule.allow)}")
    return "|".join(rules)


def build_redirdevs(cmd: CommandLine, dom: Domain, caps: QemuCaps) -> None:
    """qemuBuildRedirdevCommandLine."""
    usb_filter = _redir_filter(dom)
    for i, dev in enumerate(dom.devices.redirdevs):
        alias = dev.info.alias or f"redir{i}"
        build_chardev(cmd, dev.source, f"char{alias}", caps)
        props: Props = {"driver": "usb-redir", "chardev": f"char{alias}", "id": alias}
        if usb_filter is not None:
            props["filter"] = usb_filter
        if dev.info.boot_order:
            props["bootindex"] = dev.info.boot_order
        props.update(address_props(dom, dev.info, caps))
        add_device(cmd, props, caps)

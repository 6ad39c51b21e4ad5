"""Parsing of <serial>, <parallel>, <console>, <channel> and chardev sources.

``parse_chr_source`` reads the host side of any element that embeds a
character device (<smartcard mode='passthrough'>, <redirdev>, an egd
<backend>, ...) the way libvirt 1.3.1's virDomainChrSourceDefParseXML does:
only direct <source> and <protocol> children count, and for most attributes
the first <source> that has them wins.
"""

from __future__ import annotations

import ipaddress
import re

from ..errors import ConfigError, XMLError
from ..model.address import USBAddress
from ..model.chardev import (
    CHANNEL_STATES,
    CHANNEL_TARGETS,
    CHR_TYPES,
    CHR_TYPES_MODERN,
    CONSOLE_TARGETS,
    SERIAL_TARGET_MODELS,
    SERIAL_TARGETS,
    SERIAL_TARGETS_MODERN,
    TCP_PROTOCOLS,
    Channel,
    ChrDevice,
    ChrSource,
    Console,
    Parallel,
    Serial,
)
from ..xmlreader import Element, child, elements, where
from .chardev_source import parse_modern_chr_source
from .context import ParseContext
from .device_info import parse_device_info
from .seclabel import parse_device_seclabels

# Characters allowed in a spiceport channel name.
_CHANNEL_NAME_CHARS = frozenset(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_."
)


def parse_chr_type(el: Element, attr: str = "type", default: str | None = "pty",
                   *, modern: bool = False) -> str:
    """The ``type`` attribute of a chardev element (pty when absent)."""
    value = el.get(attr)
    if value is None:
        if default is None:
            raise XMLError(f"missing {attr} attribute in <{where(el)}>")
        return default
    if value not in (CHR_TYPES_MODERN if modern else CHR_TYPES):
        raise ConfigError(f"unknown type presented to host for character device: {value}")
    return value


def parse_chr_source(
    el: Element,
    ctx: ParseContext,
    src: ChrSource | None = None,
    *,
    chr_dev: ChrDevice | None = None,
) -> ChrSource:
    """Read the <source>/<protocol> children of ``el`` into ``src``.

    ``src.type`` must already be set (see :func:`parse_chr_type`);
    ``chr_dev`` is the serial/console/channel being parsed, if any: only
    those may omit a unix path (virtio channels get one generated) and
    carry seclabels.
    """
    src = src or ChrSource()
    if ctx.modern:
        return parse_modern_chr_source(el, ctx, src, chr_dev)
    t = src.type
    mode: str | None = None
    path = append = channel = master = slave = protocol = None
    connect_host = connect_service = bind_host = bind_service = None
    for c in elements(el):
        if c.tag == "source":
            if mode is None:
                mode = c.get("mode")
            if t == "file" and append is None:
                append = c.get("append")
            if t in ("pty", "dev", "file", "pipe", "unix") and path is None:
                # a pty's path is live state, ignored in a persistent definition
                if t != "pty" or not ctx.inactive:
                    path = c.get("path")
            elif t in ("udp", "tcp"):
                if mode is None or mode == "connect":
                    connect_host = connect_host or c.get("host")
                    connect_service = connect_service or c.get("service")
                elif mode == "bind":
                    bind_host = bind_host or c.get("host")
                    bind_service = bind_service or c.get("service")
                else:
                    raise XMLError(f"Unknown source mode '{mode}'")
                if t == "udp":
                    mode = None  # each udp <source> names its own end
            elif t == "spiceport" and channel is None:
                channel = c.get("channel")
            elif t == "nmdm":
                master = master or c.get("master")
                slave = slave or c.get("slave")
            if chr_dev is not None:
                src.seclabels.extend(parse_device_seclabels(c, ctx))
        elif c.tag == "protocol" and protocol is None:
            protocol = c.get("type")

    # 9.0 checks that the source names its end when validating the device.
    strict = not ctx.modern
    if t in ("pty", "dev", "file", "pipe"):
        if append is not None and t == "file":
            if append not in ("on", "off"):
                raise ConfigError(f"Invalid append attribute value '{append}'")
            src.append = append == "on"
        if path is None and t != "pty" and strict:
            raise XMLError("Missing source path attribute for char device", code="internal error")
        src.path = path
    elif t == "nmdm":
        if master is None and strict:
            raise XMLError("Missing master path attribute for nmdm device")
        if slave is None and strict:
            raise XMLError("Missing slave path attribute for nmdm device")
        src.master, src.slave = master, slave
    elif t == "tcp":
        if mode is None or mode == "connect":
            host, service, src.listen = connect_host, connect_service, False
        else:
            host, service, src.listen = bind_host, bind_service, True
        if host is None and strict:
            raise XMLError("Missing source host attribute for char device")
        if service is None and strict:
            raise XMLError("Missing source service attribute for char device")
        src.host, src.service = host, service
        if protocol is not None:
            if protocol not in TCP_PROTOCOLS:
                raise ConfigError(f"Unknown protocol '{protocol}'")
            src.protocol = protocol
    elif t == "udp":
        if connect_service is None and strict:
            raise XMLError("Missing source service attribute for char device")
        src.connect_host, src.connect_service = connect_host, connect_service
        src.bind_host, src.bind_service = bind_host, bind_service
    elif t == "unix":
        auto_path = (
            chr_dev is not None
            and chr_dev.kind == "channel"
            and chr_dev.target_type == "virtio"
        )
        if path is None and not auto_path and strict:
            raise XMLError("Missing source path attribute for char device", code="internal error")
        src.listen = mode is not None and mode != "connect"
        src.path = path
    elif t == "spiceport":
        if channel is None and strict:
            raise XMLError("Missing source channel attribute for char device")
        if channel is not None and strict and any(
                ch not in _CHANNEL_NAME_CHARS for ch in channel):
            raise XMLError("Invalid character in source channel for char device")
        src.channel = channel
    return src


def _parse_port(value: str) -> int:
    try:
        port = int(value, 10)
    except ValueError:
        port = -1
    if port < 0 or port > 0xFFFFFFFF:
        raise XMLError(f"Invalid port number: {value}")
    return port


def _parse_target(dev: ChrDevice, target: Element | None, ctx: ParseContext) -> None:
    """virDomainChrDefParseTargetXML, plus the default target types."""
    ttype = target.get("type") if target is not None else None
    if ttype is None:
        if dev.kind == "channel":
            raise XMLError("target type must be specified for channel device")
        # libvirt 9.0 leaves a serial's type for the post-parse to choose.
        serial_default = None if ctx.modern else "isa-serial"
        dev.target_type = {"serial": serial_default, "console": "none"}.get(dev.kind)
    else:
        choices = {
            "serial": SERIAL_TARGETS_MODERN if ctx.modern else SERIAL_TARGETS,
            "console": CONSOLE_TARGETS,
            "channel": CHANNEL_TARGETS,
        }.get(dev.kind)
        if choices is None:
            dev.target_type = None  # parallel ports have no target type
        elif ttype not in choices:
            raise ConfigError(
                f"unknown target type '{ttype}' specified for character device"
            )
        else:
            dev.target_type = ttype
        dev.target_type_attr = True
    if target is None:
        return
    if ctx.modern and dev.kind == "serial":
        model = child(target, "model")
        name = model.get("name") if model is not None else None
        if name is not None:
            if name not in SERIAL_TARGET_MODELS:
                raise ConfigError(f"Unknown 'name' value '{name}'")
            dev.target_model = name
    if dev.kind == "channel":
        if dev.target_type == "guestfwd":
            addr = target.get("address")
            port = target.get("port")
            if addr is None:
                raise XMLError("guestfwd channel does not define a target address")
            try:
                ip = ipaddress.ip_address(addr)
            except ValueError:
                raise XMLError(f"Cannot parse socket address '{addr}'") from None
            if ip.version != 4:
                raise ConfigError("guestfwd channel only supports IPv4 addresses")
            if port is None:
                raise XMLError("guestfwd channel does not define a target port")
            dev.fwd_address = str(ip)
            dev.fwd_port = _parse_port(port)
        elif dev.target_type in ("virtio", "xen"):
            dev.name = target.get("name")
            state = target.get("state")
            if dev.target_type == "virtio" and not ctx.inactive and state is not None:
                if state not in CHANNEL_STATES[1:]:
                    raise XMLError(f"invalid channel state value '{state}'")
                dev.state = state
        return
    port = target.get("port")
    dev.port = None if port is None else _parse_port(port)


def _drop_default_path(dev: ChrDevice, ctx: ParseContext) -> None:
    """qemuDomainChrDefPostParse (libvirt 9.0's, which knows the parse flags):
    an inactive definition forgets the socket path libvirt generated for a
    virtio channel, and a unix source without a path listens."""
    src = dev.source
    if (dev.kind == "channel" and dev.target_type == "virtio" and src.type == "unix"
            and src.path):
        target_dir = re.escape(str(ctx.caps.conf("channel_target_dir")
                                   or "/var/lib/libvirt/qemu/channel/target"))
        name = re.escape(dev.name or "")
        # libvirt's pattern, alternation precedence included
        if re.search(f"^{target_dir}/([^/]+\\.)|(domain-[^/]+/){name}$", src.path):
            src.path = None
    if src.type == "unix" and not src.path:
        src.listen = True


def _parse_chr(dev: ChrDevice, el: Element, ctx: ParseContext) -> ChrDevice:
    """virDomainChrDefParseXML for any of the four kinds."""
    dev.source = ChrSource(type=parse_chr_type(el, modern=ctx.modern))
    _parse_target(dev, child(el, "target"), ctx)
    parse_chr_source(el, ctx, dev.source, chr_dev=dev)
    if dev.source.type == "spicevmc":
        if dev.kind != "channel" or dev.target_type != "virtio":
            raise ConfigError("spicevmc device type only supports virtio")
        dev.source.spicevmc = "vdagent"
    parse_device_info(el, ctx, dev.info)
    if ctx.modern and ctx.inactive:
        _drop_default_path(dev, ctx)
    if (
        dev.kind == "serial"
        and dev.target_type == "usb-serial"
        and dev.info.address is not None
        and not isinstance(dev.info.address, USBAddress)
    ):
        raise ConfigError("usb-serial requires address of usb type")
    return dev


def parse_serial(el: Element, ctx: ParseContext) -> Serial:
    dev = Serial()
    _parse_chr(dev, el, ctx)
    return dev


def parse_parallel(el: Element, ctx: ParseContext) -> Parallel:
    dev = Parallel()
    _parse_chr(dev, el, ctx)
    return dev


def parse_console(el: Element, ctx: ParseContext) -> Console:
    dev = Console()
    _parse_chr(dev, el, ctx)
    return dev


def parse_channel(el: Element, ctx: ParseContext) -> Channel:
    dev = Channel()
    _parse_chr(dev, el, ctx)
    return dev

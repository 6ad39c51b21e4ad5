"""Formatting of <serial>, <parallel>, <console>, <channel> and chardev sources.

Follows libvirt 1.3.1's virDomainChrDefFormat: the element's ``type``
attribute, the <source> lines of that type, then <target>, then the device
info. A console of target type serial is written as a copy of the serial
port it stands for.
"""

from __future__ import annotations

from dataclasses import replace

from ..model.chardev import ChrDevice, ChrSource, SecLabel
from ..model.domain import Domain
from ..xmlwriter import XMLWriter, attrs_text, escape
from .context import FormatContext
from .device_info import format_device_info
from .seclabel import format_seclabel


def format_seclabels(w: XMLWriter, labels: list[SecLabel], ctx: FormatContext) -> None:
    """virSecurityDeviceLabelDefFormat for each per-device label."""
    for label in labels:
        format_seclabel(w, label, ctx)


def _source_line(
    w: XMLWriter, attrs: str, labels: list[SecLabel], ctx: FormatContext
) -> None:
    """``<source .../>``, or an open <source> holding seclabels."""
    if labels:
        w.line(f"<source{attrs}>")
        w.level += 1
        format_seclabels(w, labels, ctx)
        w.level -= 1
        w.line("</source>")
    else:
        w.line(f"<source{attrs}/>")


def format_chr_source(w: XMLWriter, src: ChrSource, ctx: FormatContext) -> None:
    """The children describing the host side of a chardev (not the
    ``type`` attribute, which belongs to the enclosing element)."""
    t = src.type
    if t in ("pty", "dev", "file", "pipe"):
        if t != "pty" or (src.path is not None and not ctx.inactive):
            attrs = attrs_text([("path", src.path)])
            if t == "file" and src.append is not None:
                attrs += f" append='{'on' if src.append else 'off'}'"
            _source_line(w, attrs, src.seclabels, ctx)
    elif t == "nmdm":
        w.empty("source", ("master", src.master), ("slave", src.slave))
    elif t == "udp":
        for mode, host, service in (
            ("bind", src.bind_host, src.bind_service),
            ("connect", src.connect_host, src.connect_service),
        ):
            if host is not None or service is not None:
                w.empty("source", ("mode", mode), ("host", host), ("service", service))
    elif t == "tcp":
        attrs_list: list[tuple[str, str | None]] = [
            ("mode", "bind" if src.listen else "connect"), ("host", src.host),
            ("service", src.service)]
        if src.tls is not None:
            attrs_list.append(("tls", "yes" if src.tls else "no"))
        if ctx.status and ctx.modern:
            attrs_list.append(("tlsFromConfig", str(int(src.tls_from_config))))
        if _has_reconnect(src):
            w.start("source", *attrs_list)
            _format_reconnect(w, src)
            w.end("source")
        else:
            w.empty("source", *attrs_list)
        w.empty("protocol", ("type", src.protocol))
    elif t == "unix":
        if src.path is None and ctx.modern:
            pass  # libvirt 9.0 writes no <source> without a path
        elif _has_reconnect(src):
            w.start("source", ("mode", "bind" if src.listen else "connect"), ("path", src.path))
            format_seclabels(w, src.seclabels, ctx)
            _format_reconnect(w, src)
            w.end("source")
        else:
            attrs = f" mode='{'bind' if src.listen else 'connect'}'"
            if src.path is not None:
                attrs += f" path='{escape(src.path)}'"
            _source_line(w, attrs, src.seclabels, ctx)
    elif t in ("spiceport", "dbus"):
        w.empty("source", ("channel", src.channel))
    elif t == "qemu-vdagent" and (src.clipboard is not None or src.mouse is not None):
        w.start("source")
        if src.clipboard is not None:
            w.empty("clipboard", ("copypaste", "yes" if src.clipboard else "no"))
        if src.mouse is not None:
            w.empty("mouse", ("mode", src.mouse))
        w.end("source")
    if src.log_file is not None:
        w.empty("log", ("file", src.log_file), ("append", None if src.log_append is None
                                                  else "on" if src.log_append else "off"))


def _has_reconnect(src: ChrSource) -> bool:
    return src.reconnect is not None


def _format_reconnect(w: XMLWriter, src: ChrSource) -> None:
    """virDomainChrSourceReconnectDefFormat (libvirt 9.0)."""
    w.empty("reconnect", ("enabled", "yes" if src.reconnect else "no"),
            ("timeout", src.reconnect_timeout if src.reconnect else None))


def _target(w: XMLWriter, dev: ChrDevice, ctx: FormatContext) -> None:
    if dev.kind == "channel":
        attrs: list[tuple[str, str | int | None]] = [("type", dev.target_type)]
        if dev.target_type == "guestfwd":
            attrs += [("address", dev.fwd_address), ("port", dev.fwd_port)]
        elif dev.target_type in ("virtio", "xen"):
            attrs.append(("name", dev.name))
            if (
                dev.target_type == "virtio"
                and dev.state not in (None, "default")
                and not ctx.inactive
            ):
                attrs.append(("state", dev.state))
        w.empty("target", *attrs)
    elif dev.kind == "serial" and ctx.modern:
        # virDomainChrTargetDefFormat (libvirt 9.0)
        attrs = [("type", dev.target_type), ("port", _port(dev))]
        if dev.target_model is None:
            w.empty("target", *attrs)
        else:
            w.start("target", *attrs)
            w.empty("model", ("name", dev.target_model))
            w.end("target")
    elif dev.kind == "console" or (dev.kind == "serial" and dev.target_type_attr):
        w.empty("target", ("type", dev.target_type), ("port", _port(dev)))
    else:
        w.empty("target", ("port", _port(dev)))


def _port(dev: ChrDevice) -> int:
    return dev.port if dev.port is not None else -1


def format_chr(w: XMLWriter, dev: ChrDevice, ctx: FormatContext) -> None:
    """One character device element (virDomainChrDefFormat)."""
    src = dev.source
    attrs: list[tuple[str, str | int | None]] = [("type", src.type)]
    # legacy <console tty='/dev/pts/N'> of a running domain
    if (
        dev.kind == "console"
        and dev.port == 0
        and src.type == "pty"
        and not ctx.inactive
        and src.path is not None
    ):
        attrs.append(("tty", src.path))
    w.start(dev.kind, *attrs)
    format_chr_source(w, src, ctx)
    _target(w, dev, ctx)
    format_device_info(w, dev.info, ctx)
    w.end(dev.kind)


def format_serials(w: XMLWriter, dom: Domain, ctx: FormatContext) -> None:
    for dev in dom.devices.serials:
        format_chr(w, dev, ctx)


def format_parallels(w: XMLWriter, dom: Domain, ctx: FormatContext) -> None:
    for dev in dom.devices.parallels:
        format_chr(w, dev, ctx)


def _is_hvm(dom: Domain) -> bool:
    return dom.os.type == "hvm"


def format_consoles(w: XMLWriter, dom: Domain, ctx: FormatContext) -> None:
    serials = dom.devices.serials
    for n, console in enumerate(dom.devices.consoles):
        shown: ChrDevice = console
        if _is_hvm(dom) and console.target_type in ("serial", "none") and n < len(serials):
            # back compat: a serial console is the serial port itself
            shown = replace(serials[n], kind="console", target_type="serial")
        format_chr(w, shown, ctx)


def format_channels(w: XMLWriter, dom: Domain, ctx: FormatContext) -> None:
    for dev in dom.devices.channels:
        format_chr(w, dev, ctx)

"""Formatting of <hostdev> (libvirt 1.3.1's virDomainHostdevDefFormat).

``format_hostdev_subsys`` (driver, source) is shared with
``<interface type='hostdev'>``, which writes the address types.
"""

from __future__ import annotations

from ..model.domain import Domain
from ..model.hostdev import Hostdev
from ..xmlwriter import XMLWriter, attrs_text
from .context import FormatContext
from .device_info import format_device_info
from .disk_modern import format_auth


def format_hostdev_subsys(
    w: XMLWriter, hd: Hostdev, ctx: FormatContext, include_type: bool
) -> None:
    if hd.type == "pci" and hd.backend != "default":
        w.empty("driver", ("name", hd.backend))
    attrs: list[tuple[str, str | int | None]] = []
    if hd.type == "usb":
        attrs.append(("startupPolicy", hd.startup_policy))
        if hd.missing and not ctx.inactive:
            attrs.append(("missing", "yes"))
        attrs.append(("guestReset", hd.guest_reset))
    if hd.type == "scsi_host":
        w.empty("source", ("protocol", hd.protocol), ("wwpn", hd.wwpn))
        return
    if hd.type == "mdev":
        w.start("source")
        w.empty("address", ("uuid", hd.mdev_uuid))
        w.end("source")
        return
    if hd.type == "scsi" and hd.protocol == "iscsi":
        attrs += [("protocol", "iscsi"), ("name", hd.iscsi_path)]
    w.start("source", *attrs)
    if hd.type == "usb":
        if hd.vendor:
            w.line(f"<vendor id='0x{hd.vendor:04x}'/>")
            w.line(f"<product id='0x{(hd.product or 0):04x}'/>")
        if hd.bus or hd.device:
            kind = "type='usb' " if include_type else ""
            w.line(f"<address {kind}bus='{hd.bus}' device='{hd.device or 0}'/>")
    elif hd.type == "pci":
        kind = "type='pci' " if include_type else ""
        w.line(
            f"<address {kind}domain='0x{hd.domain:04x}' bus='0x{hd.bus:02x}' "
            f"slot='0x{hd.slot:02x}' function='0x{hd.function:x}'/>"
        )
        if ctx.status and (hd.orig_unbind or hd.orig_removeslot or hd.orig_reprobe):
            w.start("origstates")
            if hd.orig_unbind:
                w.empty("unbind")
            if hd.orig_removeslot:
                w.empty("removeslot")
            if hd.orig_reprobe:
                w.empty("reprobe")
            w.end("origstates")
    elif hd.protocol == "iscsi":
        host = hd.iscsi_hosts[0] if hd.iscsi_hosts else None
        if host is not None:
            w.line(f"<host{attrs_text([('name', host.name), ('port', host.port)])}/>")
    else:
        w.empty("adapter", ("name", hd.adapter))
        kind = "type='scsi' " if include_type else ""
        w.line(f"<address {kind}bus='{hd.bus}' target='{hd.target}' unit='{hd.unit}'/>")
    if hd.type == "scsi" and hd.protocol == "iscsi" and hd.iscsi_auth is not None:
        format_auth(w, hd.iscsi_auth)
    if hd.type == "scsi" and hd.iscsi_initiator is not None:
        w.start("initiator")
        w.empty("iqn", ("name", hd.iscsi_initiator))
        w.end("initiator")
    w.end("source")


def _switch(value: bool | None) -> str | None:
    return None if value is None else ("on" if value else "off")


_CAPS_TAGS = {"storage": "block", "misc": "char", "net": "interface"}


def format_hostdev(w: XMLWriter, hd: Hostdev, ctx: FormatContext) -> None:
    attrs: list[tuple[str, str | int | None]] = [("mode", hd.mode), ("type", hd.type)]
    if hd.mode == "subsystem":
        attrs.append(("managed", "yes" if hd.managed else "no"))
        if hd.type == "scsi":
            attrs.append(("sgio", hd.sgio))
            if hd.rawio is not None:
                attrs.append(("rawio", "yes" if hd.rawio else "no"))
        attrs.append(("model", hd.scsi_host_model if hd.type == "scsi_host" else hd.mdev_model))
        if hd.type == "mdev":
            attrs.append(("display", _switch(hd.display)))
            attrs.append(("ramfb", _switch(hd.ramfb)))
    w.start("hostdev", *attrs)
    if hd.mode == "subsystem":
        format_hostdev_subsys(w, hd, ctx, False)
    else:
        w.start("source")
        w.element(_CAPS_TAGS[hd.type], hd.caps_source)
        w.end("source")
    if hd.teaming_type is not None:
        w.empty("teaming", ("type", hd.teaming_type), ("persistent", hd.teaming_persistent))
    if hd.readonly:
        w.empty("readonly")
    if hd.shareable:
        w.empty("shareable")
    format_device_info(w, hd.info, ctx, allow_boot=True, allow_rom=True)
    w.end("hostdev")


def format_hostdevs(w: XMLWriter, dom: Domain, ctx: FormatContext) -> None:
    for hd in dom.devices.hostdevs:
        # the host device of a type='hostdev' interface is written there
        if hd.parent is None:
            format_hostdev(w, hd, ctx)

"""Parsing of <hostdev> (libvirt 1.3.1's virDomainHostdevDefParseXML).

``parse_hostdev_subsys`` is shared with ``<interface type='hostdev'>``,
whose source is a PCI (or USB) host device too.
"""

from __future__ import annotations

import re
import uuid

from ..errors import ConfigError, XMLError
from ..model.disk import NetHost
from ..model.hostdev import (
    CAPS_TYPES,
    MDEV_MODELS,
    MODES,
    PCI_BACKENDS,
    SCSI_HOST_MODELS,
    SCSI_PROTOCOLS,
    SGIO_MODES,
    STARTUP_POLICIES,
    SUBSYS_TYPES,
    SUBSYS_TYPES_MODERN,
    USB_GUEST_RESETS,
    Hostdev,
)
from ..xmlreader import Element, child, children, elements, parse_int
from .context import ParseContext
from .device_info import parse_device_info, parse_pci_address
from .disk_source import parse_auth
from .net_modern import parse_teaming
from .xmlprop import enum_attr


def _uint(value: str, message: str) -> int:
    """virStrToLong_ui with base 0."""
    try:
        number = parse_int(value, 0)
    except ValueError:
        raise XMLError(message) from None
    if not 0 <= number <= 0xFFFFFFFF:
        raise XMLError(message)
    return number


def _prop_switch(el: Element, name: str) -> bool | None:
    """virXMLPropTristateSwitch: on/off or absent."""
    value = enum_attr(el, name, ("absent", "on", "off"), nonzero=True)
    return None if value is None else value == "on"


def _parse_usb_source(src: Element, hd: Hostdev, ctx: ParseContext) -> None:
    if ctx.modern:
        hd.guest_reset = enum_attr(src, "guestReset", USB_GUEST_RESETS, nonzero=True)
    policy = src.get("startupPolicy")
    if policy is not None:
        if policy not in STARTUP_POLICIES or policy == "default":
            raise XMLError(f"Unknown startup policy '{policy}'")
        hd.startup_policy = policy
    if src.get("autoAddress") == "yes":
        hd.auto_address = True
    got_vendor = got_product = False
    for c in elements(src):
        if c.tag == "vendor":
            value = c.get("id")
            if value is None:
                raise XMLError("usb vendor needs id")
            got_vendor = True
            hd.vendor = _uint(value, f"cannot parse vendor id {value}")
        elif c.tag == "product":
            value = c.get("id")
            if value is None:
                raise XMLError("usb product needs id")
            got_product = True
            hd.product = _uint(value, f"cannot parse product {value}")
        elif c.tag == "address":
            bus = c.get("bus")
            if bus is None:
                raise XMLError("usb address needs bus id")
            hd.bus = _uint(bus, f"cannot parse bus {bus}")
            device = c.get("device")
            if device is None:
                raise XMLError("usb address needs device id")
            hd.device = _uint(device, f"cannot parse device {device}")
        else:
            raise XMLError(f"unknown usb source type '{c.tag}'")
    if got_vendor and hd.vendor == 0:
        raise XMLError("vendor cannot be 0.")
    if not got_vendor and got_product:
        raise XMLError("missing vendor")
    if got_vendor and not got_product:
        raise XMLError("missing product")


def _parse_pci_source(src: Element, hd: Hostdev, ctx: ParseContext) -> None:
    for c in elements(src):
        if c.tag == "address":
            addr = parse_pci_address(c)
            hd.domain, hd.bus, hd.slot, hd.function = (
                addr.domain, addr.bus, addr.slot, addr.function,
            )
        elif ctx.status and c.tag == "origstates":
            names = {e.tag for e in elements(c)}
            hd.orig_unbind = "unbind" in names
            hd.orig_removeslot = "removeslot" in names
            hd.orig_reprobe = "reprobe" in names
        elif ctx.status and c.tag == "state":
            continue  # legacy status data
        else:
            raise XMLError(f"unknown pci source type '{c.tag}'")


def _parse_scsi_host_source(src: Element, hd: Hostdev) -> None:
    got_address = got_adapter = False
    for c in elements(src):
        if c.tag == "address":
            if got_address:
                raise XMLError("more than one source addresses is specified for scsi hostdev")
            bus, target, unit = c.get("bus"), c.get("target"), c.get("unit")
            if bus is None or target is None or unit is None:
                raise XMLError(
                    "'bus', 'target', and 'unit' must be specified for scsi hostdev source address"
                )
            hd.bus = _uint(bus, f"cannot parse bus '{bus}'")
            hd.target = _uint(target, f"cannot parse target '{target}'")
            hd.unit = _uint(unit, f"cannot parse unit '{unit}'")
            got_address = True
        elif c.tag == "adapter":
            if got_adapter:
                raise XMLError("more than one adapters is specified for scsi hostdev source")
            hd.adapter = c.get("name")
            if hd.adapter is None:
                raise XMLError("'adapter' must be specified for scsi hostdev source")
            got_adapter = True
        else:
            raise XMLError(f"unsupported element '{c.tag}' of scsi hostdev source")
    if not got_address or not got_adapter:
        raise XMLError("'adapter' and 'address' must be specified for scsi hostdev source")


def _parse_iscsi_source(src: Element, hd: Hostdev) -> None:
    hd.iscsi_path = src.get("name")
    if hd.iscsi_path is None:
        raise XMLError("missing iSCSI hostdev source path name")
    for h in children(src, "host"):
        host = NetHost(name=h.get("name"), port=h.get("port"))
        transport = h.get("transport")
        if transport is not None:
            host.transport = transport
        host.socket = h.get("socket")
        if host.transport != "unix" and host.name is None:
            raise XMLError("missing name for host")
        hd.iscsi_hosts.append(host)
    if not hd.iscsi_hosts:
        raise XMLError("missing the host address for the iSCSI hostdev")
    if len(hd.iscsi_hosts) > 1:
        raise XMLError("only one source host address may be specified for the iSCSI hostdev")
    for c in children(src, "auth"):
        auth = parse_auth(c)
        if auth.secret_type != "iscsi":
            raise XMLError(f"hostdev invalid secret type '{auth.secret_type}'")
        hd.iscsi_auth = auth
    initiator = child(src, "initiator")
    iqn = child(initiator, "iqn") if initiator is not None else None
    if iqn is not None:
        hd.iscsi_initiator = iqn.get("name")


def _parse_modern_models(el: Element, hd: Hostdev) -> None:
    """The model (and mdev display) attributes of libvirt 9.0's subsystems."""
    if hd.type == "scsi_host":
        model = enum_attr(el, "model", SCSI_HOST_MODELS)
        hd.scsi_host_model = None if model in (None, "default") else model
    elif hd.type == "mdev":
        hd.mdev_model = enum_attr(el, "model", MDEV_MODELS, required=True)
        hd.display = _prop_switch(el, "display")
        hd.ramfb = _prop_switch(el, "ramfb")
    elif el.get("model") is not None:
        raise XMLError(f"'model' attribute in <hostdev> is only supported when type='{hd.type}'")


# virValidateWWN: 16 hex digits (after the 'naa.' prefix here)
_WWN = re.compile(r"(0x)?[0-9a-fA-F]{16}")


def _parse_scsi_host_vhost(src: Element, hd: Hostdev) -> None:
    """virDomainHostdevSubsysSCSIVHostDefParseXML: only protocol='vhost'."""
    protocol = src.get("protocol")
    if protocol is None:
        raise XMLError("Missing scsi_host subsystem protocol")
    if protocol != "vhost":
        raise ConfigError(f"Unknown scsi_host subsystem protocol '{protocol}'")
    wwpn = src.get("wwpn")
    if wwpn is None:
        raise XMLError("missing vhost-scsi hostdev source wwpn")
    if not wwpn.startswith("naa.") or not _WWN.fullmatch(wwpn[4:]):
        raise XMLError("malformed 'wwpn' value")
    hd.protocol = protocol
    hd.wwpn = wwpn


def _parse_mdev_source(src: Element, hd: Hostdev) -> None:
    """virDomainHostdevSubsysMediatedDevDefParseXML."""
    addr = child(src, "address")
    if addr is None:
        raise ConfigError("Missing <address> element")
    raw = addr.get("uuid")
    if raw is None:
        raise ConfigError("Missing 'uuid' attribute for element <address>")
    digits = re.sub(r"[-\s]", "", raw)
    if not re.fullmatch(r"[0-9a-fA-F]{32}", digits):
        raise ConfigError("Cannot parse uuid attribute of element <address>",
                          code="internal error")
    hd.mdev_uuid = str(uuid.UUID(digits))


def parse_hostdev_subsys(
    el: Element, ctx: ParseContext, type_: str | None, hd: Hostdev
) -> None:
    """virDomainHostdevDefParseXMLSubsys: ``el`` is the <hostdev> or the
    <interface>; ``type_`` the subsystem type found by the caller."""
    hd.mode = "subsystem"
    if el.get("managed") == "yes":
        hd.managed = True
    sgio = el.get("sgio")
    rawio = el.get("rawio")
    if type_ is None:
        raise XMLError("missing source address type")
    if type_ not in (SUBSYS_TYPES_MODERN if ctx.modern else SUBSYS_TYPES):
        message = f"unknown host device source address type '{type_}'"
        raise ConfigError(message) if ctx.modern else XMLError(message)
    hd.type = type_
    src = child(el, "source")
    if src is None:
        raise XMLError("Missing <source> element in hostdev device")
    if type_ != "usb" and src.get("startupPolicy") is not None:
        raise XMLError("Setting startupPolicy is only allowed for USB devices")
    if sgio is not None:
        if type_ != "scsi":
            raise XMLError("sgio is only supported for scsi host device")
        if sgio not in SGIO_MODES or sgio == "default":
            raise XMLError(f"unknown sgio mode '{sgio}'")
        hd.sgio = sgio
    if rawio is not None:
        if type_ != "scsi":
            raise XMLError("rawio is only supported for scsi host device")
        if rawio not in ("yes", "no"):
            raise XMLError(f"unknown hostdev rawio setting '{rawio}'")
        hd.rawio = rawio == "yes"
    if ctx.modern:
        _parse_modern_models(el, hd)
    if type_ == "pci":
        _parse_pci_source(src, hd, ctx)
        driver = child(el, "driver")
        name = driver.get("name") if driver is not None else None
        if name:
            if name not in PCI_BACKENDS or name == "default":
                raise XMLError(f"Unknown PCI device <driver name='{name}'/> has been specified")
            hd.backend = name
    elif type_ == "usb":
        _parse_usb_source(src, hd, ctx)
    elif type_ == "scsi_host":
        _parse_scsi_host_vhost(src, hd)
    elif type_ == "mdev":
        _parse_mdev_source(src, hd)
    else:
        protocol = src.get("protocol")
        if protocol is not None:
            if protocol not in SCSI_PROTOCOLS:
                raise XMLError(f"Unknown SCSI subsystem protocol '{protocol}'")
            hd.protocol = protocol
        if hd.protocol == "iscsi":
            _parse_iscsi_source(src, hd)
        else:
            _parse_scsi_host_source(src, hd)


def parse_hostdev_source(
    el: Element, ctx: ParseContext, hd: Hostdev, type_: str | None = None
) -> None:
    """The subsystem part of ``el`` into ``hd``. Without ``type_`` the type
    is the one of ``<source><address type=...>`` (as an interface of type
    'hostdev' names it), else the one ``hd`` already has."""
    if type_ is None:
        src = child(el, "source")
        addr = child(src, "address") if src is not None else None
        type_ = addr.get("type") if addr is not None else None
        type_ = type_ or hd.type
    parse_hostdev_subsys(el, ctx, type_, hd)


def _parse_caps(el: Element, type_: str, hd: Hostdev) -> None:
    hd.mode = "capabilities"
    if type_ not in CAPS_TYPES:
        raise XMLError(f"unknown host device capability type '{type_}'")
    hd.type = type_
    src = child(el, "source")
    if src is None:
        raise XMLError("Missing <source> element in hostdev device")
    tag = {"storage": "block", "misc": "char", "net": "interface"}[type_]
    node = child(src, tag)
    value = "".join(str(t) for t in node.itertext()) if node is not None else ""
    if not value:
        what = {"storage": "block device path", "misc": "char device path",
                "net": "interface name"}[type_]
        raise XMLError(f"Missing <{tag}> element in hostdev {what}")
    hd.caps_source = value


def parse_hostdev(el: Element, ctx: ParseContext) -> Hostdev:
    hd = Hostdev()
    mode = el.get("mode")
    if mode is not None and mode not in MODES:
        raise XMLError(f"unknown hostdev mode '{mode}'")
    type_ = el.get("type")
    if (mode or "subsystem") == "subsystem":
        parse_hostdev_subsys(el, ctx, type_, hd)
    else:
        _parse_caps(el, type_ or "", hd)
    parse_device_info(el, ctx, hd.info, allow_boot=True, allow_rom=True)
    if ctx.modern:
        hd.teaming_type, hd.teaming_persistent = parse_teaming(el)
    if hd.mode == "subsystem":
        addr = hd.info.address
        # (libvirt 9.0 checks this when it validates the definition)
        if hd.type == "pci" and addr is not None and addr.type != "pci" and not ctx.modern:
            raise XMLError("PCI host devices must use 'pci' address type")
        if hd.type == "scsi":
            # an address-less SCSI device gets one in post-parse, in order
            hd.readonly = child(el, "readonly") is not None
            hd.shareable = child(el, "shareable") is not None
    return hd


"""Parsing of <interface> (libvirt 1.3.1's virDomainNetDefParseXML).

Like libvirt, the first <mac>, <source>, <target>, <script>, <link> and
<virtualport> count while the last <model> and <driver> win.
"""

from __future__ import annotations

import random
import re
import uuid

from ..errors import XMLError
from ..model.hostdev import Hostdev
from ..model.net import (
    DIRECT_MODES,
    DRIVER_NAMES,
    GENERATED_IFNAME_PREFIXES,
    GUEST_OFFLOADS,
    HOST_OFFLOADS,
    LINK_STATES,
    NATIVE_VLAN_MODES,
    NET_TYPES,
    NET_TYPES_MODERN,
    SOCKET_TYPES,
    TX_MODES,
    VIRTIO_MODELS,
    VPORT_TYPES,
    Bandwidth,
    BandwidthRate,
    Interface,
    VirtualPort,
    Vlan,
)
from ..xmlreader import Element, child, children, elements, parse_int
from .context import ParseContext
from .device_info import parse_device_info
from .hostdev import parse_hostdev_subsys
from .net_modern import canonical_model, parse_net_modern
from .prop_errors import invalid_uint

# QEMU's OUI, the prefix of the MAC addresses libvirt makes up
MAC_PREFIX = (0x52, 0x54, 0x00)
_MODEL_CHARS = re.compile(r"^[A-Za-z0-9_-]*$")
_VAR_NAME = re.compile(r"^[A-Za-z0-9_]+$")


# Six bytes of one or two hex digits; blanks may follow the last.
_MAC = re.compile(r"([0-9a-fA-F]{1,2}):([0-9a-fA-F]{1,2}):([0-9a-fA-F]{1,2}):"
                  r"([0-9a-fA-F]{1,2}):([0-9a-fA-F]{1,2}):([0-9a-fA-F]{1,2})[ \t\n\r]*")


def parse_mac(text: str) -> str | None:
    """virMacAddrParse: six hex bytes of one or two digits, colon separated;
    None when malformed."""
    found = _MAC.fullmatch(text)
    if found is None:
        return None
    return ":".join([f"{int(part, 16):02x}" for part in found.groups()])


def generate_mac() -> str:
    tail = [random.randrange(256) for _ in range(3)]
    return ":".join(f"{b:02x}" for b in (*MAC_PREFIX, *tail))


def _tristate(value: str | None, message: str) -> bool | None:
    if value is None:
        return None
    if value not in ("on", "off"):
        raise XMLError(message.format(value))
    return value == "on"


def _uuid(value: str, message: str) -> str:
    """virUUIDParse: 32 hex digits, hyphens and blanks between them allowed."""
    digits = re.sub(r"[-\s]", "", value)
    if len(digits) != 32 or not all(c in "0123456789abcdefABCDEF" for c in digits):
        raise XMLError(message)
    return str(uuid.UUID(digits))


def _vport_uint(value: str | None, name: str, limit: int) -> int | None:
    if value is None:
        return None
    try:
        number = parse_int(value, 0)
    except ValueError:
        raise XMLError(f"cannot parse value of {name} parameter") from None
    if not 0 <= number <= limit:
        raise XMLError(f"value of {name} out of range")
    return number


_VPORT_ALLOWED = {
    "802.1Qbg": ("managerid", "typeid", "typeidversion", "instanceid"),
    "802.1Qbh": ("profileid",),
    "openvswitch": ("interfaceid", "profileid"),
    "midonet": ("interfaceid",),
}
_VPORT_REQUIRED = {
    "802.1Qbg": ("managerid", "typeid", "typeidversion", "instanceid"),
    "802.1Qbh": ("profileid",),
    "openvswitch": (),
    "midonet": ("interfaceid",),
}


def parse_virtualport(el: Element, *, complete: bool) -> VirtualPort:
    """virNetDevVPortProfileParse. ``complete``: the interface type needs a
    typed, fully specified profile (bridge, direct, hostdev)."""
    vp = VirtualPort()
    type_ = el.get("type")
    if complete and type_ is None:
        raise XMLError("missing virtualport type")
    if type_ is not None:
        if type_ not in VPORT_TYPES:
            raise XMLError(f"unknown virtualport type {type_}")
        vp.type = type_
    params = child(el, "parameters")
    given: set[str] = set()
    if params is not None:
        vp.manager_id = _vport_uint(params.get("managerid"), "managerid", 0xFF)
        vp.type_id = _vport_uint(params.get("typeid"), "typeid", 0xFFFFFF)
        vp.type_id_version = _vport_uint(params.get("typeidversion"), "typeidversion", 0xFF)
        instance = params.get("instanceid")
        if instance is not None:
            vp.instance_id = _uuid(instance, "cannot parse instanceid parameter as a uuid")
        profile = params.get("profileid")
        if profile is not None:
            if len(profile) >= 40:
                raise XMLError("profileid parameter too long")
            vp.profile_id = profile
        interface = params.get("interfaceid")
        if interface is not None:
            vp.interface_id = _uuid(interface, "cannot parse interfaceid parameter as a uuid")
        given = {n for n in ("managerid", "typeid", "typeidversion", "instanceid",
                             "profileid", "interfaceid") if params.get(n) is not None}
    # missing ids are made up
    if vp.instance_id is None and vp.type in (None, "802.1Qbg"):
        vp.instance_id = str(uuid.uuid4())
        given.add("instanceid")
    if vp.interface_id is None and vp.type in (None, "openvswitch", "midonet"):
        vp.interface_id = str(uuid.uuid4())
        given.add("interfaceid")
    if vp.type is not None:
        if complete:
            for name in _VPORT_REQUIRED[vp.type]:
                if name not in given:
                    raise XMLError(f"missing {name} in <virtualport type='{vp.type}'>")
        for name in sorted(given - set(_VPORT_ALLOWED[vp.type])):
            raise XMLError(f"attribute {name} not allowed in <virtualport type='{vp.type}'>")
    return vp


def parse_vlan(el: Element) -> Vlan:
    """virNetDevVlanParse."""
    tags = children(el, "tag")
    if not tags:
        raise XMLError(
            "missing tag id - each <vlan> must have at least one <tag id='n'/> subelement"
        )
    vlan = Vlan()
    for tag in tags:
        raw = tag.get("id")
        try:
            tag_id = int(raw or "", 10)
        except ValueError:
            raise XMLError("missing or invalid vlan tag id attribute") from None
        if tag_id < 0:
            raise XMLError("missing or invalid vlan tag id attribute")
        if tag_id > 4095:
            raise XMLError(f"vlan tag id {tag_id} too large (maximum 4095)")
        mode = tag.get("nativeMode")
        if mode is not None:
            if vlan.native_mode is not None:
                raise XMLError("duplicate native vlan setting")
            if mode not in NATIVE_VLAN_MODES:
                raise XMLError(f"Attribute \"nativeMode='{mode}'\" is invalid")
            vlan.native_mode = mode
            vlan.native_tag = tag_id
        vlan.tags.append(tag_id)
    vlan.trunk = len(tags) > 1
    trunk = el.get("trunk")
    if trunk is not None:
        vlan.trunk = trunk.lower() == "yes"
        if not vlan.trunk:
            if len(tags) > 1:
                raise XMLError(
                    f"invalid \"trunk='{trunk}'\" in <vlan> - trunk='yes' is required "
                    "for more than one vlan tag"
                )
            if vlan.native_mode is not None:
                raise XMLError(
                    "invalid configuration in <vlan> - \"trunk='no'\" is not allowed "
                    "with a native vlan id"
                )
            if trunk.lower() != "no":
                raise XMLError(f"invalid \"trunk='{trunk}'\" in <vlan> - must be yes or no")
    return vlan


def _rate_value(value: str, what: str) -> int:
    if not value.strip().isdigit():
        raise XMLError(f"could not convert bandwidth {what} value '{value}'")
    return int(value)


def _parse_rate(el: Element) -> BandwidthRate:
    rate = BandwidthRate()
    average, peak, burst, floor = (el.get(n) for n in ("average", "peak", "burst", "floor"))
    if average is not None:
        rate.average = _rate_value(average, "average")
    elif floor is None:
        raise XMLError("Missing mandatory average or floor attributes")
    if (peak is not None or burst is not None) and average is None:
        raise XMLError("'peak' and 'burst' require 'average' attribute")
    if peak is not None:
        rate.peak = _rate_value(peak, "peak")
    if burst is not None:
        rate.burst = _rate_value(burst, "burst")
    if floor is not None:
        rate.floor = _rate_value(floor, "floor")
    return rate


def parse_bandwidth(el: Element, net_type: str) -> Bandwidth:
    """virNetDevBandwidthParse."""
    inbound = outbound = None
    for c in elements(el):
        if c.tag == "inbound":
            if inbound is not None:
                raise XMLError("Only one child <inbound> element allowed")
            inbound = c
        elif c.tag == "outbound":
            if outbound is not None:
                raise XMLError("Only one child <outbound> element allowed")
            outbound = c
    bw = Bandwidth()
    if inbound is not None:
        bw.inbound = _parse_rate(inbound)
        if bw.inbound.floor and net_type != "network":
            raise XMLError("floor attribute is supported only for interfaces of type network")
    if outbound is not None:
        bw.outbound = _parse_rate(outbound)
        if bw.outbound.floor:
            raise XMLError("'floor' attribute allowed only in <inbound> element")
    return bw


def _filter_params(el: Element) -> list[tuple[str, str]]:
    """virNWFilterParseParamAttributes: invalid names are skipped."""
    out = []
    for p in children(el, "parameter"):
        name, value = p.get("name"), p.get("value")
        if name is None or value is None or not _VAR_NAME.match(name):
            continue
        out.append((name, value))
    return out


def _socket_port(value: str | None, where: str) -> int:
    if value is None:
        raise XMLError(f"No <{where}> 'port' attribute specified with socket interface")
    try:
        return int(value, 10)
    except ValueError:
        raise XMLError(f"Cannot parse <{where}> 'port' attribute with socket interface") from None


def _parse_source(el: Element, src: Element | None, iface: Interface, ctx: ParseContext) -> None:
    t = iface.type

    def get(name: str) -> str | None:
        return src.get(name) if src is not None else None

    if t == "network":
        iface.network = get("network")
        iface.portgroup = get("portgroup")
        if iface.network is None:
            raise XMLError(
                "No <source> 'network' attribute specified with <interface type='network'/>"
            )
    elif t == "bridge":
        iface.bridge = get("bridge")
        if iface.bridge is None:
            raise XMLError(
                "No <source> 'bridge' attribute specified with <interface type='bridge'/>"
            )
    elif t == "ethernet":
        iface.dev = get("dev")
    elif t == "direct":
        iface.dev = get("dev")
        if iface.dev is None:
            raise XMLError("No <source> 'dev' attribute specified with <interface type='direct'/>")
        mode = get("mode")
        if mode is not None:
            if mode not in DIRECT_MODES:
                raise XMLError("Unknown mode has been specified")
            iface.direct_mode = mode
    elif t == "internal":
        iface.internal_name = get("name")
        if iface.internal_name is None:
            raise XMLError(
                "No <source> 'name' attribute specified with <interface type='internal'/>"
            )
    elif t == "vhostuser":
        kind, path, mode = get("type"), get("path"), get("mode")
        if kind is None:
            raise XMLError("Missing source type attribute for vhostuser interface")
        if path is None:
            raise XMLError("Missing source path attribute for vhostuser interface")
        if mode is None:
            raise XMLError("Missing source mode attribute for vhostuser interface")
        if kind != "unix":
            raise XMLError(f"Type='{kind}' unsupported for <interface type='vhostuser'>")
        if mode not in ("server", "client"):
            raise XMLError(
                "Wrong <source> 'mode' attribute specified with <interface type='vhostuser'/>"
            )
        iface.vhostuser_path = path
        iface.vhostuser_server = mode == "server"
    elif t in SOCKET_TYPES:
        iface.port = _socket_port(get("port"), "source")
        iface.address = get("address")
        if iface.address is None and t != "server":
            raise XMLError("No <source> 'address' attribute specified with socket interface")
        if t == "udp":
            local = child(src, "local") if src is not None else None
            laddr = local.get("address") if local is not None else None
            if laddr is None:
                raise XMLError("No <local> 'address' attribute specified with socket interface")
            iface.local_address = laddr
            iface.local_port = _socket_port(
                local.get("port") if local is not None else None, "local"
            )
    elif t == "hostdev":
        hd = Hostdev(parent=iface, info=iface.info)
        addr = src.find("address") if src is not None else None
        addr_type = addr.get("type") if addr is not None else None
        if addr_type is None and src is not None and child(src, "vendor") is not None:
            addr_type = "usb"
        parse_hostdev_subsys(el, ctx, addr_type, hd)
        if hd.type == "scsi":
            raise XMLError("address type='scsi' not supported in hostdev interfaces")
        iface.hostdev = hd


def _parse_driver(drv: Element, iface: Interface, ctx: ParseContext) -> None:
    name = drv.get("name")
    if name is not None:
        if name not in DRIVER_NAMES:
            raise XMLError(f"Unknown interface <driver name='{name}'> has been specified")
        iface.driver_name = name
    txmode = drv.get("txmode")
    if txmode is not None:
        if txmode not in TX_MODES:
            raise XMLError(f"Unknown interface <driver txmode='{txmode}'> has been specified")
        iface.txmode = txmode
    iface.ioeventfd = _tristate(drv.get("ioeventfd"), "unknown interface ioeventfd mode '{}'")
    iface.event_idx = _tristate(drv.get("event_idx"), "unknown interface event_idx mode '{}'")
    queues = drv.get("queues")
    if queues is not None:
        q = queues.strip()
        if (not q.isdigit() or int(q) > 0xFFFFFFFF) and ctx.modern:
            raise invalid_uint("queues", "driver", queues)
        if not q.isdigit() or int(q) > 0xFFFFFFFF:
            raise XMLError(f"'queues' attribute must be positive number: {queues}")
        # one queue pair is what every NIC has anyway
        iface.queues = int(q) if int(q) > 1 else 0
    host = child(drv, "host")
    if host is not None:
        for name in HOST_OFFLOADS:
            value = _tristate(host.get(name), f"unknown host {name} mode '{{}}'")
            if value is not None:
                iface.host_offloads[name] = value
    guest = child(drv, "guest")
    if guest is not None:
        for name in GUEST_OFFLOADS:
            value = _tristate(guest.get(name), f"unknown guest {name} mode '{{}}'")
            if value is not None:
                iface.guest_offloads[name] = value


def parse_interface(el: Element, ctx: ParseContext) -> Interface:
    iface = Interface()
    type_ = el.get("type")
    if type_ is not None:
        if type_ not in (NET_TYPES_MODERN if ctx.modern else NET_TYPES):
            raise XMLError(f"unknown interface type '{type_}'")
        iface.type = type_
    trust = el.get("trustGuestRxFilters")
    if trust is not None:
        if trust not in ("yes", "no"):
            raise XMLError(f"unknown trustGuestRxFilters value '{trust}'")
        iface.trust_guest_rx_filters = trust == "yes"

    mac_el = src_el = target_el = guest_el = link_el = script_el = None
    vport_el = model_el = driver_el = filter_el = backend_el = None
    for c in elements(el):
        tag = c.tag
        if tag == "mac" and mac_el is None:
            mac_el = c
        elif tag == "source" and src_el is None:
            src_el = c
        elif tag == "virtualport" and vport_el is None:
            vport_el = c
        elif tag == "target" and target_el is None:
            target_el = c
        elif tag == "guest" and guest_el is None:
            guest_el = c
        elif tag == "link" and link_el is None:
            link_el = c
        elif tag == "script" and script_el is None:
            script_el = c
        elif tag == "model":
            model_el = c
        elif tag == "driver":
            driver_el = c
        elif tag == "filterref":
            if filter_el is not None:
                raise XMLError(
                    "Invalid specification of multiple <filterref>s in a single <interface>"
                )
            filter_el = c
        elif tag == "bandwidth":
            iface.bandwidth = parse_bandwidth(c, iface.type)
        elif tag == "vlan":
            iface.vlan = parse_vlan(c)
        elif tag == "backend":
            backend_el = c

    if vport_el is not None:
        if iface.type == "network":
            iface.virtualport = parse_virtualport(vport_el, complete=False)
        elif iface.type in ("bridge", "direct", "hostdev"):
            iface.virtualport = parse_virtualport(vport_el, complete=True)
        else:
            raise XMLError(
                f"<virtualport> element unsupported for <interface type='{iface.type}'>"
            )

    raw_mac = mac_el.get("address") if mac_el is not None else None
    if raw_mac is not None:
        mac = parse_mac(raw_mac)
        if mac is None:
            raise XMLError(f"unable to parse mac address '{raw_mac}'")
        if int(mac[:2], 16) & 1:
            raise XMLError(f"expected unicast mac address, found multicast '{raw_mac}'")
        iface.mac = mac
    else:
        iface.mac = generate_mac()

    parse_device_info(el, ctx, iface.info, allow_boot=True, allow_rom=True)

    if model_el is not None:
        model = model_el.get("type")
        if model is not None:
            if ctx.modern:
                model = canonical_model(model)
            if not _MODEL_CHARS.match(model):
                raise XMLError("Model name contains invalid characters")
            iface.model = model

    _parse_source(el, src_el, iface, ctx)

    if script_el is not None:
        iface.script = script_el.get("path")
    if target_el is not None:
        ifname = target_el.get("dev")
        if ifname and ctx.inactive and ifname.startswith(GENERATED_IFNAME_PREFIXES):
            ifname = None  # made up by libvirt when the guest started
        iface.ifname = ifname
    if guest_el is not None:
        iface.ifname_guest = guest_el.get("dev")
        iface.ifname_guest_actual = guest_el.get("actual")

    virtio_models = VIRTIO_MODELS if ctx.modern else ("virtio",)
    if iface.type != "hostdev" and iface.model in virtio_models and driver_el is not None:
        _parse_driver(driver_el, iface, ctx)
    if backend_el is not None:
        tap = backend_el.get("tap")
        if tap is not None:
            iface.backend_tap = sanitize_path(tap)
        vhost = backend_el.get("vhost")
        if vhost is not None and iface.type != "hostdev" and iface.model in virtio_models:
            iface.backend_vhost = sanitize_path(vhost)

    if link_el is not None:
        state = link_el.get("state")
        if state is not None:
            if state not in LINK_STATES:
                raise XMLError(f"unknown interface link state '{state}'")
            iface.link_state = state

    if filter_el is not None and iface.type in ("ethernet", "network", "bridge"):
        iface.filter = filter_el.get("filter")
        iface.filter_params = _filter_params(filter_el)

    tune = child(el, "tune")
    sndbuf = child(tune, "sndbuf") if tune is not None else None
    if sndbuf is not None:
        raw = "".join(str(t) for t in sndbuf.itertext()).strip()
        if raw:
            if not raw.isdigit():
                raise XMLError("sndbuf must be a positive integer")
            iface.sndbuf = int(raw)
    if ctx.modern:
        parse_net_modern(el, iface, ctx)
    return iface


def sanitize_path(path: str) -> str:
    """virFileSanitizePath: no doubled slashes, no trailing slash."""
    text = re.sub(r"/{2,}", "/", path)
    if len(text) > 1 and text.endswith("/"):
        text = text[:-1]
    return text

"""What libvirt 9.0's virDomainNetDefParseXML reads beyond 1.3.1's: the
virtio-net driver's queue sizes, RSS and transport options, teaming, MTU,
coalescing, port isolation, host and guest IP settings, the back end type,
vDPA sources and the MAC address's type and check."""

from __future__ import annotations

import ipaddress

from ..errors import ConfigError, XMLError
from ..model.net import (
    BACKEND_TYPES,
    KNOWN_MODELS,
    TEAMING_TYPES,
    VIRTIO_MODELS,
    Interface,
    IPAddress,
    IPRoute,
)
from ..xmlreader import Element, child, children
from .context import ParseContext
from .virtio_options import parse_virtio_options

_UINT_MAX = 0xFFFFFFFF


def prop_switch(el: Element, name: str) -> bool | None:
    """virXMLPropTristateSwitch."""
    value = el.get(name)
    if value is None:
        return None
    if value not in ("on", "off"):
        raise XMLError(f"Invalid value for attribute '{name}' in element '{el.tag}': '{value}'.")
    return value == "on"


def prop_bool(el: Element, name: str) -> bool | None:
    """virXMLPropTristateBool."""
    value = el.get(name)
    if value is None:
        return None
    if value not in ("yes", "no"):
        raise XMLError(f"Invalid value for attribute '{name}' in element '{el.tag}': '{value}'.")
    return value == "yes"


def prop_uint(el: Element, name: str, *, nonzero: bool = False) -> int | None:
    """virXMLPropUInt in base 10."""
    value = el.get(name)
    if value is None:
        return None
    try:
        number = int(value.strip(), 10)
    except ValueError:
        number = -1
    if not 0 <= number <= _UINT_MAX:
        raise XMLError(f"Invalid value for attribute '{name}' in element '{el.tag}': "
                       f"'{value}'. Expected non-negative integer value")
    if nonzero and number == 0:
        raise XMLError(f"Invalid value for attribute '{name}' in element '{el.tag}': "
                       "Zero is not permitted")
    return number


def canonical_model(model: str) -> str:
    """virDomainNetSetModelString: a known model matches in any case."""
    for known in KNOWN_MODELS:
        if known.lower() == model.lower():
            return known
    return model


def _family(address: str) -> int:
    try:
        return ipaddress.ip_address(address).version
    except ValueError:
        return 0


def _format_ip(address: str) -> str:
    # virSocketAddrFormat writes the canonical (compressed) form.
    return str(ipaddress.ip_address(address))


def _parse_ip(el: Element) -> IPAddress:
    """virDomainNetIPParseXML."""
    address = el.get("address")
    if address is None:
        raise XMLError("Missing required address in <ip>")
    family = el.get("family")
    version = {"ipv4": 4, "ipv6": 6}.get(family or "", _family(address))
    if _family(address) == 0 or version != _family(address):
        raise XMLError(f"Invalid address '{address}' in <ip>")
    ip = IPAddress(address=_format_ip(address), family=f"ipv{version}")
    prefix = el.get("prefix")
    if prefix is not None:
        limit = 128 if version == 6 else 32
        if not prefix.isdigit() or int(prefix) > limit:
            raise XMLError(f"Invalid prefix value '{prefix}' in <ip>")
        ip.prefix = int(prefix)
    peer = el.get("peer")
    if peer is not None:
        if _family(peer) != version:
            raise ConfigError(f"Invalid peer '{peer}' in <ip>", code="invalid argument")
        ip.peer = _format_ip(peer)
    return ip


def _parse_route(el: Element) -> IPRoute:
    """virNetDevIPRouteParseXML, for what formatting needs."""
    address, gateway = el.get("address"), el.get("gateway")
    if address is None or gateway is None:
        raise XMLError("Missing required address or gateway in <route>")
    route = IPRoute(address=_format_ip(address), gateway=_format_ip(gateway),
                    family=el.get("family"))
    netmask = el.get("netmask")
    route.netmask = _format_ip(netmask) if netmask is not None else None
    route.prefix = prop_uint(el, "prefix")
    route.metric = prop_uint(el, "metric")
    return route


def _parse_ip_info(el: Element) -> tuple[list[IPAddress], list[IPRoute]]:
    return ([_parse_ip(ip) for ip in children(el, "ip")],
            [_parse_route(r) for r in children(el, "route")])


def parse_driver_modern(driver: Element, iface: Interface) -> None:
    """The driver attributes 1.3.1 did not know."""
    iface.virtio = parse_virtio_options(driver)
    if iface.type == "hostdev" or iface.model not in VIRTIO_MODELS:
        return
    iface.rx_queue_size = prop_uint(driver, "rx_queue_size")
    iface.tx_queue_size = prop_uint(driver, "tx_queue_size")
    iface.rss = prop_switch(driver, "rss")
    iface.rss_hash_report = prop_switch(driver, "rss_hash_report")


def parse_teaming(el: Element) -> tuple[str | None, str | None]:
    """virDomainNetTeamingInfoParseXML: (type, persistent alias)."""
    teaming = child(el, "teaming")
    if teaming is None:
        return None, None
    kind, persistent = teaming.get("type"), teaming.get("persistent")
    if kind is None and persistent is None:
        return None, None
    if kind not in TEAMING_TYPES or kind == "none":
        raise ConfigError(f"unknown teaming type '{kind or ''}'")
    return kind, persistent


def _parse_reconnect(el: Element, iface: Interface) -> None:
    """virDomainChrSourceReconnectDefParseXML."""
    iface.vhostuser_reconnect = prop_bool(el, "enabled")
    if iface.vhostuser_reconnect:
        if el.get("timeout") is None:
            raise XMLError("Missing required attribute 'timeout' in element 'reconnect'")
        iface.vhostuser_reconnect_timeout = prop_uint(el, "timeout") or 0


def parse_net_modern(el: Element, iface: Interface, ctx: ParseContext) -> None:
    src = child(el, "source")
    if src is not None:
        iface.host_ips, iface.host_routes = _parse_ip_info(src)
        reconnect = child(src, "reconnect")
        if iface.type == "vhostuser" and reconnect is not None:
            _parse_reconnect(reconnect, iface)
        if iface.type == "vdpa":
            iface.vdpa_dev = src.get("dev")
    if iface.type == "vdpa" and not iface.vdpa_dev:
        raise XMLError("missing vDPA device path")
    iface.guest_ips, iface.guest_routes = _parse_ip_info(el)
    downscript = child(el, "downscript")
    if downscript is not None:
        iface.downscript = downscript.get("path")
    mac = child(el, "mac")
    if mac is not None:
        mac_type = mac.get("type")
        if mac_type is not None and mac_type not in ("generated", "static"):
            raise XMLError(f"Invalid value for attribute 'type' in element 'mac': '{mac_type}'.")
        iface.mac_type = mac_type
        iface.mac_check = prop_bool(mac, "check")
    target = child(el, "target")
    if target is not None:
        iface.managed_tap = prop_bool(target, "managed")
    port = child(el, "port")
    if port is not None:
        iface.isolated_port = prop_bool(port, "isolated")
    backend = child(el, "backend")
    if backend is not None:
        kind = backend.get("type")
        if kind is not None and (kind not in BACKEND_TYPES or kind == "default"):
            raise XMLError(f"Invalid value for attribute 'type' in element 'backend': '{kind}'.")
        iface.backend_type = kind
        iface.backend_log_file = backend.get("logFile")
    driver = child(el, "driver")
    if driver is not None:
        parse_driver_modern(driver, iface)
    iface.teaming_type, iface.teaming_persistent = parse_teaming(el)
    mtu = child(el, "mtu")
    if mtu is not None:
        iface.mtu = prop_uint(mtu, "size") or 0
    raw = _coalesce_rx_frames(el)
    if raw is not None:
        if not raw.strip().isdigit():
            raise XMLError(f"cannot parse value '{raw}' for coalesce parameter")
        if int(raw) > _UINT_MAX:
            raise XMLError(f"value '{raw}' is too big for coalesce parameter, "
                           f"maximum is '{_UINT_MAX}'")
        iface.coalesce_rx_frames = int(raw)


def _coalesce_rx_frames(el: Element) -> str | None:
    """string(./coalesce/rx/frames/@max)."""
    node: Element | None = el
    for tag in ("coalesce", "rx", "frames"):
        node = child(node, tag) if node is not None else None
    return node.get("max") if node is not None else None

"""Formatting of <interface> (libvirt 1.3.1's virDomainNetDefFormat)."""

from __future__ import annotations

from ..model.domain import Domain
from ..model.net import (
    GENERATED_IFNAME_PREFIXES,
    GUEST_OFFLOADS,
    HOST_OFFLOADS,
    VIRTIO_MODELS,
    Bandwidth,
    BandwidthRate,
    Interface,
    IPAddress,
    IPRoute,
    VirtualPort,
    Vlan,
)
from ..xmlwriter import XMLWriter, attrs_text
from .context import FormatContext
from .device_info import format_device_info
from .hostdev import format_hostdev_subsys
from .virtio_options import virtio_options_attrs


def _on_off(value: bool | None) -> str | None:
    return None if value is None else ("on" if value else "off")


def format_vlan(w: XMLWriter, vlan: Vlan | None) -> None:
    if vlan is None or not vlan.tags:
        return
    w.start("vlan", ("trunk", "yes" if vlan.trunk else None))
    for tag in vlan.tags:
        native = vlan.native_mode if vlan.native_mode and vlan.native_tag == tag else None
        w.empty("tag", ("id", tag), ("nativeMode", native))
    w.end("vlan")


def format_virtualport(w: XMLWriter, vp: VirtualPort | None) -> None:
    if vp is None:
        return
    t = vp.type
    w.start("virtualport", ("type", t))
    attrs: list[tuple[str, str | int | None]] = []
    if t in (None, "802.1Qbg"):
        attrs += [
            ("managerid", vp.manager_id),
            ("typeid", vp.type_id),
            ("typeidversion", vp.type_id_version),
            ("instanceid", vp.instance_id),
        ]
    if t in (None, "openvswitch", "midonet"):
        attrs.append(("interfaceid", vp.interface_id))
    if t in (None, "openvswitch", "802.1Qbh"):
        attrs.append(("profileid", vp.profile_id or None))
    w.empty("parameters", *attrs)
    w.end("virtualport")


def _rate(w: XMLWriter, rate: BandwidthRate | None, tag: str) -> None:
    if rate is None or not (rate.average or rate.floor):
        return
    w.empty(
        tag,
        ("average", rate.average or None),
        ("peak", rate.peak or None),
        ("floor", rate.floor or None),
        ("burst", rate.burst or None),
    )


def format_bandwidth(w: XMLWriter, bw: Bandwidth | None) -> None:
    if bw is None:
        return
    w.start("bandwidth")
    _rate(w, bw.inbound, "inbound")
    _rate(w, bw.outbound, "outbound")
    w.end("bandwidth")


def _source(w: XMLWriter, iface: Interface, ctx: FormatContext) -> None:
    t = iface.type
    if t == "network":
        w.empty("source", ("network", iface.network), ("portgroup", iface.portgroup))
    elif t == "ethernet":
        if iface.dev is not None:
            w.empty("source", ("dev", iface.dev))
    elif t == "vhostuser":
        mode = "server" if iface.vhostuser_server else "client"
        w.empty("source", ("type", "unix"), ("path", iface.vhostuser_path), ("mode", mode))
    elif t == "bridge":
        w.empty("source", ("bridge", iface.bridge))
    elif t in ("server", "client", "mcast", "udp"):
        head = f"<source{attrs_text([('address', iface.address)])} port='{iface.port}'"
        if t != "udp":
            w.line(head + "/>")
        else:
            w.line(head + ">")
            w.level += 1
            w.empty("local", ("address", iface.local_address), ("port", iface.local_port))
            w.level -= 1
            w.line("</source>")
    elif t == "internal":
        w.empty("source", ("name", iface.internal_name))
    elif t == "direct":
        w.empty("source", ("dev", iface.dev), ("mode", iface.direct_mode))
    elif t == "hostdev" and iface.hostdev is not None:
        format_hostdev_subsys(w, iface.hostdev, ctx, True)


def _driver(w: XMLWriter, iface: Interface) -> None:
    attrs: list[tuple[str, str | int | None]] = [
        ("name", iface.driver_name),
        ("txmode", iface.txmode),
        ("ioeventfd", _on_off(iface.ioeventfd)),
        ("event_idx", _on_off(iface.event_idx)),
        ("queues", iface.queues or None),
        ("rx_queue_size", iface.rx_queue_size or None),
        ("tx_queue_size", iface.tx_queue_size or None),
        ("rss", _on_off(iface.rss)),
        ("rss_hash_report", _on_off(iface.rss_hash_report)),
        *virtio_options_attrs(iface.virtio),
    ]
    body = w.child()
    host = [(n, _on_off(iface.host_offloads.get(n))) for n in HOST_OFFLOADS]
    guest = [(n, _on_off(iface.guest_offloads.get(n))) for n in GUEST_OFFLOADS]
    if any(v is not None for _, v in host):
        body.empty("host", *host)
    if any(v is not None for _, v in guest):
        body.empty("guest", *guest)
    if body or any(v is not None for _, v in attrs):
        w.wrap("driver", body, *attrs)


def _filterref(w: XMLWriter, iface: Interface) -> None:
    if not iface.filter_params:
        w.empty("filterref", ("filter", iface.filter))
        return
    w.start("filterref", ("filter", iface.filter))
    # one line per value, names in order (virNWFilterFormatParamAttributes)
    for name in sorted({n for n, _ in iface.filter_params}):
        for n, value in iface.filter_params:
            if n == name:
                w.empty("parameter", ("name", n), ("value", value))
    w.end("filterref")


def _ip_info(w: XMLWriter, ips: list[IPAddress], routes: list[IPRoute]) -> None:
    """virDomainNetIPInfoFormat."""
    for ip in ips:
        w.empty("ip", ("address", ip.address), ("family", ip.family),
                ("prefix", ip.prefix or None), ("peer", ip.peer))
    for r in routes:
        w.empty("route", ("family", r.family), ("address", r.address), ("netmask", r.netmask),
                ("prefix", r.prefix), ("gateway", r.gateway), ("metric", r.metric or None))


def _source_modern(w: XMLWriter, iface: Interface, ctx: FormatContext) -> None:
    """libvirt 9.0's <source>: the type's attributes and the host side IPs."""
    t = iface.type
    attrs: list[tuple[str, str | int | None]] | None = None
    if t == "ethernet":
        attrs = None
    elif t == "bridge":
        attrs = [("bridge", iface.bridge)] if iface.bridge else None
    elif t == "internal":
        attrs = [("name", iface.internal_name)] if iface.internal_name else None
    elif t == "vdpa":
        attrs = [("dev", iface.vdpa_dev)] if iface.vdpa_dev else None
    elif t == "user":
        passt = iface.backend_type == "passt" and iface.dev
        attrs = [("dev", iface.dev)] if passt else None
    elif t == "vhostuser" and iface.vhostuser_reconnect is not None:
        attrs = _source_attrs(iface)
        body = w.child()
        enabled = "yes" if iface.vhostuser_reconnect else "no"
        timeout = iface.vhostuser_reconnect_timeout if iface.vhostuser_reconnect else None
        body.empty("reconnect", ("enabled", enabled), ("timeout", timeout))
        _ip_info(body, iface.host_ips, iface.host_routes)
        w.wrap("source", body, *attrs)
        return
    elif t == "hostdev" or t in ("server", "client", "mcast", "udp", "vhostuser", "network",
                                 "direct"):
        if not (iface.host_ips or iface.host_routes):
            _source(w, iface, ctx)
            return
        attrs = _source_attrs(iface)
    if not (iface.host_ips or iface.host_routes):
        if attrs is not None:
            w.empty("source", *attrs)
        return
    body = w.child()
    _ip_info(body, iface.host_ips, iface.host_routes)
    w.wrap("source", body, *(attrs or []))


def _source_attrs(iface: Interface) -> list[tuple[str, str | int | None]]:
    t = iface.type
    if t == "network":
        return [("network", iface.network), ("portgroup", iface.portgroup)]
    if t == "direct":
        return [("dev", iface.dev), ("mode", iface.direct_mode)]
    if t == "vhostuser":
        mode = "server" if iface.vhostuser_server else "client"
        return [("type", "unix"), ("path", iface.vhostuser_path), ("mode", mode)]
    return [("address", iface.address), ("port", iface.port)]


def _target_modern(w: XMLWriter, iface: Interface, ctx: FormatContext) -> None:
    """An unmanaged tap keeps its name even in a persistent definition."""
    ifname = iface.ifname
    generated = ctx.inactive and bool(ifname) and (ifname or "").startswith(
        ("vnet", "macvtap", "macvlan"))
    dev = ifname if ifname and (iface.managed_tap is False or not generated) else None
    managed = None if iface.managed_tap is None else ("yes" if iface.managed_tap else "no")
    if dev is not None or managed is not None:
        w.empty("target", ("dev", dev), ("managed", managed))


def _teaming(w: XMLWriter, kind: str | None, persistent: str | None) -> None:
    if kind is not None and kind != "none":
        w.empty("teaming", ("type", kind), ("persistent", persistent))


def _format_interface_modern(w: XMLWriter, iface: Interface, ctx: FormatContext) -> None:
    hd = iface.hostdev if iface.type == "hostdev" else None
    trust = None
    if iface.trust_guest_rx_filters is not None:
        trust = "yes" if iface.trust_guest_rx_filters else "no"
    w.start("interface", ("type", iface.type),
            ("managed", "yes" if hd is not None and hd.managed else None),
            ("trustGuestRxFilters", trust))
    check = None if iface.mac_check is None else ("yes" if iface.mac_check else "no")
    w.empty("mac", ("address", iface.mac), ("type", iface.mac_type), ("check", check))
    _source_modern(w, iface, ctx)
    format_vlan(w, iface.vlan)
    format_virtualport(w, iface.virtualport)
    format_bandwidth(w, iface.bandwidth)
    if iface.isolated_port is not None:
        w.empty("port", ("isolated", "yes" if iface.isolated_port else "no"))
    _ip_info(w, iface.guest_ips, iface.guest_routes)
    if iface.script is not None:
        w.empty("script", ("path", iface.script))
    if iface.downscript is not None:
        w.empty("downscript", ("path", iface.downscript))
    _target_modern(w, iface, ctx)
    if iface.ifname_guest or iface.ifname_guest_actual:
        w.empty("guest", ("dev", iface.ifname_guest), ("actual", iface.ifname_guest_actual))
    if iface.model:
        w.empty("model", ("type", iface.model))
        if iface.model in VIRTIO_MODELS:
            _driver(w, iface)
    if iface.backend_type or iface.backend_tap or iface.backend_vhost or iface.backend_log_file:
        w.empty("backend", ("type", iface.backend_type), ("tap", iface.backend_tap),
                ("vhost", iface.backend_vhost), ("logFile", iface.backend_log_file))
    if iface.filter:
        _filterref(w, iface)
    if iface.sndbuf is not None:
        w.start("tune")
        w.element("sndbuf", iface.sndbuf)
        w.end("tune")
    _teaming(w, iface.teaming_type, iface.teaming_persistent)
    if iface.link_state:
        w.empty("link", ("state", iface.link_state))
    if iface.mtu:
        w.empty("mtu", ("size", iface.mtu))
    if iface.coalesce_rx_frames:
        w.line("<coalesce>")
        w.level += 1
        w.start("rx")
        w.empty("frames", ("max", iface.coalesce_rx_frames))
        w.end("rx")
        w.level -= 1
        w.line("</coalesce>")
    format_device_info(w, iface.info, ctx, allow_boot=True, allow_rom=True)
    w.end("interface")


def format_interface(w: XMLWriter, iface: Interface, ctx: FormatContext) -> None:
    if ctx.modern:
        _format_interface_modern(w, iface, ctx)
        return
    hd = iface.hostdev if iface.type == "hostdev" else None
    trust = None
    if iface.trust_guest_rx_filters is not None:
        trust = "yes" if iface.trust_guest_rx_filters else "no"
    w.start(
        "interface",
        ("type", iface.type),
        ("managed", "yes" if hd is not None and hd.managed else None),
        ("trustGuestRxFilters", trust),
    )
    w.empty("mac", ("address", iface.mac))
    _source(w, iface, ctx)
    format_vlan(w, iface.vlan)
    format_virtualport(w, iface.virtualport)
    format_bandwidth(w, iface.bandwidth)
    if iface.script is not None:
        w.empty("script", ("path", iface.script))
    ifname = iface.ifname
    if ifname and not (ctx.inactive and ifname.startswith(GENERATED_IFNAME_PREFIXES)):
        w.empty("target", ("dev", ifname))
    if iface.ifname_guest or iface.ifname_guest_actual:
        w.empty("guest", ("dev", iface.ifname_guest), ("actual", iface.ifname_guest_actual))
    if iface.model:
        w.empty("model", ("type", iface.model))
        if iface.model == "virtio":
            _driver(w, iface)
    if iface.backend_tap or iface.backend_vhost:
        w.empty("backend", ("tap", iface.backend_tap), ("vhost", iface.backend_vhost))
    if iface.filter:
        _filterref(w, iface)
    if iface.sndbuf is not None:
        w.start("tune")
        w.element("sndbuf", iface.sndbuf)
        w.end("tune")
    if iface.link_state:
        w.empty("link", ("state", iface.link_state))
    format_device_info(w, iface.info, ctx, allow_boot=True, allow_rom=True)
    w.end("interface")


def format_interfaces(w: XMLWriter, dom: Domain, ctx: FormatContext) -> None:
    for iface in dom.devices.interfaces:
        format_interface(w, iface, ctx)

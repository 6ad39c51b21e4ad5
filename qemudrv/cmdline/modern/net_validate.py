"""The checks libvirt 9.0 makes of interfaces: at define time
(qemuValidateDomainDeviceDefNetwork, a parse error in its tests) and when
the command line is built (qemuDomainValidateActualNetDef, a failure)."""

from __future__ import annotations

from ...caps import QemuCaps
from ...errors import ConfigError, UnsupportedError, XMLError
from ...model.domain import Domain
from ...model.net import VIRTIO_MODELS, Interface
from .virtio import check_virtio_options_absent

# qemuDomainNetSupportsMTU (a user interface only with the passt back end)
_MTU_TYPES = ("network", "bridge", "ethernet", "vhostuser")
_TAP_TYPES = ("network", "bridge", "ethernet")
_MULTIQUEUE_TYPES = ("network", "bridge", "direct", "ethernet", "vhostuser", "vdpa")


def _is_pow2(value: int) -> bool:
    return value > 0 and value & (value - 1) == 0


def _validate_user_ips(net: Interface) -> None:
    if net.guest_routes:
        raise ConfigError("Invalid attempt to set network interface guest-side IP route, "
                          "not supported by QEMU")
    seen: set[str] = set()
    for ip in net.guest_ips:
        if ip.peer is not None:
            raise ConfigError("Invalid attempt to set peer IP for guest")
        if ip.family in seen:
            version = "IPv4" if ip.family == "ipv4" else "IPv6"
            raise ConfigError(f"Only one {version} address per interface is allowed")
        seen.add(ip.family or "")
        if ip.family == "ipv4" and ip.prefix and not 4 <= ip.prefix <= 27:
            raise XMLError("invalid prefix, must be in range of 4-27")
        if ip.family == "ipv6" and ip.prefix and ip.prefix != 64:
            raise ConfigError(f"unsupported IPv6 address prefix='{ip.prefix}' - must be 64")


def _validate_net(net: Interface, caps: QemuCaps) -> None:
    if net.type == "user":
        _validate_user_ips(net)
    elif net.type == "vdpa":
        if not caps.has("netdev.vhost-vdpa"):
            raise ConfigError("vDPA devices are not supported with this QEMU binary")
        if net.model != "virtio":
            raise ConfigError(f"invalid model for interface of type 'vdpa': '{net.model}'")
    elif net.guest_ips or net.guest_routes:
        raise ConfigError("Invalid attempt to set network interface guest-side IP route "
                          "and/or address info, not supported by QEMU")
    if net.model in VIRTIO_MODELS:
        for name, size in (("rx_queue_size", net.rx_queue_size),
                           ("tx_queue_size", net.tx_queue_size)):
            if size and not _is_pow2(size):
                raise ConfigError(f"{name} has to be a power of two")
        if net.rss and not caps.has("virtio-net.rss"):
            raise ConfigError("virtio rss is not supported with this QEMU binary")
        if net.rss_hash_report and not caps.has("virtio-net.rss"):
            raise ConfigError("virtio rss hash report is not supported with this QEMU binary")
    passt = net.type == "user" and net.backend_type == "passt"
    if net.mtu and not (net.type in _MTU_TYPES or passt):
        raise ConfigError(f"setting MTU on interface type {net.type} is not supported yet")
    if net.teaming_type == "persistent" and net.model not in VIRTIO_MODELS:
        raise ConfigError("virtio-net teaming persistent interface must be "
                          f"<model type='virtio'/>, not '{net.model}'")
    if net.teaming_type == "transient" and net.type not in ("hostdev", "network"):
        raise ConfigError("virtio-net teaming transient interface must be type='hostdev', "
                          f"not '{net.type}'")
    if net.coalesce_rx_frames and net.type not in ("network", "bridge"):
        raise ConfigError(f"coalesce settings on interface type {net.type} are not supported")


def _check_port_options(net: Interface, where: str, kind: str) -> None:
    """virDomainNetDefValidatePortOptions: port isolation on a Linux bridge."""
    if not net.isolated_port:
        return
    if kind not in ("network", "bridge"):
        raise ConfigError(f"{where} - <port isolated='yes'/> is not supported for network "
                          f"interfaces with type='{kind}'")
    vport = net.virtualport
    if vport is not None and vport.type is not None:
        raise ConfigError(f"{where} - <port isolated='yes'/> is not supported for network "
                          f"interfaces with virtualport type='{vport.type}'")


def _validate_net_generic(net: Interface) -> None:
    """virDomainNetDefValidate: the checks of any hypervisor."""
    if (net.host_ips or net.host_routes) and net.type != "ethernet":
        raise ConfigError("Invalid attempt to set network interface host-side IP route and/or "
                          f"address info on interface of type '{net.type}'. This is only "
                          "supported on interfaces of type 'ethernet'")
    if net.managed_tap is False and net.type != "ethernet":
        raise ConfigError(f"unmanaged target dev is not supported on interfaces of type "
                          f"'{net.type}'")
    if net.teaming_type == "transient" and not net.teaming_persistent:
        raise ConfigError("teaming persistent attribute must be set if teaming type is "
                          "'transient'")
    if net.teaming_type not in (None, "transient") and net.teaming_persistent:
        raise ConfigError("teaming persistent attribute not allowed if teaming type is "
                          f"'{net.teaming_type}'")
    _check_port_options(net, f"interface {net.mac}", net.type)
    if net.model not in VIRTIO_MODELS:
        check_virtio_options_absent(net.virtio)
    if net.type != "user" and net.backend_type == "passt":
        raise ConfigError("The 'passt' backend can only be used with interface type='user'",
                          code="internal error")
    if net.type == "vhostuser":
        if net.model not in VIRTIO_MODELS:
            raise ConfigError("Wrong or no <model> 'type' attribute specified with <interface "
                              "type='vhostuser'/>. vhostuser requires the virtio-net* frontend",
                              code="internal error")
        if net.vhostuser_server and net.vhostuser_reconnect:
            raise ConfigError("'reconnect' attribute unsupported 'server' mode for <interface "
                              "type='vhostuser'>")


def validate_nets(dom: Domain, caps: QemuCaps) -> None:
    for net in dom.devices.interfaces:
        _validate_net_generic(net)
        _validate_net(net, caps)


def _check_actual_generic(net: Interface, where: str) -> None:
    """virDomainActualNetDefValidate: VLANs where libvirt can set them, no
    bandwidth on host devices, port isolation on Linux bridges."""
    vport = net.virtualport
    # (an interface of type network is checked once the network resolved it)
    if net.type != "network" and net.vlan is not None and net.vlan.tags and not (
            net.type == "hostdev"
            or (net.type == "direct" and net.direct_mode == "passthrough")
            or (net.type == "bridge" and vport is not None and vport.type == "openvswitch")):
        raise UnsupportedError(f"{where} - vlan tag not supported for this connection type")
    if net.bandwidth is not None and net.type == "hostdev":
        raise UnsupportedError(f"{where} - bandwidth settings are not supported for hostdev "
                               "interfaces")
    try:
        _check_port_options(net, where, net.type)
    except ConfigError as exc:
        raise UnsupportedError(str(exc)) from None


def check_actual_net(net: Interface) -> None:
    """qemuDomainValidateActualNetDef, run as each interface is built."""
    where = f"interface {net.mac}"
    _check_actual_generic(net, where)
    if net.queues and net.type not in _MULTIQUEUE_TYPES:
        raise UnsupportedError(f"{where} - multiqueue is not supported for network "
                               f"interfaces of type {net.type}")
    if net.filter:
        if net.type not in _TAP_TYPES:
            raise UnsupportedError(f"{where} - filterref is not supported for network "
                                   f"interfaces of type {net.type}")
        vport = net.virtualport
        if vport is not None and vport.type is not None:
            raise UnsupportedError(f"{where} - filterref is not supported for network "
                                   f"interfaces with virtualport type {vport.type}")
    if net.backend_tap and net.type not in _TAP_TYPES:
        raise UnsupportedError(f"{where} - custom tap device path is not supported for "
                               f"network interfaces of type {net.type}")
    if net.teaming_type == "transient" and net.type != "hostdev":
        raise UnsupportedError(f"{where} - teaming transient device must be type='hostdev', "
                               f"not '{net.type}'")

"""Interfaces as libvirt 9.0 writes them: a JSON -netdev and a -device NIC
(qemuBuildInterfaceCommandLine, qemuBuildHostNetProps, qemuBuildNicDevProps)."""

from __future__ import annotations

from ...caps import QemuCaps
from ...errors import ConfigError, UnsupportedError
from ...model.address import CCWAddress, DeviceInfo, PCIAddress, VirtioMMIOAddress
from ...model.domain import Domain
from ...model.net import Interface
from ..command import CommandLine
from .address import address_props
from .net_validate import check_actual_net
from .props import Props, add_device, add_netdev, escape_comma
from .virtio import virtio_device_name, virtio_props
from .zpci import add_ext_device

_TX_MODES = {"iothread": "bh", "timer": "timer"}
_HOST_OFFLOADS = (("csum", "csum"), ("gso", "gso"), ("tso4", "host_tso4"),
                  ("tso6", "host_tso6"), ("ecn", "host_ecn"), ("ufo", "host_ufo"),
                  ("mrg_rxbuf", "mrg_rxbuf"))
_GUEST_OFFLOADS = (("csum", "guest_csum"), ("tso4", "guest_tso4"), ("tso6", "guest_tso6"),
                   ("ecn", "guest_ecn"), ("ufo", "guest_ufo"))
# Interface types whose back end is a tap device libvirt opens.
_TAP_TYPES = ("network", "bridge", "ethernet", "direct")


def _is_virtio(net: Interface) -> bool:
    return net.model in ("virtio", "virtio-transitional", "virtio-non-transitional")


def _queue_count(net: Interface) -> int:
    return max(net.queues, 1)


def _user_props(net: Interface) -> Props:
    """SLIRP with the guest side addresses the <ip> elements ask for."""
    props: Props = {"type": "user"}
    for ip in net.guest_ips:
        if ip.family == "ipv4":
            props["net"] = f"{ip.address}/{ip.prefix}" if ip.prefix else ip.address
        elif ip.family == "ipv6":
            props["ipv6-prefix"] = ip.address
            if ip.prefix:
                props["ipv6-prefixlen"] = ip.prefix
    return props


def _socket_props(net: Interface) -> Props:
    """The socket back ends: connect, listen, mcast or udp."""
    key = {"client": "connect", "server": "listen", "mcast": "mcast", "udp": "udp"}[net.type]
    props: Props = {"type": "socket", key: f"{net.address or ''}:{net.port}"}
    if net.type == "udp":
        props["localaddr"] = f"{net.local_address}:{net.local_port}"
    return props


def netdev_props(dom: Domain, net: Interface, caps: QemuCaps,
                 vdpa_path: str | None = None) -> Props:
    """qemuBuildHostNetProps for the back ends libvirt opens itself."""
    fds = caps.table("fds")
    if net.script and net.type != "ethernet":
        raise UnsupportedError(f"scripts are not supported on interfaces of type {net.type}")
    if net.type in ("user", "internal"):
        props: Props = _user_props(net) if net.type == "user" else {"type": "user"}
    elif net.type in ("client", "server", "mcast", "udp"):
        props = _socket_props(net)
    elif net.type == "vhostuser":
        props = {"type": "vhost-user", "chardev": f"char{net.info.alias}"}
        if net.queues > 1:
            props["queues"] = net.queues
    elif net.type == "vdpa":
        props = {"type": "vhost-vdpa", "vhostdev": vdpa_path}
        if net.queues > 1:
            props["queues"] = net.queues
    elif net.type in _TAP_TYPES:
        first = int(fds.get("tap_first", 3))
        count = _queue_count(net)
        props = {"type": "tap"}
        taps = [str(first + i) for i in range(count)]
        if count > 1:
            props["fds"] = ":".join(taps)
        else:
            props["fd"] = taps[0]
        if net.sndbuf is not None:
            props["sndbuf"] = net.sndbuf
        # qemuInterfaceOpenVhostNet as the test programs mock it
        # (qemuxml2argvmock.c): a vhost fd for every queue of a virtio NIC.
        if _is_virtio(net):
            first_vhost = int(fds.get("vhost_net_first", 44))
            vhostfds = [str(first_vhost + i) for i in range(count)]
            props["vhost"] = True
            if count > 1:
                props["vhostfds"] = ":".join(vhostfds)
            else:
                props["vhostfd"] = vhostfds[0]
    else:
        raise UnsupportedError(f"unsupported network type '{net.type}'")
    props["id"] = f"host{net.info.alias}"
    return props


def rom_props(info: DeviceInfo) -> Props:
    """qemuBuildRomProps: a disabled ROM is an empty romfile."""
    if info.rom_enabled is None and info.rom_bar is None and info.rom_file is None:
        return {}
    if not isinstance(info.address, PCIAddress):
        raise ConfigError("ROM tuning is only supported for PCI devices")
    if info.rom_enabled is False:
        return {"romfile": ""}
    props: Props = {}
    if info.rom_bar is not None:
        props["rombar"] = 1 if info.rom_bar else 0
    if info.rom_file is not None:
        props["romfile"] = info.rom_file
    return props


def nic_props(dom: Domain, net: Interface, caps: QemuCaps, bootindex: int) -> Props:
    """qemuBuildNicDevProps."""
    props: Props
    if _is_virtio(net):
        props = virtio_props(
            virtio_device_name("virtio-net", net.info.address, net.model, caps), net.virtio)
        if net.txmode in _TX_MODES:
            props["tx"] = _TX_MODES[net.txmode]
        if net.ioeventfd is not None:
            props["ioeventfd"] = net.ioeventfd
        if net.event_idx is not None:
            props["event_idx"] = net.event_idx
        for name, key in _HOST_OFFLOADS:
            if name in net.host_offloads:
                props[key] = net.host_offloads[name]
        for name, key in _GUEST_OFFLOADS:
            if name in net.guest_offloads:
                props[key] = net.guest_offloads[name]
        if net.queues > 1:
            props["mq"] = True
            if not isinstance(net.info.address, CCWAddress):
                props["vectors"] = 2 * net.queues + 2
        if net.rx_queue_size:
            props["rx_queue_size"] = net.rx_queue_size
        if net.tx_queue_size:
            props["tx_queue_size"] = net.tx_queue_size
        if net.rss is not None:
            props["rss"] = net.rss
        if net.rss_hash_report is not None:
            props["hash"] = net.rss_hash_report
        if net.mtu:
            props["host_mtu"] = net.mtu
        if net.teaming_type == "persistent":
            props["failover"] = True
    else:
        props = {"driver": net.model or "rtl8139"}
    props["netdev"] = f"host{net.info.alias}"
    props["id"] = net.info.alias
    props["mac"] = net.mac
    if bootindex:
        props["bootindex"] = bootindex
    props.update(address_props(dom, net.info, caps))
    props.update(rom_props(net.info))
    return props


def supports_nicdev(dom: Domain, net: Interface) -> bool:
    """qemuDomainSupportsNicdev: ARM boards take a NIC that is neither on
    PCI nor virtio-mmio only as a legacy -net nic."""
    if dom.os.arch in ("armv6l", "armv7l", "aarch64"):
        return isinstance(net.info.address, (PCIAddress, VirtioMMIOAddress))
    return True


def _legacy_nic(net: Interface) -> str:
    """qemuBuildLegacyNicStr."""
    alias = net.info.alias
    model = f",model={net.model}" if net.model else ""
    return f"nic,macaddr={net.mac},netdev=host{alias}{model},id={alias}"


def _vhostuser_chardev(net: Interface) -> str:
    """The vhost-user socket QEMU opens itself (and, as a server, waits on)."""
    out = f"socket,id=char{net.info.alias},path={escape_comma(net.vhostuser_path or '')}"
    if net.vhostuser_server:
        out += ",server=on"
    if net.vhostuser_reconnect is not None:
        # qemuBuildChrChardevReconnectStr: reconnect=0 turns it off
        out += f",reconnect={net.vhostuser_reconnect_timeout if net.vhostuser_reconnect else 0}"
    return out


def _boot_indexes(dom: Domain) -> dict[int, int]:
    """qemuProcessPrepareDeviceBootorder for NICs: <boot dev='network'> goes
    to the first interface, else each one's own <boot order>."""
    nets = dom.devices.interfaces
    if not dom.os.boot_devs:
        return {id(n): n.info.boot_order for n in nets if n.info.boot_order}
    if "network" not in dom.os.boot_devs or not nets:
        return {}
    return {id(nets[0]): dom.os.boot_devs.index("network") + 1}


def build_interfaces(cmd: CommandLine, dom: Domain, caps: QemuCaps) -> None:
    boot = _boot_indexes(dom)
    for net in dom.devices.interfaces:
        check_actual_net(net)
        if net.type == "hostdev":
            continue
        vdpa_path = None
        if net.type == "vhostuser":
            cmd.add("-chardev", _vhostuser_chardev(net))
        elif net.type == "vdpa":
            # qemuInterfaceVDPAConnect: libvirt opens the device and passes it.
            fd = int(caps.table("fds").get("vdpa", 0))
            vdpa_path = cmd.add_fd(fd, f"{net.info.alias}-vdpa")
        add_netdev(cmd, netdev_props(dom, net, caps, vdpa_path), caps)
        add_ext_device(cmd, net.info, caps)
        if supports_nicdev(dom, net):
            add_device(cmd, nic_props(dom, net, caps, boot.get(id(net), 0)), caps)
        elif net.type == "vhostuser":
            raise UnsupportedError("Nicdev support unavailable", code="internal error")
        else:
            cmd.add("-net", _legacy_nic(net))

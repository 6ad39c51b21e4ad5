"""Command line arguments for <interface> (libvirt 1.3.1's
qemuBuildInterfaceCommandLine and helpers).

With the 'device' and 'netdev' flags an interface is ``-netdev`` plus
``-device``; with 'device' only, a ``-device`` NIC on a vlan plus a
``-net`` back end; without either, ``-net nic`` plus ``-net``. Interfaces
of type 'hostdev' are built with the host devices.
"""

from __future__ import annotations

from ..caps import QemuCaps
from ..errors import UnsupportedError
from ..model.address import CCWAddress, PCIAddress, VirtioMMIOAddress, VirtioS390Address
from ..model.domain import Domain
from ..model.net import GUEST_OFFLOADS, Interface
from .address import device_address
from .command import CommandLine
from .general import boot_device_indexes
from .hostdev import rom_options

_HOST_OFFLOAD_OPTIONS = {
    "csum": "csum", "gso": "gso", "tso4": "host_tso4", "tso6": "host_tso6",
    "ecn": "host_ecn", "ufo": "host_ufo", "mrg_rxbuf": "mrg_rxbuf",
}
_TX_MODES = {"iothread": "bh", "timer": "timer"}


def supports_nicdev(dom: Domain, net: Interface, caps: QemuCaps) -> bool:
    """qemuDomainSupportsNicdev: ARM boards' own NICs need -net nic."""
    if not caps.has("device"):
        return False
    arm = dom.os.arch in ("armv7l", "aarch64")
    return not arm or isinstance(net.info.address, (VirtioMMIOAddress, PCIAddress))


def supports_netdev(dom: Domain, net: Interface, caps: QemuCaps) -> bool:
    return supports_nicdev(dom, net, caps) and caps.has("netdev")


def _on_off(value: bool) -> str:
    return "on" if value else "off"


def nic_device(
    dom: Domain, net: Interface, vlan: int, bootindex: int, queues: int, caps: QemuCaps
) -> str:
    """qemuBuildNicDevStr: the ``-device`` of a NIC."""
    model = net.model or ""
    virtio = model == "virtio"
    if virtio:
        a = net.info.address
        if isinstance(a, CCWAddress):
            model = "virtio-net-ccw"
        elif isinstance(a, VirtioS390Address):
            model = "virtio-net-s390"
        elif isinstance(a, VirtioMMIOAddress):
            model = "virtio-net-device"
        else:
            model = "virtio-net-pci"
    opt = model
    if virtio:
        if net.txmode:
            if not caps.has("virtio-tx-alg"):
                raise UnsupportedError(
                    "virtio-net-pci 'tx' option not supported in this QEMU binary"
                )
            opt += f",tx={_TX_MODES[net.txmode]}"
        if net.ioeventfd is not None and caps.has("virtio-blk-pci.ioeventfd"):
            opt += f",ioeventfd={_on_off(net.ioeventfd)}"
        if net.event_idx is not None and caps.has("virtio-net-pci.event_idx"):
            opt += f",event_idx={_on_off(net.event_idx)}"
        for name, option in _HOST_OFFLOAD_OPTIONS.items():
            if name in net.host_offloads:
                opt += f",{option}={_on_off(net.host_offloads[name])}"
        for name in GUEST_OFFLOADS:
            if name in net.guest_offloads:
                opt += f",guest_{name}={_on_off(net.guest_offloads[name])}"
        if queues > 1:
            if isinstance(net.info.address, CCWAddress):
                # one queue per fd on ccw, no MSI-X vectors
                opt += ",mq=on"
            else:
                opt += f",mq=on,vectors={2 * queues + 2}"
    if vlan == -1:
        opt += f",netdev=host{net.info.alias}"
    else:
        opt += f",vlan={vlan}"
    opt += f",id={net.info.alias},mac={net.mac}"
    opt += device_address(dom, net.info, caps)
    opt += rom_options(net.info, caps)
    if bootindex and caps.has("boot-index"):
        opt += f",bootindex={bootindex}"
    return opt


def nic_legacy(net: Interface, vlan: int) -> str:
    """qemuBuildNicStr: ``-net nic,...``."""
    opt = f"nic,macaddr={net.mac},vlan={vlan}"
    if net.model:
        opt += f",model={net.model}"
    if net.info.alias:
        opt += f",name={net.info.alias}"
    return opt


def host_net(net: Interface, vlan: int, tapfds: list[str], vhostfds: list[str]) -> str:
    """qemuBuildHostNetStr: the back end, for -netdev (vlan -1) or -net."""
    t = net.type
    if net.script and t != "ethernet":
        raise UnsupportedError(f"scripts are not supported on interfaces of type {t}")
    parts: list[str] = []
    is_tap = False
    if t in ("bridge", "network", "direct"):
        head = "tap"
        if len(tapfds) > 1:
            parts.append("fds=" + ":".join(tapfds))
        else:
            parts.append(f"fd={tapfds[0]}")
        is_tap = True
    elif t == "ethernet":
        head = "tap"
        if net.ifname:
            parts.append(f"ifname={net.ifname}")
        if net.script:
            parts.append(f"script={net.script}")
        is_tap = True
    elif t == "client":
        head = "socket"
        parts.append(f"connect={net.address}:{net.port}")
    elif t == "server":
        head = "socket"
        parts.append(f"listen={net.address or ''}:{net.port}")
    elif t == "mcast":
        head = "socket"
        parts.append(f"mcast={net.address}:{net.port}")
    elif t == "udp":
        head = "socket"
        parts.append(f"udp={net.address}:{net.port}")
        parts.append(f"localaddr={net.local_address}:{net.local_port}")
    else:
        head = "user"
    if vlan >= 0:
        parts.append(f"vlan={vlan}")
        if net.info.alias:
            parts.append(f"name=host{net.info.alias}")
    else:
        parts.append(f"id=host{net.info.alias}")
    if is_tap:
        if vhostfds:
            if len(vhostfds) == 1:
                parts.append(f"vhost=on,vhostfd={vhostfds[0]}")
            else:
                parts.append("vhost=on,vhostfds=" + ":".join(vhostfds))
        if net.sndbuf is not None:
            parts.append(f"sndbuf={net.sndbuf}")
    return ",".join([head, *parts])


def _vhost_fds(dom: Domain, net: Interface, caps: QemuCaps) -> list[str]:
    """qemuOpenVhostNet: no vhost-net device can be opened on the test
    host, which only matters when vhost was asked for."""
    if dom.virt_type != "kvm" or net.driver_name == "qemu":
        return []
    if not (caps.has("vhost-net") and supports_netdev(dom, net, caps)):
        if net.driver_name == "vhost":
            raise UnsupportedError("vhost-net is not supported with this QEMU binary")
        return []
    if net.model != "virtio":
        if net.driver_name == "vhost":
            raise UnsupportedError(
                "vhost-net is only supported for virtio network interfaces"
            )
        return []
    if net.driver_name == "vhost":
        raise UnsupportedError("vhost-net was requested for an interface, but is unavailable")
    return []


def _vhostuser(
    cmd: CommandLine, dom: Domain, net: Interface, bootindex: int, caps: QemuCaps
) -> None:
    """qemuBuildVhostuserCommandLine."""
    if not supports_netdev(dom, net, caps):
        raise UnsupportedError("Netdev support unavailable")
    alias = net.info.alias
    chardev = f"socket,id=char{alias},path={net.vhostuser_path}"
    if net.vhostuser_server:
        chardev += ",server"
    netdev = f"type=vhost-user,id=host{alias},chardev=char{alias}"
    if net.queues > 1:
        if not caps.has("vhost-user-multiqueue"):
            raise UnsupportedError(
                "multi-queue is not supported for vhost-user with this QEMU binary"
            )
        netdev += f",queues={net.queues}"
    cmd.add("-chardev", chardev)
    cmd.add("-netdev", netdev)
    cmd.add("-device", nic_device(dom, net, -1, bootindex, net.queues, caps))


def build_interface(
    cmd: CommandLine, dom: Domain, net: Interface, vlan: int, bootindex: int, caps: QemuCaps
) -> None:
    if not bootindex:
        bootindex = net.info.boot_order or 0
    if net.type == "vhostuser":
        _vhostuser(cmd, dom, net, bootindex, caps)
        return
    if net.type == "hostdev":
        return
    if net.queues and net.type not in ("network", "bridge"):
        raise UnsupportedError(f"Multiqueue network is not supported for: {net.type}")
    tapfds: list[str] = []
    if net.type in ("network", "bridge", "direct"):
        # no bridge, network or macvtap device can be set up on the test host
        raise UnsupportedError(
            f"cannot create a tap device for interface type '{net.type}' on this host"
        )
    vhostfds = _vhost_fds(dom, net, caps) if net.type == "ethernet" else []
    netdev = supports_netdev(dom, net, caps)
    if netdev:
        cmd.add("-netdev", host_net(net, vlan, tapfds, vhostfds))
    if supports_nicdev(dom, net, caps):
        cmd.add("-device", nic_device(dom, net, vlan, bootindex, len(vhostfds), caps))
    else:
        cmd.add("-net", nic_legacy(net, vlan))
    if not netdev:
        cmd.add("-net", host_net(net, vlan, tapfds, vhostfds))


def build_interfaces(cmd: CommandLine, dom: Domain, caps: QemuCaps) -> None:
    nets = dom.devices.interfaces
    if not nets:
        # with -device there is -nodefaults already
        if not caps.has("device"):
            cmd.add("-net", "none")
        return
    boot_net = boot_device_indexes(dom, caps).get("network", 0)
    for i, net in enumerate(nets):
        vlan = -1 if supports_netdev(dom, net, caps) else i
        build_interface(cmd, dom, net, vlan, boot_net, caps)
        boot_net = 0

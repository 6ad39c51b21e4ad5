"""Model of network interfaces (libvirt 1.3.1's virDomainNetDef)."""

from __future__ import annotations

from dataclasses import dataclass, field

from .address import DeviceInfo
from .hostdev import Hostdev

NET_TYPES = (
    "user", "ethernet", "vhostuser", "server", "client", "mcast", "network",
    "bridge", "internal", "direct", "hostdev", "udp",
)
SOCKET_TYPES = ("server", "client", "mcast", "udp")
DIRECT_MODES = ("vepa", "private", "bridge", "passthrough")
DRIVER_NAMES = ("qemu", "vhost")
TX_MODES = ("iothread", "timer")
LINK_STATES = ("up", "down")
VPORT_TYPES = ("802.1Qbg", "802.1Qbh", "openvswitch", "midonet")
NATIVE_VLAN_MODES = ("tagged", "untagged")
HOST_OFFLOADS = ("csum", "gso", "tso4", "tso6", "ecn", "ufo", "mrg_rxbuf")
GUEST_OFFLOADS = ("csum", "tso4", "tso6", "ecn", "ufo")
# names libvirt gives tap and macvtap devices it creates
GENERATED_IFNAME_PREFIXES = ("vnet",)


@dataclass
class VirtualPort:
    """<virtualport> (virNetDevVPortProfile); ids are strings as given
    (UUIDs normalised to lowercase)."""

    type: str | None = None
    manager_id: int | None = None
    type_id: int | None = None
    type_id_version: int | None = None
    instance_id: str | None = None
    interface_id: str | None = None
    profile_id: str | None = None


@dataclass
class Vlan:
    tags: list[int] = field(default_factory=list)
    trunk: bool = False
    native_mode: str | None = None
    native_tag: int | None = None


@dataclass
class BandwidthRate:
    average: int = 0
    peak: int = 0
    floor: int = 0
    burst: int = 0


@dataclass
class Bandwidth:
    inbound: BandwidthRate | None = None
    outbound: BandwidthRate | None = None


@dataclass
class Interface:
    type: str = "user"
    mac: str = ""  # lowercase aa:bb:cc:dd:ee:ff
    model: str | None = None
    # virtio <driver>
    driver_name: str | None = None
    txmode: str | None = None
    ioeventfd: bool | None = None
    event_idx: bool | None = None
    queues: int = 0
    host_offloads: dict[str, bool] = field(default_factory=dict)
    guest_offloads: dict[str, bool] = field(default_factory=dict)
    # <backend tap= vhost=>
    backend_tap: str | None = None
    backend_vhost: str | None = None
    # per-type source
    network: str | None = None
    portgroup: str | None = None
    bridge: str | None = None
    dev: str | None = None  # direct link device / ethernet source dev
    direct_mode: str = "vepa"
    internal_name: str | None = None
    address: str | None = None  # socket types
    port: int = 0
    local_address: str | None = None
    local_port: int = 0
    vhostuser_path: str | None = None
    vhostuser_server: bool = False
    hostdev: Hostdev | None = None
    # common
    script: str | None = None
    ifname: str | None = None  # <target dev>
    ifname_guest: str | None = None
    ifname_guest_actual: str | None = None
    virtualport: VirtualPort | None = None
    vlan: Vlan | None = None
    bandwidth: Bandwidth | None = None
    filter: str | None = None
    filter_params: list[tuple[str, str]] = field(default_factory=list)
    link_state: str | None = None
    sndbuf: int | None = None
    trust_guest_rx_filters: bool | None = None
    info: DeviceInfo = field(default_factory=DeviceInfo)

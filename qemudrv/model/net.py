"""Model of network interfaces (libvirt 1.3.1's virDomainNetDef, grown with
what libvirt 9.0 added)."""

from __future__ import annotations

from dataclasses import dataclass, field

from .address import DeviceInfo
from .hostdev import Hostdev
from .virtio_options import VirtioOptions

NET_TYPES = (
    "user", "ethernet", "vhostuser", "server", "client", "mcast", "network",
    "bridge", "internal", "direct", "hostdev", "udp",
)
# libvirt 9.0 adds vDPA devices, a NIC with no back end and VMware switches.
NET_TYPES_MODERN = (*NET_TYPES, "vdpa", "null", "vds")
SOCKET_TYPES = ("server", "client", "mcast", "udp")
# virDomainNetModelType: models libvirt 9.0 knows, matched case-insensitively.
KNOWN_MODELS = (
    "unknown", "netfront", "rtl8139", "virtio", "e1000", "e1000e",
    "virtio-transitional", "virtio-non-transitional", "usb-net",
    "spapr-vlan", "lan9118", "scm91c111", "vlance", "vmxnet", "vmxnet2",
    "vmxnet3", "Am79C970A", "Am79C973", "82540EM", "82545EM", "82543GC",
)
VIRTIO_MODELS = ("virtio", "virtio-transitional", "virtio-non-transitional")
TEAMING_TYPES = ("none", "persistent", "transient")
BACKEND_TYPES = ("default", "passt")
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


@dataclass(slots=True)
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


@dataclass(slots=True)
class Vlan:
    tags: list[int] = field(default_factory=list)
    trunk: bool = False
    native_mode: str | None = None
    native_tag: int | None = None


@dataclass(slots=True)
class BandwidthRate:
    average: int = 0
    peak: int = 0
    floor: int = 0
    burst: int = 0


@dataclass(slots=True)
class Bandwidth:
    inbound: BandwidthRate | None = None
    outbound: BandwidthRate | None = None


@dataclass(slots=True)
class IPAddress:
    """An <ip> of a NIC's host or guest side (virNetDevIPAddr)."""

    address: str
    family: str | None = None  # ipv4 or ipv6
    prefix: int = 0
    peer: str | None = None


@dataclass(slots=True)
class IPRoute:
    """A <route> (virNetDevIPRoute); ``address``/``gateway`` as written."""

    address: str
    gateway: str
    family: str | None = None
    netmask: str | None = None
    prefix: int | None = None
    metric: int | None = None


@dataclass(slots=True)
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
    rx_queue_size: int | None = None
    tx_queue_size: int | None = None
    rss: bool | None = None
    rss_hash_report: bool | None = None
    virtio: VirtioOptions | None = None
    # <backend type= tap= vhost= logFile=>
    backend_type: str | None = None
    backend_tap: str | None = None
    backend_vhost: str | None = None
    backend_log_file: str | None = None
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
    # <reconnect enabled timeout> of a vhost-user client socket
    vhostuser_reconnect: bool | None = None
    vhostuser_reconnect_timeout: int = 0
    vdpa_dev: str | None = None
    hostdev: Hostdev | None = None
    # common
    script: str | None = None
    downscript: str | None = None  # libvirt 9.0
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
    # libvirt 9.0
    mac_type: str | None = None
    mac_check: bool | None = None
    managed_tap: bool | None = None  # <target managed>
    host_ips: list[IPAddress] = field(default_factory=list)  # <source><ip>
    host_routes: list[IPRoute] = field(default_factory=list)
    guest_ips: list[IPAddress] = field(default_factory=list)  # <ip> of the guest
    guest_routes: list[IPRoute] = field(default_factory=list)
    isolated_port: bool | None = None
    teaming_type: str | None = None
    teaming_persistent: str | None = None
    mtu: int = 0
    coalesce_rx_frames: int = 0
    info: DeviceInfo = field(default_factory=DeviceInfo)

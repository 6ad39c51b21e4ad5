"""Model of <disk> devices (libvirt's virDomainDiskDef and virStorageSource)."""

from __future__ import annotations

from dataclasses import dataclass, field

from .address import DeviceInfo, PCIAddress
from .chardev import SecLabel

# Enumerations in libvirt's order (the index matters for sorting and formats).
DISK_TYPES = ("file", "block", "dir", "network", "volume")
MODERN_DISK_TYPES = (*DISK_TYPES, "nvme", "vhostuser")
DISK_DEVICES = ("disk", "cdrom", "floppy", "lun")
DISK_MODELS = ("virtio", "virtio-transitional", "virtio-non-transitional")
DISK_BUSES = ("ide", "fdc", "scsi", "virtio", "xen", "usb", "uml", "sata", "sd")
CACHE_MODES = ("default", "none", "writethrough", "writeback", "directsync", "unsafe")
ERROR_POLICIES = ("default", "stop", "report", "ignore", "enospace")
IO_MODES = ("default", "native", "threads")
# libvirt 9.0 adds io_uring.
MODERN_IO_MODES = (*IO_MODES, "io_uring")
DETECT_ZEROES_MODES = ("default", "off", "on", "unmap")
DISCARD_MODES = ("default", "unmap", "ignore")
SGIO_MODES = ("default", "filtered", "unfiltered")
SNAPSHOT_MODES = ("default", "no", "internal", "external")
STARTUP_POLICIES = ("default", "mandatory", "requisite", "optional")
TRAY_STATES = ("closed", "open")
GEOMETRY_TRANS = ("default", "none", "auto", "lba")
NET_PROTOCOLS = (
    "nbd", "rbd", "sheepdog", "gluster", "iscsi", "http", "https", "ftp", "ftps", "tftp",
)
# libvirt 9.0 adds vxhs, ssh and nfs.
MODERN_NET_PROTOCOLS = (*NET_PROTOCOLS, "vxhs", "ssh", "nfs")
# virStorageSourceNetworkDefaultPort (rbd and nfs have none)
NET_DEFAULT_PORTS = {"http": 80, "https": 443, "ftp": 21, "ftps": 990, "tftp": 69,
                     "sheepdog": 7000, "nbd": 10809, "ssh": 22, "iscsi": 3260,
                     "gluster": 24007, "vxhs": 9999}
NET_TRANSPORTS = ("tcp", "unix", "rdma")
POOL_MODES = ("default", "host", "direct")
# virStorageFileFormat names accepted in <driver type=...>.
STORAGE_FORMATS = (
    "none", "raw", "dir", "bochs", "cloop", "dmg", "iso", "vpc", "vdi", "fat", "vhd",
    "ploop", "cow", "qcow", "qcow2", "qed", "vmdk",
)
IOTUNE_FIELDS = (
    "total_bytes_sec", "read_bytes_sec", "write_bytes_sec",
    "total_iops_sec", "read_iops_sec", "write_iops_sec",
    "total_bytes_sec_max", "read_bytes_sec_max", "write_bytes_sec_max",
    "total_iops_sec_max", "read_iops_sec_max", "write_iops_sec_max",
    "size_iops_sec",
)
# libvirt 9.0's throttle group and burst lengths, written after size_iops_sec.
IOTUNE_MAX_LENGTH_FIELDS = (
    "total_bytes_sec_max_length", "read_bytes_sec_max_length", "write_bytes_sec_max_length",
    "total_iops_sec_max_length", "read_iops_sec_max_length", "write_iops_sec_max_length",
)
# <driver iommu= ats= packed= page_per_vq=> (virDomainVirtioOptions), in format order.
VIRTIO_OPTIONS = ("iommu", "ats", "packed", "page_per_vq")


@dataclass(slots=True)
class NetHost:
    name: str | None = None
    port: str | None = None
    transport: str = "tcp"
    socket: str | None = None


@dataclass(slots=True)
class DiskAuth:
    username: str | None = None
    secret_type: str | None = None  # "iscsi" / "ceph" (the usage type)
    uuid: str | None = None
    usage: str | None = None


@dataclass(slots=True)
class PoolSource:
    """<source pool= volume= mode=> and what translation found."""

    pool: str
    volume: str
    mode: str | None = None
    # set by storage translation
    actual_type: str | None = None
    pool_type: str | None = None


@dataclass(slots=True)
class Encryption:
    format: str | None = None  # default / qcow (9.0: luks, luks2)
    engine: str | None = None  # 9.0: qemu / librbd
    has_cipher: bool = False  # <cipher> or <ivgen>, which a disk must not give
    # (type, "uuid" or "usage", value): how each secret is looked up
    secrets: list[tuple[str, str, str]] = field(default_factory=list)


@dataclass(slots=True)
class NVMeSource:
    """<source type='pci' managed= namespace=><address .../>."""

    address: PCIAddress
    namespace: int
    managed: bool | None = None


@dataclass(slots=True)
class VhostUserSource:
    """<source type='unix' path=><reconnect enabled= timeout=/>."""

    path: str
    reconnect: bool | None = None
    reconnect_timeout: int | None = None


@dataclass(slots=True)
class StorageSource:
    """One image of the chain (virStorageSource)."""

    type: str = "file"
    path: str | None = None  # file / dev / dir / network name
    protocol: str | None = None
    hosts: list[NetHost] = field(default_factory=list)
    pool: PoolSource | None = None
    format: str | None = None
    seclabels: list[SecLabel] = field(default_factory=list)
    # backing chain (only kept for live documents)
    backing: StorageSource | None = None
    backing_index: int | None = None
    backing_terminated: bool = False  # an empty <backingStore/>
    # libvirt 9.0's source details
    source_index: int | None = None  # index= of a live document
    metadata_cache_max_size: int = 0  # bytes, <driver><metadata_cache><max_size>
    fdgroup: str | None = None
    tls: bool | None = None
    tls_hostname: str | None = None
    timeout: int | None = None
    readahead: int | None = None
    sslverify: bool | None = None
    cookies: list[tuple[str, str]] = field(default_factory=list)
    query: str | None = None  # http(s)
    snapshot: str | None = None  # rbd
    config_file: str | None = None  # rbd
    initiator_iqn: str | None = None  # iscsi
    nfs_user: str | None = None
    nfs_group: str | None = None
    # <auth> and <encryption> of a backing image (the top image's are the disk's)
    auth: DiskAuth | None = None
    encryption: Encryption | None = None
    nvme: NVMeSource | None = None
    vhostuser: VhostUserSource | None = None
    slice_storage: tuple[int, int] | None = None  # (offset, size) in bytes
    # <reservations>: (managed, socket path of an unmanaged helper)
    reservations: tuple[bool, str | None] | None = None


@dataclass(slots=True)
class Mirror:
    job: str = "copy"
    src: StorageSource = field(default_factory=StorageSource)
    ready: str | None = None
    legacy_file: bool = False  # the old <mirror file= format=> form


@dataclass(slots=True)
class Disk:
    info: DeviceInfo = field(default_factory=DeviceInfo)
    type: str = "file"
    device: str = "disk"
    src: StorageSource = field(default_factory=StorageSource)
    rawio: bool | None = None
    sgio: str | None = None
    snapshot: str | None = None
    startup_policy: str | None = None
    # <driver>
    driver_name: str | None = None
    cache: str | None = None
    error_policy: str | None = None
    rerror_policy: str | None = None
    io: str | None = None
    ioeventfd: bool | None = None
    event_idx: bool | None = None
    copy_on_read: bool | None = None
    discard: str | None = None
    iothread: int = 0
    # <auth>
    auth: DiskAuth | None = None
    # <target>
    dst: str = ""
    bus: str | None = None
    tray: str | None = None
    removable: bool | None = None
    # <geometry>
    cyls: int = 0
    heads: int = 0
    secs: int = 0
    trans: str | None = None
    # <blockio>
    logical_block_size: int = 0
    physical_block_size: int = 0
    iotune: dict[str, int] = field(default_factory=dict)
    iotune_group: str | None = None
    readonly: bool = False
    shared: bool = False
    transient: bool = False
    serial: str | None = None
    wwn: str | None = None
    vendor: str | None = None
    product: str | None = None
    encryption: Encryption | None = None
    mirror: Mirror | None = None
    backend_domain: str | None = None
    # libvirt 9.0
    model: str | None = None  # virtio, virtio-transitional, virtio-non-transitional
    detect_zeroes: str | None = None
    queues: int = 0
    queue_size: int = 0
    rotation_rate: int = 0
    transient_share_backing: bool = False
    virtio: dict[str, bool] = field(default_factory=dict)
    auth_in_source: bool = False  # <auth> was a child of <source>
    address_from_target: bool = False  # the drive address came from the target name
    encryption_in_source: bool = False

    @property
    def path(self) -> str | None:
        return self.src.path

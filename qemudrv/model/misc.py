"""Model of the smaller devices: leases, hubs, watchdog, memory balloon,
NVRAM, panic notifiers, shared memory and memory modules (libvirt 1.3.1)."""

from __future__ import annotations

from dataclasses import dataclass, field

from .address import DeviceInfo
from .virtio_options import VirtioOptions

HUB_TYPES = ("usb",)
WATCHDOG_MODELS = ("i6300esb", "ib700", "diag288")
WATCHDOG_ACTIONS = ("reset", "shutdown", "poweroff", "pause", "dump", "none", "inject-nmi")
MEMBALLOON_MODELS = ("virtio", "xen", "none")
MEMBALLOON_MODELS_MODERN = (*MEMBALLOON_MODELS, "virtio-transitional", "virtio-non-transitional")
# virDomainPanicModel of 1.3.1 ("default" is the unset model)
PANIC_MODELS = ("default", "isa", "pseries", "hyperv")
PANIC_MODELS_MODERN = (*PANIC_MODELS, "s390", "pvpanic")
MEMORY_MODELS = ("dimm",)
# virDomainMemoryModel of libvirt 9.0
MEMORY_MODELS_MODERN = ("dimm", "nvdimm", "virtio-pmem", "virtio-mem", "sgx-epc")
VSOCK_MODELS = ("virtio", "virtio-transitional", "virtio-non-transitional")


@dataclass(slots=True)
class Vsock:
    """<vsock> (libvirt 9.0): a virtio socket with the guest's context id."""

    model: str | None = None
    auto_cid: str | None = None  # yes / no
    guest_cid: int = 0
    info: DeviceInfo = field(default_factory=DeviceInfo)
    virtio: VirtioOptions | None = None


@dataclass(slots=True)
class Hub:
    type: str = "usb"
    info: DeviceInfo = field(default_factory=DeviceInfo)


@dataclass(slots=True)
class Lease:
    key: str = ""
    path: str = ""
    lockspace: str | None = None
    offset: int = 0
    info: DeviceInfo = field(default_factory=DeviceInfo)


@dataclass(slots=True)
class Memballoon:
    model: str = "virtio"
    autodeflate: bool | None = None
    period: int = 0  # statistics period in seconds, 0: unset
    info: DeviceInfo = field(default_factory=DeviceInfo)
    free_page_reporting: bool | None = None  # libvirt 9.0
    virtio: VirtioOptions | None = None


@dataclass(slots=True)
class MemoryDevice:
    """A memory module (<memory model='dimm'>); sizes in KiB."""

    model: str = "dimm"
    size: int = 0
    target_node: int = -1  # -1: not given
    pagesize: int = 0
    source_nodes: frozenset[int] | None = None
    info: DeviceInfo = field(default_factory=DeviceInfo)
    # libvirt 9.0 (virDomainMemoryDef): the other models' source and target.
    access: str | None = None  # shared / private
    discard: bool | None = None
    uuid: str | None = None  # nvdimm
    path: str | None = None  # nvdimm, virtio-pmem: the backing file
    alignsize: int = 0
    pmem: bool = False
    labelsize: int = 0
    readonly: bool = False
    blocksize: int = 0  # virtio-mem
    requestedsize: int = 0
    currentsize: int = 0


@dataclass(slots=True)
class NVRAM:
    info: DeviceInfo = field(default_factory=DeviceInfo)


@dataclass(slots=True)
class Panic:
    model: str = "default"
    info: DeviceInfo = field(default_factory=DeviceInfo)


@dataclass(slots=True)
class Shmem:
    name: str = ""
    size: int = 0  # bytes, 0: QEMU's default
    server: bool = False
    server_path: str | None = None
    msi: bool = False
    msi_vectors: int = 0
    msi_ioeventfd: bool | None = None
    info: DeviceInfo = field(default_factory=DeviceInfo)
    # libvirt 9.0: the QEMU device and the role in a migration
    model: str = "ivshmem"  # ivshmem / ivshmem-plain / ivshmem-doorbell
    role: str | None = None  # master / peer


@dataclass(slots=True)
class Watchdog:
    model: str = "i6300esb"
    action: str = "reset"
    info: DeviceInfo = field(default_factory=DeviceInfo)

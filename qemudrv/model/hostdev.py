"""Model of host devices (<hostdev>, libvirt 1.3.1's virDomainHostdevDef).

One flat record, as libvirt's union: which fields matter depends on
``mode`` and ``type``. A host device behind an ``<interface type='hostdev'>``
has that interface as ``parent`` and shares its :class:`DeviceInfo`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .address import DeviceInfo
from .disk import DiskAuth, NetHost

if TYPE_CHECKING:  # net imports this module
    from .net import Interface

MODES = ("subsystem", "capabilities")
SUBSYS_TYPES = ("usb", "pci", "scsi")
# libvirt 9.0 adds vhost-scsi targets and mediated devices.
SUBSYS_TYPES_MODERN = (*SUBSYS_TYPES, "scsi_host", "mdev")
USB_GUEST_RESETS = ("default", "off", "uninitialized", "on")
SCSI_HOST_MODELS = ("default", "virtio", "virtio-transitional", "virtio-non-transitional")
MDEV_MODELS = ("vfio-pci", "vfio-ccw", "vfio-ap")
CAPS_TYPES = ("storage", "misc", "net")
PCI_BACKENDS = ("default", "kvm", "vfio", "xen")
STARTUP_POLICIES = ("default", "mandatory", "requisite", "optional")
SGIO_MODES = ("default", "filtered", "unfiltered")
SCSI_PROTOCOLS = ("adapter", "iscsi")


@dataclass(slots=True)
class Hostdev:
    mode: str = "subsystem"
    type: str = "pci"
    managed: bool = False
    # usb: vendor/product and/or bus/device
    vendor: int | None = None
    product: int | None = None
    device: int | None = None
    startup_policy: str | None = None
    guest_reset: str | None = None  # usb-host's guest-reset policy
    auto_address: bool = False
    missing: bool = False
    # pci: domain/bus/slot/function of the host device; bus is also USB's
    domain: int = 0
    bus: int = 0
    slot: int = 0
    function: int = 0
    backend: str = "default"
    orig_unbind: bool = False
    orig_removeslot: bool = False
    orig_reprobe: bool = False
    # scsi: a host adapter address or an iSCSI target
    protocol: str = "adapter"
    adapter: str | None = None
    target: int = 0
    unit: int = 0
    iscsi_path: str | None = None
    iscsi_hosts: list[NetHost] = field(default_factory=list)
    iscsi_auth: DiskAuth | None = None
    iscsi_initiator: str | None = None  # <initiator><iqn name>
    sgio: str | None = None
    rawio: bool | None = None
    readonly: bool = False
    shareable: bool = False
    # scsi_host: a vhost-scsi target
    wwpn: str | None = None
    scsi_host_model: str | None = None
    # mdev: a mediated device by its UUID
    mdev_model: str | None = None
    mdev_uuid: str | None = None
    display: bool | None = None
    ramfb: bool | None = None
    # capabilities mode: block device, character device or interface name
    caps_source: str | None = None
    # <teaming type='transient' persistent=...> of a hostdev failing over
    teaming_type: str | None = None
    teaming_persistent: str | None = None
    parent: Interface | None = None  # set for the hostdev of a type='hostdev' interface
    info: DeviceInfo = field(default_factory=DeviceInfo)

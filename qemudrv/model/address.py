"""Device addresses and the information every device carries."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(slots=True)
class PCIAddress:
    domain: int = 0
    bus: int = 0
    slot: int = 0
    function: int = 0
    multifunction: bool | None = None  # None: not given (libvirt's tristate default)
    # libvirt 9.0 s390 zPCI extension: <zpci uid fid/>
    zpci_uid: int | None = None
    zpci_fid: int | None = None

    type = "pci"


@dataclass(slots=True)
class DriveAddress:
    controller: int = 0
    bus: int = 0
    target: int = 0
    unit: int = 0

    type = "drive"


@dataclass(slots=True)
class VirtioSerialAddress:
    controller: int = 0
    bus: int = 0
    port: int = 0

    type = "virtio-serial"


@dataclass(slots=True)
class CCIDAddress:
    controller: int = 0
    slot: int = 0

    type = "ccid"


@dataclass(slots=True)
class USBAddress:
    bus: int = 0
    port: str | None = None  # dotted hub path, e.g. "1.2"

    type = "usb"


@dataclass(slots=True)
class SpaprVioAddress:
    reg: int | None = None

    type = "spapr-vio"


@dataclass(slots=True)
class CCWAddress:
    cssid: int = 0xFE
    ssid: int = 0
    devno: int = 0

    type = "ccw"


@dataclass(slots=True)
class VirtioS390Address:
    type = "virtio-s390"


@dataclass(slots=True)
class VirtioMMIOAddress:
    type = "virtio-mmio"


@dataclass(slots=True)
class UnassignedAddress:
    """libvirt 9.0: a host device kept out of the guest's PCI topology."""

    type = "unassigned"


@dataclass(slots=True)
class ISAAddress:
    iobase: int | None = None
    irq: int | None = None

    type = "isa"


@dataclass(slots=True)
class DIMMAddress:
    slot: int = 0
    base: int = 0

    type = "dimm"


Address = (
    PCIAddress
    | DriveAddress
    | VirtioSerialAddress
    | CCIDAddress
    | USBAddress
    | SpaprVioAddress
    | CCWAddress
    | VirtioS390Address
    | VirtioMMIOAddress
    | UnassignedAddress
    | ISAAddress
    | DIMMAddress
)


@dataclass(slots=True)
class DeviceInfo:
    """What libvirt's virDomainDeviceInfo holds for every device.

    ``alias`` is live-only (formatted in active state); ``boot_order`` and
    ``rom_*`` are read only for devices that allow them.
    """

    alias: str | None = None
    address: Address | None = None
    boot_order: int | None = None
    loadparm: str | None = None  # libvirt 9.0: the s390 boot loader's parameter
    rom_bar: bool | None = None
    rom_file: str | None = None
    rom_enabled: bool | None = None  # libvirt 9.0's <rom enabled>
    acpi_index: int | None = None  # libvirt 9.0's <acpi index>
    usb_master_startport: int | None = None
    extra: dict[str, str] = field(default_factory=dict)

    def pci(self) -> PCIAddress | None:
        return self.address if isinstance(self.address, PCIAddress) else None

    def is_type(self, type_: str) -> bool:
        return self.address is not None and self.address.type == type_

"""Model of <controller> devices (libvirt's virDomainControllerDef)."""

from __future__ import annotations

from dataclasses import dataclass, field

from .address import DeviceInfo
from .virtio_options import VirtioOptions

# virDomainControllerType, in libvirt's order.
CONTROLLER_TYPES = ("ide", "fdc", "scsi", "sata", "virtio-serial", "ccid", "usb", "pci")

SCSI_MODELS = (
    "auto", "buslogic", "lsilogic", "lsisas1068", "vmpvscsi", "ibmvscsi",
    "virtio-scsi", "lsisas1078",
)
USB_MODELS = (
    "piix3-uhci", "piix4-uhci", "ehci", "ich9-ehci1", "ich9-uhci1", "ich9-uhci2",
    "ich9-uhci3", "vt82c686b-uhci", "pci-ohci", "nec-xhci", "qusb1", "qusb2", "none",
)
# libvirt 9.0's additions.
USB_MODELS_MODERN = (*USB_MODELS, "qemu-xhci")
PCI_MODELS = (
    "pci-root", "pcie-root", "pci-bridge", "dmi-to-pci-bridge", "pcie-root-port",
    "pcie-switch-upstream-port", "pcie-switch-downstream-port",
)
# <model name=...> of PCI controllers: the QEMU device implementing them.
PCI_MODEL_NAMES = (
    "pci-bridge", "i82801b11-bridge", "ioh3420", "x3130-upstream", "xio3130-downstream",
)
# The default <model name> of each PCI controller model that has one.
PCI_DEFAULT_MODEL_NAME = {
    "pci-bridge": "pci-bridge",
    "dmi-to-pci-bridge": "i82801b11-bridge",
    "pcie-root-port": "ioh3420",
    "pcie-switch-upstream-port": "x3130-upstream",
    "pcie-switch-downstream-port": "xio3130-downstream",
}

USB_COMPANIONS = ("ich9-uhci1", "ich9-uhci2", "ich9-uhci3")


SCSI_MODELS_MODERN = (
    *SCSI_MODELS, "virtio-transitional", "virtio-non-transitional", "ncr53c90", "am53c974",
    "dc390",
)
PCI_MODELS_MODERN = (*PCI_MODELS, "pci-expander-bus", "pcie-expander-bus", "pcie-to-pci-bridge")
PCI_MODEL_NAMES_MODERN = (
    *PCI_MODEL_NAMES, "pxb", "pxb-pcie", "pcie-root-port", "spapr-pci-host-bridge",
    "pcie-pci-bridge",
)


# libvirt 9.0's virDomainControllerModelIDE and ...VirtioSerial
IDE_MODELS_MODERN = ("piix3", "piix4", "ich6")
VIRTIO_SERIAL_MODELS_MODERN = ("virtio", "virtio-transitional", "virtio-non-transitional")


_MODELS = {"scsi": SCSI_MODELS, "usb": USB_MODELS, "pci": PCI_MODELS}
_MODELS_MODERN = {"scsi": SCSI_MODELS_MODERN, "usb": USB_MODELS_MODERN,
                  "pci": PCI_MODELS_MODERN, "ide": IDE_MODELS_MODERN,
                  "virtio-serial": VIRTIO_SERIAL_MODELS_MODERN}


def models_for(type_: str, modern: bool = False) -> tuple[str, ...] | None:
    """The model names a controller type accepts (None: no model attribute)."""
    return (_MODELS_MODERN if modern else _MODELS).get(type_)


@dataclass(slots=True)
class Controller:
    info: DeviceInfo = field(default_factory=DeviceInfo)
    type: str = "ide"
    index: int = 0
    model: str | None = None
    # virtio-serial
    ports: int | None = None
    vectors: int | None = None
    # <driver>
    queues: int | None = None
    cmd_per_lun: int | None = None
    max_sectors: int | None = None
    ioeventfd: bool | None = None
    iothread: int | None = None
    virtio: VirtioOptions | None = None  # libvirt 9.0
    # pci: <model name=>, <target chassisNr chassis port>, <pcihole64>
    model_name: str | None = None
    chassis_nr: int | None = None
    chassis: int | None = None
    port: int | None = None
    pcihole64: int | None = None  # KiB
    pcihole64_set: bool = False
    # libvirt 9.0 <target busNr index hotplug> and <node>
    bus_nr: int | None = None
    target_index: int | None = None
    hotplug: str | None = None
    numa_node: int | None = None

"""Unit tests of disk names, controller ordering and PCI address assignment."""

from __future__ import annotations

from qemudrv.defaults.controllers import insert_controller
from qemudrv.defaults.pci_address_set import PCI_DEVICE, PCIAddressSet
from qemudrv.model.address import DeviceInfo, PCIAddress
from qemudrv.model.controller import Controller
from qemudrv.parse.disk_names import disk_name_to_index


def test_disk_name_to_index() -> None:
    assert disk_name_to_index("hda") == 0
    assert disk_name_to_index("vdz") == 25
    assert disk_name_to_index("sdaa") == 26
    assert disk_name_to_index("hda1") == 0
    assert disk_name_to_index("xyz") == -1
    assert disk_name_to_index("sda!") == -1


def test_usb_master_goes_before_companions() -> None:
    ordered: list[Controller] = []
    uhci1 = Controller(type="usb", index=0, model="ich9-uhci1",
                       info=DeviceInfo(usb_master_startport=0))
    ehci = Controller(type="usb", index=0, model="ich9-ehci1")
    insert_controller(ordered, uhci1)
    insert_controller(ordered, ehci)
    assert ordered == [ehci, uhci1]


def test_controllers_sorted_by_index_within_type() -> None:
    ordered: list[Controller] = []
    for idx in (2, 0, 1):
        insert_controller(ordered, Controller(type="pci", index=idx))
    assert [c.index for c in ordered] == [0, 1, 2]


def test_next_slot_skips_used_and_respects_bus_type() -> None:
    addrs = PCIAddressSet(2, dry_run=False)
    addrs.buses[0].set_model("pcie-root")
    addrs.buses[1].set_model("pci-bridge")
    info = DeviceInfo()
    addrs.reserve_next_slot(info, PCI_DEVICE)
    # a hot-pluggable PCI device cannot go on pcie-root: it lands on the bridge
    assert info.address == PCIAddress(0, 1, 1, 0)
    info2 = DeviceInfo()
    addrs.reserve_next_slot(info2, PCI_DEVICE)
    assert info2.address == PCIAddress(0, 1, 2, 0)


def test_double_use_is_rejected() -> None:
    import pytest

    from qemudrv.errors import ConfigError

    addrs = PCIAddressSet(1, dry_run=False)
    addrs.reserve_addr(PCIAddress(0, 0, 3, 0), PCI_DEVICE, True, True)
    with pytest.raises(ConfigError):
        addrs.reserve_addr(PCIAddress(0, 0, 3, 0), PCI_DEVICE, True, True)


def test_dry_run_grows_buses() -> None:
    addrs = PCIAddressSet(1, dry_run=True)
    for slot in range(1, 32):
        addrs.reserve_slot(PCIAddress(0, 0, slot, 0), PCI_DEVICE)
    addrs.reserve_next_slot(None, PCI_DEVICE)
    assert len(addrs.buses) == 2 and addrs.buses[1].model == "pci-bridge"

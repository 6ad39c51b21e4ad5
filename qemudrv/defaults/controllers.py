"""Default and implicit controllers (libvirt 1.3.1).

``add_default_devices`` is the controller part of qemuDomainDefAddDefaultDevices
(USB, SATA, PCI roots per machine type); it first puts the parsed
controllers in the order virDomainControllerInsertPreAlloced gives them
(by type, then index, a USB master before its companions).
``add_implicit_controllers`` is virDomainDefAddImplicitControllers: the
controllers that disks, virtio-serial chardevs, smartcards and SCSI host
devices refer to. ``assign_aliases`` names controllers the way
qemuAssignDeviceControllerAlias does.
"""

from __future__ import annotations

from typing import Any

from ..errors import ConfigError, XMLError
from ..limits import CONTROLLERS_MAX, check_controller_index
from ..model.address import CCIDAddress, DriveAddress, PCIAddress, VirtioSerialAddress
from ..model.controller import USB_COMPANIONS, Controller
from ..model.domain import Domain
from ..model.hostdev import Hostdev

# QEMU_USB_XHCI_MAXPORTS
XHCI_MAX_PORTS = 15
_USB_DISABLED = "Can't add another USB controller: USB is disabled for this domain"

# -- machine types -------------------------------------------------------------


def machine_is_q35(dom: Domain) -> bool:
    m = dom.os.machine or ""
    return m == "q35" or m.startswith("pc-q35")


def machine_is_i440fx(dom: Domain) -> bool:
    m = dom.os.machine or ""
    return m == "pc" or m.startswith(("pc-0.", "pc-1.", "pc-i440", "rhel"))


def machine_has_builtin_ide(dom: Domain) -> bool:
    return machine_is_i440fx(dom) or (dom.os.machine or "") in ("malta", "sun4u", "g3beige")


def machine_is_virt(dom: Domain) -> bool:
    m = dom.os.machine or ""
    return dom.os.arch in ("armv7l", "aarch64") and (m == "virt" or m.startswith("virt-"))


def has_builtin_esp(dom: Domain) -> bool:
    """qemuDomainHasBuiltinESP: boards whose first SCSI controller is an
    ncr53c90 of their own."""
    arch = dom.os.arch or ""
    machine = dom.os.machine or ""
    return (arch == "sparc"
            or (arch in ("mips64", "mips64el") and machine in ("magnum", "pica61"))
            or (arch == "m68k" and machine == "q800"))


def is_ppc64(dom: Domain) -> bool:
    return dom.os.arch in ("ppc64", "ppc64le")


def is_s390(dom: Domain) -> bool:
    return dom.os.arch in ("s390", "s390x")


def is_pseries(dom: Domain) -> bool:
    return is_ppc64(dom) and (dom.os.machine or "").startswith("pseries")


def is_pseries_phb(cont: Controller) -> bool:
    """virDomainControllerIsPSeriesPHB: a pci-root implemented by a
    spapr-pci-host-bridge."""
    return (cont.type == "pci" and cont.model == "pci-root"
            and cont.model_name == "spapr-pci-host-bridge")


# -- lookup and insertion ------------------------------------------------------


def find_controller(dom: Domain, type_: str, index: int) -> Controller | None:
    for cont in dom.devices.controllers:
        if cont.type == type_ and cont.index == index:
            return cont
    return None


def insert_controller(controllers: list[Controller], cont: Controller) -> None:
    """virDomainControllerInsertPreAlloced: after the controllers of the
    same type with a lower index; a USB master goes before its companions."""
    insert_at = -1
    for pos in range(len(controllers) - 1, -1, -1):
        cur = controllers[pos]
        if cur.type != cont.type:
            continue
        if cont.index == -1:
            # No index yet: after the last controller of its type.
            insert_at = pos + 1
            break
        if cur.index > cont.index or (
            cont.info.usb_master_startport is None
            and cur.info.usb_master_startport is not None
            and cur.index == cont.index
        ):
            insert_at = pos
        elif insert_at == -1:
            insert_at = pos + 1
    if insert_at == -1:
        controllers.append(cont)
    else:
        controllers.insert(insert_at, cont)


def add_controller(dom: Domain, type_: str, index: int, model: str | None = None) -> Controller:
    """virDomainDefAddController: appended at the end."""
    cont = Controller(type=type_, index=index, model=model)
    dom.devices.controllers.append(cont)
    return cont


def maybe_add_controller(dom: Domain, type_: str, index: int, model: str | None = None) -> None:
    if find_controller(dom, type_, index) is None:
        add_controller(dom, type_, index, model)


def _order_parsed(dom: Domain) -> None:
    """The parsed controllers in insertion order. Inserting puts a
    controller next to one of its type, or at the end for the first of a
    type, so each type forms one block, in order of first appearance: the
    blocks are built apart, each insertion scanning its own type only."""
    by_type: dict[str, list[Controller]] = {}
    usb_none = usb_other = False
    for cont in dom.devices.controllers:
        if cont.type == "usb":
            if cont.model == "none":
                if usb_other:
                    raise XMLError(_USB_DISABLED, code="")
                usb_none = True
            else:
                if usb_none:
                    raise XMLError(_USB_DISABLED, code="")
                usb_other = True
        same = by_type.setdefault(cont.type, [])
        if len(same) >= CONTROLLERS_MAX:
            raise XMLError(f"more than {CONTROLLERS_MAX} '{cont.type}' controllers")
        insert_controller(same, cont)
    dom.devices.controllers = [cont for same in by_type.values() for cont in same]
    if dom.modern:
        _check_usb_masters_and_inputs(dom, usb_none, usb_other)


def _check_usb_masters_and_inputs(dom: Domain, usb_none: bool, usb_other: bool) -> None:
    """The end of libvirt 9.0's controller and input parsing: USB companions
    need a master, and USB inputs a USB bus."""
    if usb_other and all(c.info.usb_master_startport is not None
                         for c in dom.devices.controllers if c.type == "usb"):
        raise XMLError("No master USB controller specified", code="")
    if usb_none and any(i.bus == "usb" for i in dom.devices.inputs):
        raise ConfigError("Can't add USB input device. USB bus is disabled")


# -- virDomainAssignControllerIndexes (libvirt 9.0) -------------------------------


def _is_usb2(cont: Controller) -> bool:
    return cont.type == "usb" and cont.model in ("ich9-ehci1", *USB_COMPANIONS)


def assign_controller_indexes(dom: Domain, caps: Any = None) -> None:
    """A controller without an index takes the lowest unused one of its
    type; a USB2 companion right after a USB2 controller joins its group
    unless that group already has one of its model."""
    if not dom.modern:
        return
    _order_parsed(dom)
    conts = dom.devices.controllers
    for outer, cont in enumerate(conts):
        if cont.index != -1:
            continue
        prev: Controller | None = None
        if outer > 0 and _is_usb2(cont):
            usb_before = [c for c in conts[:outer] if c.type == "usb"]
            prev = usb_before[-1] if usb_before else None
            if prev is not None and not _is_usb2(prev):
                prev = None
            if prev is not None and any(
                c.type == "usb" and c.index == prev.index and c.model == cont.model
                for c in conts
            ):
                prev = None
        if prev is not None:
            cont.index = prev.index
        else:
            used = {c.index for c in conts if c.type == cont.type}
            cont.index = next(i for i in range(len(conts) + 1) if i not in used)


# -- qemuDomainDefAddDefaultDevices --------------------------------------------

# libvirt 9.0: the USB controller a q35 guest gets, by preference.
_Q35_USB = (
    ("qemu-xhci", "qemu-xhci"), ("nec-usb-xhci", "nec-xhci"), ("ich9-usb-ehci1", "ich9-ehci1"),
)


def add_default_devices(dom: Domain, caps: Any = None) -> None:
    if not dom.modern:  # libvirt 9.0 orders them before assigning indexes
        _order_parsed(dom)
    if (dom.os.type or "hvm") != "hvm":
        return
    add_usb = True
    usb_model: str | None = None
    add_sata = False
    add_pci_root = False
    add_pcie_root = False
    arch = dom.os.arch
    if arch in ("i686", "x86_64"):
        if dom.os.machine == "isapc":
            add_usb = False
        elif machine_is_q35(dom):
            add_usb = False
            if dom.modern and caps is not None:
                # libvirt 9.0 prefers USB3, then USB2, else none.
                usb_model = next((model for flag, model in _Q35_USB if caps.has(flag)), None)
                add_usb = usb_model is not None
            add_pcie_root = True
            add_sata = True
        elif machine_is_i440fx(dom):
            add_pci_root = True
    elif arch in ("armv7l", "aarch64"):
        add_usb = False
        if machine_is_virt(dom) and caps is not None and caps.has("gpex-pcihost"):
            add_pcie_root = True
    elif arch in ("ppc64", "ppc64le", "alpha", "ppc", "ppcemb", "sh4", "sh4eb"):
        add_pci_root = True
    elif arch in ("riscv32", "riscv64") and dom.modern:
        add_usb = False
        machine = dom.os.machine or ""
        virt = machine == "virt" or machine.startswith("virt-")
        add_pcie_root = virt and caps is not None and caps.has("gpex-pcihost")
    elif dom.modern and arch == "armv6l":
        add_usb = False
        add_pci_root = dom.os.machine == "versatilepb"
    elif dom.modern and arch == "sparc":
        add_usb = False
    elif dom.modern and (arch == "sparc64" or (
            arch in ("mips", "mipsel", "mips64", "mips64el") and dom.os.machine == "malta")):
        add_pci_root = True
    elif arch in ("s390", "s390x"):
        add_usb = False
        # libvirt 9.0: zPCI gives s390 a PCI root.
        add_pci_root = dom.modern and caps is not None and caps.has("zpci")
    elif dom.modern:
        add_usb, add_pci_root = _other_board_defaults(dom)

    if add_usb and find_controller(dom, "usb", 0) is None:
        add_controller(dom, "usb", 0, usb_model)
        if dom.modern and usb_model == "ich9-ehci1":
            # virDomainDefAddUSBController: an ICH9 EHCI comes with its companions.
            for model, startport in zip(USB_COMPANIONS, (0, 2, 4), strict=True):
                add_controller(dom, "usb", 0, model).info.usb_master_startport = startport
    if add_sata:
        maybe_add_controller(dom, "sata", 0)
    root = find_controller(dom, "pci", 0)
    if add_pci_root:
        if root is not None:
            if root.model != "pci-root":
                raise ConfigError(
                    "The PCI controller with index='0' must be model='pci-root' for this "
                    f"machine type, but model='{root.model}' was found instead",
                    code="XML error")
        else:
            add_controller(dom, "pci", 0, "pci-root")
    if add_pcie_root:
        if root is not None:
            if root.model != "pcie-root":
                raise ConfigError(
                    "The PCI controller with index='0' must be model='pcie-root' for this "
                    f"machine type, but model='{root.model}' was found instead",
                    code="XML error")
        else:
            add_controller(dom, "pci", 0, "pcie-root")
        # standard PCI devices need a pci-bridge behind a dmi-to-pci-bridge
        # (libvirt 9.0 plugs them into pcie-root-ports instead)
        if not dom.modern:
            maybe_add_controller(dom, "pci", 1, "dmi-to-pci-bridge")
            maybe_add_controller(dom, "pci", 2, "pci-bridge")


def _other_board_defaults(dom: Domain) -> tuple[bool, bool]:
    """qemuDomainDefAddDefaultDevices of libvirt 9.0 for the remaining
    boards: (add a USB controller, add a pci-root)."""
    arch = dom.os.arch or ""
    machine = dom.os.machine or ""
    if arch == "armv6l":
        return False, machine == "versatilepb"
    if arch == "sparc":
        return False, False
    if arch == "sparc64":
        return True, True
    if arch in ("mips", "mipsel", "mips64", "mips64el"):
        return True, machine == "malta"
    return True, False


def reject_duplicates(dom: Domain) -> None:
    """virDomainDefRejectDuplicateControllers (USB may repeat an index)."""
    seen: set[tuple[str, int]] = set()
    for cont in dom.devices.controllers:
        if cont.type == "usb":
            continue
        key = (cont.type, cont.index)
        if key in seen:
            raise XMLError(f"Multiple '{cont.type}' controllers with index '{cont.index}'")
        seen.add(key)


def controller_post_parse(dom: Domain, caps: Any = None) -> None:
    """Per-controller checks of the device post-parse."""
    reject_duplicates(dom)
    for cont in dom.devices.controllers:
        if dom.modern and cont.type == "usb" and cont.model is None and caps is not None:
            _default_usb_model(dom, cont, caps)
        if dom.modern and cont.type == "scsi" and caps is not None:
            set_default_scsi_model(dom, cont, caps)
        if (dom.modern and cont.type == "usb" and cont.model in ("qemu-xhci", "nec-xhci")
                and (cont.ports or 0) > XHCI_MAX_PORTS):
            raise ConfigError(f"'{cont.model}' controller only supports up to "
                              f"'{XHCI_MAX_PORTS}' ports")
        if dom.modern and cont.type == "pci":
            check_pci_controller(dom, cont)
        if cont.iothread and cont.model != "virtio-scsi":
            raise XMLError("'iothread' attribute only supported for virtio scsi controllers")
        if (
            cont.type == "pci" and cont.pcihole64_set
            and cont.model not in ("pci-root", "pcie-root")
        ):
            raise XMLError(
                "Setting the 64-bit PCI hole size is not supported for non-root PCI controllers"
            )


def check_pci_controller(dom: Domain, cont: Controller) -> None:
    """The PCI part of qemuDomainControllerDefPostParse (libvirt 9.0)."""
    if cont.model in ("pci-root", "pcie-root") and cont.index != 0 and not is_pseries(dom):
        # Only pSeries has more than one root (PHB).
        raise XMLError("pci-root and pcie-root controllers should have index 0")
    if cont.model == "pci-expander-bus" and not machine_is_i440fx(dom):
        raise ConfigError("pci-expander-bus controllers are only supported on 440fx-based "
                          "machinetypes")
    if cont.model == "pcie-expander-bus" and not (machine_is_q35(dom) or machine_is_virt(dom)):
        raise ConfigError("pcie-expander-bus controllers are not supported with this "
                          "machine type")
    cells = len(dom.cpu.cells) if dom.cpu else 0
    if cont.numa_node is not None and cont.numa_node >= cells:
        raise XMLError(f"{cont.model} with index {cont.index} is configured for a NUMA node "
                       f"({cont.numa_node}) not present in the domain's <cpu><numa> array "
                       f"({cells})")


def set_default_scsi_model(dom: Domain, cont: Controller, caps: Any) -> None:
    """qemuDomainGetSCSIControllerModel (libvirt 9.0): by machine, then by
    what QEMU offers."""
    if cont.model not in (None, "auto"):
        return
    if is_ppc64(dom) and (dom.os.machine or "").startswith("pseries"):
        cont.model = "ibmvscsi"
    elif is_s390(dom):
        cont.model = "virtio-scsi"
    elif caps.has("lsi"):
        cont.model = "lsilogic"
    elif caps.has("virtio-scsi-pci"):
        cont.model = "virtio-scsi"
    else:
        raise ConfigError(f"Unable to determine model for SCSI controller idx={cont.index}")


def _default_usb_model(dom: Domain, cont: Controller, caps: Any) -> None:
    """qemuDomainControllerDefPostParse (libvirt 9.0): PIIX3 UHCI where
    QEMU has it; s390 has no USB unless addressed; aarch64 prefers xHCI."""
    if caps.has("piix3-usb-uhci"):
        cont.model = "piix3-uhci"
    if is_s390(dom):
        if cont.info.address is None:
            cont.model = "none"
    elif is_ppc64(dom):
        # A new definition (an update of the ABI) gets USB3, an existing
        # one keeps the OHCI it had.
        abi_update = "abi-update" in (caps.conf("parse_flags", ()) or ())
        if abi_update and caps.has("qemu-xhci"):
            cont.model = "qemu-xhci"
        elif abi_update and caps.has("nec-usb-xhci"):
            cont.model = "nec-xhci"
        else:
            cont.model = "pci-ohci" if caps.has("pci-ohci") else None
    elif dom.os.arch == "aarch64":
        if caps.has("qemu-xhci"):
            cont.model = "qemu-xhci"
        elif caps.has("nec-usb-xhci"):
            cont.model = "nec-xhci"


# -- virDomainDefAddImplicitControllers ------------------------------------------


def add_controllers_up_to(dom: Domain, type_: str, highest: int, why: str,
                          model: str | None = None) -> None:
    """Every ``type_`` controller from 0 to ``highest`` that is missing
    (virDomainDefMaybeAddController in a loop, without its quadratic
    lookups)."""
    if highest < 0:
        return
    check_controller_index(type_, highest, why)
    present = {c.index for c in dom.devices.controllers if c.type == type_}
    for idx in range(highest + 1):
        if idx not in present:
            add_controller(dom, type_, idx, model)


# The disk buses whose controllers a drive address implies, in libvirt's order.
_DISK_CONTROLLER_BUSES = ("scsi", "fdc", "ide", "sata")


def _disk_controllers(dom: Domain) -> None:
    """The controllers of each bus up to the highest a disk names (one
    pass over the disks for the four buses)."""
    highest: dict[str, tuple[int, str]] = {}
    for disk in dom.devices.disks:
        addr = disk.info.address
        bus = disk.bus
        if (bus in _DISK_CONTROLLER_BUSES and isinstance(addr, DriveAddress)
                and addr.controller > highest.get(bus, (-1, ""))[0]):
            highest[bus] = (addr.controller, f"disk '{disk.dst}'")
    for bus in _DISK_CONTROLLER_BUSES:
        if bus in highest:
            add_controllers_up_to(dom, bus, *highest[bus])


def _virtio_serial_controllers(dom: Domain) -> None:
    chardevs = [
        *(c for c in dom.devices.channels if c.target_type == "virtio"),
        *(c for c in dom.devices.consoles if c.target_type == "virtio"),
    ]
    for dev in chardevs:
        addr = dev.info.address
        idx = addr.controller if isinstance(addr, VirtioSerialAddress) else 0
        maybe_add_controller(dom, "virtio-serial", idx)


def _smartcard_controllers(dom: Domain) -> None:
    cards = dom.devices.smartcards
    for card in cards:
        addr = card.info.address
        if isinstance(addr, CCIDAddress):
            idx = addr.controller
        elif addr is None:
            highest = max(
                (
                    c.info.address.slot
                    for c in cards
                    if isinstance(c.info.address, CCIDAddress) and c.info.address.controller == 0
                ),
                default=-1,
            )
            card.info.address = CCIDAddress(controller=0, slot=highest + 1)
            idx = 0
        else:
            idx = 0
        maybe_add_controller(dom, "ccid", idx)


def _is_scsi_hostdev(dev: Hostdev) -> bool:
    return dev.mode == "subsystem" and dev.type == "scsi"


def _hostdev_scsi_controllers(dom: Domain) -> None:
    """virDomainDefMaybeAddHostdevSCSIcontroller: libvirt 9.0 gives the
    controllers it adds the model of the one the last host device is on."""
    highest = -1
    model: str | None = None
    for dev in dom.devices.hostdevs:
        addr = dev.info.address
        if _is_scsi_hostdev(dev) and isinstance(addr, DriveAddress) and addr.controller > highest:
            highest = addr.controller
            cont = find_controller(dom, "scsi", addr.controller)
            if cont is not None and cont.model is not None:
                model = cont.model
    add_controllers_up_to(dom, "scsi", highest, "a SCSI host device",
                          model if dom.modern else None)


def add_implicit_controllers(dom: Domain, caps: Any = None) -> None:
    _disk_controllers(dom)
    _virtio_serial_controllers(dom)
    _smartcard_controllers(dom)
    _hostdev_scsi_controllers(dom)
    if dom.modern and caps is not None:
        # virDomainDefPostParseCommon: implicit SCSI controllers came after
        # the device post-parse, so they get their model now.
        for cont in dom.devices.controllers:
            if cont.type == "scsi":
                set_default_scsi_model(dom, cont, caps)


# -- qemuAssignDeviceControllerAlias ---------------------------------------------


def has_pci_multibus(dom: Domain, caps: Any) -> bool:
    """virQEMUCapsHasPCIMultiBus (the emulator version is unknown: 0)."""
    if dom.modern:
        return _modern_pci_multibus(dom)
    if caps.has("pci-multibus"):
        return True
    if dom.os.arch in ("ppc", "ppc64", "ppc64le"):
        return False
    if is_s390(dom):
        return True
    return bool(caps.has("gpex-pcihost"))


def _modern_pci_multibus(dom: Domain) -> bool:
    """libvirt 9.0 asks no QEMU: x86, PPC, s390 and the ARM and RISC-V virt
    boards name their buses pci.N."""
    arch = dom.os.arch or ""
    if arch in ("i686", "x86_64", "ppc", "ppc64", "ppc64le") or is_s390(dom):
        return True
    machine = dom.os.machine or ""
    virt = machine == "virt" or machine.startswith("virt-")
    return virt and arch in ("armv6l", "armv7l", "aarch64", "riscv32", "riscv64")


def controller_alias(dom: Domain, cont: Controller, caps: Any) -> str:
    if cont.type == "pci":
        if not has_pci_multibus(dom, caps):
            return "pci"
        if cont.model == "pcie-root":
            return f"pcie.{cont.index}"
        return f"pci.{cont.index}"
    if cont.type == "ide":
        if machine_has_builtin_ide(dom) and cont.index == 0:
            return "ide"
    elif cont.type == "sata":
        if machine_is_q35(dom) and cont.index == 0:
            return "ide"
    elif cont.type == "usb" and cont.index == 0:
        return "usb"
    elif cont.type == "scsi" and cont.index == 0 and cont.model == "ncr53c90" and dom.modern:
        return "scsi"  # a board's own ESP (libvirt 9.0)
    return f"{cont.type}{cont.index}"


def assign_aliases(dom: Domain, caps: Any) -> None:
    for cont in dom.devices.controllers:
        if dom.modern and cont.info.alias:
            continue  # libvirt 9.0 keeps a user's alias
        cont.info.alias = controller_alias(dom, cont, caps)


def set_port_defaults(cont: Controller) -> None:
    """qemuDomainAssignPCIAddresses's defaults of a bridge's chassis and a
    port's chassis and port number (from its own index and slot)."""
    a = cont.info.address
    slot = a.slot if isinstance(a, PCIAddress) else 0
    function = a.function if isinstance(a, PCIAddress) else 0
    if cont.model == "pci-bridge" and cont.chassis_nr is None:
        cont.chassis_nr = cont.index
    elif cont.model == "pcie-root-port":
        if cont.chassis is None:
            cont.chassis = cont.index
        if cont.port is None:
            cont.port = (slot << 3) + function
    elif cont.model == "pcie-switch-downstream-port":
        if cont.chassis is None:
            cont.chassis = cont.index
        if cont.port is None:
            cont.port = slot

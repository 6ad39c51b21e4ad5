"""Post-parse defaults of character devices.

What libvirt 1.3.1 does for <serial>, <parallel>, <console> and <channel>
after parsing: numbering target ports, resolving the console target type per
architecture, the serial/console compatibility rules
(virDomainDefAddConsoleCompat) and, with ``-device``, the virtio-serial
port assignment of channels and consoles
(qemuDomainAssignVirtioSerialAddresses).
"""

from __future__ import annotations

from typing import Any

from ..errors import ConfigError, XMLError
from ..model.address import VirtioSerialAddress
from ..model.chardev import ChrDevice, Console, Serial
from ..model.controller import Controller
from ..model.domain import Domain

# virtio-serial controllers have this many ports unless <controller ports=>
DEFAULT_VIRTIO_SERIAL_PORTS = 31


def dom_os_type(dom: Domain) -> str:
    return dom.os.type or "hvm"


def dom_arch(dom: Domain) -> str:
    return dom.os.arch or ""


def dom_machine(dom: Domain) -> str:
    return dom.os.machine or ""


def is_s390(dom: Domain) -> bool:
    return dom_arch(dom) in ("s390", "s390x")


def is_pseries(dom: Domain) -> bool:
    return dom_arch(dom) in ("ppc64", "ppc64le") and dom_machine(dom).startswith("pseries")


# VIR_MAX_ISA_SERIAL_PORTS
_MAX_ISA_SERIAL_PORTS = 4


def _number_serials_modern(dom: Domain) -> None:
    """libvirt 9.0: explicit isa-serial ports take the free ISA ports
    (virDomainChrIsaSerialDefPostParse), then any other serial port without
    one the highest port of them all plus one (virDomainChrDefPostParse)."""
    serials = dom.devices.serials
    isa = [s for s in serials if s.target_type == "isa-serial"]
    used: set[int] = set()
    for n, dev in enumerate(isa):
        if n >= _MAX_ISA_SERIAL_PORTS or (dev.port or 0) >= _MAX_ISA_SERIAL_PORTS:
            raise ConfigError("Maximum supported number of ISA serial ports is "
                              f"'{_MAX_ISA_SERIAL_PORTS}'", code="internal error")
        if dev.port is not None:
            if dev.port in used:
                raise ConfigError(f"target port '{dev.port}' already allocated",
                                  code="internal error")
            used.add(dev.port)
    for dev in isa:
        if dev.port is None:
            dev.port = next(p for p in range(_MAX_ISA_SERIAL_PORTS) if p not in used)
            used.add(dev.port)
    for dev in serials:
        if dev.port is None:
            dev.port = max((s.port for s in serials if s.port is not None), default=-1) + 1


def number_ports(dom: Domain) -> None:
    """Target ports as the 1.3.1 parser gives them: a serial or parallel
    port without one takes the highest earlier port plus one; a console's
    port is its position. libvirt 9.0 numbers serial ports its own way."""
    if dom.modern:
        _number_serials_modern(dom)
    for devs in (dom.devices.parallels,) if dom.modern else (dom.devices.serials,
                                                            dom.devices.parallels):
        highest = -1
        for dev in devs:
            if dev.port is None:
                dev.port = highest + 1
            highest = max(highest, dev.port)
    for i, console in enumerate(dom.devices.consoles):
        console.port = i


def resolve_console_targets(dom: Domain) -> None:
    """A console without a target type is virtio on s390 (libvirt 1.3.1's
    QEMU driver; 9.0 makes it the sclp serial port) and serial everywhere
    else."""
    for dev in dom.devices.consoles:
        if dev.target_type == "none":
            dev.target_type = "virtio" if is_s390(dom) and not dom.modern else "serial"


def add_console_compat(dom: Domain) -> None:
    """virDomainDefAddConsoleCompat: the first console of an HVM guest may
    be the first serial port; make the two agree."""
    devs = dom.devices
    hvm = dom_os_type(dom) == "hvm"
    if devs.consoles and hvm and devs.consoles[0].target_type in ("serial", "none"):
        for cons in devs.consoles[1:]:
            if cons.target_type == "serial":
                raise XMLError("Only the first console can be a serial port")
        first = devs.consoles[0]
        if not devs.serials:
            # the console becomes the serial port; a stub console stays
            serial = Serial(
                source=first.source,
                target_type=None if dom.modern else "isa-serial",
                port=0,
                info=first.info,
            )
            devs.serials.append(serial)
            devs.consoles[0] = Console(target_type="serial", port=0)
        elif not devs.serials[0].source.same_as(first.source):
            devs.consoles[0] = Console(target_type="serial", port=0)
    elif (
        hvm
        and devs.serials
        and devs.serials[0].target_type in (_STUB_CONSOLE_TYPES_MODERN if dom.modern
                                            else ("isa-serial",))
    ):
        # an implicit console for the first serial port
        devs.consoles.insert(0, Console(target_type="serial", port=0))


# libvirt 9.0: the serial target types a stub console stands for.
_STUB_CONSOLE_TYPES_MODERN = (
    "isa-serial", "spapr-vio-serial", "system-serial", "sclp-serial", None,
)
_SERIAL_MODEL_OF_TYPE = {
    "isa-serial": "isa-serial", "usb-serial": "usb-serial", "pci-serial": "pci-serial",
    "spapr-vio-serial": "spapr-vty", "sclp-serial": "sclpconsole", "isa-debug": "isa-debugcon",
}


def is_arm_virt(dom: Domain) -> bool:
    m = dom_machine(dom)
    virt = m == "virt" or m.startswith("virt-")
    return dom_arch(dom) in ("armv6l", "armv7l", "aarch64") and virt


def is_riscv_virt(dom: Domain) -> bool:
    m = dom_machine(dom)
    return dom_arch(dom) in ("riscv32", "riscv64") and (m == "virt" or m.startswith("virt-"))


def serial_target_defaults(dom: Domain, serial: ChrDevice) -> None:
    """qemuDomainChrDefPostParse (libvirt 9.0): a serial's target type by
    machine ('isa-serial' counts as unset, as it always was the default),
    then the device model of its type."""
    if serial.target_type == "isa-debug" and dom_arch(dom) not in ("i686", "x86_64"):
        # virDomainChrDefPostParse
        raise ConfigError("isa-debug serial type only valid on x86 architecture")
    if serial.target_type == "isa-serial":
        serial.target_type = None
    if serial.target_type is None:
        if dom_arch(dom) in ("i686", "x86_64"):
            serial.target_type = "isa-serial"
        elif is_pseries(dom):
            serial.target_type = "spapr-vio-serial"
        elif is_arm_virt(dom) or is_riscv_virt(dom):
            serial.target_type = "system-serial"
        elif is_s390(dom):
            serial.target_type = "sclp-serial"
    if serial.target_model is None:
        if serial.target_type == "system-serial":
            if is_arm_virt(dom):
                serial.target_model = "pl011"
            elif is_riscv_virt(dom):
                serial.target_model = "16550a"
        else:
            serial.target_model = _SERIAL_MODEL_OF_TYPE.get(serial.target_type or "")


def chardev_post_parse(dom: Domain, caps: Any = None) -> None:
    """Every parse-time default of the family, in libvirt's order."""
    number_ports(dom)
    resolve_console_targets(dom)
    if dom.modern:
        for serial in dom.devices.serials:
            serial_target_defaults(dom, serial)
    add_console_compat(dom)
    if dom.modern and dom.devices.serials:
        # The console may have become the first serial port.
        serial_target_defaults(dom, dom.devices.serials[0])


# -- virtio-serial port assignment (qemuDomainAssignVirtioSerialAddresses)


def _vioserial_controllers(dom: Domain) -> list[tuple[int, int]]:
    """(index, ports) of each virtio-serial controller in definition order."""
    out = []
    for cont in dom.devices.controllers:
        if cont.type != "virtio-serial":
            continue
        ports = cont.ports
        nports = ports if ports is not None and ports != -1 else DEFAULT_VIRTIO_SERIAL_PORTS
        out.append((cont.index, nports))
    return sorted(out, key=lambda c: c[0])


class _PortSet:
    def __init__(self, controllers: list[tuple[int, int]], autoadd: Domain | None) -> None:
        self.order = [idx for idx, _ in controllers]
        self.size = dict(controllers)
        self.used: dict[int, set[int]] = {idx: set() for idx, _ in controllers}
        # libvirt 9.0 adds a controller to the domain when all ports are taken
        self.autoadd = autoadd

    def reserve(self, addr: VirtioSerialAddress) -> None:
        if addr.port == 0:
            return
        if addr.controller not in self.size:
            raise ConfigError(f"virtio serial controller {addr.controller} is missing")
        if addr.port >= self.size[addr.controller]:
            raise ConfigError(
                f"virtio serial controller {addr.controller} does not have port {addr.port}"
            )
        if addr.port in self.used[addr.controller]:
            raise ConfigError(
                f"virtio serial port {addr.port} on controller {addr.controller} "
                "is already occupied"
            )
        self.used[addr.controller].add(addr.port)

    def _free(self, idx: int, start: int) -> int | None:
        for port in range(start, self.size[idx]):
            if port not in self.used[idx]:
                return port
        return None

    def next(self, allow_zero: bool) -> VirtioSerialAddress:
        if not self.order:
            raise ConfigError("no virtio-serial controllers are available")
        for idx in self.order:
            port = self._free(idx, 0 if allow_zero else 1)
            if port is not None:
                return VirtioSerialAddress(idx, 0, port)
        if self.autoadd is not None:
            return self._add_controller(self.autoadd, 0 if allow_zero else 1)
        raise ConfigError("Unable to find a free virtio-serial port")

    def _add_controller(self, dom: Domain, port: int) -> VirtioSerialAddress:
        """virDomainVirtioSerialAddrSetAutoaddController: the first free
        controller index gets a controller with the default ports."""
        used = {c.index for c in dom.devices.controllers if c.type == "virtio-serial"}
        idx = next(i for i in range(len(used) + 1) if i not in used)
        dom.devices.controllers.append(Controller(type="virtio-serial", index=idx))
        self.order.append(idx)
        self.size[idx] = DEFAULT_VIRTIO_SERIAL_PORTS
        self.used[idx] = set()
        return VirtioSerialAddress(idx, 0, port)

    def next_on(self, idx: int) -> VirtioSerialAddress:
        if idx not in self.size:
            raise ConfigError(f"virtio-serial controller {idx} not available")
        port = self._free(idx, 1)
        if port is None:
            raise ConfigError(f"Unable to find a free port on virtio-serial controller {idx}")
        return VirtioSerialAddress(idx, 0, port)


def assign_virtio_serial_ports(dom: Domain) -> None:
    """Give virtio consoles and channels their virtio-serial ports.

    Ports given in the definition are reserved first; a console then takes
    the first free port (0 allowed) but keeps no address of its own, and a
    channel takes the first free port from 1, on its own controller if the
    definition named one.
    """
    chr_devs = _all_chr(dom)
    if not any(dev.target_type == "virtio" or isinstance(dev.info.address, VirtioSerialAddress)
               for dev in chr_devs):
        return  # no port to reserve or assign (the usual case)
    ports = _PortSet(_vioserial_controllers(dom), dom if dom.modern else None)
    for dev in chr_devs:
        addr = dev.info.address
        if isinstance(addr, VirtioSerialAddress):
            ports.reserve(addr)
    for dev in dom.devices.consoles:
        if dev.target_type == "virtio" and not _complete(dev):
            addr = dev.info.address
            if isinstance(addr, VirtioSerialAddress):
                ports.reserve(ports.next_on(addr.controller))
            else:
                ports.reserve(ports.next(allow_zero=True))
    for dev in dom.devices.channels:
        if dev.target_type == "virtio" and not _complete(dev):
            addr = dev.info.address
            if isinstance(addr, VirtioSerialAddress):
                new = ports.next_on(addr.controller)
            else:
                new = ports.next(allow_zero=False)
            ports.reserve(new)
            dev.info.address = new


def _complete(dev: ChrDevice) -> bool:
    addr = dev.info.address
    return isinstance(addr, VirtioSerialAddress) and addr.port != 0


def _all_chr(dom: Domain) -> list[ChrDevice]:
    d = dom.devices
    return [*d.serials, *d.parallels, *d.channels, *d.consoles]

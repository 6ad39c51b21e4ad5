"""<alias>, <address>, <boot>, <rom> and <master> of any device."""

from __future__ import annotations

import re

from ..errors import ConfigError, XMLError
from ..limits import CONTROLLERS_MAX, UINT_MAX, ULLONG_MAX
from ..model.address import (
    Address,
    CCIDAddress,
    CCWAddress,
    DeviceInfo,
    DIMMAddress,
    DriveAddress,
    ISAAddress,
    PCIAddress,
    SpaprVioAddress,
    UnassignedAddress,
    USBAddress,
    VirtioMMIOAddress,
    VirtioS390Address,
    VirtioSerialAddress,
)
from ..xmlreader import Element, child, children_by_tag, parse_int
from .context import ParseContext
from .prop_errors import invalid_uint


def _uint(el: Element, name: str, base: int = 10, default: int = 0,
          limit: int = UINT_MAX) -> int:
    value = el.get(name)
    if value is None:
        return default
    try:
        number = parse_int(value, base)
    except ValueError:
        raise XMLError(f"Cannot parse <address> '{name}' attribute") from None
    if number < 0 or number > limit:  # virStrToLong_uip (ullp for a DIMM base)
        raise XMLError(f"Cannot parse <address> '{name}' attribute")
    return number


def _controller(el: Element) -> int:
    """The controller of a drive, virtio-serial or ccid address: every
    controller up to it is added, so it is bounded."""
    number = _uint(el, "controller")
    if number >= CONTROLLERS_MAX:
        raise XMLError(
            f"<address> 'controller' attribute {number} is above the limit of "
            f"{CONTROLLERS_MAX - 1}"
        )
    return number


def parse_pci_address(el: Element, *, modern: bool = False) -> PCIAddress:
    addr = PCIAddress(
        domain=_uint(el, "domain", 0),
        bus=_uint(el, "bus", 0),
        slot=_uint(el, "slot", 0),
        function=_uint(el, "function", 0),
    )
    multi = el.get("multifunction")
    if multi is not None:
        if multi not in ("on", "off"):
            raise XMLError(f"Unknown value '{multi}' for <address> 'multifunction' attribute")
        addr.multifunction = multi == "on"
    if (addr.domain, addr.bus, addr.slot, addr.function) != (0, 0, 0, 0):
        validate_pci_address(addr)
    zpci = child(el, "zpci")
    if zpci is not None:
        if modern:
            _parse_zpci_modern(zpci, addr)
        else:
            _parse_zpci(zpci, addr)
    return addr


def _parse_zpci_modern(el: Element, addr: PCIAddress) -> None:
    """9.0 reads any unsigned uid and fid (virXMLPropUInt, base 0) and leaves
    the uid's range to validation."""
    for name in ("uid", "fid"):
        raw = el.get(name)
        if raw is None:
            continue
        try:
            value = int(raw, 0)
        except ValueError:
            raise invalid_uint(name, "zpci", raw) from None
        if not 0 <= value <= 0xFFFFFFFF:
            raise invalid_uint(name, "zpci", raw)
        setattr(addr, f"zpci_{name}", value)


def _parse_zpci(el: Element, addr: PCIAddress) -> None:
    """virZPCIDeviceAddressParseXML: uid 0x0001-0xffff, fid 32 bits."""
    for name, low, high in (("uid", 1, 0xFFFF), ("fid", 0, 0xFFFFFFFF)):
        raw = el.get(name)
        if raw is None:
            continue
        try:
            value = int(raw, 0)
        except ValueError:
            raise XMLError(f"Cannot parse <address> '{name}' attribute") from None
        if not low <= value <= high:
            # qemuValidateDomainDeviceDefZPCIAddress's wording
            raise XMLError(f"Invalid PCI address {name}='0x{value:04x}', "
                           f"must be > 0x0000 and <= 0x{high:04x}" if low else
                           f"Invalid PCI address {name}='0x{value:x}', must be <= 0x{high:x}")
        setattr(addr, f"zpci_{name}", value)


def validate_pci_address(addr: PCIAddress) -> None:
    if addr.domain > 0xFFFF:
        raise XMLError(f"Invalid PCI address domain='0x{addr.domain:x}', must be <= 0xFFFF")
    if addr.bus > 0xFF:
        raise XMLError(f"Invalid PCI address bus='0x{addr.bus:x}', must be <= 0xFF")
    if addr.slot > 0x1F:
        raise XMLError(f"Invalid PCI address slot='0x{addr.slot:x}', must be <= 0x1F")
    if addr.function > 7:
        raise XMLError(f"Invalid PCI address function=0x{addr.function:x}, must be <= 7")


_USB_PORT = re.compile(r"^[0-9]+(\.[0-9]+){0,3}$")


def parse_address(el: Element, *, modern: bool = False) -> Address | None:
    kind = el.get("type")
    if not kind:
        raise XMLError("No type specified for device address")
    if kind == "pci":
        return parse_pci_address(el, modern=modern)
    if kind == "drive":
        return DriveAddress(
            _controller(el), _uint(el, "bus"), _uint(el, "target"), _uint(el, "unit")
        )
    if kind == "virtio-serial":
        return VirtioSerialAddress(_controller(el), _uint(el, "bus"), _uint(el, "port"))
    if kind == "ccid":
        return CCIDAddress(_controller(el), _uint(el, "slot"))
    if kind == "usb":
        port = el.get("port")
        if port is not None and not _USB_PORT.match(port) and modern:
            raise XMLError("Cannot parse <address> 'port' attribute", code="internal error")
        if port is not None and not _USB_PORT.match(port):
            raise XMLError(f"Cannot parse <address> 'port' attribute: '{port}'")
        return USBAddress(_uint(el, "bus"), port)
    if kind == "spapr-vio":
        reg = el.get("reg")
        if reg is None:
            return SpaprVioAddress(None)
        try:
            number = int(reg, 16)
        except ValueError:
            if modern:
                raise invalid_uint("reg", "address", reg) from None
            raise XMLError("Cannot parse <address> 'reg' attribute") from None
        if modern:
            # 9.0 reads 64 bits and leaves the 32-bit limit to validation.
            if not 0 <= number <= ULLONG_MAX:
                raise invalid_uint("reg", "address", reg)
            return SpaprVioAddress(number)
        if not 0 <= number <= UINT_MAX:  # virStrToLong_ui
            raise XMLError("Cannot parse <address> 'reg' attribute")
        return SpaprVioAddress(number)
    if kind == "ccw":
        names = ("cssid", "ssid", "devno")
        given = [el.get(n) is not None for n in names]
        if any(given) and not all(given):
            raise XMLError("Invalid partial specification for virtio ccw address")
        if not any(given):
            return CCWAddress(-1, -1, -1)  # to be assigned
        addr = CCWAddress(_uint(el, "cssid", 0), _uint(el, "ssid", 0), _uint(el, "devno", 0))
        if addr.cssid > 0xFE or addr.ssid > 3 or addr.devno > 0xFFFF:
            raise XMLError("Invalid specification for virtio ccw address")
        return addr
    if kind == "virtio-s390":
        return VirtioS390Address()
    if kind == "virtio-mmio":
        return VirtioMMIOAddress()
    if kind == "unassigned" and modern:
        return UnassignedAddress()
    if kind == "isa":
        iobase = el.get("iobase")
        irq = el.get("irq")
        return ISAAddress(
            _uint(el, "iobase", 16) if iobase is not None else None,
            _uint(el, "irq", 16) if irq is not None else None,
        )
    if kind == "unassigned" and modern:
        return UnassignedAddress()
    if kind == "dimm":
        base = el.get("base")
        return DIMMAddress(
            _uint(el, "slot"),
            _uint(el, "base", 16, limit=ULLONG_MAX) if base is not None else 0,
        )
    raise XMLError(f"unknown address type '{kind}'")




def parse_device_info(
    el: Element,
    ctx: ParseContext,
    info: DeviceInfo | None = None,
    *,
    allow_boot: bool = False,
    allow_rom: bool = False,
) -> DeviceInfo:
    """Read the device-info children of ``el`` (virDomainDeviceInfoParseXML)."""
    info = info or DeviceInfo()
    # The first child of each name, from the element's index taken once.
    kids = children_by_tag(el)
    if not kids:  # many devices have no child elements at all
        return info
    found = kids.get("alias")
    alias = found[0] if found else None
    if alias is not None and ctx.inactive and not (
            ctx.modern and _is_user_alias(alias.get("name"))):
        alias = None
    found = kids.get("address")
    address = found[0] if found else None
    found = kids.get("master")
    master = found[0] if found else None
    found = kids.get("boot") if allow_boot else None
    boot = found[0] if found else None
    found = kids.get("rom") if allow_rom else None
    rom = found[0] if found else None
    if alias is not None:
        info.alias = alias.get("name")
    if master is not None:
        startport = master.get("startport")
        if startport is None:
            raise XMLError("missing startport for USB master")
        try:
            info.usb_master_startport = int(startport)
        except ValueError:
            raise XMLError(f"Cannot parse 'startport' attribute '{startport}'") from None
    if boot is not None:
        info.boot_order = parse_boot_order(boot, ctx)
        if ctx.modern:
            info.loadparm = parse_loadparm(boot)
    if rom is not None and ctx.modern:
        _parse_rom_modern(rom, info)
    elif rom is not None:
        bar = rom.get("bar")
        if bar is not None:
            if bar not in ("on", "off"):
                raise XMLError(f"unknown rom bar value '{bar}'")
            info.rom_bar = bar == "on"
        info.rom_file = rom.get("file")
    if ctx.modern:
        found = kids.get("acpi")
        acpi = found[0] if found else None
        if acpi is not None and acpi.get("index") is not None:
            info.acpi_index = _acpi_index(acpi.get("index") or "")
    if address is not None:
        info.address = parse_address(address, modern=ctx.modern)
    return info


# virDomainDeviceLoadparmIsValid: up to 8 of these characters.
_LOADPARM_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789. ")


def parse_loadparm(boot: Element) -> str | None:
    """virDomainDeviceBootParseXML: the loadparm, upper-cased and checked."""
    raw = boot.get("loadparm")
    if raw is None:
        return None
    value = raw.upper()
    if not value or len(value) > 8:
        raise XMLError(f"loadparm value '{value}' must be between 1 and 8 characters",
                       code="internal error")
    if not set(value) <= _LOADPARM_CHARS:
        raise XMLError(f"invalid loadparm value '{value}', expecting chars in set of "
                       "[a-zA-Z0-9.] and blank spaces", code="internal error")
    return value


# virDomainDeviceAliasIsUserAlias and USER_ALIAS_CHARS: libvirt 9.0 keeps an
# alias the user chose (ua-...) in a persistent definition.
_USER_ALIAS = re.compile(r"ua-[A-Za-z0-9_-]*")


def _is_user_alias(name: str | None) -> bool:
    return name is not None and _USER_ALIAS.fullmatch(name) is not None


def _tristate(el: Element, name: str, values: tuple[str, str]) -> bool | None:
    """virXMLPropTristateBool/Switch: ``values`` are the true and false words."""
    value = el.get(name)
    if value is None:
        return None
    if value not in values:
        raise XMLError(f"Invalid value for attribute '{name}' in element '{el.tag}': '{value}'.")
    return value == values[0]


def _parse_rom_modern(rom: Element, info: DeviceInfo) -> None:
    info.rom_enabled = _tristate(rom, "enabled", ("yes", "no"))
    info.rom_bar = _tristate(rom, "bar", ("on", "off"))
    info.rom_file = rom.get("file")
    if info.rom_enabled is False and (info.rom_bar is not None or info.rom_file is not None):
        raise ConfigError("ROM tuning is not supported when ROM is disabled")


def _acpi_index(value: str) -> int:
    """virXMLPropUInt with VIR_XML_PROP_NONZERO."""
    try:
        number = int(value, 10)
    except ValueError:
        number = -1
    if number < 0 or number > 0xFFFFFFFF:
        raise XMLError(f"Invalid value for attribute 'index' in element 'acpi': '{value}'. "
                       "Expected non-negative integer value")
    if number == 0:
        raise XMLError("Invalid value for attribute 'index' in element 'acpi': "
                       "Zero is not permitted")
    return number


def parse_boot_order(boot: Element, ctx: ParseContext) -> int:
    order = boot.get("order")
    if order is None:
        raise XMLError("missing boot order attribute")
    try:
        value = int(order)
    except ValueError:
        value = 0
    if value <= 0:
        raise XMLError(f"incorrect boot order '{order}', expecting positive integer")
    if value in ctx.boot_orders:
        raise XMLError(f"boot order '{order}' used for more than one device")
    ctx.boot_orders.add(value)
    loadparm = boot.get("loadparm")
    if loadparm is not None and ctx.modern:
        _check_loadparm(loadparm.upper())
    return value


_LOADPARM = re.compile(r"[A-Za-z0-9. ]*")


def _check_loadparm(loadparm: str) -> None:
    """virDomainDeviceLoadparmIsValid (9.0): s390 IPL load parameters."""
    if not 1 <= len(loadparm) <= 8:
        raise XMLError(f"loadparm value '{loadparm}' must be between 1 and 8 characters",
                       code="internal error")
    if not _LOADPARM.fullmatch(loadparm):
        raise XMLError(f"invalid loadparm value '{loadparm}', expecting chars in set of "
                       "[a-zA-Z0-9.] and blank spaces", code="internal error")
